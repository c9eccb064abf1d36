// Seeking back without replaying from the start: a ladder of paused runs of the same session
// (same scenario, seed and injections), kept at times spread over the part of the run the
// session has seen, built in the background with the CPU a session leaves unused. A seek to T
// takes the checkpoint closest below T and plays it on to T; nothing is restored or copied, so a
// run reached through a checkpoint is the very computation a replay from 0 is (same trace hash).
//
// Checkpoints are spaced by replay cost, not by simulated time: the session records how much
// wall time its run took to reach each simulated time (a cost curve), and the ladder fills the
// widest gap in that cost, so a busy hour of a rollout gets more rungs than a quiet night.
// Memory is bounded: each rung is a whole FleetRun (about 500 bytes per node, measured at 100k
// nodes: ~50 MB), so the number of rungs is the memory budget over the fleet's estimated size.

import type { InjectedItem } from '../shared/protocol.ts';
import { LiveRun, type ScenarioSource } from './live-run.ts';

/** Bytes one paused run of one node is estimated to hold (typed-array columns, queues, maps). */
export const CHECKPOINT_BYTES_PER_NODE = 512;
/** Rungs per session at most, whatever the memory allows. */
export const CHECKPOINTS_MAX = 16;
/** A gap narrower than this share of the whole cost is not worth a rung. */
const GAP_SHARE_MIN = 1 / 64;

/** How many rungs fit `budgetBytes` for a fleet of `nodes` (at least one). */
export function checkpointCount(nodes: number, budgetBytes: number): number {
  return Math.max(1, Math.min(CHECKPOINTS_MAX, Math.floor(budgetBytes / Math.max(1, nodes * CHECKPOINT_BYTES_PER_NODE))));
}

/**
 * Wall ms a run took to reach each simulated time, recorded as the session's run moves past
 * times it had not reached before (monotone in both).
 */
export class CostCurve {
  private readonly times: number[] = [0];
  private readonly costs: number[] = [0];

  get reachedMs(): number {
    return this.times[this.times.length - 1];
  }

  get totalMs(): number {
    return this.costs[this.costs.length - 1];
  }

  /** The run moved from `fromMs` to `toMs` spending `spentMs`; only new ground is recorded. */
  note(fromMs: number, toMs: number, spentMs: number): void {
    const reached = this.reachedMs;
    if (!(toMs > reached)) return;
    const share = toMs > fromMs ? (toMs - Math.max(fromMs, reached)) / (toMs - fromMs) : 1;
    this.times.push(toMs);
    this.costs.push(this.totalMs + Math.max(0, spentMs) * share);
  }

  /** The cost of reaching `timeMs` from 0 (linear between recorded points). */
  at(timeMs: number): number {
    const times = this.times;
    if (timeMs >= this.reachedMs) return this.totalMs;
    let lo = 0;
    let hi = times.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (times[mid] <= timeMs) lo = mid;
      else hi = mid;
    }
    const span = times[hi] - times[lo];
    return this.costs[lo] + (span > 0 ? ((this.costs[hi] - this.costs[lo]) * (timeMs - times[lo])) / span : 0);
  }

  /** The time at which the cost reaches `cost` (the inverse of at()). */
  timeAtCost(cost: number): number {
    const costs = this.costs;
    let k = 1;
    while (k < costs.length - 1 && costs[k] < cost) k++;
    const span = costs[k] - costs[k - 1];
    const t0 = this.times[k - 1];
    return span > 0 ? t0 + ((this.times[k] - t0) * (cost - costs[k - 1])) / span : this.times[k];
  }
}

/**
 * True when `run` can stand for the session whose injections are `session`: what it applied is
 * a prefix of them, and the rest come at or after its time (it applies them when it gets there).
 */
export function isValidFor(run: LiveRun, session: readonly InjectedItem[]): boolean {
  const applied = run.injected;
  if (applied.length > session.length) return false;
  for (let i = 0; i < applied.length; i++) if (applied[i] !== session[i]) return false;
  for (let i = applied.length; i < session.length; i++) if (session[i].at < run.now) return false;
  return true;
}

/** Gives `run` the session's injections it has not applied (it applies them as it reaches them). */
export function planFor(run: LiveRun, session: readonly InjectedItem[]): void {
  run.planned.length = 0;
  run.planned.push(...session.slice(run.injected.length));
}

export class CheckpointLadder {
  private rungs: LiveRun[] = [];
  private builder: { live: LiveRun; targetMs: number } | null = null;

  constructor(
    private readonly source: ScenarioSource,
    private readonly seed: number,
    readonly maxRungs: number,
  ) {}

  /** True while a checkpoint is being built. */
  get building(): boolean {
    return this.builder !== null;
  }

  /** The rungs' times, ascending. */
  get times(): number[] {
    return this.rungs.map((r) => r.now);
  }

  /** Drops the rungs (and the builder) that no longer stand for the session. */
  prune(session: readonly InjectedItem[]): void {
    this.rungs = this.rungs.filter((r) => isValidFor(r, session));
    if (this.builder !== null && !isValidFor(this.builder.live, session)) this.builder = null;
  }

  /**
   * Removes and returns the rung closest below or at `targetMs` and after `afterMs`, planned
   * with the session's injections; null when none is valid.
   */
  take(targetMs: number, afterMs: number, session: readonly InjectedItem[]): LiveRun | null {
    this.prune(session);
    let best = -1;
    for (let i = 0; i < this.rungs.length; i++) {
      const t = this.rungs[i].now;
      if (t <= targetMs && t > afterMs && (best < 0 || t > this.rungs[best].now)) best = i;
    }
    if (best < 0) return null;
    const [run] = this.rungs.splice(best, 1);
    planFor(run, session);
    return run;
  }

  /** Keeps a paused run of this session (the run a seek left behind), if it is worth a rung. */
  offer(run: LiveRun, session: readonly InjectedItem[], curve: CostCurve): void {
    if (!isValidFor(run, session) || run.planned.length > 0 || run.now <= 0) return;
    if (this.rungs.some((r) => r.now === run.now)) return;
    run.log.logging = false;
    this.insert(run, curve);
  }

  /**
   * Background work: advances the builder toward the widest gap of the ladder (in replay cost)
   * until `deadlineMs`. Returns true when it did something.
   */
  work(session: readonly InjectedItem[], curve: CostCurve, deadlineMs: number, wallMs: () => number): boolean {
    this.prune(session);
    if (this.builder === null) {
      const targetMs = this.wantedMs(curve);
      if (targetMs === null) return false;
      const started = LiveRun.start(this.source, this.seed, [], { silent: true });
      if (!started.ok) return false;
      planFor(started.live, session);
      this.builder = { live: started.live, targetMs };
    }
    const { live, targetMs } = this.builder;
    if (live.advance(targetMs, deadlineMs, wallMs)) {
      this.builder = null;
      this.insert(live, curve);
    }
    return true;
  }

  /** Where the next rung should go: the middle (in cost) of the widest gap, or null. */
  wantedMs(curve: CostCurve): number | null {
    const total = curve.totalMs;
    if (!(total > 0)) return null;
    const anchors = [0, ...this.rungs.map((r) => curve.at(r.now)), total];
    let widest = 0;
    let from = 0;
    for (let i = 1; i < anchors.length; i++) {
      if (anchors[i] - anchors[i - 1] > widest) {
        widest = anchors[i] - anchors[i - 1];
        from = anchors[i - 1];
      }
    }
    if (widest < total * GAP_SHARE_MIN) return null;
    // A full ladder makes room only when dropping a rung leaves a narrower gap than the one to fill.
    if (this.rungs.length >= this.maxRungs && this.narrowestMerge(curve).merged >= widest) return null;
    const t = Math.floor(curve.timeAtCost(from + widest / 2));
    return t > 0 && !this.rungs.some((r) => r.now === t) ? t : null;
  }

  private insert(run: LiveRun, curve: CostCurve): void {
    this.rungs.push(run);
    this.rungs.sort((a, b) => a.now - b.now);
    while (this.rungs.length > this.maxRungs) this.rungs.splice(this.narrowestMerge(curve).index, 1);
  }

  /** The rung whose removal leaves the narrowest gap (in cost), and that gap. */
  private narrowestMerge(curve: CostCurve): { index: number; merged: number } {
    let index = 0;
    let merged = Infinity;
    for (let i = 0; i < this.rungs.length; i++) {
      const before = i === 0 ? 0 : curve.at(this.rungs[i - 1].now);
      const after = i === this.rungs.length - 1 ? curve.totalMs : curve.at(this.rungs[i + 1].now);
      if (after - before < merged) {
        merged = after - before;
        index = i;
      }
    }
    return { index, merged };
  }

  clear(): void {
    this.rungs = [];
    this.builder = null;
  }
}
