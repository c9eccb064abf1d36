// Time series for the charts: one sample per `intervalMs` of simulated time, taken on a fixed
// grid (multiples of the interval), so a session that played, paused and seeked has the same
// points as one that played straight through. Reads O(1) counters only (no per-node scan), and
// never calls a model method that advances internal accounting (SharedBandwidth.bytesServed,
// for one, does): observing must not change the run.

import type { FleetRun } from '../../sim/run/fleet-run.ts';
import type { Sample } from '../shared/protocol.ts';

/** Points per run at most, whatever its horizon. */
export const SAMPLES_PER_RUN_MAX = 4_000;
export const SAMPLE_INTERVAL_MIN_MS = 1_000;

export function sampleIntervalMs(horizonMs: number): number {
  return Math.max(SAMPLE_INTERVAL_MIN_MS, Math.ceil(horizonMs / SAMPLES_PER_RUN_MAX));
}

/** Instances serving per workload (reads counters only). */
function workloadsServing(run: FleetRun): number[] {
  const port = run.world.workloads;
  if (port === null) return [];
  const w = port.workloads;
  return w.specs.map((_, i) => w.serving(i));
}

export class Sampler {
  readonly samples: Sample[] = [];
  private lastRequests = 0;
  private lastTimeMs = 0;

  constructor(readonly intervalMs: number) {}

  /** The next grid time a sample is due at: after the last sample, not before `nowMs`. */
  nextDueMs(nowMs: number): number {
    const last = this.samples.at(-1);
    const afterLast = last === undefined ? 0 : (Math.floor(last.t / this.intervalMs) + 1) * this.intervalMs;
    return Math.max(afterLast, Math.ceil(nowMs / this.intervalMs) * this.intervalMs);
  }

  /** Takes the sample due at the run's current time (the caller ran exactly to it). */
  take(run: FleetRun): Sample {
    const sample = this.read(run);
    this.samples.push(sample);
    this.lastRequests = run.world.server.requests.requests;
    this.lastTimeMs = run.now;
    return sample;
  }

  /** The values now, without storing them (the status frame's live point). */
  read(run: FleetRun): Sample {
    const world = run.world;
    const metrics = world.metrics;
    const requests = world.server.requests.requests;
    const spanMs = run.now - this.lastTimeMs;
    const etcd = world.etcd;
    return {
      t: run.now,
      versions: [...metrics.versionCounts],
      down: metrics.currentlyDown,
      rebooting: metrics.rebootsInProgress,
      lockHolders: world.lock.holders('default').length,
      requestsPerMin: spanMs > 0 ? Math.max(0, ((requests - this.lastRequests) * 60_000) / spanMs) : 0,
      downloads: world.server.activeDownloads,
      leaderless: etcd !== null && etcd.cluster.leader() < 0 ? 1 : 0,
      workloads: workloadsServing(run),
    };
  }

  /** Counts request rates from the run's current time on (after a silent replay). */
  rebase(run: FleetRun): void {
    this.lastTimeMs = run.now;
    this.lastRequests = run.world.server.requests.requests;
  }
}
