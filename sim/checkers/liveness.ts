import type { TraceEvent } from '../engine/trace.ts';
import type { CheckedRun } from './context.ts';
import { lockGroupOfKey, parseLocksmithHolders } from './lock-holders.ts';

/**
 * Liveness after faults (TigerBeetle's VOPR: a safety phase with faults, then a liveness phase
 * that heals and must converge in bounded time). When a run had faults, then from the moment the
 * last one healed (or the last release was published, if later), the rollout must settle within
 * `liveness.bound`: every update group either
 * - is halted or paused by policy (the rollout controller halted it, an operator paused it, or
 *   Nebraska switched its updates off), or
 * - has every node running the group's target version, or having failed it (an error or a
 *   rollback that update_engine reported). Nebraska offers a failed version again, so such a
 *   node may loop install -> reboot -> rollback for good: its loops (boots, further failures)
 *   are not progress towards settling.
 * Nodes killed for good by a fault are excused, and so are kured nodes that a blocker held at every
 * tick inside their window since the liveness phase began (an alert flapping in phase with
 * --period holds the same nodes for good: sim/model/world/kured-ticks.ts). The check runs once, at the end of the run, and
 * only when it can be judged: the run reached the deadline, and no fault that never heals
 * (an etcd member killed for good; a dead lock holder whose slot never frees) holds the rollout.
 *
 * A lock held for good by ghost holders is the real system's own dead end, so the nodes behind it
 * are excused too, and the run says so (`invariants.excused`, never silent). A ghost holder is a
 * locksmithd node up and waiting for the lock (locking, backoff) that is itself a holder in the
 * committed semaphore without knowing it (holdsLock 0): its lock CAS committed but the answer was
 * lost. locksmith's Semaphore.Lock (lock/semaphore.go) checks `s.Semaphore <= 0` before looking
 * for the holder, so once ghosts fill every slot, their own retries fail with "semaphore is at 0"
 * as everyone else's do (locksmithctl/daemon.go lockAndReboot accepts only ErrExist), until the
 * ghost restarts (unlockHeldLocks) or an operator runs `locksmithctl unlock`. The excuse is exact:
 * every holder of the full semaphore must be such a ghost, and only nodes of that lock group
 * waiting for the lock are excused.
 */
export const LIVENESS = 'liveness';

export interface LivenessChecker {
  /** At the end of the run: judges convergence (at most once). */
  finish(nowMs: number): void;
}

const NODES_LISTED_MAX = 3;

const LOCKSMITH_PREFIX = 'coreos.com/updateengine/rebootlock/';
/** locksmithd's states while it asks for the lock (sim/model/node/agents/locksmithd.ts). */
const WAITING_FOR_LOCK = new Set(['locking', 'backoff']);

export function installLivenessChecker(run: CheckedRun): LivenessChecker {
  const { world, scenario, faults, violations } = run;
  const n = world.nodeCount;
  // The last committed value of each locksmith semaphore (ghost holders are read from it).
  const locksmithValues = new Map<string, string>();
  world.etcd?.cluster.store.observe((key, kv) => {
    if (kv !== null && key.startsWith(LOCKSMITH_PREFIX) && key.endsWith('/semaphore')) locksmithValues.set(key, kv.value);
  });
  const waitingForLock = (node: number): boolean =>
    world.rebootManager.agentOf(node).name === 'locksmithd' && WAITING_FOR_LOCK.has(world.rebootManager.stateName(node)) && !world.nodeIsDown(node);
  /** Lock groups whose locksmith semaphore is full of ghost holders, with the ghosts. */
  const ghostLockedGroups = (): Map<string, number[]> => {
    const wedged = new Map<string, number[]>();
    for (const [key, value] of locksmithValues) {
      const holders = parseLocksmithHolders(value);
      const group = lockGroupOfKey(key);
      if (holders === null || group === null || holders.free === null || holders.free > 0 || holders.ids.length === 0) continue;
      const ghosts = holders.ids.map(Number);
      const allGhosts = ghosts.every(
        (node) => Number.isInteger(node) && node >= 0 && node < n && waitingForLock(node) && world.rebootManager.get(node, 'holdsLock') === 0,
      );
      if (allGhosts) wedged.set(group, ghosts);
    }
    return wedged;
  };
  const failedVersion: (string | null)[] = new Array<string | null>(n).fill(null);
  let lastReleaseMs = 0;
  let lastProgressMs = 0;
  run.trace.subscribe((event: TraceEvent) => {
    switch (event.kind) {
      case 'server.release':
        lastReleaseMs = event.time;
        break;
      case 'server.update-failed': {
        const node = event.subject as number;
        const version = String(event.data?.version);
        if (failedVersion[node] !== version) lastProgressMs = event.time; // a first failure, not a loop
        failedVersion[node] = version;
        break;
      }
      case 'node.boot':
        if (failedVersion[event.subject as number] === null) lastProgressMs = event.time;
        break;
      case 'rollout.halted':
      case 'server.update-complete':
        lastProgressMs = event.time;
        break;
    }
  });
  let judged = false;
  return {
    finish(nowMs: number): void {
      if (judged) return;
      judged = true;
      if (faults.applied === 0 || faults.unhealed.length > 0) return;
      const boundMs = scenario.liveness.bound;
      const fromMs = Math.max(faults.lastHealMs, lastReleaseMs);
      const deadlineMs = fromMs + boundMs;
      if (deadlineMs > nowMs) return;
      const rollouts = world.server.rolloutStates();
      const ghostLocked = ghostLockedGroups();
      const behindGhosts = new Map<string, number>();
      const stuck: string[] = [];
      let stuckNodes = 0;
      rollouts.forEach((rollout, group) => {
        if (rollout.state === 'halted' || rollout.state === 'paused' || !rollout.updatesEnabled) return;
        const target = world.server.groupTarget(group);
        if (target < 0) return;
        const targetName = world.versions.name(target);
        for (let node = 0; node < n; node++) {
          if (world.nodeGroup[node] !== group || faults.deadNodes.has(node)) continue;
          if (world.kuredTicks?.heldSince(node, fromMs) === true) continue;
          const onTarget = world.nodeVersion[node] === target && !world.nodeIsDown(node);
          if (onTarget || failedVersion[node] === targetName) continue;
          if (ghostLocked.size > 0 && waitingForLock(node)) {
            const lockGroup = world.rebootGroups.lockGroupOf(node);
            if (ghostLocked.has(lockGroup)) {
              behindGhosts.set(lockGroup, (behindGhosts.get(lockGroup) ?? 0) + 1);
              continue;
            }
          }
          stuckNodes++;
          if (stuck.length < NODES_LISTED_MAX) {
            stuck.push(`${node} (${rollout.group}, ${world.versions.name(world.nodeVersion[node])}, ${world.boot.stateName(node)}/${world.updateEngine.stateName(node)}/${world.rebootManager.stateName(node)})`);
          }
        }
      });
      const since = `after the last fault healed or release came (${Math.round(fromMs)}ms), bound ${boundMs}ms`;
      for (const [group, waiting] of behindGhosts) {
        const ghosts = ghostLocked.get(group) as number[];
        violations.excuse(
          deadlineMs,
          LIVENESS,
          `lock group ${group}: ${waiting} nodes wait for good behind locksmith ghost holders [${ghosts.join(', ')}] (a lock CAS that committed unseen; ` +
            `lock/semaphore.go Semaphore.Lock answers "semaphore is at 0" to its own holder; freed only by a restart of the ghost or \`locksmithctl unlock\`), ${since}`,
        );
      }
      if (stuckNodes > 0) {
        violations.record(deadlineMs, LIVENESS, `the rollout did not settle ${since}: ${stuckNodes} nodes neither on target nor failed, e.g. ${stuck.join('; ')}`);
      } else if (lastProgressMs > deadlineMs) {
        violations.record(deadlineMs, LIVENESS, `the rollout settled only at ${Math.round(lastProgressMs)}ms, ${since}`);
      }
    },
  };
}
