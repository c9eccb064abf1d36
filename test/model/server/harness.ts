// A small update server on a simulation, for the server tests: groups of nodes on the initial
// version 0, releases and policy as given, a listener that records what the server tells.
import { Simulation } from '../../../sim/engine/simulation.ts';
import { Trace, type TraceEvent } from '../../../sim/engine/trace.ts';
import type { Policy, PolicySection } from '../../../sim/scenario/policy.ts';
import type { Release } from '../../../sim/scenario/release.ts';
import { UpdateServer } from '../../../sim/model/server/update-server.ts';
import { VersionTable } from '../../../sim/model/server/versions.ts';

export const MONDAY_2024 = Date.parse('2024-01-01T00:00:00Z');
export const HOUR = 3_600_000;

export const basePolicy: Policy = {
  updatesEnabled: true,
  maxUpdatesPerPeriod: null,
  periodInterval: HOUR,
  updateTimeout: HOUR,
  safeMode: false,
  officeHours: false,
  timezone: 'UTC',
  haltOnFailureRatio: null,
  throttle: null,
};

export function release(version: string, atMs = 0, sizeBytes = 300e6): Release {
  return { version, channel: 'stable', size: sizeBytes, bootFailureProbability: { default: 0 }, workloadFailureProbability: { default: 0 }, at: atMs };
}

export function makeServer(options: {
  nodes: number;
  policy?: Partial<Policy>;
  releases?: Release[];
  bandwidthBps?: number;
  nodeBandwidthBps?: number;
}) {
  const sim = new Simulation();
  const trace = new Trace();
  const events: TraceEvent[] = [];
  trace.subscribe((e) => events.push(e));
  const versions = new VersionTable('1000.0.0');
  const finished: Array<[number, number]> = [];
  const failed: Array<[number, number]> = [];
  const wakes: number[] = [];
  const policy: PolicySection = { default: { ...basePolicy, ...options.policy }, groups: {} };
  const server = new UpdateServer({
    sim,
    trace,
    versions,
    groups: [{ name: 'prod', channel: 'stable', nodeCount: options.nodes }],
    nodeGroup: new Uint16Array(options.nodes),
    policy,
    releases: options.releases ?? [release('2000.0.0')],
    bandwidthBps: options.bandwidthBps ?? 10e9,
    nodeBandwidthBps: options.nodeBandwidthBps ?? 1e9,
    startEpochMs: MONDAY_2024,
    warinessSalt: 12345,
    listener: {
      downloadFinished: (node) => finished.push([node, sim.now]),
      downloadFailed: (node) => failed.push([node, sim.now]),
      groupMayHaveUpdate: (group) => wakes.push(group),
    },
  });
  sim.runUntil(0);
  return { sim, trace, events, versions, server, finished, failed, wakes };
}
