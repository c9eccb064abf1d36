import type { Trace } from '../../engine/trace.ts';
import type { Action } from '../../scenario/actions.ts';
import type { Target } from '../../scenario/faults.ts';
import type { Release } from '../../scenario/release.ts';
import type { RebootLock } from '../etcd/locks/types.ts';
import type { UpdateServer } from '../server/update-server.ts';

/** What an operator acts on: the update server, the reboot lock, the trace, the release table. */
export interface OperatorTarget {
  readonly server: UpdateServer;
  readonly lock: RebootLock;
  readonly trace: Trace;
  /** The lock groups (reboot.lockGroup) of a fleet group's nodes, or every lock group for null. */
  lockGroupsFor(group: string | null): string[];
  /** Registers a release published now (the world keeps its boot-failure table). */
  addRelease(release: Release): void;
  /** Manual rollback of the target's nodes (World.rollBack): how many rolled back, how many could not. */
  rollBack(target: Target): { rolledBack: number; skipped: number };
}

/**
 * An operator action (the scenario's `actions`, or the web UI), carried out at `nowMs`: Nebraska's
 * pause, resume and policy changes, a release published by hand, `locksmithctl unlock`, Flatcar's
 * manual rollback.
 */
export function applyOperatorAction(target: OperatorTarget, action: Action, nowMs: number): void {
  switch (action.do) {
    case 'pause-rollout':
      target.server.pauseRollout(action.group, nowMs);
      break;
    case 'resume-rollout':
      target.server.resumeRollout(action.group, nowMs);
      break;
    case 'set-policy':
      target.server.setPolicy(action.group, action.policy, nowMs);
      break;
    case 'publish-release': {
      const release: Release = { ...action.release, at: nowMs };
      target.addRelease(release);
      target.server.publish(release);
      break;
    }
    case 'unlock': {
      // `locksmithctl unlock` on the lock group of the action's fleet group, or on every lock group.
      let holders = 0;
      for (const lockGroup of target.lockGroupsFor(action.group)) {
        holders += target.lock.holders(lockGroup).length;
        target.lock.unlock(lockGroup);
      }
      target.trace.emit(nowMs, 'operator.unlock', action.group ?? 'all', { holders });
      break;
    }
    case 'rollback': {
      const { rolledBack, skipped } = target.rollBack(action.target);
      target.trace.emit(nowMs, 'operator.rollback', 'nodes', { rolledBack, skipped });
      break;
    }
  }
}
