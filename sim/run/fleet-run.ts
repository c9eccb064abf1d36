import { assert } from '../engine/assert.ts';
import { Simulation, type RunOutcome } from '../engine/simulation.ts';
import { Trace } from '../engine/trace.ts';
import type { Scenario } from '../scenario/schema.ts';
import { evaluateExpectation } from '../scenario/expect.ts';
import { REPORT_FORMAT, type Report } from '../report/report.ts';

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
}

export class FleetRun {
  readonly sim: Simulation;
  readonly trace = new Trace();
  readonly seed: number;
  readonly horizonMs: number;

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
    this.trace.emit(0, 'run.start', scenario.name, { seed: this.seed, horizon: this.horizonMs, fidelity: scenario.fidelity });
    for (const release of scenario.releases) {
      if (release.at > this.horizonMs) continue;
      this.sim.callAt(release.at, () => {
        this.trace.emit(this.sim.now, 'server.release', release.version, { channel: release.channel, size: release.size });
      });
    }
  }

  get now(): number {
    return this.sim.now;
  }

  get done(): boolean {
    return this.sim.now >= this.horizonMs;
  }

  /** Runs to `timeMs` (capped at the horizon), or until paused. */
  runUntil(timeMs: number): RunOutcome {
    return this.sim.runUntil(Math.min(timeMs, this.horizonMs));
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
    const report: Report = {
      fleetsim: REPORT_FORMAT,
      scenario: this.scenario.name,
      seed: this.seed,
      duration: this.horizonMs,
      wallMs: 0,
      events: this.sim.eventsExecuted,
      traceHash: this.trace.traceHash,
      fidelity: this.scenario.fidelity,
      transitions: 0,
      traceEvents: this.trace.count,
      fleet: { nodes: 0, updated: 0, updatedFraction: 0, rolledBack: 0, failed: 0, down: 0, versions: {} },
      rollout: { completed: false, halted: false, startedAt: null, completedAt: null, duration: null, t50: null, t90: null, t99: null },
      reboots: { total: 0, maxConcurrent: 0 },
      availability: { maxDown: 0, maxDownFraction: 0, nodeDowntime: 0 },
      etcd: { members: this.scenario.etcd.members, elections: 0, leaderChanges: 0, leaderless: 0, quorumLost: 0, maxLockHolders: 0, requests: 0, outages: [] },
      server: { requests: 0, peakRequestsPerMinute: 0, peakConcurrentDownloads: 0, bytesServed: 0 },
      invariants: { violations: 0, list: [] },
      expectations: [],
    };
    report.expectations = this.scenario.expect.map((e) => evaluateExpectation(e, [report]));
    return report;
  }
}

/** Runs a scenario to its horizon and returns the report (wallMs left at 0). */
export function runScenario(scenario: Scenario, options: RunOptions & { onChunk?: (run: FleetRun) => void } = {}): Report {
  const run = new FleetRun(scenario, options);
  run.runToEnd(options.onChunk);
  return run.report();
}
