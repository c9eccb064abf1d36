/**
 * The JSON report, version 1 (docs/report.md). Times are ms of simulated time since the
 * start; null where a thing did not happen. Fields may be added (documented in docs/report.md);
 * none may be renamed or removed without a migration path.
 */
import type { WorkloadReport } from '../model/workloads/availability.ts';

export const REPORT_FORMAT = 'report/v1';

export interface Interval {
  start: number;
  end: number;
}

export interface InvariantViolation {
  time: number;
  checker: string;
  message: string;
}

export interface ExpectationResult {
  expr: string;
  ok: boolean;
  actual: unknown;
}

export interface LockReport {
  group: string;
  /** The lock protocol its agents speak (sim/agents/registry.ts LOCK_PROTOCOLS). */
  protocol: string;
  /** The reboot agents of its fleet groups (reboot.groups.<g>.agent), in file order. */
  agents: string[];
  max: number;
  maxHolders: number;
}

// A workload's availability over the run (sim/model/workloads/availability.ts defines it):
// `availability` = share of the horizon with at least minAvailable instances ready (and, with
// discovery, registered); belowMinMs and quorumLostMs the time below minAvailable and below
// quorum; minReady the fewest ready at once once the initial placement was all ready;
// evictionsRefused the 429s its budget answered.
export type { WorkloadReport };

export interface Report {
  fleetsim: typeof REPORT_FORMAT;
  scenario: string;
  seed: number;
  duration: number;
  /** Wall-clock time of the run in ms; measured by the caller (sim/ never reads the clock). */
  wallMs: number;
  events: number;
  traceHash: string;
  /** Additions to report/v1 (documented): */
  fidelity: 'fast' | 'full';
  transitions: number;
  traceEvents: number;
  fleet: {
    nodes: number;
    updated: number;
    updatedFraction: number;
    rolledBack: number;
    failed: number;
    /** Update attempts that ended in failure (an error or a rollback); a node may count several times. */
    failedAttempts: number;
    /** Boot reports (Omaha 3/2, 3/0 error 44) whose one request failed: lost, never resent. */
    bootReportsLost: number;
    /** Nodes running a release that breaks their workloads (workloadFailureProbability) at the end. */
    workloadsFailing: number;
    down: number;
    versions: Record<string, number>;
  };
  rollout: {
    completed: boolean;
    halted: boolean;
    startedAt: number | null;
    completedAt: number | null;
    duration: number | null;
    t50: number | null;
    t90: number | null;
    t99: number | null;
  };
  /** outsideWindow: reboots that started outside the node's reboot window (its own clock). */
  /** forced: reboots that went ahead after a drain timeout (kured --force-reboot). */
  reboots: { total: number; maxConcurrent: number; outsideWindow: number; forced: number };
  availability: { maxDown: number; maxDownFraction: number; nodeDowntime: number };
  etcd: {
    members: number;
    elections: number;
    leaderChanges: number;
    leaderless: number;
    quorumLost: number;
    maxLockHolders: number;
    requests: number;
    outages: Interval[];
  };
  server: {
    requests: number;
    peakRequestsPerMinute: number;
    peakConcurrentDownloads: number;
    bytesServed: number;
    /** Update grants made. */
    grants: number;
    /** What the server believes from the reports it received (3/2 and 3/0), distinct from `fleet`. */
    view: { updateComplete: number; updateFailed: number; inProgress: number; reset: number; refusedInProgress: number };
  };
  /** Every fault of the timeline with how many nodes or members it hit (0: `note` says why). */
  faults: { kind: string; at: number; targets: number; note: string }[];
  /** Per lock group (scenario reboot.lockGroup): its max and the most holders seen; [] without a lock. */
  locks: LockReport[];
  /**
   * Node-time drains spent with evictions refused by a PodDisruptionBudget, and drains that ran
   * out of time (docs/workloads.md); zeros without workloads.
   */
  drain: { blockedMs: number; timeouts: number };
  /** One entry per workload of the scenario (docs/workloads.md); [] without workloads. */
  workloads: WorkloadReport[];
  /**
   * `excused`: findings that are not violations because the real system does the same (a
   * liveness check defeated by locksmith's ghost holder, docs/faults.md); never counted.
   */
  invariants: { violations: number; list: InvariantViolation[]; excused: InvariantViolation[] };
  expectations: ExpectationResult[];
}
