// The waiting shortcut against polling: nodes queue on a locksmith semaphore and wait either by
// polling with locksmithd's backoff or through waitForSlot + pollAtOrAfter. For the same seed,
// the grant order and the request counts must be equal, grant times close, and the shortcut
// must cost far fewer events. Also the backoff arithmetic itself, and the property that holders
// never exceed max under etcd faults.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../../sim/engine/random.ts';
import { KvClient } from '../../../../sim/model/etcd/kv.ts';
import { locksmithRetryDelayMs, pollAtOrAfter } from '../../../../sim/model/etcd/locks/backoff.ts';
import { locksmithLock } from '../../../../sim/model/etcd/locks/locksmith.ts';
import { applyFaults, faultArbitrary, healAll } from '../faults.ts';
import { makeCluster, runUntilLeader } from '../harness.ts';
import { runWaiters, type WaitMode } from './waiters.ts';

function queue(seed: number, mode: WaitMode) {
  const h = makeCluster({ seed });
  runUntilLeader(h, 5_000);
  const lock = locksmithLock(h.cluster, { max: 2, client: new KvClient(h.cluster) });
  const random = new RandomStreams(seed).stream('waiters');
  const wants = Array.from({ length: 12 }, (_, node) => ({ node, atMs: 1_000 + random.uniform(0, 5_000), holdMs: random.uniform(20_000, 90_000) }));
  const run = runWaiters(h.sim, lock, mode, wants);
  h.sim.runUntil(3_600_000);
  return { ...run, requests: h.cluster.report().requests, events: h.sim.eventsExecuted };
}

describe('waitForSlot (the waiting shortcut)', () => {
  it('pollAtOrAfter walks locksmithd’s schedule 10 s, 20 s, ... 5 min (locksmithctl/daemon.go lockAndReboot: expBackoff before the sleep) and counts the skipped polls', () => {
    expect([1, 2, 3, 5, 6, 20].map(locksmithRetryDelayMs)).toEqual([10_000, 20_000, 40_000, 160_000, 300_000, 300_000]);
    // Failed at 0 (1st failure): polls at 10 s, 30 s, 70 s, 150 s, ...
    expect(pollAtOrAfter(0, 1, 30_000)).toEqual({ pollMs: 30_000, skippedPolls: 1, failures: 2 });
    expect(pollAtOrAfter(0, 1, 31_000)).toEqual({ pollMs: 70_000, skippedPolls: 2, failures: 3 });
    // Deep in the capped phase: closed form.
    const far = pollAtOrAfter(0, 1, 10_000_000);
    let t = 0;
    let f = 1;
    let skipped = 0;
    for (t = locksmithRetryDelayMs(f); t < 10_000_000; t += locksmithRetryDelayMs(f)) {
      f++;
      skipped++;
    }
    expect(far).toEqual({ pollMs: t, skippedPolls: skipped, failures: f });
  });

  it('gives the same grant order and request counts as polling, with far fewer events', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const polled = queue(seed, 'poll');
      const notified = queue(seed, 'notify');
      expect(notified.grants.map((g) => g.node)).toEqual(polled.grants.map((g) => g.node));
      expect(notified.requests).toBe(polled.requests);
      notified.grants.forEach((g, i) => expect(Math.abs(g.atMs - polled.grants[i].atMs)).toBeLessThan(20));
      expect(notified.grants).toHaveLength(12);
      expect(notified.events).toBeLessThan(polled.events);
    }
  });

  it('never lets holders exceed max, whatever etcd goes through', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(faultArbitrary(5, 20_000), { maxLength: 8 }), (seed, faults) => {
        const h = makeCluster({ seed });
        const lock = locksmithLock(h.cluster, { max: 2, client: new KvClient(h.cluster, { requestTimeoutMs: 300, maxAttempts: 2 }) });
        applyFaults(h, faults);
        const wants = Array.from({ length: 6 }, (_, node) => ({ node, atMs: 500 + 300 * node, holdMs: 2_000 + 500 * node }));
        const run = runWaiters(h.sim, lock, 'poll', wants);
        h.sim.runUntil(25_000);
        healAll(h);
        h.sim.runFor(60_000);
        // Nodes told "acquired" and not yet released are always listed holders, so at most max.
        expect(run.maxHolding.value).toBeLessThanOrEqual(2);
        expect(h.cluster.report().maxLockHolders).toBeLessThanOrEqual(2);
        expect(lock.holders('').length).toBeLessThanOrEqual(2);
      }),
      { numRuns: 25, seed: 5150 },
    );
  });
});
