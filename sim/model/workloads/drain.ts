import { assert } from '../../engine/assert.ts';
import { InstanceState, type InstanceTable } from './instances.ts';
import { EVICTION_RETRY_MS, type DisruptionBudget } from './pdb.ts';

/**
 * One node's drain, as kured runs it through kubectl's drain helper (kured cmd/kured/main.go,
 * drain -> kubectl pkg/drain/drain.go, RunNodeDrain -> evictPods): every instance on the node gets
 * an eviction request; a request the PDB refuses with 429 is sent again 5 s later
 * ("error when evicting pods ... (will retry after 5s)"), until every instance is gone or the
 * drain's global timeout (kured --drain-timeout; 0 = none) expires.
 *
 * What happens at the timeout is the agent's choice, not the drain's (kured cmd/kured/main.go,
 * rebootAsRequired): with --force-reboot the node reboots anyway (the report's `reboots.forced`);
 * without, kured releases the lock, uncordons, and tries again at a later period.
 */
export type DrainStep =
  | { kind: 'drained'; evicted: number[] }
  | { kind: 'retry'; atMs: number; evicted: number[]; refused: number }
  | { kind: 'timedOut'; evicted: number[]; remaining: number };

export class NodeDrain {
  /** Node-time spent with at least one eviction refused (the report's `drain.blockedMs`). */
  blockedMs = 0;
  private blockedSinceMs: number | null = null;

  constructor(
    readonly nodeId: number,
    readonly startedMs: number,
    /** 0 = wait for evictions forever (kured --drain-timeout default). */
    readonly timeoutMs: number,
  ) {
    assert(timeoutMs >= 0, `NodeDrain: timeout ${timeoutMs} ms < 0`);
  }

  /**
   * One round of eviction requests at `nowMs` for the instances still on the node. A granted
   * eviction stops the instance at once (no graceful termination period in this model) and
   * `onEvicted` reschedules it; a refused one counts in `onRefused`.
   */
  attempt(
    nowMs: number,
    table: InstanceTable,
    budgetOf: (workload: number) => DisruptionBudget | null,
    onRefused: (workload: number) => void,
    onGranted: (workload: number, readyBefore: number, wasReady: boolean) => void = () => {},
  ): DrainStep {
    const evicted: number[] = [];
    let refused = 0;
    // A copy: evictions edit the node's index while we walk it.
    for (const instance of [...table.instancesOn(this.nodeId)]) {
      const workload = table.workload[instance];
      const budget = budgetOf(workload);
      const ready = table.state[instance] === InstanceState.Ready;
      const answer = budget === null ? { granted: true, counted: false } : budget.evict(table.ready(workload), ready);
      if (!answer.granted) {
        refused++;
        onRefused(workload);
        continue;
      }
      onGranted(workload, table.ready(workload), ready);
      table.evict(instance);
      if (answer.counted) budget?.observeStopped();
      evicted.push(instance);
    }
    if (refused === 0) {
      this.closeBlocked(nowMs);
      return { kind: 'drained', evicted };
    }
    if (this.blockedSinceMs === null) this.blockedSinceMs = nowMs;
    const retryAtMs = nowMs + EVICTION_RETRY_MS;
    if (this.timeoutMs > 0 && retryAtMs > this.startedMs + this.timeoutMs) {
      this.closeBlocked(this.startedMs + this.timeoutMs);
      return { kind: 'timedOut', evicted, remaining: refused };
    }
    return { kind: 'retry', atMs: retryAtMs, evicted, refused };
  }

  /** blockedMs counted up to `nowMs`, for a drain still running (a report in the middle of it). */
  blockedUntil(nowMs: number): number {
    return this.blockedMs + (this.blockedSinceMs === null ? 0 : Math.max(0, nowMs - this.blockedSinceMs));
  }

  /** The node went down before the drain ended: the time blocked so far is counted, nothing after. */
  cancel(nowMs: number): void {
    this.closeBlocked(nowMs);
  }

  private closeBlocked(nowMs: number): void {
    if (this.blockedSinceMs === null) return;
    this.blockedMs += Math.max(0, nowMs - this.blockedSinceMs);
    this.blockedSinceMs = null;
  }
}
