/**
 * Engine benchmark: 10M events through the queue in the "hold" model (pop the earliest, push one
 * at a random later time) with 1k, 100k and 1M pending events; then the same through the
 * Simulation loop with a registered handler, which is what the model pays per event.
 */
import { EventQueue } from '../sim/engine/event-queue.ts';

/** A cheap inline generator (xorshift32) so that the figures measure the queue, not the PRNG. */
function xorshift(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}
import { Simulation } from '../sim/engine/simulation.ts';

export interface EngineFigure {
  what: string;
  pending: number;
  events: number;
  wallMs: number;
  eventsPerSecond: number;
}

function holdQueue(pending: number, events: number): EngineFigure {
  const queue = new EventQueue(pending + 1);
  const random = xorshift(1);
  for (let i = 0; i < pending; i++) queue.push(random() * 1000, 1, i, 0);
  const started = performance.now();
  for (let i = 0; i < events; i++) {
    queue.pop();
    queue.push(queue.poppedTime + random() * 1000, 1, queue.poppedTarget, 0);
  }
  const wallMs = performance.now() - started;
  return { what: 'queue pop+push', pending, events, wallMs, eventsPerSecond: events / (wallMs / 1000) };
}

function holdSimulation(pending: number, events: number): EngineFigure {
  const sim = new Simulation({ maxEvents: events + 1, initialQueueCapacity: pending + 1 });
  const random = xorshift(1);
  const kind = sim.register('hold', (target) => {
    sim.scheduleAfter(random() * 1000, kind, target);
  });
  for (let i = 0; i < pending; i++) sim.scheduleAt(random() * 1000, kind, i);
  const started = performance.now();
  for (let i = 0; i < events; i++) sim.step();
  const wallMs = performance.now() - started;
  return { what: 'simulation step', pending, events, wallMs, eventsPerSecond: events / (wallMs / 1000) };
}

export function benchEngine(events = 10_000_000): EngineFigure[] {
  const figures: EngineFigure[] = [];
  for (const pending of [1_000, 100_000, 1_000_000]) figures.push(holdQueue(pending, events));
  for (const pending of [1_000, 100_000, 1_000_000]) figures.push(holdSimulation(pending, events));
  return figures;
}

export function printEngine(figures: EngineFigure[]): void {
  console.log('engine: 10M events, hold model (pop earliest, push one later)');
  for (const f of figures) {
    console.log(
      `  ${f.what.padEnd(16)} ${String(f.pending).padStart(9)} pending  ` +
        `${(f.eventsPerSecond / 1e6).toFixed(2).padStart(6)} M events/s  (${(f.wallMs / 1000).toFixed(2)} s)`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printEngine(benchEngine());
