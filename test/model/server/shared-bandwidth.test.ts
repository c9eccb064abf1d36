// SharedBandwidth: downloads sharing the server's egress by processor sharing, each transfer at
// min(per-transfer cap, total / n). Expected values are worked out by hand, or by a naive
// reference model below that keeps every transfer's remaining bytes in an array and steps from
// one completion or operation to the next (no heap, no virtual clock).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../sim/engine/assert.ts';
import { SharedBandwidth } from '../../../sim/model/server/shared-bandwidth.ts';

/** 8 Mbit/s is 1,000,000 bytes/s: 1,000 bytes per ms. */
const MBIT8 = 8e6;
/** Transfer ids the tests use: node numbers below this. */
const IDS = 200_000;

type Op = { kind: 'start'; atMs: number; id: number; sizeBytes: number } | { kind: 'abort'; atMs: number; id: number };

/** Finish time of every transfer that completes, by driving the model under test. */
function finishTimesOf(model: SharedBandwidth, ops: readonly Op[]): Map<number, number> {
  const finished = new Map<number, number>();
  let nowMs = 0;
  const drainUntil = (untilMs: number) => {
    for (let guard = 0; guard < 10_000; guard++) {
      const next = model.nextCompletionMs(nowMs);
      if (next === Infinity || next > untilMs) return;
      nowMs = Math.max(nowMs, next);
      for (const id of model.takeFinished(nowMs)) finished.set(id, nowMs);
    }
    throw new Error('completions did not settle');
  };
  for (const op of ops) {
    drainUntil(op.atMs);
    nowMs = op.atMs;
    if (op.kind === 'start') model.start(op.id, op.sizeBytes, nowMs);
    else model.abort(op.id, nowMs);
  }
  drainUntil(Infinity);
  return finished;
}

/** The same, by the definition: remaining bytes per transfer, all served at the same rate. */
function referenceFinishTimes(totalBps: number, capBps: number, ops: readonly Op[]): Map<number, number> {
  const remaining = new Map<number, number>();
  const finished = new Map<number, number>();
  let nowMs = 0;
  const rateBytesPerMs = () => Math.min(capBps, totalBps / remaining.size) / 8 / 1000;
  const runUntil = (untilMs: number) => {
    while (remaining.size > 0) {
      const rate = rateBytesPerMs();
      const smallest = Math.min(...remaining.values());
      const doneAt = nowMs + smallest / rate;
      const stepTo = Math.min(doneAt, untilMs);
      for (const [id, bytes] of remaining) remaining.set(id, bytes - (stepTo - nowMs) * rate);
      nowMs = stepTo;
      if (doneAt > untilMs) return;
      for (const [id, bytes] of [...remaining]) {
        if (bytes <= 1e-3) {
          remaining.delete(id);
          finished.set(id, nowMs);
        }
      }
    }
    nowMs = Math.max(nowMs, untilMs === Infinity ? nowMs : untilMs);
  };
  for (const op of ops) {
    runUntil(op.atMs);
    nowMs = op.atMs;
    if (op.kind === 'start') remaining.set(op.id, op.sizeBytes);
    else remaining.delete(op.id);
  }
  runUntil(Infinity);
  return finished;
}

describe('SharedBandwidth: rates by hand', () => {
  it('one transfer runs at the per-transfer cap: 1,000,000 bytes at 8 Mbit/s finish after 1 s', () => {
    const bandwidth = new SharedBandwidth(10 * MBIT8, MBIT8, IDS);
    bandwidth.start(7, 1_000_000, 0);
    expect(bandwidth.rateBytesPerMs()).toBe(1000);
    expect(bandwidth.nextCompletionMs(0)).toBe(1000);
    expect(bandwidth.takeFinished(999)).toEqual([]);
    expect(bandwidth.takeFinished(1000)).toEqual([7]);
    expect(bandwidth.active).toBe(0);
  });

  it('ten transfers share the total: 8 Mbit/s for ten is 100 bytes/ms each, so 1,000,000 bytes take 10 s', () => {
    const bandwidth = new SharedBandwidth(MBIT8, MBIT8, IDS);
    for (let id = 0; id < 10; id++) bandwidth.start(id, 1_000_000, 0);
    expect(bandwidth.rateBytesPerMs()).toBe(100);
    expect(bandwidth.nextCompletionMs(0)).toBe(10_000);
    expect(bandwidth.bytesServed(5_000)).toBe(5_000_000);
    expect(bandwidth.takeFinished(10_000).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(bandwidth.peakActive).toBe(10);
    expect(bandwidth.bytesServed(10_000)).toBe(10_000_000);
  });

  it('an idle server serves nothing: rate 0, next completion never', () => {
    const bandwidth = new SharedBandwidth(MBIT8, MBIT8, IDS);
    expect(bandwidth.rateBytesPerMs()).toBe(0);
    expect(bandwidth.nextCompletionMs(0)).toBe(Infinity);
    expect(bandwidth.bytesServed(1_000)).toBe(0);
  });

  it('bytes served counts partial transfers from the last change: A alone for 1 s, then A and B for 0.5 s at half the rate each', () => {
    // Total 8 Mbit/s (1,000 bytes/ms), cap 8 Mbit/s: A alone gets 1,000 bytes/ms; with B, 500 each.
    const bandwidth = new SharedBandwidth(MBIT8, MBIT8, IDS);
    bandwidth.start(1, 10_000_000, 0);
    bandwidth.start(2, 10_000_000, 1_000);
    expect(bandwidth.bytesServed(1_000)).toBe(1_000_000);
    expect(bandwidth.bytesServed(1_500)).toBe(1_000_000 + 500 * 500 * 2);
    // A has 9,000,000 left at 1 s, at 500 bytes/ms: done at 1 s + 18 s.
    expect(bandwidth.nextCompletionMs(1_500)).toBe(19_000);
  });

  it('a transfer that finishes raises the rate of the others: 2 MB and 4 MB at 1,000 bytes/ms shared finish at 4 s and 6 s', () => {
    const bandwidth = new SharedBandwidth(MBIT8, MBIT8, IDS);
    bandwidth.start(1, 2_000_000, 0);
    bandwidth.start(2, 4_000_000, 0);
    expect(bandwidth.nextCompletionMs(0)).toBe(4_000);
    expect(bandwidth.takeFinished(4_000)).toEqual([1]);
    expect(bandwidth.nextCompletionMs(4_000)).toBe(6_000);
    expect(bandwidth.takeFinished(6_000)).toEqual([2]);
  });

  it('a raised total bandwidth applies from the moment it is set, not before', () => {
    const bandwidth = new SharedBandwidth(MBIT8, 4 * MBIT8, IDS);
    bandwidth.start(1, 3_000_000, 0);
    // 1 s at 1,000 bytes/ms, then 2,000,000 left at 2,000 bytes/ms: 1 s more.
    bandwidth.setTotalBandwidth(2 * MBIT8, 1_000);
    expect(bandwidth.rateBytesPerMs()).toBe(2_000);
    expect(bandwidth.nextCompletionMs(1_000)).toBe(2_000);
    expect(bandwidth.bytesServed(1_000)).toBe(1_000_000);
  });

  it('keeps transfers of ids far apart apart: ids 0, 64, 128 and 100,000 finish in size order', () => {
    const bandwidth = new SharedBandwidth(4 * MBIT8, MBIT8, IDS);
    bandwidth.start(100_000, 4_000_000, 0);
    bandwidth.start(128, 3_000_000, 0);
    bandwidth.start(64, 2_000_000, 0);
    bandwidth.start(0, 1_000_000, 0);
    // Four at 1,000 bytes/ms each (the cap; the total allows exactly that): 1 s, 2 s, 3 s, 4 s.
    expect(bandwidth.takeFinished(1_000)).toEqual([0]);
    expect(bandwidth.takeFinished(2_000)).toEqual([64]);
    expect(bandwidth.isActive(128)).toBe(true);
    expect(bandwidth.isActive(64)).toBe(false);
    expect(bandwidth.takeFinished(3_000)).toEqual([128]);
    expect(bandwidth.takeFinished(4_000)).toEqual([100_000]);
    expect(bandwidth.isActive(100_000)).toBe(false);
  });

  it('abort stops a running transfer and says whether it was running', () => {
    const bandwidth = new SharedBandwidth(MBIT8, MBIT8, IDS);
    bandwidth.start(1, 1_000_000, 0);
    bandwidth.start(2, 1_000_000, 0);
    expect(bandwidth.isActive(1)).toBe(true);
    expect(bandwidth.abort(1, 500)).toBe(true);
    expect(bandwidth.isActive(1)).toBe(false);
    expect(bandwidth.abort(1, 500)).toBe(false);
    expect(bandwidth.abort(99, 500)).toBe(false);
    expect(bandwidth.active).toBe(1);
    // Transfer 2 got 500 bytes/ms for 500 ms, then 1,000 bytes/ms alone: 750,000 left, 750 ms.
    expect(bandwidth.nextCompletionMs(500)).toBe(1_250);
    expect(bandwidth.peakActive).toBe(2);
  });
});

describe('SharedBandwidth: invariants fail loudly', () => {
  it('refuses non-positive bandwidths and sizes, a transfer started twice, and time going backwards', () => {
    expect(() => new SharedBandwidth(0, MBIT8, IDS)).toThrow(new AssertionError('bandwidths must be positive'));
    expect(() => new SharedBandwidth(MBIT8, 0, IDS)).toThrow(new AssertionError('bandwidths must be positive'));
    const bandwidth = new SharedBandwidth(MBIT8, MBIT8, IDS);
    expect(() => bandwidth.start(1, 0, 0)).toThrow(new AssertionError('a transfer must have a positive size'));
    bandwidth.start(3, 1_000, 10);
    expect(() => bandwidth.start(3, 1_000, 10)).toThrow(new AssertionError('transfer 3 is already running'));
    expect(() => bandwidth.start(-1, 1_000, 10)).toThrow(new AssertionError('transfer id -1 is not an integer in [0, 200000)'));
    expect(() => bandwidth.start(1.5, 1_000, 10)).toThrow(new AssertionError('transfer id 1.5 is not an integer in [0, 200000)'));
    expect(() => bandwidth.start(200_000, 1_000, 10)).toThrow(new AssertionError('transfer id 200000 is not an integer in [0, 200000)'));
    expect(bandwidth.isActive(-1)).toBe(false);
    expect(bandwidth.abort(-1, 10)).toBe(false);
    expect(() => bandwidth.bytesServed(5)).toThrow(new AssertionError('bandwidth time went backwards'));
    expect(() => bandwidth.nextCompletionMs(5)).toThrow(new AssertionError('bandwidth time went backwards'));
    expect(() => bandwidth.setTotalBandwidth(0, 10)).toThrow(new AssertionError('bandwidth must be positive'));
  });
});

describe('SharedBandwidth: against the naive reference model', () => {
  // Hundreds of transfers, so the finish-point heap grows past its first 64 slots and every
  // sift path (a removal from the middle moving up or down) is taken.
  const opsArbitrary = fc
    .array(
      fc.record({
        gapMs: fc.integer({ min: 0, max: 40 }),
        abort: fc.integer({ min: 0, max: 5 }).map((roll) => roll === 0),
        sizeBytes: fc.integer({ min: 1, max: 400 }).map((kb) => kb * 10_000),
        pick: fc.nat(),
      }),
      { minLength: 100, maxLength: 400 },
    )
    .map((steps) => {
      const ops: Op[] = [];
      const started: number[] = [];
      let atMs = 0;
      for (const step of steps) {
        atMs += step.gapMs;
        if (step.abort && started.length > 0) ops.push({ kind: 'abort', atMs, id: started[step.pick % started.length] });
        else {
          ops.push({ kind: 'start', atMs, id: started.length, sizeBytes: step.sizeBytes });
          started.push(started.length);
        }
      }
      return ops;
    });

  it('finishes every transfer at the time processor sharing gives, aborted ones never', () => {
    let largestConcurrency = 0;
    fc.assert(
      fc.property(opsArbitrary, (ops) => {
        const model = new SharedBandwidth(8e7, 8e6, IDS);
        const got = finishTimesOf(model, ops);
        const want = referenceFinishTimes(8e7, 8e6, ops);
        largestConcurrency = Math.max(largestConcurrency, model.peakActive);
        expect([...got.keys()].sort((a, b) => a - b)).toEqual([...want.keys()].sort((a, b) => a - b));
        for (const [id, atMs] of want) expect(Math.abs(got.get(id)! - atMs)).toBeLessThan(0.1);
      }),
      { numRuns: 40, seed: 20261205 },
    );
    // The generated cases reach the depth that matters: well past the heap's first 64 slots.
    expect(largestConcurrency).toBeGreaterThan(100);
  });
});
