/**
 * The engine's guard rails and handle rules, each as a behaviour a caller relies on: bad input is
 * refused loudly (never silently scheduled), a stale handle is recognised as stale whatever its
 * slot or generation, the event bound stops a run that never settles, LATE events run after the
 * NORMAL ones of their time, and equal times keep insertion order. Written to kill the mutants
 * the mutation run left alive in sim/engine (docs/testing.md).
 */
import { describe, expect, it } from 'vitest';
import { EventQueue, NO_EVENT, QueueFullError } from '../../sim/engine/event-queue.ts';
import { EventLimitError, Simulation } from '../../sim/engine/simulation.ts';

describe('Simulation refuses what would break time', () => {
  it('refuses a negative delay, a time in the past, running back in time and a negative span', () => {
    const sim = new Simulation();
    const kind = sim.register('tick', () => {});
    sim.runUntil(100);
    expect(() => sim.scheduleAfter(-1, kind)).toThrow(/delay must be >= 0, got -1/);
    expect(() => sim.scheduleAt(99, kind)).toThrow(/cannot schedule in the past: 99 < now 100/);
    expect(() => sim.callAfter(-0.5, () => {})).toThrow(/delay must be >= 0/);
    expect(() => sim.callAt(50, () => {})).toThrow(/cannot schedule in the past/);
    expect(() => sim.callAtLate(50, () => {})).toThrow(/cannot schedule in the past/);
    expect(() => sim.runUntil(99)).toThrow(/cannot run back in time: 99 < now 100/);
    expect(() => sim.runFor(-1)).toThrow(/span must be >= 0/);
    // The boundaries are allowed: now, a zero delay, a zero span.
    expect(() => sim.scheduleAt(100, kind)).not.toThrow();
    expect(() => sim.scheduleAfter(0, kind)).not.toThrow();
    expect(() => sim.callAt(100, () => {})).not.toThrow();
    expect(sim.runFor(0)).toBe('reached');
    expect(sim.runUntil(100)).toBe('reached');
  });

  it('refuses an event kind it does not know, including the callback kind 0 and one past the last', () => {
    const sim = new Simulation();
    const kind = sim.register('a', () => {});
    expect(() => sim.scheduleAt(1, 0)).toThrow(/unknown event kind 0/);
    expect(() => sim.scheduleAt(1, kind + 1)).toThrow(/unknown event kind 2/);
    expect(() => sim.scheduleAt(1, -1)).toThrow(/unknown event kind -1/);
    expect(() => sim.register('a', () => {})).toThrow(/registered twice/);
    expect(sim.kindName(kind)).toBe('a');
    expect(sim.kindName(0)).toBe('callback');
    expect(sim.kindName(9)).toBe('unknown(9)');
  });

  it('refuses maxEvents 0 and stops at its event bound with the time it reached, NORMAL and LATE alike', () => {
    expect(() => new Simulation({ maxEvents: 0 })).toThrow(/maxEvents must be positive/);
    const sim = new Simulation({ maxEvents: 3 });
    const loop = (): void => void sim.callAfter(10, loop);
    sim.callAt(0, loop);
    let error: unknown;
    try {
      sim.runToEnd();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EventLimitError);
    expect((error as EventLimitError).name).toBe('EventLimitError');
    expect((error as EventLimitError).timeMs).toBe(30);
    expect(sim.eventsExecuted).toBe(3);
    const late = new Simulation({ maxEvents: 2 });
    for (const t of [1, 2, 3]) late.callAtLate(t, () => {});
    expect(() => late.runToEnd()).toThrow(EventLimitError);
    expect(late.eventsExecuted).toBe(2);
    // Exactly at the bound is fine.
    const exact = new Simulation({ maxEvents: 2 });
    exact.callAt(1, () => {});
    exact.callAt(2, () => {});
    expect(exact.runToEnd()).toBe('idle');
  });

  it('counts pending events over both queues, and runs LATE events after the NORMAL ones of their time, first in first out', () => {
    const sim = new Simulation();
    const order: string[] = [];
    sim.callAtLate(5, () => order.push('late-5a'));
    sim.callAtLate(5, () => order.push('late-5b'));
    sim.callAtLate(3, () => order.push('late-3'));
    sim.callAt(5, () => order.push('normal-5'));
    sim.callAt(7, () => order.push('normal-7'));
    expect(sim.pendingEvents).toBe(5);
    expect(sim.nextEventTime).toBe(3);
    expect(sim.runUntil(5)).toBe('reached');
    expect(order).toEqual(['late-3', 'normal-5', 'late-5a', 'late-5b']);
    expect(sim.pendingEvents).toBe(1);
    expect(sim.runToEnd()).toBe('idle');
    expect(sim.pendingEvents).toBe(0);
    expect(sim.nextEventTime).toBe(Infinity);
    // The LATE list is reused once drained: a new item runs.
    sim.callAtLate(9, () => order.push('late-9'));
    expect(sim.pendingEvents).toBe(1);
    sim.runToEnd();
    expect(order.at(-1)).toBe('late-9');
  });

  it('counts only the LATE events not yet run while the LATE list is partly consumed', () => {
    const sim = new Simulation();
    for (const t of [1, 2, 3, 4]) sim.callAtLate(t, () => {});
    sim.callAt(10, () => {});
    // Two of the four LATE events run; the list keeps them until it drains (consumed from its head).
    expect(sim.runUntil(2)).toBe('reached');
    expect(sim.eventsExecuted).toBe(2);
    expect(sim.pendingEvents).toBe(3); // LATE at 3 and 4, NORMAL at 10
    sim.callAtLate(5, () => {});
    expect(sim.pendingEvents).toBe(4);
    expect(sim.runUntil(4)).toBe('reached');
    expect(sim.pendingEvents).toBe(2); // LATE at 5, NORMAL at 10
  });

  it('pauses after the current event when asked, and a later run starts afresh', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    for (const t of [1, 2, 3]) sim.callAt(t, () => {
      seen.push(t);
      if (t === 1) sim.pause();
    });
    expect(sim.runToEnd()).toBe('paused');
    expect(seen).toEqual([1]);
    expect(sim.runUntil(10)).toBe('reached');
    expect(seen).toEqual([1, 2, 3]);
    sim.callAt(11, () => sim.pause());
    sim.callAt(12, () => seen.push(12));
    expect(sim.runUntil(20)).toBe('paused');
    expect(sim.now).toBe(11);
  });

  it('cancels a closure once, frees its table entry for the next one, and ignores stale handles', () => {
    const sim = new Simulation();
    let ran = 0;
    const a = sim.callAt(5, () => ran++);
    expect(sim.cancel(a)).toBe(true);
    expect(sim.cancel(a)).toBe(false);
    expect(sim.cancel(NO_EVENT)).toBe(false);
    const b = sim.callAt(6, () => (ran += 10));
    sim.runToEnd();
    expect(ran).toBe(10);
    expect(sim.cancel(b)).toBe(false);
    // A numeric event is cancelled without touching the closures.
    const kind = sim.register('n', () => (ran += 100));
    const c = sim.scheduleAt(sim.now + 1, kind, 3, 4);
    const d = sim.callAt(sim.now + 2, () => (ran += 1000));
    expect(sim.cancel(c)).toBe(true);
    sim.runToEnd();
    expect(ran).toBe(1010);
    expect(sim.cancel(d)).toBe(false);
  });
});

describe('EventQueue handles', () => {
  it('tells a pending handle from every kind of stale one: ran, cancelled, reused slot, unknown slot, non-positive', () => {
    const q = new EventQueue(4);
    const h1 = q.push(10, 1, 7, 0);
    expect(q.isPending(h1)).toBe(true);
    expect(q.kindOf(h1)).toBe(1);
    expect(q.targetOf(h1)).toBe(7);
    expect(q.timeOf(h1)).toBe(10);
    expect(q.pop()).toBe(true);
    expect(q.isPending(h1)).toBe(false);
    expect(q.kindOf(h1)).toBe(-1);
    expect(q.targetOf(h1)).toBe(-1);
    expect(Number.isNaN(q.timeOf(h1))).toBe(true);
    expect(q.cancel(h1)).toBe(false);
    // The slot is reused with a new generation: the old handle stays stale.
    const h2 = q.push(20, 2, 8, 0);
    expect(h2 & 0xffffff).toBe(h1 & 0xffffff);
    expect(h2).not.toBe(h1);
    expect(q.isPending(h1)).toBe(false);
    expect(q.cancel(h1)).toBe(false);
    expect(q.isPending(h2)).toBe(true);
    // A slot never used, zero, negative and NO_EVENT are stale.
    const unused = h2 + 5;
    expect(q.isPending(unused)).toBe(false);
    expect(q.cancel(unused)).toBe(false);
    for (const h of [0, -1, NO_EVENT]) {
      expect(q.isPending(h)).toBe(false);
      expect(q.cancel(h)).toBe(false);
    }
    expect(q.cancel(h2)).toBe(true);
    expect(q.size).toBe(0);
    expect(q.pop()).toBe(false);
    expect(q.peekTime()).toBe(Infinity);
  });

  it('refuses a capacity of 0, one beyond its slot space, and a time that is negative or not finite; a full queue says which limit', () => {
    expect(() => new EventQueue(0)).toThrow(/capacity must be positive/);
    expect(() => new EventQueue(4, 1 << 24)).toThrow(/limited to 16777215/);
    expect(() => new EventQueue(4, (1 << 24) - 1)).not.toThrow();
    const q = new EventQueue(1, 2);
    expect(() => q.push(-1, 1, 0, 0)).toThrow(/finite and >= 0/);
    expect(() => q.push(Infinity, 1, 0, 0)).toThrow(/finite and >= 0/);
    expect(() => q.push(NaN, 1, 0, 0)).toThrow(/finite and >= 0/);
    q.push(1, 1, 0, 0);
    q.push(2, 1, 0, 0);
    let error: unknown;
    try {
      q.push(3, 1, 0, 0);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QueueFullError);
    expect((error as Error).name).toBe('QueueFullError');
    expect((error as Error).message).toMatch(/raise limits\.maxPendingEvents/);
  });

  it('pops events of equal time in insertion order after removals from the middle, at depth (hundreds of events)', () => {
    const q = new EventQueue(2);
    const handles: number[] = [];
    // 600 events on 6 distinct times, pushed in a scrambled time order.
    for (let i = 0; i < 600; i++) handles.push(q.push((i * 7) % 6, 1, i, 0));
    // Cancel every third one, from the middle of the heap.
    for (let i = 0; i < 600; i += 3) expect(q.cancel(handles[i])).toBe(true);
    const out: [number, number][] = [];
    while (q.pop()) out.push([q.poppedTime, q.poppedTarget]);
    const expected = Array.from({ length: 600 }, (_, i) => i)
      .filter((i) => i % 3 !== 0)
      .map((i) => [(i * 7) % 6, i] as [number, number])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(out).toEqual(expected);
  });
});
