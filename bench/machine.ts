/**
 * Compiled machine benchmark: an update cycle of 10 transitions per node (update_attempter.cc's
 * IDLE -> CHECKING_FOR_UPDATE -> DOWNLOADING -> VERIFYING -> FINALIZING -> UPDATED_NEED_REBOOT,
 * then a reboot lock, shutdown, boot, and flatcar-setgoodroot's mark-good 45 s later), written
 * once with setup() and define.ts, compiled, and run for 10k and 100k nodes on a real
 * Simulation. The world answers the update check and the lock request with events 50 ms and
 * 10 ms later. Timers are run by a cancelling host (sim.cancel) or a lazy one (stale timers
 * fire and are ignored); the context loader with and without generated code.
 *
 * Prints transitions/s (wall clock) and bytes per node: the runtime's typed arrays (state code,
 * context columns, timer handles) and, with them, the event queue's typed arrays divided by the
 * node count. Target (docs/performance.md): >= 1M transitions/s at 100k nodes, <= 200 bytes per
 * node including timers. Not a test: nothing asserts on time.
 */
import { setup } from 'xstate';
import { RandomStreams } from '../sim/engine/random.ts';
import { Simulation } from '../sim/engine/simulation.ts';
import { compileMachine, type CompileOptions } from '../sim/model/machine/compile.ts';
import { delay, effect, guard, update, type MachineEvent } from '../sim/model/machine/define.ts';
import { CompiledRuntime, type RuntimeHost } from '../sim/model/machine/runtime.ts';

type Ctx = Record<string, number>;
const MINUTE_MS = 60_000;

export const updateCycleMachine = setup({
  types: { context: {} as Ctx, events: {} as MachineEvent },
  guards: {
    updateAvailable: guard<Ctx, MachineEvent>((_c, e) => e.available === 1),
  },
  actions: {
    scheduleNextCheck: update<Ctx, MachineEvent>((c) => ({ nextCheckMs: c.checkIntervalMs, cycles: c.cycles + 1 })),
    noteError: update<Ctx, MachineEvent>((c) => ({ errors: Math.min(255, c.errors + 1), nextCheckMs: c.checkIntervalMs })),
    requestCheck: effect(),
    requestLock: effect(),
    reportEvent: effect(),
  },
  delays: {
    untilCheck: delay<Ctx, MachineEvent>((c) => c.nextCheckMs),
    download: delay<Ctx, MachineEvent>((c) => c.downloadMs),
    responseTimeout: 30_000,
  },
}).createMachine({
  id: 'bench',
  context: { nextCheckMs: 7 * MINUTE_MS, checkIntervalMs: 45 * MINUTE_MS, downloadMs: 240_000, cycles: 0, errors: 0 },
  initial: 'idle',
  states: {
    idle: { after: { untilCheck: 'checking' } },
    checking: {
      entry: ['requestCheck'],
      after: { responseTimeout: { target: 'idle', actions: ['noteError'] } },
      on: { RESPONSE: [{ guard: 'updateAvailable', target: 'downloading' }, { target: 'idle', actions: ['scheduleNextCheck'] }] },
    },
    downloading: { entry: ['reportEvent'], after: { download: 'verifying' } },
    verifying: { after: { 2000: 'finalizing' } },
    finalizing: { after: { 1000: 'needReboot' } },
    needReboot: { entry: ['reportEvent', 'requestLock'], on: { LOCK_GRANTED: 'rebooting' } },
    rebooting: {
      initial: 'shutdown',
      states: {
        shutdown: { after: { 2000: 'boot' } },
        boot: { after: { 3000: '#bench.running' } },
      },
    },
    running: {
      initial: 'fresh',
      states: {
        fresh: { after: { 45_000: 'good' } },
        good: { always: { target: '#bench.idle', actions: ['scheduleNextCheck', 'reportEvent'] } },
      },
    },
  },
});

const FIELDS: CompileOptions['fields'] = { checkIntervalMs: 'u32', downloadMs: 'u32', cycles: 'u32', errors: 'u8' };

export interface MachineFigure {
  nodes: number;
  timers: 'cancel' | 'lazy';
  codegen: boolean;
  transitions: number;
  events: number;
  wallMs: number;
  transitionsPerSecond: number;
  runtimeBytesPerNode: number;
  bytesPerNodeWithQueue: number;
  initMs: number;
  compileMs: number;
}

/** Event-queue bytes: 9 typed arrays per slot of capacity (see sim/engine/event-queue.ts). */
const QUEUE_BYTES_PER_SLOT = 8 + 8 + 4 + 4 + 4 + 8 + 4 + 4 + 4;

class BenchHost implements RuntimeHost {
  runtime!: CompiledRuntime;
  private readonly timerKind: number;
  private readonly responseKind: number;
  private readonly lockKind: number;
  private readonly response: MachineEvent = { type: 'RESPONSE', available: 1 };
  private readonly lockGranted: MachineEvent = { type: 'LOCK_GRANTED' };
  private responseCode = -1;
  private lockCode = -1;
  private nextToken = 1;
  private readonly timerCount: number;
  reports = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly lazy: boolean,
    timerCount: number,
  ) {
    this.timerCount = timerCount;
    this.timerKind = sim.register('machine.timer', (instance, arg) => {
      if (!this.lazy) {
        this.runtime.fireTimer(instance, arg);
        return;
      }
      const timerCode = arg % this.timerCount;
      this.runtime.fireTimer(instance, timerCode, (arg - timerCode) / this.timerCount);
    });
    this.responseKind = sim.register('omaha.response', (instance) => this.runtime.sendCode(instance, this.responseCode, this.response));
    this.lockKind = sim.register('lock.granted', (instance) => this.runtime.sendCode(instance, this.lockCode, this.lockGranted));
  }

  attach(runtime: CompiledRuntime): void {
    this.runtime = runtime;
    this.responseCode = runtime.machine.eventCode('RESPONSE');
    this.lockCode = runtime.machine.eventCode('LOCK_GRANTED');
  }

  scheduleTimer(instance: number, timerCode: number, delayMs: number): number {
    if (!this.lazy) return this.sim.scheduleAfter(delayMs, this.timerKind, instance, timerCode);
    const token = this.nextToken++;
    this.sim.scheduleAfter(delayMs, this.timerKind, instance, token * this.timerCount + timerCode);
    return token;
  }

  cancelTimer(handle: number): void {
    if (!this.lazy) this.sim.cancel(handle);
  }

  effect(instance: number, effectCode: number): void {
    // Effect codes follow setup() order: requestCheck, requestLock, reportEvent.
    if (effectCode === 0) this.sim.scheduleAfter(50, this.responseKind, instance, 0);
    else if (effectCode === 1) this.sim.scheduleAfter(10, this.lockKind, instance, 0);
    else this.reports++;
  }
}

export function runMachineBench(nodes: number, simulatedMs: number, timers: 'cancel' | 'lazy', codegen: boolean): MachineFigure {
  let t0 = performance.now();
  const compiled = compileMachine(updateCycleMachine, { fields: FIELDS });
  const compileMs = performance.now() - t0;
  const sim = new Simulation({ maxEvents: 1e9, initialQueueCapacity: nodes * 2 });
  const host = new BenchHost(sim, timers === 'lazy', compiled.timerIds.length);
  const runtime = new CompiledRuntime(compiled, nodes, host, { codegen });
  host.attach(runtime);
  // A fleet that has been up a while: check phases spread over one interval, fuzz +-5 min
  // (update_check_scheduler.cc), from seeded streams.
  const random = new RandomStreams(42).stream('bench.machine');
  t0 = performance.now();
  for (let i = 0; i < nodes; i++) {
    runtime.init(i, {
      nextCheckMs: Math.floor(random.uniform(0, 45 * MINUTE_MS)),
      checkIntervalMs: Math.floor(45 * MINUTE_MS + random.uniform(-5 * MINUTE_MS, 5 * MINUTE_MS)),
      downloadMs: Math.floor(random.uniform(120_000, 360_000)),
    });
  }
  const initMs = performance.now() - t0;
  t0 = performance.now();
  sim.runUntil(simulatedMs);
  const wallMs = performance.now() - t0;
  const queueCapacity = (sim as unknown as { queue: { heapTime: Float64Array } }).queue.heapTime.length;
  return {
    nodes,
    timers,
    codegen,
    transitions: runtime.transitions,
    events: sim.eventsExecuted,
    wallMs,
    transitionsPerSecond: runtime.transitions / (wallMs / 1000),
    runtimeBytesPerNode: runtime.bytesPerInstance,
    bytesPerNodeWithQueue: runtime.bytesPerInstance + (queueCapacity * QUEUE_BYTES_PER_SLOT) / nodes,
    initMs,
    compileMs,
  };
}

export function benchMachine(): MachineFigure[] {
  const figures: MachineFigure[] = [];
  const runs: [number, number, 'cancel' | 'lazy', boolean][] = [
    [10_000, 30 * 3600_000, 'cancel', true],
    [100_000, 3 * 3600_000, 'cancel', true],
    [100_000, 3 * 3600_000, 'lazy', true],
    [100_000, 3 * 3600_000, 'cancel', false],
  ];
  console.log('machine: compiled update cycle (10 transitions per node per cycle) on a Simulation');
  for (const [nodes, simulatedMs, timers, codegen] of runs) {
    const f = runMachineBench(nodes, simulatedMs, timers, codegen);
    figures.push(f);
    console.log(
      `  ${String(nodes).padStart(7)} nodes  timers ${timers.padEnd(6)} codegen ${String(codegen).padEnd(5)} ` +
        `${(f.transitionsPerSecond / 1e6).toFixed(2).padStart(5)} M transitions/s  ` +
        `(${(f.transitions / 1e6).toFixed(2)} M in ${(f.wallMs / 1000).toFixed(2)} s, ${(f.events / 1e6).toFixed(2)} M events)  ` +
        `${f.runtimeBytesPerNode} B/node runtime, ${f.bytesPerNodeWithQueue.toFixed(0)} B/node with the event queue  ` +
        `init ${f.initMs.toFixed(0)} ms, compile ${f.compileMs.toFixed(1)} ms`,
    );
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) benchMachine();
