/**
 * The update server driven call by call: until when each answer holds, the counters, outages,
 * operator actions and publications, and servers with several groups on different channels.
 * Expected values are written out by hand (times in hours, sizes over bandwidths, ratios), each
 * test naming its Nebraska or update_engine source where the behaviour comes from there.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine/simulation.ts';
import { Trace, type TraceEvent } from '../../../sim/engine/trace.ts';
import { CHECK_RESULT, OMAHA_EVENT, OMAHA_RESULT } from '../../../sim/model/node/omaha.ts';
import { nodeWariness } from '../../../sim/model/server/throttle.ts';
import { UpdateServer, type ServerGroup } from '../../../sim/model/server/update-server.ts';
import { VersionTable } from '../../../sim/model/server/versions.ts';
import type { Policy } from '../../../sim/scenario/policy.ts';
import type { Release } from '../../../sim/scenario/release.ts';
import { basePolicy, HOUR, makeServer, MONDAY_2024, release } from './harness.ts';

const { NO_UPDATE, UPDATE, SERVER_ERROR } = CHECK_RESULT;
const { UPDATE_COMPLETE, DOWNLOAD_STARTED, DOWNLOAD_FINISHED } = OMAHA_EVENT;
const { ERROR, SUCCESS, SUCCESS_REBOOT } = OMAHA_RESULT;
const SALT = 12345;

/** A release on another channel than the harness's 'stable'. */
function on(channel: string, r: Release): Release {
  return { ...r, channel };
}

/**
 * A server with several groups (nodes numbered group after group), like the harness's but with
 * the groups, releases and configured wariness given.
 */
function makeFleet(options: { groups: ServerGroup[]; releases: Release[]; policy?: Partial<Policy>; configuredWariness?: (node: number) => number }) {
  const sim = new Simulation();
  const trace = new Trace();
  const events: TraceEvent[] = [];
  trace.subscribe((e) => events.push(e));
  const versions = new VersionTable('1000.0.0');
  const nodeGroup = new Uint16Array(options.groups.flatMap((g, index) => Array<number>(g.nodeCount).fill(index)));
  const finished: Array<[number, number]> = [];
  const failed: Array<[number, number]> = [];
  const wakes: number[] = [];
  const server = new UpdateServer({
    sim,
    trace,
    versions,
    groups: options.groups,
    nodeGroup,
    policy: { default: { ...basePolicy, ...options.policy }, groups: {} },
    releases: options.releases,
    bandwidthBps: 10e9,
    nodeBandwidthBps: 1e9,
    startEpochMs: MONDAY_2024,
    warinessSalt: SALT,
    ...(options.configuredWariness === undefined ? {} : { configuredWariness: options.configuredWariness }),
    listener: {
      downloadFinished: (node) => finished.push([node, sim.now]),
      downloadFailed: (node) => failed.push([node, sim.now]),
      groupMayHaveUpdate: (group) => wakes.push(group),
    },
  });
  sim.runUntil(0);
  return { sim, events, versions, server, finished, failed, wakes };
}

/** canary (nodes 0-1) follows 'beta', prod (nodes 2-4) 'stable'. */
const TWO_GROUPS: ServerGroup[] = [
  { name: 'canary', channel: 'beta', nodeCount: 2 },
  { name: 'prod', channel: 'stable', nodeCount: 3 },
];

function ofKind(events: readonly TraceEvent[], kind: string): TraceEvent[] {
  return events.filter((e) => e.kind === kind);
}

function noUpdate(reason: string, validUntilMs: number) {
  return { result: NO_UPDATE, version: -1, reason, validUntilMs };
}

describe('UpdateServer.decide: until when an answer holds (validUntilMs)', () => {
  it('a node on the newest version gets noupdate until the earliest announced outage starting after now (announced out of order), then none', () => {
    const { server, versions } = makeServer({ nodes: 1 });
    const newest = versions.indexOf('2000.0.0');
    server.announceOutage(5 * HOUR, 6 * HOUR);
    server.announceOutage(2 * HOUR, 3 * HOUR);
    expect(server.decide(0, newest, 0)).toEqual(noUpdate('no-newer-version', 2 * HOUR));
    // An outage starting now is no change to come.
    expect(server.decide(0, newest, 2 * HOUR).validUntilMs).toBe(5 * HOUR);
    expect(server.decide(0, newest, 5 * HOUR).validUntilMs).toBe(Infinity);
  });

  it('during an outage the 5xx holds until the earliest announced change after now: an end, or the next start', () => {
    const { server } = makeServer({ nodes: 1 });
    server.announceOutage(2 * HOUR, 3 * HOUR);
    server.announceOutage(5 * HOUR, 6 * HOUR);
    server.beginOutage(2 * HOUR);
    expect(server.decide(0, 0, 2.5 * HOUR)).toEqual({ result: SERVER_ERROR, version: -1, reason: 'outage', validUntilMs: 3 * HOUR });
    // At 3 h the first end is now, not after: the next start (5 h) comes before the next end (6 h).
    expect(server.decide(0, 0, 3 * HOUR).validUntilMs).toBe(5 * HOUR);
    expect(server.decide(0, 0, 5.5 * HOUR).validUntilMs).toBe(6 * HOUR);
    expect(server.decide(0, 0, 7 * HOUR).validUntilMs).toBe(Infinity);
  });

  it('an outage begun by hand, never announced, promises no end', () => {
    const { server } = makeServer({ nodes: 1 });
    server.beginOutage(0);
    expect(server.decide(0, 0, 10).validUntilMs).toBe(Infinity);
  });

  it('a scheduled publication bounds a noupdate: the next release\'s time (releases listed out of order), before a later outage', () => {
    const { sim, server, versions } = makeServer({ nodes: 1, releases: [release('2100.0.0', 10 * HOUR), release('2000.0.0', 4 * HOUR)] });
    server.announceOutage(12 * HOUR, 13 * HOUR);
    expect(server.decide(0, 0, 0)).toEqual(noUpdate('no-newer-version', 4 * HOUR));
    sim.runUntil(4 * HOUR);
    expect(server.decide(0, versions.indexOf('2000.0.0'), 4 * HOUR)).toEqual(noUpdate('no-newer-version', 10 * HOUR));
    sim.runUntil(10 * HOUR);
    expect(server.decide(0, versions.indexOf('2100.0.0'), 10 * HOUR)).toEqual(noUpdate('no-newer-version', 12 * HOUR));
  });

  it('a release published by hand (not from the schedule) leaves the scheduled ones to come', () => {
    const { sim, server, versions } = makeServer({ nodes: 1, releases: [release('2000.0.0'), release('3000.0.0', 10 * HOUR)] });
    sim.runUntil(HOUR);
    server.publish(release('2500.0.0', HOUR));
    expect(server.decide(0, versions.indexOf('2500.0.0'), HOUR)).toEqual(noUpdate('no-newer-version', 10 * HOUR));
  });

  it('a paused rollout and a halted one answer rollout-stopped, until the next scheduled publication', () => {
    const releases = [release('2000.0.0'), release('2100.0.0', 10 * HOUR)];
    const paused = makeServer({ nodes: 1, releases });
    paused.server.pauseRollout('prod', 0);
    expect(paused.server.decide(0, 0, 1)).toEqual(noUpdate('rollout-stopped', 10 * HOUR));

    const halted = makeServer({ nodes: 2, releases, policy: { haltOnFailureRatio: 0.5 } });
    expect(halted.server.check(0, 0, 0).result).toBe(UPDATE);
    halted.server.report(0, UPDATE_COMPLETE, ERROR, 44, halted.versions.indexOf('2000.0.0'), 1);
    expect(halted.server.decide(1, 0, 2)).toEqual(noUpdate('rollout-stopped', 10 * HOUR));
  });

  it('backend/pkg/api/updates.go GetUpdatePackage: a refused instance (Downloading) gets noupdate until the next publication; one still UpdateGranted its grant, promised for now only', () => {
    const { server, versions } = makeServer({ nodes: 2, releases: [release('2000.0.0'), release('2100.0.0', 10 * HOUR)] });
    const v = versions.indexOf('2000.0.0');
    expect(server.check(0, 0, 0)).toEqual({ result: UPDATE, version: v, reason: 'grant', validUntilMs: 0 });
    expect(server.check(1, 0, 0).result).toBe(UPDATE);
    expect(server.decide(0, 0, 5)).toEqual({ result: UPDATE, version: v, reason: 'in-progress', validUntilMs: 5 });
    server.report(1, DOWNLOAD_STARTED, SUCCESS, 0, v, 6);
    expect(server.decide(1, 0, 7)).toEqual(noUpdate('update-in-progress-on-instance', 10 * HOUR));
  });

  it('Cincinnati throttle: a throttled node is told when it is admitted, publishedAt + (w - start) * duration / (1 - start), using its configured wariness', () => {
    // Node 0 configures 0.5, node 1 sends none (NaN: derived from its id), node 2 is a canary (0).
    const configured = [0.5, NaN, 0];
    const { sim, server } = makeFleet({
      groups: [{ name: 'prod', channel: 'stable', nodeCount: 3 }],
      releases: [release('2000.0.0', 2 * HOUR)],
      policy: { throttle: { start: 0, duration: 10 * HOUR } },
      configuredWariness: (node) => configured[node],
    });
    sim.runUntil(2 * HOUR);
    // Published at 2 h: 0.5 is reached 5 h later.
    expect(server.decide(0, 0, 2 * HOUR)).toEqual(noUpdate('throttled', 7 * HOUR));
    expect(server.decide(0, 0, 3 * HOUR)).toEqual(noUpdate('throttled', 7 * HOUR));
    // At 7 h the throttle is exactly 0.5: a wariness equal to it is admitted.
    expect(server.decide(0, 0, 7 * HOUR - 1).reason).toBe('throttled');
    expect(server.check(0, 0, 7 * HOUR).reason).toBe('grant');
    // A canary's 0 is used as such (a derived wariness is never 0).
    expect(nodeWariness(2, SALT)).toBeGreaterThan(0);
    expect(server.check(2, 0, 7 * HOUR).reason).toBe('grant');
  });

  it('Cincinnati throttle: a node without configured wariness (NaN) falls back to the one derived from its id', () => {
    const { server } = makeFleet({
      groups: [{ name: 'prod', channel: 'stable', nodeCount: 1 }],
      releases: [release('2000.0.0')],
      policy: { throttle: { start: 0, duration: 10 * HOUR } },
      configuredWariness: () => NaN,
    });
    const w = nodeWariness(0, SALT);
    const d = server.decide(0, 0, 0);
    expect(d.reason).toBe('throttled');
    // throttle(t) = t / 10 h reaches w at w * 10 h, rounded up to a ms.
    expect(d.validUntilMs).toBeGreaterThanOrEqual(Math.floor(w * 10 * HOUR));
    expect(d.validUntilMs).toBeLessThanOrEqual(Math.ceil(w * 10 * HOUR) + 1);
  });

  it('Cincinnati throttle: with updates disabled, the time the throttle admits a node changes nothing and is not promised', () => {
    const { server } = makeFleet({
      groups: [{ name: 'prod', channel: 'stable', nodeCount: 1 }],
      releases: [release('2000.0.0'), release('2100.0.0', 20 * HOUR)],
      policy: { throttle: { start: 0, duration: 10 * HOUR }, updatesEnabled: false },
      configuredWariness: () => 0.5,
    });
    expect(server.decide(0, 0, HOUR)).toEqual(noUpdate('throttled', 20 * HOUR));
  });

  it('backend/pkg/api/updates.go enforceRolloutPolicy: updates disabled hold until the next scheduled publication', () => {
    const { server } = makeServer({ nodes: 1, policy: { updatesEnabled: false }, releases: [release('2000.0.0'), release('2100.0.0', 10 * HOUR)] });
    expect(server.decide(0, 0, 1)).toEqual(noUpdate('updates-disabled', 10 * HOUR));
  });

  it('backend/pkg/api/updates.go enforceRolloutPolicy (inOfficeHoursNow): outside office hours the answer holds until they open, Mon-Fri 09:00, or an earlier publication', () => {
    const { server } = makeServer({ nodes: 1, policy: { officeHours: true, timezone: 'UTC' } });
    // 2024-01-01 is a Monday: at 01:00 UTC they open at 09:00.
    expect(server.decide(0, 0, HOUR)).toEqual(noUpdate('outside-office-hours', 9 * HOUR));
    // Friday 18:00 -> Monday 09:00.
    expect(server.decide(0, 0, 4 * 24 * HOUR + 18 * HOUR).validUntilMs).toBe(7 * 24 * HOUR + 9 * HOUR);

    const sooner = makeServer({ nodes: 1, policy: { officeHours: true, timezone: 'UTC' }, releases: [release('2000.0.0'), release('2100.0.0', 5 * HOUR)] });
    expect(sooner.server.decide(0, 0, HOUR).validUntilMs).toBe(5 * HOUR);
  });

  it('backend/pkg/api/updates.go enforceRolloutPolicy: a limit that other nodes\' progress lifts promises nothing (validUntilMs = now)', () => {
    const { server } = makeServer({ nodes: 2, policy: { maxUpdatesPerPeriod: 1 }, releases: [release('2000.0.0'), release('2100.0.0', 10 * HOUR)] });
    expect(server.check(0, 0, 0).result).toBe(UPDATE);
    expect(server.decide(1, 0, 100)).toEqual(noUpdate('max-updates-per-period', 100));
  });
});

describe('UpdateServer.check: acting on the decision', () => {
  it('backend/pkg/api/updates.go enforceRolloutPolicy: in safe mode a timed-out update switches the group off once (server.updates-disabled, disabledByServer), and the check is decided again', () => {
    const { server, events } = makeServer({ nodes: 3, policy: { safeMode: true, updateTimeout: HOUR }, releases: [release('2000.0.0'), release('2100.0.0', 10 * HOUR)] });
    expect(server.check(0, 0, 0).result).toBe(UPDATE);
    expect(server.check(1, 0, 2 * HOUR)).toEqual(noUpdate('updates-disabled', 10 * HOUR));
    expect(server.check(2, 0, 3 * HOUR)).toEqual(noUpdate('updates-disabled', 10 * HOUR));
    expect(ofKind(events, 'server.updates-disabled')).toEqual([{ time: 2 * HOUR, kind: 'server.updates-disabled', subject: 'prod', data: { reason: 'max-timed-out-updates' } }]);
    expect(server.rolloutStates()).toEqual([{ group: 'prod', state: 'rolling', haltedByFailures: false, updatesEnabled: false, disabledByServer: true }]);
  });

  it('a group starts completed with nothing published, waits on a release, rolls on its first grant (rollout.state), and traces each grant with the version name', () => {
    const { sim, server, events } = makeServer({ nodes: 2, releases: [release('2000.0.0', HOUR)] });
    expect(server.rolloutStates()).toEqual([{ group: 'prod', state: 'completed', haltedByFailures: false, updatesEnabled: true, disabledByServer: false }]);
    expect(ofKind(events, 'rollout.state')).toEqual([]);
    sim.runUntil(2 * HOUR);
    server.check(0, 0, 2 * HOUR);
    server.check(1, 0, 2 * HOUR);
    expect(server.rolloutStates()[0].state).toBe('rolling');
    expect(ofKind(events, 'rollout.state')).toEqual([
      { time: HOUR, kind: 'rollout.state', subject: 'prod', data: { state: 'waiting' } },
      { time: 2 * HOUR, kind: 'rollout.state', subject: 'prod', data: { state: 'rolling' } },
    ]);
    expect(ofKind(events, 'server.grant')).toEqual([
      { time: 2 * HOUR, kind: 'server.grant', subject: 0, data: { version: '2000.0.0' } },
      { time: 2 * HOUR, kind: 'server.grant', subject: 1, data: { version: '2000.0.0' } },
    ]);
  });
});

describe('UpdateServer.metrics: the counters of the report', () => {
  it('counts every check, ping and report, the busiest minute, grants, and the server\'s view from the reports', () => {
    const { server, versions } = makeServer({ nodes: 3 });
    const v = versions.indexOf('2000.0.0');
    // Minute 0: three grants, a download start, one refused check (5 requests).
    for (const node of [0, 1, 2]) server.check(node, 0, 0);
    server.report(0, DOWNLOAD_STARTED, SUCCESS, 0, v, 1000);
    expect(server.check(0, 0, 2000).reason).toBe('update-in-progress-on-instance');
    // Minute 1: a ping and two boot reports (3 requests).
    expect(server.ping(1, 61_000)).toBe(true);
    server.report(1, UPDATE_COMPLETE, SUCCESS_REBOOT, 0, v, 61_000);
    server.report(2, UPDATE_COMPLETE, ERROR, 44, v, 62_000);
    expect(server.metrics(62_000)).toEqual({
      requests: 8,
      peakRequestsPerMinute: 5,
      peakConcurrentDownloads: 0,
      bytesServed: 0,
      grants: 3,
      view: { updateComplete: 1, updateFailed: 1, inProgress: 1, reset: 0, refusedInProgress: 1 },
    });
    // The check's 3/2 without previous version ends node 0's update (no request of its own).
    server.reportNoPreviousVersion(0, 63_000);
    expect(server.metrics(63_000).view).toEqual({ updateComplete: 1, updateFailed: 1, inProgress: 0, reset: 1, refusedInProgress: 1 });
    expect(server.metrics(63_000).requests).toBe(8);
  });

  it('peakConcurrentDownloads and bytesServed follow the downloads (two of 300 MB at 1 Gbps each: 150 MB each by 1.2 s)', () => {
    const { sim, server, versions } = makeServer({ nodes: 2, bandwidthBps: 10e9, nodeBandwidthBps: 1e9 });
    const v = versions.indexOf('2000.0.0');
    server.startDownload(0, v, 0);
    server.startDownload(1, v, 0);
    sim.runUntil(1200);
    expect(server.metrics(1200)).toMatchObject({ peakConcurrentDownloads: 2, bytesServed: 300_000_000 });
  });
});

describe('UpdateServer: ping, report and the 3/2 without previous version', () => {
  it('a status ping is answered unless the server is out, and counted either way', () => {
    const { server } = makeServer({ nodes: 1 });
    expect(server.ping(0, 0)).toBe(true);
    server.beginOutage(10);
    expect(server.ping(0, 20)).toBe(false);
    server.endOutage(30);
    expect(server.ping(0, 40)).toBe(true);
    expect(server.metrics(40).requests).toBe(3);
  });

  it('backend/pkg/api/events.go RegisterEvent: a report is registered (true) and traced, 3/2 as server.update-complete and 3/0 as server.update-failed with its error code and version name', () => {
    const { server, versions, events } = makeServer({ nodes: 2 });
    const v = versions.indexOf('2000.0.0');
    server.check(0, 0, 0);
    server.check(1, 0, 0);
    expect(server.report(0, UPDATE_COMPLETE, SUCCESS_REBOOT, 0, v, 10)).toBe(true);
    expect(server.report(1, UPDATE_COMPLETE, ERROR, 44, v, 20)).toBe(true);
    expect(events.filter((e) => e.kind.startsWith('server.update-'))).toEqual([
      { time: 10, kind: 'server.update-complete', subject: 0, data: { errorCode: 0, version: '2000.0.0' } },
      { time: 20, kind: 'server.update-failed', subject: 1, data: { errorCode: 44, version: '2000.0.0' } },
    ]);
    expect(server.metrics(20).view).toMatchObject({ updateComplete: 1, updateFailed: 1, inProgress: 0 });
  });

  it('a report during an outage is lost (false): counted as a request, changing nothing', () => {
    const { server, versions, events } = makeServer({ nodes: 1 });
    const v = versions.indexOf('2000.0.0');
    server.check(0, 0, 0);
    server.beginOutage(5);
    expect(server.report(0, UPDATE_COMPLETE, SUCCESS_REBOOT, 0, v, 10)).toBe(false);
    expect(server.metrics(10)).toMatchObject({ requests: 2, view: { updateComplete: 0, updateFailed: 0, inProgress: 1 } });
    expect(ofKind(events, 'server.update-complete')).toEqual([]);
  });

  it('update_engine 13/1, 14/1 and 3/1 reports are neither a completion nor a failure, and are not traced as one', () => {
    const { server, versions, events } = makeServer({ nodes: 1 });
    const v = versions.indexOf('2000.0.0');
    server.check(0, 0, 0);
    for (const [event, result] of [[DOWNLOAD_STARTED, SUCCESS], [DOWNLOAD_FINISHED, SUCCESS], [UPDATE_COMPLETE, SUCCESS]]) {
      expect(server.report(0, event, result, 0, v, 10)).toBe(true);
    }
    expect(server.metrics(10).view).toMatchObject({ updateComplete: 0, updateFailed: 0, inProgress: 1 });
    expect(events.filter((e) => e.kind.startsWith('server.update-'))).toEqual([]);
  });

  it('backend/pkg/api/events.go triggerEventConsequences: only a successful 13 (Downloading) or 14 (Downloaded) moves the instance off UpdateGranted; 3/1 and a failed 13 leave its grant offered again', () => {
    const cases: Array<[event: number, result: number, reason: string]> = [
      [DOWNLOAD_STARTED, SUCCESS, 'update-in-progress-on-instance'],
      [DOWNLOAD_FINISHED, SUCCESS, 'update-in-progress-on-instance'],
      [UPDATE_COMPLETE, SUCCESS, 'in-progress'],
      [DOWNLOAD_STARTED, ERROR, 'in-progress'],
    ];
    for (const [event, result, reason] of cases) {
      const { server, versions } = makeServer({ nodes: 1 });
      const v = versions.indexOf('2000.0.0');
      server.check(0, 0, 0);
      server.report(0, event, result, 0, v, 10);
      expect([event, result, server.check(0, 0, 20).reason]).toEqual([event, result, reason]);
    }
  });

  it('backend/pkg/api/events.go RegisterEvent: the check\'s 3/2 with empty previous version resets an update in progress (server.update-reset), but not while the server is out, nor without an update in progress', () => {
    const { server, events } = makeServer({ nodes: 1 });
    server.check(0, 0, 0);
    server.beginOutage(10);
    server.reportNoPreviousVersion(0, 20);
    expect(server.metrics(20).view).toMatchObject({ inProgress: 1, reset: 0 });
    server.endOutage(30);
    server.reportNoPreviousVersion(0, 40);
    server.reportNoPreviousVersion(0, 50);
    expect(server.metrics(50).view).toMatchObject({ inProgress: 0, reset: 1 });
    expect(ofKind(events, 'server.update-reset')).toEqual([{ time: 40, kind: 'server.update-reset', subject: 0, data: {} }]);
  });
});

describe('UpdateServer: downloads', () => {
  it('in an outage a download fails at once, through the simulation at that time, and nothing is transferred', () => {
    const { sim, server, versions, failed } = makeServer({ nodes: 1 });
    server.beginOutage(0);
    sim.runUntil(500);
    server.startDownload(0, versions.indexOf('2000.0.0'), 500);
    expect(failed).toEqual([]);
    expect(server.activeDownloads).toBe(0);
    sim.runUntil(500);
    expect(failed).toEqual([[0, 500]]);
  });

  it('an aborted download never finishes, and the others get its bandwidth (1 Gbps total: 150 MB at half rate, then 150 MB at full rate)', () => {
    const { sim, server, versions, finished } = makeServer({ nodes: 2, bandwidthBps: 1e9, nodeBandwidthBps: 1e9 });
    const v = versions.indexOf('2000.0.0');
    server.startDownload(0, v, 0);
    server.startDownload(1, v, 0);
    expect(server.activeDownloads).toBe(2);
    sim.runUntil(2400);
    server.abortDownload(1, 2400);
    expect(server.activeDownloads).toBe(1);
    sim.runToEnd();
    expect(finished).toEqual([[0, 3600]]);
  });

  it('a payload has the size of the release its channel offers (beta 100 MB: 0.8 s, stable 300 MB: 2.4 s at 1 Gbps)', () => {
    const { sim, server, versions, finished } = makeFleet({
      groups: TWO_GROUPS,
      releases: [on('beta', release('2100.0.0', 0, 100e6)), release('2000.0.0', 0, 300e6)],
    });
    server.startDownload(2, versions.indexOf('2000.0.0'), 0);
    server.startDownload(0, versions.indexOf('2100.0.0'), 0);
    sim.runToEnd();
    expect(finished).toEqual([[0, 800], [2, 2400]]);
  });

  it('a version that is no channel\'s current release cannot be downloaded', () => {
    const { sim, server, versions } = makeServer({ nodes: 1, releases: [release('2000.0.0'), release('2100.0.0', HOUR)] });
    expect(() => server.startDownload(0, 0, 0)).toThrow('version 1000.0.0 is no channel\'s current release');
    sim.runUntil(HOUR);
    expect(() => server.startDownload(0, versions.indexOf('2000.0.0'), HOUR)).toThrow('version 2000.0.0 is no channel\'s current release');
  });
});

describe('UpdateServer: outages', () => {
  it('outages nest: the depth is traced, every group is woken when one begins, and only when the last one ends', () => {
    const { server, events, wakes } = makeFleet({ groups: TWO_GROUPS, releases: [release('2000.0.0')] });
    wakes.length = 0;
    server.beginOutage(10);
    expect(wakes).toEqual([0, 1]);
    server.beginOutage(20);
    expect(wakes).toEqual([0, 1, 0, 1]);
    server.endOutage(30);
    expect(wakes).toEqual([0, 1, 0, 1]);
    expect(server.inOutage).toBe(true);
    server.endOutage(40);
    expect(wakes).toEqual([0, 1, 0, 1, 0, 1]);
    expect(server.inOutage).toBe(false);
    expect(events.filter((e) => e.kind.startsWith('server.outage-'))).toEqual([
      { time: 10, kind: 'server.outage-start', subject: 'server', data: { depth: 1 } },
      { time: 20, kind: 'server.outage-start', subject: 'server', data: { depth: 2 } },
      { time: 30, kind: 'server.outage-end', subject: 'server', data: { depth: 1 } },
      { time: 40, kind: 'server.outage-end', subject: 'server', data: { depth: 0 } },
    ]);
  });

  it('an outage is silent (no HTTP answer) only while a silent one is on; a plain one answers 503', () => {
    const { server } = makeServer({ nodes: 1 });
    expect([server.inOutage, server.silent]).toEqual([false, false]);
    server.beginOutage(0);
    expect([server.inOutage, server.silent]).toEqual([true, false]);
    server.beginOutage(10, true);
    expect([server.inOutage, server.silent]).toEqual([true, true]);
    server.endOutage(20, true);
    expect([server.inOutage, server.silent]).toEqual([true, false]);
    server.endOutage(30);
    expect([server.inOutage, server.silent]).toEqual([false, false]);
  });

  it('ending an outage that never began is a bug, and so is ending a silent one when none is silent', () => {
    const { server } = makeServer({ nodes: 1 });
    expect(() => server.endOutage(0)).toThrow('an outage ended that never began');
    server.beginOutage(10);
    expect(() => server.endOutage(20, true)).toThrow('a silent outage ended that never began');
  });
});

describe('UpdateServer: operator actions', () => {
  it('pause-rollout and resume-rollout act on the named group only, are traced, and resuming wakes the group', () => {
    const { server, events, wakes } = makeFleet({ groups: TWO_GROUPS, releases: [on('beta', release('2100.0.0')), release('2000.0.0')] });
    wakes.length = 0;
    server.pauseRollout('prod', 5);
    expect(server.rolloutStates().map((s) => s.state)).toEqual(['waiting', 'paused']);
    expect(wakes).toEqual([]);
    server.resumeRollout('prod', 6);
    expect(server.rolloutStates().map((s) => s.state)).toEqual(['waiting', 'rolling']);
    expect(wakes).toEqual([1]);
    expect(events.filter((e) => e.kind.startsWith('operator.'))).toEqual([
      { time: 5, kind: 'operator.pause-rollout', subject: 'prod' },
      { time: 6, kind: 'operator.resume-rollout', subject: 'prod' },
    ]);
  });

  it('an unknown group name is refused by every operator action', () => {
    const { server } = makeServer({ nodes: 1 });
    expect(() => server.pauseRollout('x', 0)).toThrow('unknown group "x"');
    expect(() => server.resumeRollout('x', 0)).toThrow('unknown group "x"');
    expect(() => server.setPolicy('x', { updatesEnabled: false }, 0)).toThrow('unknown group "x"');
  });

  it('haltOnFailureRatio: a halt is traced with its counts and marks haltedByFailures; resuming clears it, and a later success does not halt again', () => {
    const { server, versions, events } = makeServer({ nodes: 2, policy: { haltOnFailureRatio: 0.5 } });
    const v = versions.indexOf('2000.0.0');
    server.check(0, 0, 0);
    server.report(0, UPDATE_COMPLETE, ERROR, 44, v, 10); // 1 of 1 failed
    expect(server.rolloutStates()[0]).toMatchObject({ state: 'halted', haltedByFailures: true });
    expect(ofKind(events, 'rollout.halted')).toEqual([{ time: 10, kind: 'rollout.halted', subject: 'prod', data: { failed: 1, completed: 1, ratio: 0.5 } }]);
    server.resumeRollout('prod', 20);
    expect(server.rolloutStates()[0]).toMatchObject({ state: 'rolling', haltedByFailures: false });
    expect(server.check(1, 0, 30).result).toBe(UPDATE);
    server.report(1, UPDATE_COMPLETE, SUCCESS_REBOOT, 0, v, 40); // 1 of 2 failed, but a success
    expect(server.rolloutStates()[0].state).toBe('rolling');
    expect(ofKind(events, 'rollout.halted').length).toBe(1);
  });

  it('haltOnFailureRatio: a failure in a group already halted does not halt it again', () => {
    const { server, versions, events } = makeServer({ nodes: 2, policy: { haltOnFailureRatio: 0.5 } });
    const v = versions.indexOf('2000.0.0');
    server.check(0, 0, 0);
    server.check(1, 0, 0);
    server.report(0, UPDATE_COMPLETE, ERROR, 44, v, 10);
    server.report(1, UPDATE_COMPLETE, ERROR, 44, v, 20);
    expect(ofKind(events, 'rollout.halted').map((e) => e.time)).toEqual([10]);
  });

  it('haltOnFailureRatio: 1 failure in 4 finished updates halts at a ratio of 0.25 (failed / done >= ratio), not at 0.26', () => {
    for (const [ratio, halts] of [[0.25, true], [0.26, false]] as const) {
      const { server, versions, events } = makeServer({ nodes: 4, policy: { haltOnFailureRatio: ratio } });
      const v = versions.indexOf('2000.0.0');
      for (const node of [0, 1, 2, 3]) server.check(node, 0, 0);
      for (const node of [0, 1, 2]) server.report(node, UPDATE_COMPLETE, SUCCESS_REBOOT, 0, v, 10);
      server.report(3, UPDATE_COMPLETE, ERROR, 44, v, 20);
      expect(server.rolloutStates()[0]).toMatchObject({ state: halts ? 'halted' : 'rolling', haltedByFailures: halts });
      expect(ofKind(events, 'rollout.halted').map((e) => e.data)).toEqual(halts ? [{ failed: 1, completed: 4, ratio }] : []);
    }
  });
});

describe('UpdateServer.setPolicy', () => {
  it('"default" changes every group, a group name that group alone; each changed group is woken', () => {
    const { server, wakes } = makeFleet({ groups: TWO_GROUPS, releases: [release('2000.0.0')] });
    wakes.length = 0;
    server.setPolicy('prod', { updatesEnabled: false }, 0);
    expect(server.rolloutStates().map((s) => s.updatesEnabled)).toEqual([true, false]);
    expect(wakes).toEqual([1]);
    server.setPolicy('default', { updatesEnabled: false }, 0);
    expect(server.rolloutStates().map((s) => s.updatesEnabled)).toEqual([false, false]);
    expect(wakes).toEqual([1, 0, 1]);
  });

  it('only the keys the patch defines are merged: an undefined key keeps the group\'s value', () => {
    const { server } = makeServer({ nodes: 2 });
    server.setPolicy('prod', { maxUpdatesPerPeriod: 1, updatesEnabled: undefined }, 0);
    expect(server.check(0, 0, 0).reason).toBe('grant');
    expect(server.check(1, 0, 0).reason).toBe('max-updates-per-period');
    expect(server.rolloutStates()[0].updatesEnabled).toBe(true);
  });

  it('backend/pkg/api/updates.go: updates the server switched off stay off (disabledByServer) until a patch sets updatesEnabled', () => {
    const { server } = makeServer({ nodes: 3, policy: { safeMode: true, updateTimeout: HOUR } });
    server.check(0, 0, 0);
    server.check(1, 0, 2 * HOUR);
    expect(server.rolloutStates()[0]).toMatchObject({ updatesEnabled: false, disabledByServer: true });
    server.setPolicy('prod', { maxUpdatesPerPeriod: 5 }, 2 * HOUR);
    expect(server.rolloutStates()[0]).toMatchObject({ updatesEnabled: false, disabledByServer: true });
    server.setPolicy('prod', { updatesEnabled: true }, 2 * HOUR);
    expect(server.rolloutStates()[0]).toMatchObject({ updatesEnabled: true, disabledByServer: false });
  });

  it('turning office hours on takes effect at once, in the zone given (Berlin, UTC+1 in January: open from 08:00 UTC)', () => {
    const { server } = makeServer({ nodes: 1 });
    server.setPolicy('prod', { officeHours: true, timezone: 'Europe/Berlin' }, HOUR);
    expect(server.decide(0, 0, HOUR)).toEqual(noUpdate('outside-office-hours', 8 * HOUR));
    server.setPolicy('prod', { officeHours: false }, HOUR);
    expect(server.decide(0, 0, HOUR).reason).toBe('grant');
  });

  it('is traced as operator.set-policy with the patch: objects as JSON, null kept, undefined keys left out', () => {
    const { server, events } = makeServer({ nodes: 1 });
    server.setPolicy('default', { throttle: { start: 0.25, duration: 3_600_000 }, maxUpdatesPerPeriod: null, safeMode: true, periodInterval: 60_000, haltOnFailureRatio: undefined }, 7);
    expect(ofKind(events, 'operator.set-policy')).toStrictEqual([
      {
        time: 7,
        kind: 'operator.set-policy',
        subject: 'default',
        data: { throttle: '{"start":0.25,"duration":3600000}', maxUpdatesPerPeriod: null, safeMode: true, periodInterval: 60_000 },
      },
    ]);
  });
});

describe('UpdateServer.publish and rollout completion', () => {
  it('a release is traced as server.release with its channel and size, starts the group\'s rollout (waiting) and wakes it; firstReleaseAtMs keeps the first', () => {
    const { sim, server, events, wakes } = makeServer({ nodes: 1, releases: [release('2000.0.0', HOUR, 123e6), release('2100.0.0', 3 * HOUR)] });
    expect(server.firstReleaseAtMs).toBe(null);
    sim.runUntil(HOUR);
    expect(ofKind(events, 'server.release')).toEqual([{ time: HOUR, kind: 'server.release', subject: '2000.0.0', data: { channel: 'stable', size: 123_000_000 } }]);
    expect(server.rolloutStates()[0].state).toBe('waiting');
    expect(wakes).toEqual([0]);
    sim.runUntil(3 * HOUR);
    expect(server.firstReleaseAtMs).toBe(HOUR);
  });

  it('a newer release replaces the channel\'s target; an older one published after it is traced but offered to no one', () => {
    const { sim, server, versions, events } = makeServer({ nodes: 1, releases: [release('2000.0.0'), release('2100.0.0', HOUR), release('2050.0.0', 2 * HOUR)] });
    sim.runUntil(HOUR);
    expect(server.groupTarget(0)).toBe(versions.indexOf('2100.0.0'));
    expect(server.check(0, 0, HOUR).version).toBe(versions.indexOf('2100.0.0'));
    sim.runUntil(2 * HOUR);
    expect(server.groupTarget(0)).toBe(versions.indexOf('2100.0.0'));
    expect(ofKind(events, 'server.release').map((e) => e.subject)).toEqual(['2000.0.0', '2100.0.0', '2050.0.0']);
    // 2100.0.0 restarted a rollout still waiting (no change traced); the grant set it rolling.
    expect(ofKind(events, 'rollout.state').map((e) => [e.time, e.data])).toEqual([
      [0, { state: 'waiting' }],
      [HOUR, { state: 'rolling' }],
    ]);
    expect(server.decide(0, versions.indexOf('2100.0.0'), 2 * HOUR).reason).toBe('no-newer-version');
  });

  it('a release on one channel goes to the groups following that channel only', () => {
    const { sim, server, versions, wakes } = makeFleet({ groups: TWO_GROUPS, releases: [on('beta', release('2100.0.0', HOUR)), release('2000.0.0', 2 * HOUR)] });
    sim.runUntil(HOUR);
    expect(server.rolloutStates().map((s) => s.state)).toEqual(['waiting', 'completed']);
    expect(wakes).toEqual([0]);
    expect([server.groupTarget(0), server.groupTarget(1)]).toEqual([versions.indexOf('2100.0.0'), -1]);
    expect(server.check(2, 0, HOUR).reason).toBe('no-newer-version');
    expect(server.check(0, 0, HOUR).version).toBe(versions.indexOf('2100.0.0'));
    sim.runUntil(2 * HOUR);
    expect(server.rolloutStates().map((s) => s.state)).toEqual(['rolling', 'waiting']);
    expect(wakes).toEqual([0, 1]);
    expect(server.groupTarget(1)).toBe(versions.indexOf('2000.0.0'));
  });

  it('newestVersion is the newest release over every channel, -1 before any', () => {
    // Beta is listed first: its channel comes first in the server's channels.
    const { sim, server, versions } = makeFleet({
      groups: TWO_GROUPS,
      releases: [on('beta', release('2100.0.0', HOUR)), release('2000.0.0', 0.5 * HOUR), release('2050.0.0', 2 * HOUR)],
    });
    expect(server.newestVersion()).toBe(-1);
    sim.runUntil(0.5 * HOUR);
    expect(server.newestVersion()).toBe(versions.indexOf('2000.0.0'));
    sim.runUntil(HOUR);
    expect(server.newestVersion()).toBe(versions.indexOf('2100.0.0'));
    sim.runUntil(2 * HOUR);
    expect(server.newestVersion()).toBe(versions.indexOf('2100.0.0'));
  });

  it('a rollout completes when every node of the group runs the target, counting nodes that leave it (rollback)', () => {
    const { server, versions, events } = makeServer({ nodes: 2 });
    const v = versions.indexOf('2000.0.0');
    server.nodeVersionChanged(0, 0, v);
    server.nodeVersionChanged(0, v, 0); // rolled back: 0 of 2 on the target
    server.nodeVersionChanged(1, 0, v); // 1 of 2
    expect(server.rolloutStates()[0].state).toBe('waiting');
    server.nodeVersionChanged(0, 0, v); // 2 of 2
    expect(server.rolloutStates()[0].state).toBe('completed');
    expect(ofKind(events, 'rollout.state').map((e) => e.data)).toEqual([{ state: 'waiting' }, { state: 'completed' }]);
  });

  it('a release of the version every node already runs completes at once; published again, it starts nothing', () => {
    const { sim, server, events, wakes } = makeServer({ nodes: 2, releases: [release('1000.0.0', HOUR)] });
    sim.runUntil(HOUR);
    expect(server.rolloutStates()[0].state).toBe('completed');
    expect(server.newestVersion()).toBe(0);
    expect(ofKind(events, 'rollout.state').map((e) => e.data)).toEqual([{ state: 'waiting' }, { state: 'completed' }]);
    expect(wakes).toEqual([0]);
    sim.runUntil(2 * HOUR);
    server.publish(release('1000.0.0', 2 * HOUR));
    expect(ofKind(events, 'rollout.state').length).toBe(2);
    expect(wakes).toEqual([0]);
  });

  it('a release of a version one node has left waits for that node to come back to it', () => {
    const { sim, server, versions } = makeServer({ nodes: 2, releases: [release('1000.0.0', HOUR)] });
    const other = versions.add('900.0.0');
    server.nodeVersionChanged(0, 0, other);
    sim.runUntil(HOUR);
    expect(server.rolloutStates()[0].state).toBe('waiting');
    server.nodeVersionChanged(0, other, 0);
    expect(server.rolloutStates()[0].state).toBe('completed');
  });
});
