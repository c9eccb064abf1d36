/**
 * The event queue: (time, sequence) order, FIFO among equal times, indexed cancellation, growth
 * and its bound. A model-based property test compares it with a sorted array.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue, NO_EVENT, QueueFullError } from '../../sim/engine/event-queue.ts';
import { reach } from '../reach.ts';

function drain(queue: EventQueue): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  while (queue.pop()) out.push([queue.poppedTime, queue.poppedTarget]);
  return out;
}

describe('EventQueue', () => {
  it('pops events in time order', () => {
    const q = new EventQueue(2);
    for (const t of [50, 10, 40, 20, 30]) q.push(t, 1, t, 0);
    expect(drain(q).map(([t]) => t)).toEqual([10, 20, 30, 40, 50]);
  });

  it('pops events at the same time in the order they were scheduled', () => {
    const q = new EventQueue(4);
    for (let i = 0; i < 100; i++) q.push(7, 1, i, 0);
    expect(drain(q).map(([, target]) => target)).toEqual([...Array(100).keys()]);
  });

  it('never pops a cancelled event, and ignores a second cancel of the same handle', () => {
    const q = new EventQueue(4);
    const handles = [1, 2, 3, 4, 5].map((t) => q.push(t, 1, t, 0));
    expect(q.cancel(handles[2])).toBe(true);
    expect(q.cancel(handles[2])).toBe(false);
    expect(drain(q).map(([t]) => t)).toEqual([1, 2, 4, 5]);
  });

  it('treats a handle whose slot was reused as stale', () => {
    const q = new EventQueue(1);
    const first = q.push(1, 1, 1, 0);
    q.pop();
    const second = q.push(2, 1, 2, 0);
    expect(q.cancel(first)).toBe(false);
    expect(q.isPending(second)).toBe(true);
    expect(q.timeOf(second)).toBe(2);
  });

  it('hands out handles of at least 2^32 (never small integers), and treats NO_EVENT as never pending', () => {
    const q = new EventQueue(4);
    const handles = Array.from({ length: 10 }, (_, i) => q.push(i, 1, i, 0));
    for (const h of handles) expect(h).toBeGreaterThanOrEqual(2 ** 32);
    expect(new Set(handles).size).toBe(handles.length);
    expect(q.isPending(NO_EVENT)).toBe(false);
    expect(q.cancel(NO_EVENT)).toBe(false);
    expect(q.size).toBe(10);
  });

  it('stops with a clear error when its capacity bound is reached', () => {
    const q = new EventQueue(2, 3);
    q.push(1, 1, 0, 0);
    q.push(2, 1, 0, 0);
    q.push(3, 1, 0, 0);
    expect(() => q.push(4, 1, 0, 0)).toThrow(QueueFullError);
    expect(() => q.push(4, 1, 0, 0)).toThrow(/event queue is full: 3 pending events/);
  });

  it('rejects non-finite and negative times', () => {
    const q = new EventQueue();
    expect(() => q.push(NaN, 1, 0, 0)).toThrow(/finite/);
    expect(() => q.push(-1, 1, 0, 0)).toThrow(/>= 0/);
    expect(() => q.push(Infinity, 1, 0, 0)).toThrow(/finite/);
  });

  it('matches a sorted-list model under random pushes, pops and cancels, with heaps of hundreds of events', () => {
    // Sized explicitly: fast-check's default size would give about 10 operations per case and a
    // heap of at most 6 events, too shallow for the 4-ary heap's sift paths (and their bugs) to
    // show. Pushes outweigh removals 3 to 2, so a case of 600-1,500 operations holds hundreds of
    // events; times from a narrow range give many ties (FIFO order), cancellations remove from
    // the middle of the heap (where the moved last element may have to sift up).
    type Op = { op: 'push'; time: number } | { op: 'pop' } | { op: 'cancel'; pick: number };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      { arbitrary: fc.record({ op: fc.constant('push' as const), time: fc.integer({ min: 0, max: 200 }) }), weight: 3 },
      { arbitrary: fc.record({ op: fc.constant('pop' as const) }), weight: 1 },
      { arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }), weight: 1 },
    );
    const depth = reach();
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 600, maxLength: 1_500 }), (ops) => {
        const q = new EventQueue(1);
        const model: Array<{ time: number; seq: number; handle: number }> = [];
        let seq = 0;
        let largest = 0;
        for (const op of ops) {
          if (op.op === 'push') {
            const handle = q.push(op.time, 1, seq, 0);
            model.push({ time: op.time, seq: seq++, handle });
          } else if (op.op === 'pop') {
            const at = earliest(model);
            expect(q.pop()).toBe(at >= 0);
            if (at >= 0) {
              const [expected] = model.splice(at, 1);
              expect([q.poppedTime, q.poppedTarget]).toEqual([expected.time, expected.seq]);
            }
          } else if (model.length > 0) {
            const [victim] = model.splice(op.pick % model.length, 1);
            expect(q.cancel(victim.handle)).toBe(true);
            expect(q.isPending(victim.handle)).toBe(false);
          }
          expect(q.size).toBe(model.length);
          largest = Math.max(largest, q.size);
        }
        depth.record(largest);
        expectDrainsInOrder(q, model);
      }),
      { numRuns: 100 },
    );
    const { median, max } = depth.summary();
    expect(median, 'the median case must hold a heap of at least 100 events').toBeGreaterThanOrEqual(100);
    expect(max, 'some case must hold a heap of at least 250 events').toBeGreaterThanOrEqual(250);
  });

  it('pops ties in scheduling order and lower times first, against values written out by hand', () => {
    const q = new EventQueue(2);
    // (time, target): target = scheduling order.
    const pushes: Array<[number, number]> = [[5, 0], [3, 1], [5, 2], [3, 3], [1, 4], [5, 5], [3, 6]];
    for (const [t, target] of pushes) q.push(t, 1, target, 0);
    expect(drain(q)).toEqual([[1, 4], [3, 1], [3, 3], [3, 6], [5, 0], [5, 2], [5, 5]]);
  });

  it('re-sifts the element moved into a cancelled middle slot upwards when it is earlier than its new parent', () => {
    // A 4-ary heap, pushed in an order that keeps every event where it lands: index 0 holds 0;
    // 1-4 hold 100, 200, 500, 400; 5-19 hold 1,005-1,019; index 20 (a child of index 4, 400)
    // holds 450. Cancelling index 13 (1,013, a child of index 3, 500) moves 450 under 500: it
    // must go up, or 500 would pop before 450.
    const q = new EventQueue(32);
    const times = [0, 100, 200, 500, 400, ...Array.from({ length: 15 }, (_, k) => 1_005 + k), 450];
    const handles = times.map((t, i) => q.push(t, 1, i, 0));
    expect(q.cancel(handles[13])).toBe(true);
    const expected = [0, 100, 200, 400, 450, 500, ...Array.from({ length: 15 }, (_, k) => 1_005 + k).filter((t) => t !== 1_013)];
    expect(drain(q).map(([t]) => t)).toEqual(expected);
  });

  describe('FIFO lane (pushFifo: events at non-decreasing times, such as request timeouts)', () => {
    it('pops lane and heap events in one (time, scheduling order), ties included, against values written out by hand', () => {
      const q = new EventQueue(2);
      // (time, target, lane?): target = scheduling order.
      q.push(5, 1, 0, 0);
      q.pushFifo(3, 1, 1, 0);
      q.push(3, 1, 2, 0);
      q.pushFifo(3, 1, 3, 0);
      q.push(1, 1, 4, 0);
      q.pushFifo(5, 1, 5, 0);
      q.push(4, 1, 6, 0);
      expect(q.size).toBe(7);
      expect(q.peekTime()).toBe(1);
      expect(drain(q)).toEqual([[1, 4], [3, 1], [3, 2], [3, 3], [4, 6], [5, 0], [5, 5]]);
    });

    it('sends an event earlier than the lane\'s last to the heap, in the same order', () => {
      const q = new EventQueue(2);
      q.pushFifo(10, 1, 0, 0);
      q.pushFifo(2, 1, 1, 0); // earlier than 10: heap
      q.pushFifo(10, 1, 2, 0);
      expect(drain(q)).toEqual([[2, 1], [10, 0], [10, 2]]);
    });

    it('cancels a lane event at once: stale handle, not pending, not counted, never popped, its time NaN', () => {
      const q = new EventQueue(2);
      const a = q.pushFifo(1, 1, 0, 0);
      const b = q.pushFifo(2, 1, 1, 0);
      const c = q.pushFifo(3, 1, 2, 0);
      expect(q.timeOf(b)).toBe(2);
      expect(q.isPending(b)).toBe(true);
      expect(q.cancel(b)).toBe(true);
      expect(q.cancel(b)).toBe(false);
      expect(q.isPending(b)).toBe(false);
      expect(q.timeOf(b)).toBeNaN();
      expect(q.size).toBe(2);
      expect(q.cancel(a)).toBe(true);
      expect(q.peekTime()).toBe(3);
      expect(q.isPending(c)).toBe(true);
      expect(drain(q)).toEqual([[3, 2]]);
      expect(q.size).toBe(0);
    });

    it('reuses the slots of cancelled lane events before it grows, and keeps its capacity bound on live events', () => {
      const q = new EventQueue(2, 3);
      for (let i = 0; i < 100; i++) {
        // Three live at most: each round cancels what it scheduled, as answered requests do.
        const handles = [q.pushFifo(i, 1, 0, 0), q.pushFifo(i + 1, 1, 1, 0), q.pushFifo(i + 2, 1, 2, 0)];
        for (const h of handles) expect(q.cancel(h)).toBe(true);
      }
      expect(q.size).toBe(0);
      q.pushFifo(200, 1, 0, 0);
      q.push(201, 1, 1, 0);
      q.pushFifo(202, 1, 2, 0);
      expect(() => q.pushFifo(203, 1, 3, 0)).toThrow(QueueFullError);
      expect(drain(q)).toEqual([[200, 0], [201, 1], [202, 2]]);
    });

    it('matches a sorted-list model under random heap and lane pushes, pops and cancels', () => {
      // As the heap's model test, with half the pushes through the lane: lane times mostly
      // non-decreasing (a fixed delay after a clock that moves with the pops), sometimes earlier
      // (the heap takes those). Sized explicitly for the same reason; the lane wraps around its
      // ring and grows, cancelled entries sit at its head and in its middle.
      type Op = { op: 'push'; time: number } | { op: 'fifo'; delay: number } | { op: 'pop' } | { op: 'cancel'; pick: number };
      const opArb: fc.Arbitrary<Op> = fc.oneof(
        { arbitrary: fc.record({ op: fc.constant('push' as const), time: fc.integer({ min: 0, max: 200 }) }), weight: 2 },
        { arbitrary: fc.record({ op: fc.constant('fifo' as const), delay: fc.integer({ min: -3, max: 20 }) }), weight: 2 },
        { arbitrary: fc.record({ op: fc.constant('pop' as const) }), weight: 1 },
        { arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }), weight: 2 },
      );
      const depth = reach();
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 600, maxLength: 1_500 }), (ops) => {
          const q = new EventQueue(1);
          const model: Array<{ time: number; seq: number; handle: number }> = [];
          let seq = 0;
          let nowMs = 0;
          let largest = 0;
          for (const op of ops) {
            if (op.op === 'push' || op.op === 'fifo') {
              const time = op.op === 'push' ? nowMs + op.time : Math.max(0, nowMs + 100 + op.delay);
              const handle = op.op === 'push' ? q.push(time, 1, seq, 0) : q.pushFifo(time, 1, seq, 0);
              model.push({ time, seq: seq++, handle });
            } else if (op.op === 'pop') {
              const at = earliest(model);
              expect(q.peekTime()).toBe(at >= 0 ? model[at].time : Infinity);
              expect(q.pop()).toBe(at >= 0);
              if (at >= 0) {
                const [expected] = model.splice(at, 1);
                expect([q.poppedTime, q.poppedTarget]).toEqual([expected.time, expected.seq]);
                nowMs = expected.time;
              }
            } else if (model.length > 0) {
              const [victim] = model.splice(op.pick % model.length, 1);
              expect(q.timeOf(victim.handle)).toBe(victim.time);
              expect(q.cancel(victim.handle)).toBe(true);
              expect(q.isPending(victim.handle)).toBe(false);
            }
            expect(q.size).toBe(model.length);
            largest = Math.max(largest, q.size);
          }
          depth.record(largest);
          expectDrainsInOrder(q, model);
        }),
        { numRuns: 100 },
      );
      const { median } = depth.summary();
      expect(median, 'the median case must hold at least 50 events').toBeGreaterThanOrEqual(50);
    });
  });
});

/** The model's pending events: when, and their scheduling order. */
type ModelEvent = { time: number; seq: number; handle: number };

/** Index of the model's earliest event (time, then scheduling order), found by a scan; -1 when empty. */
function earliest(model: readonly ModelEvent[]): number {
  let at = -1;
  model.forEach((e, i) => {
    if (at < 0 || e.time < model[at].time || (e.time === model[at].time && e.seq < model[at].seq)) at = i;
  });
  return at;
}

/** The queue pops exactly the model's remaining events, by (time, seq). */
function expectDrainsInOrder(q: EventQueue, model: ModelEvent[]): void {
  model.sort((a, b) => a.time - b.time || a.seq - b.seq);
  expect(drain(q)).toEqual(model.map((e) => [e.time, e.seq]));
}
