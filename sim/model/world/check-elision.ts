import { assert, fail } from '../../engine/assert.ts';
import { mulberryAdvance, mulberryUniform, type RandomColumn } from '../../engine/random.ts';
import { checkIntervalMs, regularIntervalMs, type CheckSchedule } from '../node/check-schedule.ts';
import { MINUTE_MS, type RequestCounter } from '../server/request-counter.ts';

/**
 * Exact elision of idle update checks (docs/sources.md "Shortcuts").
 *
 * A node to which the server answers "noupdate" keeps checking every 45 min +-5. In full fidelity
 * every check is an event. In fast fidelity, when the server says its answer cannot change
 * before time T (`UpdateServer.decide`, its `validUntilMs`), the world draws the same fuzz values the full run
 * would draw, in a loop, up to the first check at or after T, counts the skipped checks as
 * server requests at their times, and arms one timer for that check. The draws come from the
 * node's own check stream, so both fidelities consume identical random numbers and the checks
 * that do happen fall at identical times.
 *
 * Unforeseen changes (an operator resumes a rollout, a slot frees) wake the group's sleepers:
 * each replays its draws from the anchor (the last real check and the stream's state then) up
 * to now, un-counts the skipped checks that now will not be skipped, and moves its timer back to
 * its first check after now. A node that stops (shutdown, crash) is settled the same way.
 * Pings while a reboot is pending are elided with the horizon as T, lazily: the wait ends at a
 * lock grant nobody can foresee (often long before T), so nothing is drawn when the node falls
 * asleep; its timer goes beyond T, and settling (at its shutdown, or at the run's end) draws the
 * pings up to that moment and counts them. Drawing to T up front and un-counting the rest at the
 * shutdown cost four times the draws at 100k nodes. The counts, the pings' times and the stream's
 * state after settling are the same either way (and the same as full fidelity's).
 */
export const SLEEP_NONE = 0;
export const SLEEP_CHECK = 1;
export const SLEEP_PING = 2;

/** Bound on checks skipped in one go: a year of 40-minute checks is ~13,000. */
const SKIPPED_CHECKS_MAX = 10_000_000;

export interface ElidedAnswer {
  u: number;
  elidedMs: number;
}

export class CheckElision {
  readonly sleepKind: Uint8Array;
  private readonly anchorMs: Float64Array;
  private readonly anchorRng: Uint32Array;
  /** Time of the real check (or ping) armed after the skipped ones. */
  private readonly nextRealMs: Float64Array;
  /** Time of the last skipped check: settling after it changes nothing. */
  private readonly lastSkippedMs: Float64Array;
  /** 1 while the anchor is an elided first check (elideFirstCheck), not a real one. */
  private readonly firstElided: Uint8Array;
  /** Per fleet group: its check schedule's interval and fuzz (Zincati's timing for a Zincati group). */
  private readonly groupIntervalMs: Float64Array;
  private readonly groupFuzzMs: Float64Array;
  private readonly sleepers: number[][];
  skippedChecks = 0;

  constructor(
    nodeCount: number,
    private readonly nodeGroup: Uint16Array,
    groupCount: number,
    private readonly rng: RandomColumn,
    /** The check schedule of every group, or of each group by index (reboot.groups.<g>.agent). */
    schedule: CheckSchedule | readonly CheckSchedule[],
    private readonly requests: RequestCounter,
  ) {
    this.sleepKind = new Uint8Array(nodeCount);
    this.anchorMs = new Float64Array(nodeCount);
    this.anchorRng = new Uint32Array(nodeCount);
    this.nextRealMs = new Float64Array(nodeCount);
    this.lastSkippedMs = new Float64Array(nodeCount);
    this.firstElided = new Uint8Array(nodeCount);
    // Validates the schedules once; the loops below use their two fields directly.
    const schedules = Array.isArray(schedule) ? (schedule as readonly CheckSchedule[]) : Array.from({ length: groupCount }, () => schedule as CheckSchedule);
    if (!(schedules.length === groupCount)) fail(`expected a check schedule per group (${groupCount}), got ${schedules.length}`);
    for (const groupSchedule of schedules) checkIntervalMs(groupSchedule, 0.5);
    this.groupIntervalMs = Float64Array.from(schedules, (sch) => sch.intervalMs);
    this.groupFuzzMs = Float64Array.from(schedules, (sch) => sch.fuzzMs);
    this.sleepers = Array.from({ length: groupCount }, () => []);
  }

  /**
   * The answer to a ping at `nowMs` (a node waiting to reboot) whose outcome holds until
   * `changeMs`: the node sleeps lazily. (Pings and checks have a method each, not one with a
   * branch on the kind: pings start hours into a run, and a branch first taken then would cost
   * the optimized check path a deoptimization.)
   */
  answerPing(node: number, nowMs: number, changeMs: number): ElidedAnswer {
    if (!(this.sleepKind[node] === SLEEP_NONE)) fail(`node ${node} answered while asleep`);
    return this.sleepLazily(node, nowMs, changeMs);
  }

  /**
   * The answer to an update check at `nowMs` whose outcome holds until `changeMs`: the fuzz draw
   * for the last interval and the time of the skipped checks before it.
   */
  answerCheck(node: number, nowMs: number, changeMs: number): ElidedAnswer {
    if (!(this.sleepKind[node] === SLEEP_NONE)) fail(`node ${node} answered while asleep`);
    const rng = this.rng;
    const requests = this.requests;
    const intervalMs = this.groupIntervalMs[this.nodeGroup[node]];
    const fuzzMs = this.groupFuzzMs[this.nodeGroup[node]];
    const anchorRng = rng.snapshot(node);
    // The node's stream in a local (rng.next(node) per draw, unrolled): an updated node skips
    // every check to the horizon here, ~200 draws per node in a week.
    let state = mulberryAdvance(anchorRng);
    let t = nowMs;
    let u = mulberryUniform(state);
    let d = regularIntervalMs(intervalMs, fuzzMs, u);
    let skipped = 0;
    const buckets = requests.bucketsUntil(changeMs);
    while (t + d < changeMs) {
      t += d;
      buckets[Math.floor(t / MINUTE_MS)]++;
      state = mulberryAdvance(state);
      u = mulberryUniform(state);
      d = regularIntervalMs(intervalMs, fuzzMs, u);
      if (!(++skipped < SKIPPED_CHECKS_MAX)) fail(`node ${node} skipped too many checks`);
    }
    requests.addCounted(skipped);
    rng.restore(node, state);
    if (skipped > 0) {
      this.skippedChecks += skipped;
      this.sleepUntilCheck(node, nowMs, anchorRng, t, t + d);
    }
    return { u, elidedMs: t - nowMs };
  }

  /**
   * A pinging node sleeps until `changeMs` without drawing: its pings are drawn and counted when
   * it is settled. The answer puts its next ping beyond `changeMs` (the horizon).
   */
  private sleepLazily(node: number, nowMs: number, changeMs: number): ElidedAnswer {
    this.sleepKind[node] = SLEEP_PING;
    this.firstElided[node] = 0;
    this.anchorMs[node] = nowMs;
    this.anchorRng[node] = this.rng.snapshot(node);
    this.nextRealMs[node] = Infinity;
    this.lastSkippedMs[node] = Infinity;
    return { u: 0.5, elidedMs: Math.max(0, changeMs - nowMs) };
  }

  /** Draws and counts a lazy sleeper's pings before `nowMs`; the stream ends as the full run's. */
  private settleLazily(node: number, nowMs: number): number {
    const rng = this.rng;
    const requests = this.requests;
    const intervalMs = this.groupIntervalMs[this.nodeGroup[node]];
    const fuzzMs = this.groupFuzzMs[this.nodeGroup[node]];
    let state = mulberryAdvance(this.anchorRng[node]);
    let t = this.anchorMs[node];
    let d = regularIntervalMs(intervalMs, fuzzMs, mulberryUniform(state));
    let skipped = 0;
    const buckets = requests.bucketsUntil(nowMs);
    while (t + d < nowMs) {
      t += d;
      buckets[Math.floor(t / MINUTE_MS)]++;
      state = mulberryAdvance(state);
      d = regularIntervalMs(intervalMs, fuzzMs, mulberryUniform(state));
      if (!(++skipped < SKIPPED_CHECKS_MAX)) fail(`node ${node}: runaway replay`);
    }
    requests.addCounted(skipped);
    rng.restore(node, state);
    this.skippedChecks += skipped;
    return t + d - nowMs;
  }

  /**
   * Settles a sleeping node at `nowMs`: replays its draws, un-counts the skipped checks at or
   * after `nowMs` (they will not happen as skipped ones), leaves the stream where the full run
   * would have it, and returns the delay from now to its next real check — or -1 when nothing
   * changed (no skipped check lay at or after now). The node is awake afterwards.
   */
  settle(node: number, nowMs: number): number {
    const kind = this.sleepKind[node];
    if (kind === SLEEP_NONE) return -1;
    this.sleepKind[node] = SLEEP_NONE;
    if (kind === SLEEP_PING) return this.settleLazily(node, nowMs);
    if (this.firstElided[node] === 1) {
      this.firstElided[node] = 0;
      // The elided first check is still to come (at now, it comes as a real one).
      if (nowMs <= this.anchorMs[node]) return this.undoFirstCheck(node, nowMs);
    }
    const nextReal = this.nextRealMs[node];
    if (nowMs >= nextReal) return -1;
    // Every skipped check lies before now (the run's end, most often): the full run has made
    // them all and drawn the fuzz of the interval to nextReal, which is where the stream stands.
    if (this.lastSkippedMs[node] < nowMs) return -1;
    this.rng.restore(node, this.anchorRng[node]);
    let t = this.anchorMs[node];
    let d = regularIntervalMs(this.groupIntervalMs[this.nodeGroup[node]], this.groupFuzzMs[this.nodeGroup[node]], this.rng.next(node));
    let guard = 0;
    while (t + d < nowMs) {
      t += d;
      d = regularIntervalMs(this.groupIntervalMs[this.nodeGroup[node]], this.groupFuzzMs[this.nodeGroup[node]], this.rng.next(node));
      if (!(++guard < SKIPPED_CHECKS_MAX)) fail(`node ${node}: runaway replay`);
    }
    const first = t + d;
    if (first >= nextReal) return -1;
    // Un-count the skipped checks from `first` on; then put the stream back where it stood
    // after the draw that led to `first`.
    const resume = this.rng.snapshot(node);
    let s = first;
    while (s < nextReal) {
      this.requests.remove(s);
      this.skippedChecks--;
      s += regularIntervalMs(this.groupIntervalMs[this.nodeGroup[node]], this.groupFuzzMs[this.nodeGroup[node]], this.rng.next(node));
      if (!(++guard < SKIPPED_CHECKS_MAX)) fail(`node ${node}: runaway replay`);
    }
    this.rng.restore(node, resume);
    return first - nowMs;
  }

  /**
   * Elides the first check of a node that just started (at `checkAtMs`, still ahead), when the
   * server's answer cannot change before `changeMs` (> checkAtMs) and the check carries no boot
   * report: the check is counted at its time, the checks after it are elided as answerCheck
   * does from there, and the node sleeps with its anchor on that first check. Settling before
   * it (a stop, an unforeseen change) undoes the first check too (undoFirstCheck). Returns the
   * delay from now to the first real check. Saves, per node and start, the timer event of the
   * first check and its two transitions.
   */
  elideFirstCheck(node: number, nowMs: number, checkAtMs: number, changeMs: number): number {
    if (!(this.sleepKind[node] === SLEEP_NONE)) fail(`node ${node} started while asleep`);
    if (!(checkAtMs >= nowMs && changeMs > checkAtMs)) fail(`first check at ${checkAtMs} cannot be elided (now ${nowMs}, change at ${changeMs})`);
    this.requests.add(checkAtMs);
    this.skippedChecks++;
    const anchorRng = this.rng.snapshot(node);
    const answer = this.answerCheck(node, checkAtMs, changeMs);
    if (this.sleepKind[node] === SLEEP_NONE) {
      // No check after the first is skipped: the node sleeps anyway, so that the first can be
      // undone.
      this.sleepUntilCheck(node, checkAtMs, anchorRng, checkAtMs, checkAtMs + regularIntervalMs(this.groupIntervalMs[this.nodeGroup[node]], this.groupFuzzMs[this.nodeGroup[node]], answer.u));
    }
    this.firstElided[node] = 1;
    return this.nextRealMs[node] - nowMs;
  }

  /**
   * Settling a node before its elided first check (elideFirstCheck): un-counts that check and
   * the skipped ones after it, puts the stream back where it stood at the start, and returns
   * the delay to the first check, which is real again.
   */
  private undoFirstCheck(node: number, nowMs: number): number {
    const firstMs = this.anchorMs[node];
    const nextReal = this.nextRealMs[node];
    const intervalMs = this.groupIntervalMs[this.nodeGroup[node]];
    const fuzzMs = this.groupFuzzMs[this.nodeGroup[node]];
    this.requests.remove(firstMs);
    this.skippedChecks--;
    let state = mulberryAdvance(this.anchorRng[node]);
    let s = firstMs;
    let d = regularIntervalMs(intervalMs, fuzzMs, mulberryUniform(state));
    let guard = 0;
    while (s + d < nextReal) {
      s += d;
      this.requests.remove(s);
      this.skippedChecks--;
      state = mulberryAdvance(state);
      d = regularIntervalMs(intervalMs, fuzzMs, mulberryUniform(state));
      if (!(++guard < SKIPPED_CHECKS_MAX)) fail(`node ${node}: runaway replay`);
    }
    this.rng.restore(node, this.anchorRng[node]);
    return firstMs - nowMs;
  }

  /**
   * Puts a node to sleep until its next real check: anchored on the check at `anchorMs` (and the
   * stream's state then), skipped checks up to `lastSkippedMs`.
   */
  private sleepUntilCheck(node: number, anchorMs: number, anchorRng: number, lastSkippedMs: number, nextRealMs: number): void {
    this.sleepKind[node] = SLEEP_CHECK;
    this.firstElided[node] = 0;
    this.anchorMs[node] = anchorMs;
    this.anchorRng[node] = anchorRng;
    this.lastSkippedMs[node] = lastSkippedMs;
    this.nextRealMs[node] = nextRealMs;
    this.sleepers[this.nodeGroup[node]].push(node);
  }

  /** The sleepers of a group (and empties the list: each is settled by the caller). */
  takeSleepers(group: number): number[] {
    const list = this.sleepers[group];
    this.sleepers[group] = [];
    return list;
  }
}
