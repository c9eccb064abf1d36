import { asDoubleFields } from '../../engine/representation.ts';
import { assert, fail } from '../../engine/assert.ts';

/**
 * Fleet-wide measurements for the report, updated by the world as nodes change: versions,
 * rollout progress toward the newest release (t50/t90/t99, completion), nodes down, reboots in
 * progress, node downtime, rollbacks. Everything is O(1) per change.
 */
export class FleetMetrics {
  readonly versionCounts: number[] = [];
  private downNow = 0;
  private downMax = 0;
  private downtimeMs = 0;
  private lastDownChangeMs = 0;
  private rebootsNow = 0;
  private rebootsMax = 0;
  rebootsTotal = 0;
  rolledBackNodes = 0;
  failedNodes = 0;
  /** Attempts that ended in an error or a rollback (a node may fail several times). */
  failedAttempts = 0;
  /** Boot reports lost with the one request they were built into. */
  bootReportsLost = 0;
  private readonly rolledBack: Uint8Array;
  private readonly failed: Uint8Array;
  private readonly rebooting: Uint8Array;
  private readonly down: Uint8Array;

  private updatedNow = 0;
  private firstReleaseMs: number | null = null;
  private crossingMs: Array<number | null> = [null, null, null, null];
  private static readonly SHARES = [0.5, 0.9, 0.99, 1];

  constructor(readonly nodeCount: number) {
    this.rolledBack = new Uint8Array(nodeCount);
    this.failed = new Uint8Array(nodeCount);
    this.rebooting = new Uint8Array(nodeCount);
    this.down = new Uint8Array(nodeCount);
    this.versionCounts[0] = nodeCount;
    asDoubleFields(this, 'downtimeMs', 'lastDownChangeMs');
  }

  // ---- versions and rollout ---------------------------------------------------------------

  versionChanged(from: number, to: number): void {
    if (!(this.versionCounts[from] > 0)) fail(`no node on version ${from} to move`);
    this.versionCounts[from]--;
    this.versionCounts[to] = (this.versionCounts[to] ?? 0) + 1;
  }

  releasePublished(nowMs: number): void {
    if (this.firstReleaseMs === null) this.firstReleaseMs = nowMs;
  }

  /**
   * The number of nodes running their group's target release changed. A new target resets the
   * crossings (the rollout being measured is the newest one).
   */
  updatedChanged(updated: number, nowMs: number, newTarget: boolean): void {
    if (newTarget) this.crossingMs = [null, null, null, null];
    this.updatedNow = updated;
    const share = updated / this.nodeCount;
    FleetMetrics.SHARES.forEach((s, i) => {
      if (this.crossingMs[i] === null && share >= s) this.crossingMs[i] = nowMs;
    });
    // Completion can be lost again (a node falls back to the old version): it is then reached
    // again later, and the report gives the last time it was reached.
    if (share < 1) this.crossingMs[3] = null;
  }

  get updated(): number {
    return this.updatedNow;
  }

  get startedAtMs(): number | null {
    return this.firstReleaseMs;
  }

  /** Time from the first release until `share` of the fleet ran its target; null if never. */
  timeToShare(index: 0 | 1 | 2 | 3): number | null {
    const at = this.crossingMs[index];
    return at === null || this.firstReleaseMs === null ? null : at - this.firstReleaseMs;
  }

  completedAtMs(): number | null {
    return this.crossingMs[3];
  }

  // ---- availability -------------------------------------------------------------------------

  nodeDown(node: number, nowMs: number): void {
    if (this.down[node] === 1) return;
    this.accumulate(nowMs);
    this.down[node] = 1;
    this.downNow++;
    if (this.downNow > this.downMax) this.downMax = this.downNow;
  }

  nodeUp(node: number, nowMs: number): void {
    if (this.down[node] === 0) return;
    this.accumulate(nowMs);
    this.down[node] = 0;
    this.downNow--;
  }

  isDown(node: number): boolean {
    return this.down[node] === 1;
  }

  get currentlyDown(): number {
    return this.downNow;
  }

  get maxDown(): number {
    return this.downMax;
  }

  /** Read-only, so that a report in mid-run does not change the end-of-run figure. */
  nodeDowntimeMs(nowMs: number): number {
    return this.downtimeMs + this.downNow * (nowMs - this.lastDownChangeMs);
  }

  private accumulate(nowMs: number): void {
    this.downtimeMs += this.downNow * (nowMs - this.lastDownChangeMs);
    this.lastDownChangeMs = nowMs;
  }

  // ---- reboots ------------------------------------------------------------------------------

  /** Reboots that started outside the node's reboot window. */
  rebootsOutsideWindow = 0;

  rebootOutsideWindow(_node: number): void {
    this.rebootsOutsideWindow++;
  }

  /** Reboots that went ahead after a drain timeout (kured --force-reboot). */
  rebootsForced = 0;

  rebootForced(_node: number): void {
    this.rebootsForced++;
  }

  rebootStarted(node: number): void {
    this.rebootsTotal++;
    if (this.rebooting[node] === 1) return;
    this.rebooting[node] = 1;
    this.rebootsNow++;
    if (this.rebootsNow > this.rebootsMax) this.rebootsMax = this.rebootsNow;
  }

  rebootEnded(node: number): void {
    if (this.rebooting[node] === 0) return;
    this.rebooting[node] = 0;
    this.rebootsNow--;
  }

  get rebootsInProgress(): number {
    return this.rebootsNow;
  }

  get maxConcurrentReboots(): number {
    return this.rebootsMax;
  }

  // ---- failures ------------------------------------------------------------------------------

  /** A boot report (3/2 or 3/0 error 44) went with a request that failed (omaha_request_action.cc). */
  bootReportLost(_node: number): void {
    this.bootReportsLost++;
  }

  nodeRolledBack(node: number): void {
    this.failedAttempts++;
    if (this.rolledBack[node] === 0) {
      this.rolledBack[node] = 1;
      this.rolledBackNodes++;
    }
  }

  nodeFailed(node: number): void {
    this.failedAttempts++;
    if (this.failed[node] === 0) {
      this.failed[node] = 1;
      this.failedNodes++;
    }
  }

  hasRolledBack(node: number): boolean {
    return this.rolledBack[node] === 1;
  }
}
