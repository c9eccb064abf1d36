import type { Simulation } from './simulation.ts';

/**
 * xstate's `Clock` on simulated time: actors created with `{ clock: new SimClock(sim) }` see
 * their `after` delays fire when the simulation reaches them, in (time, sequence) order with every
 * other event. (xstate's own SimulatedClock misses a zero-length timer created by the last due
 * callback of a flush; this one cannot, because timers are ordinary queue events.)
 */
export class SimClock {
  constructor(private readonly sim: Simulation) {}

  setTimeout(fn: (...args: unknown[]) => void, timeoutMs: number): number {
    return this.sim.callAfter(Math.max(0, timeoutMs), () => fn());
  }

  clearTimeout(id: unknown): void {
    if (typeof id === 'number') this.sim.cancel(id);
  }
}
