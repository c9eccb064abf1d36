import { createActor, type AnyActorRef, type AnyStateMachine } from 'xstate';
import type { AssertionError } from '../../../sim/engine/assert.ts';
import { SimClock } from '../../../sim/engine/clock.ts';
import { Simulation } from '../../../sim/engine/simulation.ts';
import { compileMachine } from '../../../sim/model/machine/compile.ts';
import { CompiledRuntime } from '../../../sim/model/machine/runtime.ts';
import type { StorageType } from '../../../sim/model/machine/storage.ts';
import { assertionFrom } from '../../assertion-from.ts';

/**
 * Runs one node machine as an xstate actor on a Simulation, with every effect recorded (time,
 * name, context and event at that point of the step) and, optionally, answered by a tiny
 * scripted world. Answers are always delivered as separate simulation events, as the real world
 * does: an effect never gets a synchronous reply.
 */
export interface EffectRecord {
  readonly time: number;
  readonly name: string;
  readonly context: Readonly<Record<string, number>>;
  readonly event: { readonly type: string };
}

export type Reaction = (record: EffectRecord, world: MachineHarness) => void;

export class MachineHarness {
  readonly sim: Simulation;
  readonly actor: AnyActorRef;
  readonly effects: EffectRecord[] = [];
  private readonly reactions = new Map<string, Reaction>();

  constructor(machine: AnyStateMachine, effectNames: readonly string[], sim = new Simulation({ maxEvents: 100_000 })) {
    this.sim = sim;
    const implementations: Record<string, (args: { context: Record<string, number>; event: { type: string } }) => void> = {};
    for (const name of effectNames) {
      implementations[name] = ({ context, event }) => {
        const record: EffectRecord = { time: this.sim.now, name, context: { ...context }, event: { ...event } };
        this.effects.push(record);
        this.reactions.get(name)?.(record, this);
      };
    }
    this.actor = createActor(machine.provide({ actions: implementations }), { clock: new SimClock(this.sim) });
    this.actor.start();
  }

  /** Answers an effect each time it happens. */
  on(effectName: string, reaction: Reaction): this {
    this.reactions.set(effectName, reaction);
    return this;
  }

  /** Delivers an event `delayMs` from now, as its own simulation event. */
  sendAfter(delayMs: number, event: { type: string; [field: string]: number | string }): void {
    this.sim.callAfter(delayMs, () => this.actor.send(event));
  }

  sendAt(timeMs: number, event: { type: string; [field: string]: number | string }): void {
    this.sim.callAt(timeMs, () => this.actor.send(event));
  }

  /** Sends at the current time, synchronously (the test is the world here). */
  send(event: { type: string; [field: string]: number | string }): void {
    this.actor.send(event);
  }

  get state(): string {
    return stateName(this.actor.getSnapshot().value);
  }

  get context(): Record<string, number> {
    return this.actor.getSnapshot().context as Record<string, number>;
  }

  names(): string[] {
    return this.effects.map((e) => e.name);
  }

  named(name: string): EffectRecord[] {
    return this.effects.filter((e) => e.name === name);
  }

  runUntil(timeMs: number): void {
    this.sim.runUntil(timeMs);
  }

  runFor(spanMs: number): void {
    this.sim.runFor(spanMs);
  }

  /**
   * The AssertionError the actor stopped on while `drive` ran: an action that fails stops an
   * xstate actor, which keeps the error on its snapshot instead of throwing it to the sender.
   */
  assertionDuring(drive: () => void): AssertionError {
    this.actor.subscribe({ error: () => {} }); // observed here, so xstate does not rethrow it on a timer
    drive();
    return assertionFrom(() => {
      const snapshot = this.actor.getSnapshot();
      if (snapshot.status === 'error') throw snapshot.error;
    });
  }
}

/**
 * One instance of a node machine on the compiled runtime, initialised, its timers and effects
 * ignored: the runtime throws a failed check synchronously, as the world runs it.
 */
export function compiledInstance(machine: AnyStateMachine, fields: Readonly<Record<string, StorageType>>): CompiledRuntime {
  let handle = 0;
  const host = { scheduleTimer: () => ++handle, cancelTimer: () => {}, effect: () => {} };
  const runtime = new CompiledRuntime(compileMachine(machine, { fields }), 1, host);
  runtime.init(0);
  return runtime;
}

/** 'running.fresh' for { running: 'fresh' }. */
export function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1) throw new Error(`expected one active child, got ${JSON.stringify(value)}`);
  const [key, child] = entries[0];
  return `${key}.${stateName(child)}`;
}

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
