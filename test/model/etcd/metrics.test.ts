// The `etcd` block of the report (sim/model/etcd/metrics.ts) fed by hand: leaderless and
// quorum-lost intervals opened and closed at chosen times, with totals and outage lists worked
// out by hand (an interval [a, b) counts b - a ms; one still open at report time is closed at it).
import { describe, expect, it } from 'vitest';
import { EtcdMetrics, OUTAGES_MAX } from '../../../sim/model/etcd/metrics.ts';
import { assertionFrom } from '../../assertion-from.ts';

describe('EtcdMetrics: leaderless time and outages', () => {
  it('a fresh report has no leaderless time, no quorum loss and no outages', () => {
    const m = new EtcdMetrics(3);
    expect(m.leaderless).toBe(false);
    expect(m.report(500)).toEqual({
      members: 3,
      elections: 0,
      leaderChanges: 0,
      leaderless: 0,
      quorumLost: 0,
      maxLockHolders: 0,
      requests: 0,
      outages: [],
    });
  });

  it('saying "there is a leader" while none was missing opens nothing', () => {
    const m = new EtcdMetrics(3);
    m.setLeaderless(40, false);
    m.setLeaderless(70, false);
    expect(m.leaderless).toBe(false);
    expect(m.report(100).leaderless).toBe(0);
    expect(m.report(100).outages).toEqual([]);
  });

  it('an outage lasts from the first leaderless moment to the moment a leader is back', () => {
    const m = new EtcdMetrics(5);
    m.setLeaderless(100, true);
    expect(m.leaderless).toBe(true);
    // Still leaderless at 180: the interval keeps its start at 100.
    m.setLeaderless(180, true);
    m.setLeaderless(250, false);
    expect(m.leaderless).toBe(false);
    // 250 - 100 = 150 ms.
    expect(m.report(1000).leaderless).toBe(150);
    expect(m.report(1000).outages).toEqual([{ start: 100, end: 250 }]);
  });

  it('outages add up, and one still open at report time is closed at that time', () => {
    const m = new EtcdMetrics(5);
    m.setLeaderless(10, true);
    m.setLeaderless(30, false);
    m.setLeaderless(100, true);
    // (30 - 10) + (160 - 100) = 20 + 60 = 80 ms.
    expect(m.report(160).leaderless).toBe(80);
    expect(m.report(160).outages).toEqual([
      { start: 10, end: 30 },
      { start: 100, end: 160 },
    ]);
    // Taking a report does not close the interval: later, (30 - 10) + (200 - 100) = 120.
    expect(m.report(200).leaderless).toBe(120);
    expect(m.leaderless).toBe(true);
  });

  it('a leader that comes back at the very moment it was lost closes an empty interval', () => {
    const m = new EtcdMetrics(3);
    m.setLeaderless(50, true);
    m.setLeaderless(50, false);
    expect(m.leaderless).toBe(false);
    expect(m.report(60).leaderless).toBe(0);
    expect(m.report(60).outages).toEqual([{ start: 50, end: 50 }]);
  });

  it('a leader coming back before the outage began is an assertion (time went back)', () => {
    const m = new EtcdMetrics(3);
    m.setLeaderless(50, true);
    expect(assertionFrom(() => m.setLeaderless(49, false)).message).toBe('metrics: time went back');
  });

  it(`keeps the first OUTAGES_MAX (${OUTAGES_MAX}) outages, closed or open, while the total counts all`, () => {
    const m = new EtcdMetrics(3);
    // Outage k (k = 0, 1, ...) is [10k, 10k + 1): 1 ms each.
    for (let k = 0; k < OUTAGES_MAX; k++) {
      m.setLeaderless(10 * k, true);
      m.setLeaderless(10 * k + 1, false);
    }
    expect(m.report(10 * OUTAGES_MAX).outages).toHaveLength(OUTAGES_MAX);
    // One more, open at report time: counted in the total, not listed.
    m.setLeaderless(10 * OUTAGES_MAX, true);
    let r = m.report(10 * OUTAGES_MAX + 5);
    expect(r.outages).toHaveLength(OUTAGES_MAX);
    expect(r.outages[OUTAGES_MAX - 1]).toEqual({ start: 10 * (OUTAGES_MAX - 1), end: 10 * (OUTAGES_MAX - 1) + 1 });
    expect(r.leaderless).toBe(OUTAGES_MAX + 5);
    // Closed, it is still not listed.
    m.setLeaderless(10 * OUTAGES_MAX + 7, false);
    r = m.report(10 * OUTAGES_MAX + 100);
    expect(r.outages).toHaveLength(OUTAGES_MAX);
    expect(r.leaderless).toBe(OUTAGES_MAX + 7);
  });

  it('the last listed outage may be the open one when fewer than OUTAGES_MAX are closed', () => {
    const m = new EtcdMetrics(3);
    for (let k = 0; k < OUTAGES_MAX - 1; k++) {
      m.setLeaderless(10 * k, true);
      m.setLeaderless(10 * k + 1, false);
    }
    m.setLeaderless(10 * OUTAGES_MAX, true);
    const r = m.report(10 * OUTAGES_MAX + 3);
    expect(r.outages).toHaveLength(OUTAGES_MAX);
    expect(r.outages[OUTAGES_MAX - 1]).toEqual({ start: 10 * OUTAGES_MAX, end: 10 * OUTAGES_MAX + 3 });
  });
});

describe('EtcdMetrics: time without a quorum', () => {
  it('quorum-lost time runs from the first loss to the recovery, and an open interval counts up to the report', () => {
    const m = new EtcdMetrics(5);
    m.setQuorumLost(5, false);
    m.setQuorumLost(100, true);
    m.setQuorumLost(130, true);
    m.setQuorumLost(160, false);
    // 160 - 100 = 60 ms.
    expect(m.report(170).quorumLost).toBe(60);
    m.setQuorumLost(200, true);
    // 60 + (240 - 200) = 100 ms.
    expect(m.report(240).quorumLost).toBe(100);
    // The leaderless clock is a different one.
    expect(m.report(240).leaderless).toBe(0);
  });

  it('the counters are reported as they were set', () => {
    const m = new EtcdMetrics(7);
    m.elections = 4;
    m.leaderChanges = 3;
    m.requests = 12;
    m.maxLockHolders = 2;
    const r = m.report(0);
    expect([r.members, r.elections, r.leaderChanges, r.requests, r.maxLockHolders]).toEqual([7, 4, 3, 12, 2]);
  });
});
