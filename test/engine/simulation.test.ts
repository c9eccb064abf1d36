/**
 * The simulation loop: clock, run bounds, pause, the event bound, closures and the LATE priority.
 */
import { describe, expect, it } from 'vitest';
import { EventLimitError, Simulation } from '../../sim/engine/simulation.ts';

describe('Simulation', () => {
  it('advances now to each event and runs handlers with their target and arg', () => {
    const sim = new Simulation();
    const seen: Array<[number, number, number]> = [];
    const kind = sim.register('probe', (target, arg) => seen.push([sim.now, target, arg]));
    sim.scheduleAt(30, kind, 3, 0.5);
    sim.scheduleAfter(10, kind, 1, 1.5);
    sim.runToEnd();
    expect(seen).toEqual([
      [10, 1, 1.5],
      [30, 3, 0.5],
    ]);
  });

  it('runs events at the same time in the order they were scheduled, closures included', () => {
    const sim = new Simulation();
    const order: string[] = [];
    const kind = sim.register('probe', (target) => order.push(`n${target}`));
    sim.scheduleAt(5, kind, 1);
    sim.callAt(5, () => order.push('c2'));
    sim.scheduleAt(5, kind, 3);
    sim.callAt(5, () => order.push('c4'));
    sim.runToEnd();
    expect(order).toEqual(['n1', 'c2', 'n3', 'c4']);
  });

  it('never runs a cancelled event or closure', () => {
    const sim = new Simulation();
    let ran = 0;
    const kind = sim.register('probe', () => ran++);
    const a = sim.scheduleAt(1, kind);
    const b = sim.callAt(2, () => ran++);
    sim.scheduleAt(3, kind);
    expect(sim.cancel(a)).toBe(true);
    expect(sim.cancel(b)).toBe(true);
    expect(sim.cancel(b)).toBe(false);
    sim.runToEnd();
    expect(ran).toBe(1);
  });

  it('runUntil runs events up to and including the bound, then sets the clock to it', () => {
    const sim = new Simulation();
    const ran: number[] = [];
    const kind = sim.register('probe', () => ran.push(sim.now));
    for (const t of [5, 10, 15]) sim.scheduleAt(t, kind);
    expect(sim.runUntil(10)).toBe('reached');
    expect(ran).toEqual([5, 10]);
    expect(sim.now).toBe(10);
    expect(sim.runFor(2)).toBe('reached');
    expect(sim.now).toBe(12);
    expect(ran).toEqual([5, 10]);
  });

  it('pause stops the loop between events and a later run resumes where it stopped', () => {
    const sim = new Simulation();
    const ran: number[] = [];
    const kind = sim.register('probe', (target) => {
      ran.push(target);
      if (target === 2) sim.pause();
    });
    for (let i = 1; i <= 4; i++) sim.scheduleAt(i, kind, i);
    expect(sim.runUntil(100)).toBe('paused');
    expect(ran).toEqual([1, 2]);
    expect(sim.now).toBe(2);
    expect(sim.runUntil(100)).toBe('reached');
    expect(ran).toEqual([1, 2, 3, 4]);
  });

  it('step runs exactly one event', () => {
    const sim = new Simulation();
    let ran = 0;
    const kind = sim.register('probe', () => ran++);
    sim.scheduleAt(1, kind);
    sim.scheduleAt(2, kind);
    expect(sim.step()).toBe(true);
    expect(ran).toBe(1);
    expect(sim.now).toBe(1);
    expect(sim.nextEventTime).toBe(2);
  });

  it('stops at its event bound with a message that says why and how to raise it', () => {
    const sim = new Simulation({ maxEvents: 100 });
    const kind = sim.register('forever', () => sim.scheduleAfter(1, kind));
    sim.scheduleAt(0, kind);
    expect(() => sim.runUntil(1e9)).toThrow(EventLimitError);
    expect(sim.eventsExecuted).toBe(100);
    const sim2 = new Simulation({ maxEvents: 10 });
    const kind2 = sim2.register('forever', () => sim2.scheduleAfter(1, kind2));
    sim2.scheduleAt(0, kind2);
    expect(() => sim2.runToEnd()).toThrow(/event bound: 10 events executed by simulated time 10 ms.*limits\.maxEvents/);
  });

  it('refuses to schedule in the past or register a kind twice', () => {
    const sim = new Simulation();
    const kind = sim.register('probe', () => undefined);
    sim.scheduleAt(10, kind);
    sim.runToEnd();
    expect(() => sim.scheduleAt(5, kind)).toThrow(/past/);
    expect(() => sim.register('probe', () => undefined)).toThrow(/twice/);
  });

  it('orders events by (time, priority, sequence): a LATE event at T runs after every NORMAL event at T, even those scheduled at T by events at T', () => {
    const sim = new Simulation();
    const order: string[] = [];
    sim.callAtLate(10, () => order.push('late1@10'));
    sim.callAtLate(5, () => order.push('late@5'));
    sim.callAtLate(10, () => {
      order.push('late2@10');
      sim.callAt(10, () => order.push('normal-from-late2@10'));
    });
    sim.callAtLate(10, () => order.push('late3@10'));
    sim.callAt(10, () => {
      order.push('normal@10');
      sim.callAt(10, () => order.push('normal-chained@10'));
    });
    sim.callAt(11, () => order.push('normal@11'));
    expect(sim.nextEventTime).toBe(5);
    expect(sim.pendingEvents).toBe(6);
    expect(sim.runUntil(10)).toBe('reached');
    expect(order).toEqual(['late@5', 'normal@10', 'normal-chained@10', 'late1@10', 'late2@10', 'normal-from-late2@10', 'late3@10']);
    sim.runToEnd();
    expect(order.at(-1)).toBe('normal@11');
    expect(sim.eventsExecuted).toBe(8);
    expect(() => sim.callAtLate(3, () => undefined)).toThrow(/past/);
  });
});
