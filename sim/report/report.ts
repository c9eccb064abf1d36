/**
 * The JSON report, version 1 (docs/report.md). Times are ms of simulated time since the
 * start; null where a thing did not happen. Fields may be added (documented in docs/report.md);
 * none may be renamed or removed without a migration path.
 */
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
  max: number;
  maxHolders: number;
}

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
  reboots: { total: number; maxConcurrent: number };
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
  };
  /** Per lock group (scenario reboot.lockGroup): its max and the most holders seen; [] without a lock. */
  locks: LockReport[];
  invariants: { violations: number; list: InvariantViolation[] };
  expectations: ExpectationResult[];
}
