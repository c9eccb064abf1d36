// One scenario played live: a FleetRun advanced in bounded bursts, the faults and actions
// injected by hand, the chart samples, and the export. No transport here (session.ts talks to the
// browser); everything is a pure function of (scenario text, seed, injections) plus the wall
// clock, which only decides how far a burst goes, never what happens in it.
//
// Determinism rule: the run is only ever advanced with FleetRun.runUntil(T), which runs every
// event at or before T, so between two bursts the run is settled at a timestamp and an injection
// lands exactly where the exported scenario's timeline puts it (FleetRun applies an item at T
// after every event at or before T). FleetRun orders items of equal time faults first, then
// actions; a fault injected at a time T where an action was already applied would be replayed
// before that action, so such a fault waits for T + 1 ms (inject() says so in its note).

import { FleetRun } from '../../sim/run/fleet-run.ts';
import { formatScenarioError, parseScenario, type Scenario, type ScenarioError } from '../../sim/scenario/index.ts';
import type { Fault } from '../../sim/scenario/faults.ts';
import type { Action } from '../../sim/scenario/actions.ts';
import type { InjectedItem } from '../shared/protocol.ts';
import { NotableEvents } from './caption.ts';
import { EventLog } from './event-log.ts';
import { TransitionRecorder } from './transitions.ts';
import { exportScenario } from './export.ts';
import { NodeStates } from './node-states.ts';
import { Sampler, sampleIntervalMs } from './sampler.ts';

export interface ScenarioSource {
  name: string;
  text: string;
}

/** A slice of simulated time aims at this much wall time, so a burst can stop near its budget. */
const SLICE_WALL_MS_TARGET = 4;
const SLICE_MS_MIN = 1;
/** Slices per burst at most, whatever the clock says. */
const SLICES_PER_BURST_MAX = 10_000;
/** How far a fault may be pushed to keep the faults-before-actions order (see above). */
const ORDER_PUSH_MAX = 1_000;

export type StartResult = { ok: true; live: LiveRun } | { ok: false; errors: string[] };
export type InjectResult = { ok: true; at: number; note?: string } | { ok: false; message: string; details?: string[]; crashed?: boolean };

/**
 * The parsed fault or action of each item injected in this process, so that a run rebuilt for a
 * seek (or a checkpoint built in the background) applies the very object the live run applied.
 */
const parsedItems = new WeakMap<InjectedItem, Fault | Action>();

export class LiveRun {
  readonly states: NodeStates;
  readonly sampler: Sampler;
  /**
   * Injections of the session this run has not reached yet (a run rebuilt for a seek, or a
   * checkpoint): each is applied when the run rests at its `at`, exactly as the live run did
   * (after every event at or before that time, in list order), then moves to `injected`.
   */
  readonly planned: InjectedItem[] = [];
  /** The node machines' recent transitions (the inspector's list). */
  readonly transitions: TransitionRecorder;
  /** Wall ms spent inside runUntil so far (the session's replay-cost curve reads it). */
  spentMs = 0;
  private sliceMs = 1_000;

  private constructor(
    readonly source: ScenarioSource,
    /** The scenario as written (without injections). */
    readonly base: Scenario,
    readonly seed: number,
    readonly injected: InjectedItem[],
    readonly run: FleetRun,
    readonly log: EventLog,
    readonly notable: NotableEvents,
  ) {
    this.states = new NodeStates(run.world);
    const w = run.world;
    this.transitions = new TransitionRecorder(run.sim, [
      { name: 'updateEngine', runtime: w.updateEngine },
      { name: 'boot', runtime: w.boot },
      // One runtime per reboot agent of the fleet (reboot.groups.<g>.agent), all the node's `rebootManager`.
      ...w.rebootManager.runtimes.map((runtime) => ({ name: 'rebootManager', runtime })),
    ]);
    this.sampler = new Sampler(sampleIntervalMs(run.horizonMs));
  }

  /**
   * Builds the run of `source` with `seed` and the given injections (already validated: a seek
   * replays them as part of the scenario), settled at time 0.
   */
  static start(source: ScenarioSource, seed: number | null, injected: InjectedItem[] = [], options: { silent?: boolean } = {}): StartResult {
    const fileName = `${source.name}.yaml`;
    const parsedBase = parseScenario(source.text, fileName);
    if (!parsedBase.ok) return { ok: false, errors: parsedBase.errors.map(formatScenarioError) };
    const runSeed = seed ?? parsedBase.scenario.seed;
    let scenario = parsedBase.scenario;
    if (injected.length > 0) {
      const parsed = parseScenario(exportScenario(source.text, runSeed, injected), fileName);
      if (!parsed.ok) return { ok: false, errors: parsed.errors.map(formatScenarioError) };
      scenario = parsed.scenario;
    }
    const log = new EventLog();
    log.logging = options.silent !== true;
    const notable = new NotableEvents();
    const run = new FleetRun(scenario, {
      seed: runSeed,
      traceSubscriber: (event) => {
        log.listener(event);
        notable.listener(event);
      },
    });
    // Refused evictions are not trace events (a blocked drain retries every 5 s): the log and the
    // node's recent events hear of them from the workloads' observer, which only reads.
    const workloads = run.world.workloads?.workloads;
    workloads?.observe({
      evictionRefused: (w, node, atMs) => log.listener({ time: atMs, kind: 'node.eviction-refused', subject: node, data: { workload: workloads.specs[w].name } }),
    });
    const live = new LiveRun(source, parsedBase.scenario, runSeed, [...injected], run, log, notable);
    // Settle time 0 (events and timeline items at 0) before anything can be injected at 0.
    run.runUntil(0);
    live.sampler.take(run);
    return { ok: true, live };
  }

  get now(): number {
    return this.run.now;
  }

  /** Every injection of the session: applied, then planned. */
  get allInjected(): InjectedItem[] {
    return this.planned.length === 0 ? this.injected : [...this.injected, ...this.planned];
  }

  /** Applies the planned injections due at the current time (their `at` is now). */
  private applyDue(): void {
    const run = this.run;
    while (this.planned.length > 0 && this.planned[0].at <= run.now) {
      const item = this.planned.shift()!;
      if (item.at !== run.now) throw new Error(`planned ${item.kind} at ${item.at} ms was passed (the run is at ${run.now} ms)`);
      const parsed = parsedItems.get(item) ?? this.parseItem(item);
      if (item.kind === 'fault') run.injectFault(parsed as Fault);
      else run.applyAction(parsed as Action);
      this.injected.push(item);
    }
  }

  /** An item injected by another process (not in the cache): parsed as the export does. */
  private parseItem(item: InjectedItem): Fault | Action {
    const parsed = parseScenario(exportScenario(this.source.text, this.seed, [...this.injected, item]), `${this.source.name}.yaml`);
    if (!parsed.ok) throw new Error(`planned ${item.kind} does not parse: ${formatScenarioError(parsed.errors[0])}`);
    const value = item.kind === 'fault' ? parsed.scenario.faults.at(-1) : parsed.scenario.actions.at(-1);
    if (value === undefined) throw new Error(`planned ${item.kind} is missing from its scenario`);
    parsedItems.set(item, value);
    return value;
  }

  get done(): boolean {
    return this.run.done;
  }

  /**
   * Advances toward `targetMs` (capped at the horizon) in slices, taking the samples due on the
   * way, until the target or the wall-clock `deadlineMs`. Returns true when the target was reached.
   */
  advance(targetMs: number, deadlineMs: number, wallMs: () => number): boolean {
    const run = this.run;
    // Whole milliseconds, so that the run rests where a scenario's `at` can point.
    const until = Math.floor(Math.min(targetMs, run.horizonMs));
    this.applyDue();
    for (let slices = 0; run.now < until && slices < SLICES_PER_BURST_MAX; slices++) {
      const due = this.sampler.nextDueMs(run.now);
      const nextPlanned = this.planned.length > 0 ? this.planned[0].at : Infinity;
      const end = Math.min(until, due, run.now + this.sliceMs, nextPlanned);
      const fullSlice = end === run.now + this.sliceMs;
      const startedMs = wallMs();
      run.runUntil(end);
      const tookMs = wallMs() - startedMs;
      this.spentMs += tookMs;
      if (run.now === due) this.sampler.take(run);
      this.applyDue();
      // Slices follow the event density: halve when slow, double when quick.
      if (tookMs > 2 * SLICE_WALL_MS_TARGET) this.sliceMs = Math.max(SLICE_MS_MIN, Math.floor(this.sliceMs / 2));
      else if (tookMs < SLICE_WALL_MS_TARGET / 2 && fullSlice) this.sliceMs = Math.min(run.horizonMs, this.sliceMs * 2);
      if (wallMs() >= deadlineMs) break;
    }
    if (run.done && this.sampler.samples.at(-1)?.t !== run.now) this.sampler.take(run);
    return run.now >= until;
  }

  /** Runs every event of the next timestamp (all of them: a single event could split a timestamp). */
  step(): void {
    const run = this.run;
    if (run.done) return;
    const next = Math.min(run.sim.nextEventTime, run.horizonMs);
    // Events at the current time (posted by an injection) are the next timestamp.
    if (next <= run.now) {
      run.runUntil(run.now);
      return;
    }
    // Through the sample grid up to the last whole millisecond, then exactly to the event.
    this.advance(next, Infinity, () => 0);
    if (run.now < next) run.runUntil(next);
  }

  /** Validates an injected fault or action with the scenario schema, then applies it now. */
  inject(kind: 'fault' | 'action', item: Record<string, unknown>, wallMs: () => number): InjectResult {
    const run = this.run;
    if (run.done) return { ok: false, message: 'the run has reached its horizon: seek back or restart to inject' };
    if (Object.hasOwn(item, 'at')) return { ok: false, message: `${kind}.at is set by the server (the current simulated time); leave it out` };
    const from = run.now;
    // A scenario's `at` is whole milliseconds; events (a step) may land between two.
    if (!Number.isInteger(run.now)) this.advance(Math.ceil(run.now), Infinity, wallMs);
    if (kind === 'fault') {
      for (let k = 0; this.actionAppliedAt(run.now); k++) {
        if (k >= ORDER_PUSH_MAX || run.now + 1 > run.horizonMs) return { ok: false, message: 'no time left to apply the fault after the actions of this millisecond' };
        this.advance(run.now + 1, Infinity, wallMs);
      }
    }
    const note = run.now === from ? undefined : `applied at ${run.now} ms, not ${from} ms: a scenario's times are whole milliseconds, and it orders faults before actions of the same millisecond`;
    const candidate: InjectedItem = { at: run.now, kind, item };
    const text = exportScenario(this.source.text, this.seed, [...this.injected, candidate]);
    const parsed = parseScenario(text, `${this.source.name}.yaml`);
    if (!parsed.ok) {
      const list = kind === 'fault' ? 'faults' : 'actions';
      const index = (kind === 'fault' ? this.base.faults.length : this.base.actions.length) + this.injected.filter((i) => i.kind === kind).length;
      const prefix = `${list}[${index}]`;
      const mine = parsed.errors.filter((e) => e.path === prefix || e.path.startsWith(`${prefix}.`) || e.path.startsWith(`${prefix}[`));
      const shown = (mine.length > 0 ? mine : parsed.errors).map((e: ScenarioError) => `${e.path.replace(prefix, kind)}: ${e.message}`);
      return { ok: false, message: `invalid ${kind}: ${shown[0]}`, details: shown };
    }
    const traceBefore = run.trace.count;
    try {
      if (kind === 'fault') run.injectFault(parsed.scenario.faults.at(-1) as Fault);
      else run.applyAction(parsed.scenario.actions.at(-1) as Action);
    } catch (error) {
      // Refused before it touched the model (a kind not implemented yet): the run goes on.
      const untouched = run.trace.count === traceBefore;
      return { ok: false, message: `${kind} failed: ${(error as Error).message}`, crashed: !untouched };
    }
    this.injected.push(candidate);
    parsedItems.set(candidate, kind === 'fault' ? (parsed.scenario.faults.at(-1) as Fault) : (parsed.scenario.actions.at(-1) as Action));
    return note === undefined ? { ok: true, at: candidate.at } : { ok: true, at: candidate.at, note };
  }

  private actionAppliedAt(timeMs: number): boolean {
    return this.base.actions.some((a) => a.at === timeMs) || this.injected.some((i) => i.kind === 'action' && i.at === timeMs);
  }

  exportText(): string {
    return exportScenario(this.source.text, this.seed, this.allInjected);
  }
}
