/**
 * Waiters on a full reboot semaphore (locksmithd's 5 s -> 5 min retries): the structure must
 * name the same waiter, poll time and skipped polls as walking every waiter's schedule.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LockWaiters } from '../../../sim/model/world/lock-waiters.ts';
import { pollAtOrAfter } from '../../../sim/model/etcd/locks/backoff.ts';
import { reach } from '../../reach.ts';

describe('LockWaiters', () => {
  it('gives the slot to the waiter whose next scheduled poll comes first', () => {
    const w = new LockWaiters(3);
    w.add(0, 0, 1); // polls at 10 s, 30 s, 70 s, ...
    w.add(1, 2_000, 1); // 12 s, 32 s, ...
    w.add(2, 4_000, 3); // 44 s, ...
    expect(w.earliest(6_000)).toEqual({ node: 0, pollMs: 10_000, skippedPolls: 0 });
    expect(w.earliest(11_000)).toEqual({ node: 1, pollMs: 12_000, skippedPolls: 0 });
    expect(w.earliest(31_000)).toEqual({ node: 1, pollMs: 32_000, skippedPolls: 1 });
  });

  it('counts the polls a crashed waiter made before it went down', () => {
    const w = new LockWaiters(1);
    w.add(0, 0, 1);
    expect(w.remove(0, 36_000)).toBe(2); // 10 s, 30 s
    expect(w.size).toBe(0);
  });

  it('agrees with a brute-force walk of every schedule, steady waiters included, with hundreds of waiters', () => {
    // Sized explicitly (fast-check's default size would give a handful of waiters): 100-400
    // waiters, so the buckets and their summary bitmap fill as in a large fleet's reboot storm.
    const depth = reach();
    fc.assert(
      fc.property(
        fc.array(fc.record({ last: fc.integer({ min: 0, max: 3_600_000 }), failures: fc.integer({ min: 1, max: 12 }) }), { minLength: 100, maxLength: 400 }),
        fc.array(fc.integer({ min: 0, max: 48 * 3_600_000 }), { minLength: 1, maxLength: 8 }),
        (waiters, queries) => {
          depth.record(waiters.length);
          const w = new LockWaiters(waiters.length);
          waiters.forEach((x, node) => w.add(node, x.last, x.failures));
          for (const q of [...queries].sort((a, b) => a - b)) {
            let best = -1;
            let bestMs = Infinity;
            waiters.forEach((x, node) => {
              const p = pollAtOrAfter(x.last, x.failures, q).pollMs;
              if (p < bestMs) {
                best = node;
                bestMs = p;
              }
            });
            const got = w.earliest(q);
            expect(got).not.toBeNull();
            expect(got!.pollMs).toBeCloseTo(bestMs, 6);
            expect(pollAtOrAfter(waiters[got!.node].last, waiters[got!.node].failures, q).pollMs).toBeCloseTo(bestMs, 6);
            expect(got!.node === best || Math.abs(pollAtOrAfter(waiters[best].last, waiters[best].failures, q).pollMs - got!.pollMs) < 1e-6).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
    expect(depth.summary().median, 'the median case must hold at least 120 waiters').toBeGreaterThanOrEqual(120);
  });

  it('agrees with the brute-force walk as hundreds of waiters leave (the bucket bitmap and its summary empty again)', () => {
    const depth = reach();
    fc.assert(
      fc.property(
        fc.array(fc.record({ last: fc.integer({ min: 0, max: 3_600_000 }), failures: fc.integer({ min: 1, max: 12 }), leaves: fc.boolean() }), { minLength: 100, maxLength: 400 }),
        fc.array(fc.integer({ min: 2 * 3_600_000, max: 48 * 3_600_000 }), { minLength: 1, maxLength: 6 }),
        (waiters, queries) => {
          depth.record(waiters.length);
          const w = new LockWaiters(waiters.length);
          waiters.forEach((x, node) => w.add(node, x.last, x.failures));
          // Settled into their steady phase, then some leave (crash, or granted elsewhere).
          w.earliest(3_600_000);
          const staying = waiters.map((x, node) => ({ ...x, node })).filter((x) => !x.leaves || x.node === 0);
          waiters.forEach((x, node) => {
            if (x.leaves && node !== 0) w.remove(node, 3_600_000);
          });
          for (const q of [...queries].sort((a, b) => a - b)) {
            const bestMs = Math.min(...staying.map((x) => pollAtOrAfter(x.last, x.failures, q).pollMs));
            const got = w.earliest(q);
            expect(got).not.toBeNull();
            expect(got!.pollMs).toBeCloseTo(bestMs, 6);
            expect(staying.some((x) => x.node === got!.node)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
    expect(depth.summary().median, 'the median case must hold at least 120 waiters').toBeGreaterThanOrEqual(120);
  });

  it('never names the failed poll itself: a waiter at the cap polls a full period later (fuzz counterexample)', () => {
    const w = new LockWaiters(2);
    w.add(0, 14, 7);
    w.add(1, 0, 1);
    expect(w.earliest(14)).toEqual({ node: 1, pollMs: 10_000, skippedPolls: 0 });
  });

  it('keeps working as waiters come and go', () => {
    const w = new LockWaiters(100);
    for (let node = 0; node < 100; node++) w.add(node, node * 1_000, 7);
    for (let node = 0; node < 100; node += 2) w.remove(node, 10 * 3_600_000);
    const first = w.earliest(10 * 3_600_000);
    expect(first).not.toBeNull();
    expect(first!.node % 2).toBe(1);
    expect(w.size).toBe(50);
  });
});
