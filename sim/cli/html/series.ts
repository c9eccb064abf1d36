// The time series of one run for `run --html`: on each progress chunk of the run, the fleet's
// versions, reboots started and node downtime so far (cumulative, so nothing between two samples
// is missed), the holders of each reboot-lock group, and each workload's instances serving. Reads the
// same O(1) counters the web UI's sampler reads (web/server/sampler.ts), nothing that advances
// the model's accounting: sampling does not change the run (a test compares trace hashes).

import type { FleetRun } from '../../run/fleet-run.ts';

export interface RunSample {
  t: number;
  versions: number[];
  down: number;
  rebooting: number;
  /** Cumulative: reboots started so far, and node-ms spent down so far (deltas give rates). */
  rebootsStarted: number;
  downtimeMs: number;
  /** Per lock group, in the order of RunSeries.lockGroups. */
  holders: number[];
  /** Per workload, in the order of RunSeries.workloads: instances serving (ready, and registered with discovery). */
  serving: number[];
}

/** A workload of the run, for its availability line and its target. */
export interface SeriesWorkload {
  name: string;
  /** minAvailable as a count (the PDB's desiredHealthy). */
  minReady: number;
}

/** Bound: one sample per chunk of runToEnd, which has at most this many chunks. */
export const SERIES_CHUNKS = 400;

export class RunSeries {
  readonly samples: RunSample[] = [];
  versionNames: string[] = [];
  workloads: SeriesWorkload[] = [];

  constructor(readonly lockGroups: readonly string[]) {}

  take(run: FleetRun): void {
    if (this.samples.length > SERIES_CHUNKS + 2) throw new Error(`RunSeries: more than ${SERIES_CHUNKS + 2} samples`);
    const world = run.world;
    const counts = world.metrics.versionCounts;
    for (let i = this.versionNames.length; i < counts.length; i++) this.versionNames.push(world.versions.name(i));
    const workloads = world.workloads?.workloads;
    if (workloads !== undefined && this.workloads.length === 0) {
      this.workloads = workloads.specs.map((spec, w) => ({ name: spec.name, minReady: workloads.desiredHealthy(w) }));
    }
    this.samples.push({
      t: run.now,
      versions: Array.from(counts, (c) => c ?? 0),
      down: world.metrics.currentlyDown,
      rebooting: world.metrics.rebootsInProgress,
      rebootsStarted: world.metrics.rebootsTotal,
      downtimeMs: world.metrics.nodeDowntimeMs(run.now),
      holders: this.lockGroups.map((g) => world.lock.holders(g).length),
      serving: workloads === undefined ? [] : workloads.specs.map((_, w) => workloads.serving(w)),
    });
  }
}
