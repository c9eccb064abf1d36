/**
 * Differential testing of the compiled form against xstate's own interpreter.
 *
 * `assertCompiledMatchesXstate(machine, events, options)` runs random command sequences on
 * both executors and checks, after every command and for every instance: the same state value,
 * the same full context, the same effects in the same order (with the context and event each
 * saw), the same pending timers (which, and when due) and the same simulated time.
 *
 * - xstate side: one actor per instance, `createActor(machine.provide({ actions: recorders }),
 *   { clock: new SimClock(simX) })`, on its own Simulation; effects are recorders. The actor's
 *   scheduler is wrapped to learn each timer's due time.
 * - compiled side: one CompiledRuntime for all instances on a second Simulation; its host
 *   schedules timers as numeric events and cancels them (`timers: 'cancel'`, the default), or
 *   never cancels and checks staleness on firing (`timers: 'lazy'`).
 * - commands: send a generated event to an instance; fire the next due timer (both
 *   simulations step once; with lazy timers both run to the xstate side's next due time);
 *   advance the clock by a random span, firing what falls due.
 *
 * For other engineers' machines (test/model/node/): pass the machine as written with define.ts
 * and arbitraries of its external events; effects need no implementation.
 */
import fc from 'fast-check';
import { createActor, type AnyActorRef, type AnyStateMachine } from 'xstate';
import { expect } from 'vitest';
import { SimClock } from '../../../sim/engine/clock.ts';
import { Simulation } from '../../../sim/engine/simulation.ts';
import { compileMachine, type CompileOptions } from '../../../sim/model/machine/compile.ts';
import type { CompiledMachine, StateValue } from '../../../sim/model/machine/compiled.ts';
import type { MachineContext, MachineEvent } from '../../../sim/model/machine/define.ts';
import { CompiledRuntime, type RuntimeHost, type RuntimeOptions } from '../../../sim/model/machine/runtime.ts';

export interface DifferentialOptions {
  /** fast-check runs (command sequences); default 300. */
  numRuns?: number;
  /** Commands per sequence, at most; default 40. */
  maxCommands?: number;
  /** Instances (xstate actors, runtime instances); default 2. */
  instances?: number;
  /** Longest span of one `advance` command in ms; default 10 minutes. */
  maxAdvanceMs?: number;
  /** Relative weights of the commands; defaults send 4, fire 4, advance 1. */
  weights?: { send?: number; fire?: number; advance?: number };
  timers?: 'cancel' | 'lazy';
  compileOptions?: CompileOptions;
  runtimeOptions?: RuntimeOptions;
  /** fast-check seed: to replay a failure, or to make a coverage check deterministic. */
  seed?: number;
  /** fast-check's size of the command arrays; default 'max' (lengths spread up to maxCommands). */
  sequenceSize?: fc.SizeForArbitrary;
}

export interface EffectRecord {
  instance: number;
  effect: string;
  context: MachineContext;
  event: Record<string, unknown>;
}

interface PendingRecord {
  id: string;
  dueMs: number;
}

/** What the runs reached, so that a test can check it exercised the whole machine. */
export interface Coverage {
  /** States entered in any microstep, named by dotted path. */
  states: Set<string>;
  timersFired: Set<string>;
  effects: Set<string>;
  sequences: number;
  commands: number;
}

export type Command =
  | { kind: 'send'; instance: number; event: MachineEvent }
  | { kind: 'fire' }
  | { kind: 'advance'; spanMs: number };

/** An event arbitrary, optionally weighted against the machine's other events (weight 1). */
export type EventGenerator = fc.Arbitrary<MachineEvent> | fc.WeightedArbitrary<MachineEvent>;

export function assertCompiledMatchesXstate(
  machine: AnyStateMachine,
  eventGenerators: readonly EventGenerator[],
  options: DifferentialOptions = {},
): Coverage {
  const compiled = compileMachine(machine, options.compileOptions);
  const coverage: Coverage = { states: new Set(), timersFired: new Set(), effects: new Set(), sequences: 0, commands: 0 };
  const instances = options.instances ?? 2;
  const weights = { send: 4, fire: 4, advance: 1, ...options.weights };
  const commands = commandsArbitrary(eventGenerators, instances, options.maxAdvanceMs ?? 600_000, weights);
  fc.assert(
    // size 'max': sequence lengths spread up to maxCommands (fast-check's default keeps arrays
    // short, and deep states need long sequences to be reached).
    fc.property(fc.array(commands, { maxLength: options.maxCommands ?? 40, size: options.sequenceSize ?? 'max' }), (sequence) => {
      runSequence(machine, compiled, sequence, instances, options, coverage);
    }),
    { numRuns: options.numRuns ?? 300, seed: options.seed },
  );
  return coverage;
}

export function commandsArbitrary(
  eventGenerators: readonly EventGenerator[],
  instances: number,
  maxAdvanceMs: number,
  weights: { send: number; fire: number; advance: number },
): fc.Arbitrary<Command> {
  const arbitraries: fc.WeightedArbitrary<Command>[] = [
    { arbitrary: fc.constant<Command>({ kind: 'fire' }), weight: weights.fire },
    {
      arbitrary: fc.integer({ min: 0, max: maxAdvanceMs }).map((spanMs): Command => ({ kind: 'advance', spanMs })),
      weight: weights.advance,
    },
  ];
  if (eventGenerators.length > 0) {
    arbitraries.push({
      arbitrary: fc
        .tuple(
          fc.integer({ min: 0, max: instances - 1 }),
          fc.oneof(...eventGenerators.map((g) => ('arbitrary' in g ? g : { arbitrary: g, weight: 1 }))),
        )
        .map(([instance, event]): Command => ({ kind: 'send', instance, event })),
      weight: weights.send,
    });
  }
  return fc.oneof(...arbitraries);
}

/** Runs one command sequence on both executors, checking equality after every command. */
export function runSequence(
  machine: AnyStateMachine,
  compiled: CompiledMachine,
  sequence: readonly Command[],
  instances: number,
  options: DifferentialOptions = {},
  coverage?: Coverage,
): void {
  const lazy = options.timers === 'lazy';
  const xstate = new XstateSide(machine, compiled.effectNames, instances, coverage);
  const side = new CompiledSide(compiled, instances, lazy, options.runtimeOptions, coverage);
  xstate.start();
  side.start();
  compare(xstate, side, compiled, instances, lazy, 'after start', coverage);
  if (coverage !== undefined) {
    coverage.sequences++;
    coverage.commands += sequence.length;
  }
  sequence.forEach((command, index) => {
    const label = `after command ${index} ${JSON.stringify(command)}`;
    if (command.kind === 'send') {
      xstate.actors[command.instance].send(command.event);
      side.runtime.send(command.instance, command.event);
    } else if (command.kind === 'fire') {
      if (lazy) {
        const dueMs = xstate.sim.nextEventTime;
        if (dueMs !== Infinity) {
          xstate.sim.runUntil(dueMs);
          side.sim.runUntil(dueMs);
        }
      } else {
        expect(side.sim.nextEventTime, `${label}: next due time`).toBe(xstate.sim.nextEventTime);
        xstate.sim.step();
        side.sim.step();
      }
    } else {
      xstate.sim.runFor(command.spanMs);
      side.sim.runFor(command.spanMs);
    }
    compare(xstate, side, compiled, instances, lazy, label, coverage);
  });
}

function compare(
  xstate: XstateSide,
  side: CompiledSide,
  compiled: CompiledMachine,
  instances: number,
  lazy: boolean,
  label: string,
  coverage: Coverage | undefined,
): void {
  expect(side.sim.now, `${label}: simulated time`).toBe(xstate.sim.now);
  for (let i = 0; i < instances; i++) {
    const snapshot = xstate.actors[i].getSnapshot();
    expect(snapshot.status, `${label}: xstate actor ${i} status (error: ${String(snapshot.error)})`).toBe('active');
    expect(side.runtime.stateValue(i), `${label}: state of instance ${i}`).toEqual(snapshot.value);
    expect(side.runtime.context(i), `${label}: context of instance ${i}`).toEqual(snapshot.context);
    const compiledPending = side.runtime
      .pendingTimers(i)
      .map((t): PendingRecord => ({ id: compiled.timerIds[t.timerCode], dueMs: lazy ? side.dueOf(t.handle) : side.sim.timeOf(t.handle) }));
    expect(sortPending(compiledPending), `${label}: pending timers of instance ${i}`).toEqual(sortPending(xstate.pending(i)));
  }
  // Effects are compared as they come (comparing whole logs after every command is quadratic).
  expect(side.effects.slice(side.effectsChecked), `${label}: effects`).toEqual(xstate.effects.slice(side.effectsChecked));
  expect(side.effects.length, `${label}: effect count`).toBe(xstate.effects.length);
  side.effectsChecked = side.effects.length;
  if (!lazy) expect(side.sim.pendingEvents, `${label}: pending events`).toBe(xstate.sim.pendingEvents);
}

/** `{ running: 'fresh' }` -> `running.fresh` (machines without parallel states). */
function stateName(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [key] = Object.keys(value);
  return `${key}.${stateName(value[key])}`;
}

function sortPending(pending: PendingRecord[]): PendingRecord[] {
  return [...pending].sort((a, b) => a.dueMs - b.dueMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Copies an event without undefined fields (xstate's init event carries `input: undefined`). */
function plainEvent(event: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) if (value !== undefined) out[key] = value;
  return out;
}

class XstateSide {
  readonly sim = new Simulation({ maxEvents: 1_000_000 });
  readonly effects: EffectRecord[] = [];
  readonly actors: AnyActorRef[] = [];
  private readonly dueMs = new Map<string, number>();

  constructor(
    machine: AnyStateMachine,
    effectNames: readonly string[],
    instances: number,
    private readonly coverage?: Coverage,
  ) {
    const clock = new SimClock(this.sim);
    // Every microstep's state, so that states left by an eventless transition count as reached.
    const inspect = (event: { type: string; snapshot?: unknown }): void => {
      if (event.type !== '@xstate.microstep' || this.coverage === undefined) return;
      this.coverage.states.add(stateName((event.snapshot as { value: StateValue }).value));
    };
    for (let instance = 0; instance < instances; instance++) {
      const recorders: Record<string, (args: { context: MachineContext; event: MachineEvent }) => void> = {};
      for (const name of effectNames) {
        recorders[name] = ({ context, event }) => {
          this.effects.push({ instance, effect: name, context: { ...context }, event: plainEvent(event) });
        };
      }
      const actor = createActor(machine.provide({ actions: recorders }), { clock, inspect });
      // Learn each timer's due time: xstate keeps only its delay and a wall-clock start.
      const scheduler = actor.system.scheduler;
      const schedule = scheduler.schedule.bind(scheduler);
      scheduler.schedule = (source, target, event, delay, id) => {
        this.dueMs.set(`${source.sessionId}.${id}`, this.sim.now + Math.max(0, delay));
        schedule(source, target, event, delay, id);
      };
      this.actors.push(actor);
    }
  }

  start(): void {
    for (const actor of this.actors) actor.start();
  }

  pending(instance: number): PendingRecord[] {
    const actor = this.actors[instance];
    return Object.entries(actor.system.getSnapshot()._scheduledEvents).map(([key, scheduled]) => {
      const dueMs = this.dueMs.get(key);
      expect(dueMs, `due time of xstate timer ${key}`).toBeDefined();
      return { id: scheduled.id, dueMs: dueMs! };
    });
  }
}

class CompiledSide implements RuntimeHost {
  readonly sim = new Simulation({ maxEvents: 1_000_000 });
  readonly effects: EffectRecord[] = [];
  effectsChecked = 0;
  readonly runtime: CompiledRuntime;
  private readonly kind: number;
  private nextToken = 1;
  private readonly tokenDueMs = new Map<number, number>();
  private readonly timerCount: number;

  constructor(
    private readonly compiled: CompiledMachine,
    private readonly instances: number,
    private readonly lazy: boolean,
    runtimeOptions?: RuntimeOptions,
    private readonly coverage?: Coverage,
  ) {
    this.timerCount = Math.max(1, compiled.timerIds.length);
    this.runtime = new CompiledRuntime(compiled, instances, this, runtimeOptions);
    this.kind = this.sim.register('timer', (instance, arg) => {
      if (!this.lazy) {
        const fired = this.runtime.fireTimer(instance, arg);
        expect(fired, 'a cancelled timer never fires').toBe(true);
        this.coverage?.timersFired.add(this.compiled.timerIds[arg]);
        return;
      }
      const timerCode = arg % this.timerCount;
      const token = (arg - timerCode) / this.timerCount;
      if (this.runtime.fireTimer(instance, timerCode, token)) this.coverage?.timersFired.add(this.compiled.timerIds[timerCode]);
      this.tokenDueMs.delete(token);
    });
  }

  start(): void {
    for (let i = 0; i < this.instances; i++) this.runtime.init(i);
  }

  dueOf(token: number): number {
    return this.tokenDueMs.get(token) ?? NaN;
  }

  scheduleTimer(instance: number, timerCode: number, delayMs: number): number {
    if (!this.lazy) return this.sim.scheduleAfter(delayMs, this.kind, instance, timerCode);
    const token = this.nextToken++;
    this.sim.scheduleAfter(delayMs, this.kind, instance, token * this.timerCount + timerCode);
    this.tokenDueMs.set(token, this.sim.now + delayMs);
    return token;
  }

  cancelTimer(handle: number): void {
    if (!this.lazy) this.sim.cancel(handle);
    else this.tokenDueMs.delete(handle);
  }

  effect(instance: number, effectCode: number, ctx: Readonly<MachineContext>, event: MachineEvent): void {
    this.coverage?.effects.add(this.compiled.effectNames[effectCode]);
    this.effects.push({ instance, effect: this.compiled.effectNames[effectCode], context: { ...ctx }, event: plainEvent(event) });
  }
}
