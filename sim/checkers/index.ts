import type { InvariantViolation } from '../report/report.ts';
import type { CheckedRun } from './context.ts';
import { installBootPartitionChecker } from './boot-partition.ts';
import { installCommittedLogChecker } from './committed-log.ts';
import { installLeaderPerTermChecker } from './leader-per-term.ts';
import { installLivenessChecker } from './liveness.ts';
import { installLockHoldersChecker } from './lock-holders.ts';
import { installRebootWindowChecker } from './reboot-window.ts';
import { installVersionChangeChecker } from './version-change.ts';
import { Violations } from './violations.ts';
import { installWorkloadCheckers } from './workloads.ts';

/**
 * The invariant checkers of a run (after TigerBeetle's `state_checker`): modules of their
 * own that subscribe to the trace and to the etcd cluster's hooks, never inside the model. Each
 * violation is recorded with its time, checker and message; the report lists the first 1,000
 * and counts them all (docs/faults.md lists the checkers).
 */
export { LOCK_HOLDERS } from './lock-holders.ts';
export { LEADER_PER_TERM } from './leader-per-term.ts';
export { COMMITTED_LOG } from './committed-log.ts';
export { BOOT_PARTITION } from './boot-partition.ts';
export { VERSION_CHANGE } from './version-change.ts';
export { LIVENESS } from './liveness.ts';
export { WORKLOAD_BUDGET, WORKLOAD_DOWN_NODE, WORKLOAD_LIVENESS } from './workloads.ts';
export { REBOOT_WINDOW } from './reboot-window.ts';

export interface Checkers {
  readonly violations: Violations;
  /** At the end of the run (the horizon reached): the liveness check. */
  finish(nowMs: number): void;
  report(): { violations: number; list: InvariantViolation[]; excused: InvariantViolation[] };
}

export function installCheckers(run: Omit<CheckedRun, 'violations'>): Checkers {
  const violations = new Violations();
  const checked: CheckedRun = { ...run, violations };
  installLockHoldersChecker(checked);
  installLeaderPerTermChecker(checked);
  installCommittedLogChecker(checked);
  installBootPartitionChecker(checked);
  installVersionChangeChecker(checked);
  installRebootWindowChecker(checked);
  const liveness = installLivenessChecker(checked);
  const workloads = installWorkloadCheckers(checked);
  return {
    violations,
    finish: (nowMs) => {
      liveness.finish(nowMs);
      workloads.finish(nowMs);
    },
    report: () => violations.report(),
  };
}
