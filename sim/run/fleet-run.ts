import { assert } from '../engine/assert.ts';
import { Simulation, type RunOutcome } from '../engine/simulation.ts';
import { Trace, type TraceSubscriber } from '../engine/trace.ts';
import { RandomStreams } from '../engine/random.ts';
import { World } from '../model/world/world.ts';
import { FaultInjector } from '../faults/injector.ts';
import { installCheckers, type Checkers } from '../checkers/index.ts';
import type { Fault } from '../scenario/faults.ts';
import type { Action } from '../scenario/actions.ts';
import type { Scenario } from '../scenario/schema.ts';
import { evaluateExpectation } from '../scenario/expect.ts';
import { REPORT_FORMAT, type Report } from '../report/report.ts';
import { fleetTakesLock } from '../scenario/reboot.ts';

/**
 * One run of a scenario with one seed: the simulation, its trace and the model, advanced by the
 * caller (the CLI runs it to the end in chunks to show progress; the web UI plays it in bursts).
 * A run is a pure function of (scenario, seed): nothing here reads a clock or global randomness.
 */
export interface RunOptions {
  /** Root seed; defaults to the scenario's `seed`. */
  seed?: number;
  /** Simulated horizon in ms; defaults to the scenario's `duration`. */
  durationMs?: number;
  /** Subscribed before the first event is emitted (a --trace file sees `run.start`). */
  traceSubscriber?: TraceSubscriber;
  /**
   * kured's idle ticks elided (sim/model/world/kured-ticks.ts); default: in fast fidelity. Off,
   * every tick runs: the comparison test (test/run/kured-tick-elision.test.ts) turns it off alone.
   */
  elideKuredIdleTicks?: boolean;
}

/**
 * A fault or an operator action at a time. The scenario's `faults`/`actions` are LATE events of
 * the simulation's queue (sim/engine/simulation.ts): applied after every model event at or
 * before their time, so that those injected by hand (web UI) at a settled time and exported as a
 * scenario replay to the same trace hash.
 */
export type TimelineItem = { at: number; fault: Fault; action?: undefined } | { at: number; action: Action; fault?: undefined };

export class FleetRun {
  readonly sim: Simulation;
  readonly trace = new Trace();
  readonly seed: number;
  readonly horizonMs: number;
  readonly streams: RandomStreams;
  readonly world: World;
  readonly faults: FaultInjector;
  /** Invariant checkers watching the run (sim/checkers); they fill the report's `invariants`. */
  readonly checkers: Checkers;
  /** Items applied by hand (the UI), with the time they were applied at. */
  readonly injected: TimelineItem[] = [];
  private finished = false;

  constructor(
    readonly scenario: Scenario,
    options: RunOptions = {},
  ) {
    this.seed = options.seed ?? scenario.seed;
    this.horizonMs = options.durationMs ?? scenario.duration;
    assert(Number.isSafeInteger(this.seed), `seed must be an integer, got ${this.seed}`);
    assert(this.horizonMs > 0, `the horizon must be positive, got ${this.horizonMs}`);
    this.sim = new Simulation({
      maxEvents: scenario.limits.maxEvents,
      maxPendingEvents: scenario.limits.maxPendingEvents,
    });
    this.streams = new RandomStreams(this.seed);
    if (options.traceSubscriber !== undefined) this.trace.subscribe(options.traceSubscriber);
    this.trace.emit(0, 'run.start', scenario.name, { seed: this.seed, horizon: this.horizonMs, fidelity: scenario.fidelity });
    this.world = new World({
      scenario,
      seed: this.seed,
      horizonMs: this.horizonMs,
      sim: this.sim,
      trace: this.trace,
      streams: this.streams,
      elideKuredIdleTicks: options.elideKuredIdleTicks ?? scenario.fidelity === 'fast',
    });
    const lock = fleetTakesLock(scenario.reboot, scenario.fleet.groups.map((g) => g.name));
    this.faults = new FaultInjector(this.world, this.sim, this.trace, this.streams.stream('faults'), !lock || scenario.reboot.lockTTL > 0);
    this.checkers = installCheckers({ world: this.world, trace: this.trace, scenario, faults: this.faults });
    // `at` may be a range drawn from the seed (its own stream, so drawing does not disturb others).
    const when = this.streams.stream('timeline');
    const timeline: TimelineItem[] = [];
    for (const fault of scenario.faults) timeline.push({ at: Math.round(when.range(fault.at)), fault });
    for (const action of scenario.actions) timeline.push({ at: action.at, action });
    // Faults, then actions, in file order among equal times (LATE events run first in, first out).
    for (const item of timeline) {
      if (item.fault !== undefined) {
        const fault = item.fault;
        this.sim.callAtLate(item.at, () => this.faults.apply(fault));
      } else {
        const action = item.action;
        this.sim.callAtLate(item.at, () => this.world.applyAction(action));
      }
    }
  }

  /** Injects a fault now (web UI, fuzzer); recorded for export. */
  injectFault(fault: Fault): void {
    this.injected.push({ at: this.sim.now, fault: { ...fault, at: { min: this.sim.now, max: this.sim.now } } });
    this.faults.apply(fault);
  }

  /** Carries out an operator action now (web UI); recorded for export. */
  applyAction(action: Action): void {
    this.injected.push({ at: this.sim.now, action: { ...action, at: this.sim.now } as Action });
    this.world.applyAction(action);
  }

  get now(): number {
    return this.sim.now;
  }

  get done(): boolean {
    return this.sim.now >= this.horizonMs;
  }

  /** Runs to `timeMs` (capped at the horizon), or until paused. */
  runUntil(timeMs: number): RunOutcome {
    const until = Math.min(timeMs, this.horizonMs);
    const outcome = this.sim.runUntil(until);
    if (this.done && !this.finished) {
      this.finished = true;
      this.world.finish(this.horizonMs);
      this.checkers.finish(this.horizonMs);
    }
    return outcome;
  }

  /**
   * Runs to the horizon in chunks of simulated time, calling `onChunk` after each (progress
   * bars); bounded by the horizon and the simulation's event bound.
   */
  runToEnd(onChunk?: (run: FleetRun) => void, chunks = 200): void {
    const stepMs = Math.max(1, Math.ceil(this.horizonMs / chunks));
    while (!this.done) {
      const outcome = this.runUntil(this.sim.now + stepMs);
      onChunk?.(this);
      if (outcome === 'paused') return;
    }
  }

  /** The report of the run so far; wallMs is 0 (the caller measures wall time). */
  report(): Report {
    const now = this.sim.now;
    const world = this.world;
    const metrics = world.metrics;
    const versions: Record<string, number> = {};
    metrics.versionCounts.forEach((count, index) => {
      if (count > 0) versions[world.versions.name(index)] = count;
    });
    const nodes = world.nodeCount;
    const completedAt = metrics.completedAtMs();
    const startedAt = metrics.startedAtMs;
    const rollouts = world.server.rolloutStates();
    const report: Report = {
      fleetsim: REPORT_FORMAT,
      scenario: this.scenario.name,
      seed: this.seed,
      duration: this.horizonMs,
      wallMs: 0,
      events: this.sim.eventsExecuted,
      traceHash: this.trace.traceHash,
      fidelity: this.scenario.fidelity,
      transitions: world.transitions,
      traceEvents: this.trace.count,
      fleet: {
        nodes,
        updated: metrics.updated,
        updatedFraction: nodes === 0 ? 0 : metrics.updated / nodes,
        rolledBack: metrics.rolledBackNodes,
        failed: metrics.failedNodes,
        failedAttempts: metrics.failedAttempts,
        bootReportsLost: metrics.bootReportsLost,
        workloadsFailing: world.workloadHealth.failingNodes,
        down: metrics.currentlyDown,
        versions,
      },
      rollout: {
        completed: completedAt !== null,
        // Halted by the failure ratio, or switched off by the server after timed-out updates (as
        // Nebraska does); a group whose own policy disables updates is not "halted".
        halted: rollouts.some((r) => r.state === 'halted' || r.disabledByServer),
        startedAt,
        completedAt,
        duration: completedAt !== null && startedAt !== null ? completedAt - startedAt : null,
        t50: metrics.timeToShare(0),
        t90: metrics.timeToShare(1),
        t99: metrics.timeToShare(2),
      },
      reboots: { total: metrics.rebootsTotal, maxConcurrent: metrics.maxConcurrentReboots, outsideWindow: metrics.rebootsOutsideWindow, forced: metrics.rebootsForced },
      availability: {
        maxDown: metrics.maxDown,
        maxDownFraction: nodes === 0 ? 0 : metrics.maxDown / nodes,
        nodeDowntime: metrics.nodeDowntimeMs(now),
      },
      etcd: world.etcd !== null
        ? (() => {
            const etcd = world.etcd.cluster.report();
            return { ...etcd, outages: etcd.outages.map((o) => ({ start: o.start, end: o.end })) };
          })()
        : { members: 0, elections: 0, leaderChanges: 0, leaderless: 0, quorumLost: 0, maxLockHolders: 0, requests: 0, outages: [] },
      server: world.server.metrics(now),
      faults: this.faults.faultReports.map((f) => ({ ...f })),
      // Each locking lock group's semaphore: its protocol and agents, its max and the most live
      // holders any committed value had.
      locks: world.rebootGroups.lockGroups
        .filter((l) => l.protocol !== null)
        .map((l) => ({ group: l.name, protocol: l.protocol as string, agents: [...l.agents], max: l.max, maxHolders: world.lock.maxHolders(l.name) })),
      ...(world.workloads !== null ? world.workloads.workloads.report(now) : { workloads: [], drain: { blockedMs: 0, timeouts: 0 } }),
      invariants: this.checkers.report(),
      expectations: [],
    };
    report.expectations = this.scenario.expect.map((e) => evaluateExpectation(e, [report]));
    return report;
  }
}
