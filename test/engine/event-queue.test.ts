/**
 * The event queue: (time, sequence) order, FIFO among equal times, indexed cancellation, growth
 * and its bound. A model-based property test compares it with a sorted array.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue, NO_EVENT, QueueFullError } from '../../sim/engine/event-queue.ts';

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

  it('matches a sorted-list model under random pushes, pops and cancels', () => {
    type Op = { op: 'push'; time: number } | { op: 'pop' } | { op: 'cancel'; pick: number };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('push' as const), time: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ op: fc.constant('pop' as const) }),
      fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
        const q = new EventQueue(1);
        const model: Array<{ time: number; seq: number; handle: number }> = [];
        let seq = 0;
        for (const op of ops) {
          if (op.op === 'push') {
            const handle = q.push(op.time, 1, seq, 0);
            model.push({ time: op.time, seq: seq++, handle });
          } else if (op.op === 'pop') {
            model.sort((a, b) => a.time - b.time || a.seq - b.seq);
            const expected = model.shift();
            expect(q.pop()).toBe(expected !== undefined);
            if (expected) {
              expect(q.poppedTime).toBe(expected.time);
              expect(q.poppedTarget).toBe(expected.seq);
            }
          } else if (model.length > 0) {
            const [victim] = model.splice(op.pick % model.length, 1);
            expect(q.cancel(victim.handle)).toBe(true);
          }
          expect(q.size).toBe(model.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
