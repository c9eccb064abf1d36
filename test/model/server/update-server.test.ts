/**
 * The update server against the real semantics of Nebraska's enforceRolloutPolicy
 * (flatcar/nebraska backend/pkg/api/updates.go) and Cincinnati's throttle, each test naming its
 * source. Nodes check at random times; the assertions are about what the server grants.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CHECK_RESULT } from '../../../sim/model/node/omaha.ts';

const { NO_UPDATE: CHECK_NO_UPDATE, UPDATE: CHECK_UPDATE, SERVER_ERROR: CHECK_SERVER_ERROR } = CHECK_RESULT;
import { nodeWariness, throttleAt } from '../../../sim/model/server/throttle.ts';
import { HOUR, makeServer, release } from './harness.ts';

describe('UpdateServer: channel and versions', () => {
  it('offers nothing before the release is published and the release after it', () => {
    const { sim, server } = makeServer({ nodes: 2, releases: [release('2000.0.0', HOUR)] });
    expect(server.check(0, 0, 0).result).toBe(CHECK_NO_UPDATE);
    sim.runUntil(HOUR);
    const answer = server.check(0, 0, HOUR);
    expect(answer.result).toBe(CHECK_UPDATE);
    expect(answer.version).toBeGreaterThan(0);
  });

  it('offers nothing to a node already on the newest version', () => {
    const { server, versions } = makeServer({ nodes: 1 });
    expect(server.check(0, versions.indexOf('2000.0.0'), 0).result).toBe(CHECK_NO_UPDATE);
  });

  it('backend/pkg/api/updates.go GetUpdatePackage: a version that failed on a node (3/0 error 44) is offered to it again, as a new grant (flatcar/Flatcar#1924)', () => {
    const { server, versions } = makeServer({ nodes: 1 });
    const v = versions.indexOf('2000.0.0');
    expect(server.check(0, 0, 0).result).toBe(CHECK_UPDATE);
    server.report(0, 3, 0, 44, v, 10);
    expect(server.check(0, 0, 20).result).toBe(CHECK_UPDATE);
    expect(server.metrics(20).grants).toBe(2);
  });

  it('backend/pkg/api/updates.go GetUpdatePackage ("Handle already-granted updates"): an instance still UpdateGranted is offered its grant again, not a new one', () => {
    const { server } = makeServer({ nodes: 1 });
    expect(server.check(0, 0, 0).result).toBe(CHECK_UPDATE);
    expect(server.check(0, 0, 10).result).toBe(CHECK_UPDATE);
    expect(server.metrics(10).grants).toBe(1);
  });

  it('backend/pkg/api/updates.go GetUpdatePackage (ErrUpdateInProgressOnInstance) and events.go triggerEventConsequences: an instance last seen Downloading (13) or Downloaded (14) is refused, until a 3/0 or 3/2 report ends its update (flatcar/nebraska#76)', () => {
    for (const lastEvent of [13, 14]) {
      const { server, versions } = makeServer({ nodes: 1 });
      const v = versions.indexOf('2000.0.0');
      expect(server.check(0, 0, 0).result).toBe(CHECK_UPDATE);
      server.report(0, 13, 1, 0, v, 5);
      if (lastEvent === 14) server.report(0, 14, 1, 0, v, 6);
      // Flatcar's 3/1 (installed) is not Nebraska's Installed (event 800): it changes nothing.
      server.report(0, 3, 1, 0, v, 7);
      const refused = server.check(0, 0, 10);
      expect(refused.result).toBe(CHECK_NO_UPDATE);
      expect(refused.reason).toBe('update-in-progress-on-instance');
      // Nothing but a report changes that view: a day later it is refused still.
      expect(server.check(0, 0, 86_400_000).reason).toBe('update-in-progress-on-instance');
      expect(server.metrics(86_400_000).view).toMatchObject({ inProgress: 1, refusedInProgress: 2 });
      server.report(0, 3, 0, 9, v, 86_400_001);
      expect(server.check(0, 0, 86_400_002).result).toBe(CHECK_UPDATE);
      expect(server.metrics(86_400_002).grants).toBe(2);
    }
  });

  it('update_engine omaha_request_action.cc GetAppBody and nebraska events.go RegisterEvent (Flatcar hack): a check\'s 3/2 with an empty previous version ends an update in progress (Undefined), so the lost failure report does not hold the node, and the next check is a new grant', () => {
    const { server, versions } = makeServer({ nodes: 2, policy: { safeMode: true, maxUpdatesPerPeriod: 10 } });
    const v = versions.indexOf('2000.0.0');
    expect(server.check(0, 0, 0).result).toBe(CHECK_UPDATE);
    server.report(0, 13, 1, 0, v, 5);
    // Node 0's download failed and its 3/0 was lost: safe mode holds node 1 back (one update
    // until an update to this version was attempted).
    expect(server.check(1, 0, 10).result).toBe(CHECK_NO_UPDATE);
    server.reportNoPreviousVersion(0, 20);
    expect(server.metrics(20).view).toMatchObject({ inProgress: 0, reset: 1, updateComplete: 0, updateFailed: 0 });
    // Undefined ends the update: it counts as attempted, and safe mode lets node 1 through.
    expect(server.check(1, 0, 30).result).toBe(CHECK_UPDATE);
    // Without an update in progress the event changes nothing.
    server.reportNoPreviousVersion(0, 40);
    expect(server.metrics(40).view.reset).toBe(1);
  });

  it('backend/pkg/api/events.go RegisterEvent (ErrNoUpdateInProgress): a download event from an instance without an update in progress changes nothing', () => {
    const { server, versions } = makeServer({ nodes: 1 });
    server.report(0, 13, 1, 0, versions.indexOf('2000.0.0'), 0);
    expect(server.check(0, 0, 10).result).toBe(CHECK_UPDATE);
  });

  it('answers 5xx during an outage and counts every request', () => {
    const { server } = makeServer({ nodes: 1 });
    server.beginOutage(0);
    expect(server.check(0, 0, 0).result).toBe(CHECK_SERVER_ERROR);
    server.endOutage(1000);
    expect(server.check(0, 0, 1000).result).toBe(CHECK_UPDATE);
    expect(server.metrics(1000).requests).toBe(2);
  });
});

describe('UpdateServer: Nebraska rollout policy (enforceRolloutPolicy)', () => {
  it('max_updates_per_period 10 per 1 h grants exactly what the 1-hour window allows, never more than 10 in it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 * HOUR }), { minLength: 50, maxLength: 400 }), (times) => {
        const nodes = times.length;
        const { sim, server } = makeServer({ nodes, policy: { maxUpdatesPerPeriod: 10, periodInterval: HOUR, updateTimeout: 100 * HOUR } });
        const sorted = [...times].sort((a, b) => a - b);
        const grants: number[] = [];
        sorted.forEach((t, node) => {
          sim.runUntil(t);
          const answer = server.check(node, 0, t);
          if (answer.result === CHECK_UPDATE) {
            grants.push(t);
            // Completing at once frees the in-progress cap, so only the period limit binds.
            server.report(node, 3, 2, 0, answer.version, t);
          }
        });
        for (const start of grants) {
          const inWindow = grants.filter((g) => g >= start && g < start + HOUR).length;
          expect(inWindow).toBeLessThanOrEqual(10);
        }
        // And exactly the grants Nebraska's rule gives (a check is granted when fewer than 10
        // grants have times > t - 1 h), replayed here over the same check times.
        const expected: number[] = [];
        for (const t of sorted) if (expected.filter((g) => g > t - HOUR).length < 10) expected.push(t);
        expect(grants).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('max_updates_per_period also caps updates in progress (UpdatesInProgress >= max holds)', () => {
    const { server } = makeServer({ nodes: 5, policy: { maxUpdatesPerPeriod: 2, periodInterval: 1000, updateTimeout: 100 * HOUR } });
    expect(server.check(0, 0, 0).result).toBe(CHECK_UPDATE);
    expect(server.check(1, 0, 0).result).toBe(CHECK_UPDATE);
    expect(server.check(2, 0, 5000).result).toBe(CHECK_NO_UPDATE); // period passed, still 2 in progress
    server.report(0, 3, 2, 0, 1, 6000);
    expect(server.check(2, 0, 6000).result).toBe(CHECK_UPDATE);
  });

  it('backend/pkg/api/updates.go enforceRolloutPolicy: safe_mode grants one update until an update to this version was ATTEMPTED (UpdatesToCurrentVersionAttempted), a failure included', () => {
    for (const outcome of [{ result: 2, code: 0 }, { result: 0, code: 44 }]) {
      const { server, versions } = makeServer({ nodes: 20, policy: { safeMode: true, maxUpdatesPerPeriod: 100, updateTimeout: 100 * HOUR } });
      const v = versions.indexOf('2000.0.0');
      const granted = [...Array(20).keys()].filter((node) => server.check(node, 0, node * 1000).result === CHECK_UPDATE);
      expect(granted).toEqual([0]);
      // An install (3/1) has not finished the attempt; the boot report (3/2 or 3/0) has.
      server.report(0, 3, 1, 0, v, 30_000);
      expect(server.check(5, 0, 31_000).result).toBe(CHECK_NO_UPDATE);
      server.report(0, 3, outcome.result, outcome.code, v, 40_000);
      const after = [...Array(19).keys()].map((i) => i + 1).filter((node) => server.check(node, 0, 50_000 + node).result === CHECK_UPDATE);
      expect(after.length).toBe(19);
    }
  });

  it('internal/dbreads/groups.go GetGroupUpdatesStats: a node granted the version again is in progress again and no longer counts as attempted, so safe mode closes again', () => {
    const { server, versions } = makeServer({ nodes: 3, policy: { safeMode: true, maxUpdatesPerPeriod: 100, updateTimeout: 100 * HOUR } });
    const v = versions.indexOf('2000.0.0');
    expect(server.check(0, 0, 0).result).toBe(CHECK_UPDATE);
    server.report(0, 3, 0, 44, v, 10);
    // Node 0 asks first: granted again (attempted drops to 0, one in progress); node 1 waits.
    expect(server.check(0, 0, 20).result).toBe(CHECK_UPDATE);
    expect(server.check(1, 0, 30).result).toBe(CHECK_NO_UPDATE);
  });

  it('backend/pkg/api/updates.go enforceRolloutPolicy: without safe mode, timed-out updates do not switch the group off', () => {
    const { server, events } = makeServer({ nodes: 3, policy: { safeMode: false, maxUpdatesPerPeriod: 1, periodInterval: HOUR, updateTimeout: HOUR } });
    expect(server.check(0, 0, 0).result).toBe(CHECK_UPDATE);
    // 2 h later: node 0's update timed out; the limit holds it (in progress counts only those not timed out).
    expect(server.check(1, 0, 2 * HOUR).result).toBe(CHECK_UPDATE);
    expect(events.some((e) => e.kind === 'server.updates-disabled')).toBe(false);
    expect(server.rolloutStates()[0].updatesEnabled).toBe(true);
  });

  it('safe mode switches updates off when the update in progress times out (UpdatesTimedOut >= max)', () => {
    const { server, events } = makeServer({ nodes: 3, policy: { safeMode: true, updateTimeout: HOUR } });
    expect(server.check(0, 0, 0).result).toBe(CHECK_UPDATE);
    expect(server.check(1, 0, 2 * HOUR).result).toBe(CHECK_NO_UPDATE);
    expect(events.some((e) => e.kind === 'server.updates-disabled')).toBe(true);
    expect(server.rolloutStates()[0].updatesEnabled).toBe(false);
  });

  it('office_hours grants nothing outside Mon-Fri 09:00-17:00 in its zone (inOfficeHoursNow)', () => {
    const { sim, server } = makeServer({ nodes: 7 * 24, policy: { officeHours: true, timezone: 'America/New_York' } });
    // 2024-01-01 is a Monday; New York is UTC-5 in January.
    for (let hour = 0; hour < 7 * 24; hour++) {
      const t = hour * HOUR + 30 * 60_000;
      sim.runUntil(t);
      const localHour = (hour - 5 + 24 * 7) % 24;
      const localDay = Math.floor((hour - 5 + 24 * 7) / 24) % 7; // 0 = Monday here
      const open = localDay <= 4 && localHour >= 9 && localHour < 17;
      expect(server.check(hour, 0, t).result === CHECK_UPDATE).toBe(open);
    }
  });

  it('updates_enabled false grants nothing, and a paused rollout grants nothing until resumed', () => {
    const disabled = makeServer({ nodes: 1, policy: { updatesEnabled: false } });
    expect(disabled.server.check(0, 0, 0).result).toBe(CHECK_NO_UPDATE);
    const { server } = makeServer({ nodes: 2 });
    server.pauseRollout('prod', 0);
    expect(server.check(0, 0, 1).result).toBe(CHECK_NO_UPDATE);
    server.resumeRollout('prod', 2);
    expect(server.check(0, 0, 3).result).toBe(CHECK_UPDATE);
  });

  it('haltOnFailureRatio halts the group once that share of its finished updates failed', () => {
    const { server, versions } = makeServer({ nodes: 10, policy: { haltOnFailureRatio: 0.5 } });
    const v = versions.indexOf('2000.0.0');
    for (const node of [0, 1, 2]) expect(server.check(node, 0, 0).result).toBe(CHECK_UPDATE);
    server.report(0, 3, 2, 0, v, 10);
    server.report(1, 3, 0, 44, v, 20); // 1 of 2 failed: 0.5 >= 0.5
    expect(server.rolloutStates()[0].state).toBe('halted');
    expect(server.check(5, 0, 30).result).toBe(CHECK_NO_UPDATE);
  });
});

describe('UpdateServer: Cincinnati throttle', () => {
  it('admits at time t exactly the nodes whose wariness is at most throttle(t)', () => {
    const throttle = { start: 0.1, duration: 10 * HOUR };
    const nodes = 2000;
    // throttle(t) = start + (1 - start) * t / duration, by hand for each t.
    for (const [t, share] of [[0, 0.1], [HOUR, 0.19], [5 * HOUR, 0.55], [9.9 * HOUR, 0.991], [10 * HOUR, 1]]) {
      const { server } = makeServer({ nodes, policy: { throttle } });
      let admittedCount = 0;
      for (let node = 0; node < nodes; node++) {
        const admitted = server.check(node, 0, t).result === CHECK_UPDATE;
        if (admitted) admittedCount++;
        expect(admitted).toBe(nodeWariness(node, 12345) <= share + 1e-12);
      }
      // Wariness is spread uniformly: the admitted share is close to throttle(t) (2,000 nodes:
      // within 4 standard deviations), so a throttle that ignored `start` (0 at t = 0) fails.
      expect(Math.abs(admittedCount / nodes - share)).toBeLessThan(4 * Math.sqrt((share * (1 - share)) / nodes) + 1e-9);
    }
  });

  it('tells when a throttled node will be admitted (for sleeping nodes)', () => {
    const throttle = { start: 0, duration: 10 * HOUR };
    const { server } = makeServer({ nodes: 50, policy: { throttle } });
    for (let node = 0; node < 50; node++) {
      const when = server.decide(node, 0, 0).validUntilMs;
      if (when > 0) {
        expect(throttleAt(throttle, when)).toBeGreaterThanOrEqual(nodeWariness(node, 12345));
        expect(throttleAt(throttle, when - 1)).toBeLessThan(nodeWariness(node, 12345));
      }
    }
  });

  it('tells a node below `start` that it is admitted now, and one above when by the rule (start 0.5, 10 h)', () => {
    const throttle = { start: 0.5, duration: 10 * HOUR };
    const { server } = makeServer({ nodes: 200, policy: { throttle } });
    let below = 0;
    let above = 0;
    for (let node = 0; node < 200; node++) {
      const wariness = nodeWariness(node, 12345);
      const when = server.decide(node, 0, 0).validUntilMs;
      if (wariness <= 0.5) {
        below++;
        expect(server.check(node, 0, 0).result).toBe(CHECK_UPDATE);
      } else {
        above++;
        // 0.5 + 0.5 * t / 10 h = wariness  =>  t = (wariness - 0.5) * 20 h, rounded up to a ms.
        expect(when).toBeGreaterThanOrEqual(Math.floor((wariness - 0.5) * 20 * HOUR));
        expect(when).toBeLessThanOrEqual(Math.ceil((wariness - 0.5) * 20 * HOUR) + 1);
      }
    }
    expect(below).toBeGreaterThan(50);
    expect(above).toBeGreaterThan(50);
  });
});

describe('UpdateServer: downloads share the bandwidth (processor sharing)', () => {
  it('one download runs at the per-node cap; ten share the total', () => {
    const one = makeServer({ nodes: 1, bandwidthBps: 10e9, nodeBandwidthBps: 1e9 });
    one.server.startDownload(0, 1, 0);
    one.sim.runToEnd();
    expect(one.finished).toEqual([[0, 2400]]); // 300 MB at 1 Gbps = 2.4 s

    const many = makeServer({ nodes: 100, bandwidthBps: 10e9, nodeBandwidthBps: 1e9 });
    for (let node = 0; node < 100; node++) many.server.startDownload(node, 1, 0);
    many.sim.runToEnd();
    // 100 x 300 MB over 10 Gbps = 24 s, all finishing together.
    expect(many.finished.length).toBe(100);
    for (const [, t] of many.finished) expect(t).toBeCloseTo(24_000, 3);
    expect(many.server.metrics(many.sim.now).peakConcurrentDownloads).toBe(100);
    expect(many.server.metrics(many.sim.now).bytesServed).toBeCloseTo(100 * 300e6, -3);
  });

  it('a download started later finishes later, and the rate rises when others finish', () => {
    const { sim, server, finished } = makeServer({ nodes: 2, bandwidthBps: 1e9, nodeBandwidthBps: 1e9 });
    server.startDownload(0, 1, 0);
    sim.runUntil(1200);
    server.startDownload(1, 1, 1200);
    sim.runToEnd();
    // Node 0: 150 MB alone (1.2 s), then 150 MB at half rate (2.4 s) -> 3.6 s.
    // Node 1: 150 MB at half rate by 3.6 s, then 150 MB alone (1.2 s) -> 4.8 s.
    expect(finished[0][0]).toBe(0);
    expect(finished[0][1]).toBeCloseTo(3600, 6);
    expect(finished[1][1]).toBeCloseTo(4800, 6);
  });

  it('an outage fails the downloads in flight', () => {
    const { sim, server, failed } = makeServer({ nodes: 3 });
    for (let node = 0; node < 3; node++) server.startDownload(node, 1, 0);
    sim.runUntil(100);
    server.beginOutage(100);
    expect(failed.map(([n]) => n)).toEqual([0, 1, 2]);
    expect(server.activeDownloads).toBe(0);
  });
});
