import { assert, fail } from '../../engine/assert.ts';
import type { GroupUpdateStats } from './policy.ts';

/**
 * What the update server remembers of one group's updates, enough to answer Nebraska's
 * UpdatesStats (backend/pkg/api/groups.go getGroupUpdatesStats) in O(1) amortised per check:
 * - grants in the last period: grant times are appended in time order; a pointer skips those
 *   older than the period;
 * - in progress / timed out: a grant stays "in progress" until the node reports completion
 *   (Omaha 3/2, success after reboot) or an error (3/0); it counts as timed out once older than
 *   update_timeout. Entries sit in grant order with a pointer at the timeout cutoff, so the
 *   counts move as time passes without rescanning.
 * Times only move forward, except when set-policy changes a period or timeout: then the pointers
 * are found again by binary search.
 */
export class GroupLedger {
  private grantTimes = new Float64Array(64);
  private grantCount = 0;
  private periodIndex = 0; // first grant inside the current period

  // In-progress entries, in grant order.
  private entryNode = new Int32Array(64);
  private entryDone = new Uint8Array(64);
  private entryCount = 0;
  private timeoutIndex = 0; // entries before this one are older than the timeout
  private openCount = 0; // entries not done
  private openBeforeTimeout = 0; // entries not done and timed out
  /**
   * Per node id: 1 + its open entry, 0 when none (a typed array grown to the largest node id
   * seen: a Map lookup per check and report cost ~2% of a 100k-node run).
   */
  private entryOfNode = new Int32Array(64);

  private readonly succeeded = new Map<number, number>();
  private readonly failed = new Map<number, number>();
  /**
   * Nebraska's instance_application.last_update_version per node (the version last granted) and
   * the count per version of nodes NOT in progress whose last update version it is:
   * UpdatesToCurrentVersionAttempted (backend/pkg/api/internal/dbreads/groups.go
   * GetGroupUpdatesStats: `update_in_progress = 'false' and last_update_version = ?`). A node
   * granted the same version again is in progress again and leaves the count.
   */
  private lastUpdateVersion = new Int32Array(64); // per node id: 1 + version, 0 when never granted
  private readonly attempted = new Map<number, number>();

  private lastNowMs = 0;

  constructor(
    private periodMs: number,
    private updateTimeoutMs: number,
  ) {}

  /** Records a grant of `version` to `node` at `nowMs`. */
  grant(node: number, version: number, nowMs: number): void {
    // Grant times are appended in order (the period pointer relies on it).
    assert(nowMs >= this.lastNowMs, 'ledger time went backwards');
    this.lastNowMs = nowMs;
    if (!(Number.isInteger(node) && node >= 0)) fail(`node id ${node} is not an integer >= 0`);
    if (!(Number.isInteger(version) && version >= 0 && version < 2 ** 31 - 1)) fail(`version code ${version} is not an integer >= 0`);
    if (node >= this.entryOfNode.length) this.growNodes(node);
    if (this.entryOfNode[node] !== 0) fail(`node ${node} already has an update in progress`);
    const last = this.lastUpdateVersion[node] - 1;
    if (last >= 0) this.attempted.set(last, (this.attempted.get(last) ?? 0) - 1);
    this.lastUpdateVersion[node] = version + 1;
    if (this.grantCount === this.grantTimes.length) this.grantTimes = grow(this.grantTimes);
    this.grantTimes[this.grantCount++] = nowMs;
    if (this.entryCount === this.entryNode.length) {
      this.entryNode = grow(this.entryNode);
      this.entryDone = grow(this.entryDone);
    }
    this.entryNode[this.entryCount] = node;
    this.entryDone[this.entryCount] = 0;
    this.entryOfNode[node] = ++this.entryCount;
    this.openCount++;
  }

  hasUpdateInProgress(node: number): boolean {
    // A node id beyond the array was never granted (reads past a typed array are undefined).
    return node < this.entryOfNode.length && this.entryOfNode[node] !== 0;
  }

  private growNodes(node: number): void {
    this.entryOfNode = grow(this.entryOfNode, node + 1);
    this.lastUpdateVersion = grow(this.lastUpdateVersion, node + 1);
  }


  /** The node reported completion (success) or an error for `version`. */
  complete(node: number, version: number, success: boolean): void {
    this.close(node);
    const counts = success ? this.succeeded : this.failed;
    counts.set(version, (counts.get(version) ?? 0) + 1);
  }

  /**
   * The node's update ends without an outcome (Nebraska sets the instance Undefined, which
   * clears update_in_progress: backend/pkg/api/instances.go updateInstanceStatus): it counts as
   * attempted, neither succeeded nor failed.
   */
  reset(node: number): void {
    this.close(node);
  }

  private close(node: number): void {
    if (!this.hasUpdateInProgress(node)) return;
    const entry = this.entryOfNode[node] - 1;
    this.entryDone[entry] = 1;
    this.entryOfNode[node] = 0;
    this.openCount--;
    if (entry < this.timeoutIndex) this.openBeforeTimeout--;
    const last = this.lastUpdateVersion[node] - 1;
    assert(last >= 0, 'an open entry without a granted version');
    this.attempted.set(last, (this.attempted.get(last) ?? 0) + 1);
  }

  succeededFor(version: number): number {
    return this.succeeded.get(version) ?? 0;
  }

  failedFor(version: number): number {
    return this.failed.get(version) ?? 0;
  }

  stats(nowMs: number, version: number): GroupUpdateStats {
    this.advance(nowMs);
    return {
      grantedInLastPeriod: this.grantCount - this.periodIndex,
      inProgress: this.openCount - this.openBeforeTimeout,
      timedOut: this.openBeforeTimeout,
      attemptedForVersion: this.attempted.get(version) ?? 0,
    };
  }

  /** set-policy changed the period or the timeout. */
  reconfigure(periodMs: number, updateTimeoutMs: number, nowMs: number): void {
    this.periodMs = periodMs;
    this.updateTimeoutMs = updateTimeoutMs;
    this.periodIndex = 0;
    this.timeoutIndex = 0;
    this.openBeforeTimeout = 0;
    this.advance(nowMs);
  }

  /**
   * Earliest time after `nowMs` at which a grant leaves the period window, Infinity when none will:
   * the next moment the per-period limit can free a slot by the passing of time alone.
   */
  nextPeriodExpiryMs(nowMs: number): number {
    this.advance(nowMs);
    return this.periodIndex < this.grantCount ? this.grantTimes[this.periodIndex] + this.periodMs : Infinity;
  }

  private advance(nowMs: number): void {
    assert(nowMs >= this.lastNowMs, 'ledger time went backwards');
    this.lastNowMs = nowMs;
    // Nebraska: granted in last period = last_update_granted_ts > now - period_interval.
    const periodCutoff = nowMs - this.periodMs;
    while (this.periodIndex < this.grantCount && this.grantTimes[this.periodIndex] <= periodCutoff) this.periodIndex++;
    // Timed out = in progress and last_update_granted_ts < now - update_timeout.
    const timeoutCutoff = nowMs - this.updateTimeoutMs;
    while (this.timeoutIndex < this.entryCount && this.grantTimeOfEntry(this.timeoutIndex) < timeoutCutoff) {
      if (this.entryDone[this.timeoutIndex] === 0) this.openBeforeTimeout++;
      this.timeoutIndex++;
    }
  }

  // Entries and grants are appended together, so entry i was granted at grantTimes[i].
  private grantTimeOfEntry(entry: number): number {
    return this.grantTimes[entry];
  }
}

/** A copy of `a` doubled until it holds at least `lengthMin` entries (once by default). */
function grow<T extends Float64Array | Int32Array | Uint8Array>(a: T, lengthMin = a.length + 1): T {
  let length = a.length * 2;
  while (length < lengthMin) length *= 2;
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
