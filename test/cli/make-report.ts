// A report/v1 with every field set, for unit tests of the CLI's formatting and judging; tests
// change the fields they are about.
import type { Report } from '../../sim/report/report.ts';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

export function makeReport(changes: DeepPartial<Report> = {}): Report {
  const base: Report = {
    fleetsim: 'report/v1',
    scenario: 'test',
    seed: 1,
    duration: 172_800_000,
    wallMs: 1234,
    events: 123_456,
    traceHash: '0123456789abcdef',
    fidelity: 'fast',
    transitions: 1000,
    traceEvents: 500,
    fleet: { nodes: 1000, updated: 990, updatedFraction: 0.99, rolledBack: 3, failed: 2, failedAttempts: 3, bootReportsLost: 0, workloadsFailing: 0, down: 1, versions: { '3815.2.0': 990, '3760.2.0': 10 } },
    rollout: { completed: true, halted: false, startedAt: 3_600_000, completedAt: 97_384_000, duration: 93_784_000, t50: 36_000_000, t90: 72_000_000, t99: 90_000_000 },
    reboots: { total: 993, maxConcurrent: 1, outsideWindow: 0, forced: 0 },
    availability: { maxDown: 2, maxDownFraction: 0.002, nodeDowntime: 5_000_000 },
    etcd: { members: 5, elections: 1, leaderChanges: 0, leaderless: 1500, quorumLost: 0, maxLockHolders: 1, requests: 4000, outages: [{ start: 0, end: 1500 }] },
    server: { requests: 12_000, peakRequestsPerMinute: 200, peakConcurrentDownloads: 30, bytesServed: 297_000_000_000, grants: 995, view: { updateComplete: 990, updateFailed: 3, inProgress: 2, reset: 1, refusedInProgress: 0 } },
    faults: [],
    locks: [],
    drain: { blockedMs: 0, timeouts: 0 },
    workloads: [],
    invariants: { violations: 0, list: [], excused: [] },
    expectations: [],
  };
  const merged = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(changes)) {
    const current = merged[key];
    merged[key] = value !== null && typeof value === 'object' && !Array.isArray(value) && typeof current === 'object' ? { ...(current as object), ...value } : value;
  }
  return merged as unknown as Report;
}
