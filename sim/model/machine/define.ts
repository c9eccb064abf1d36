import { assign } from 'xstate';

/**
 * One definition of a machine's logic, used by two executors: xstate itself (actors, `transition`)
 * and fleetsim's compiled form (transition tables over typed arrays, sim/model/machine/compile.ts).
 *
 * Machines are written with `setup({ guards, actions, delays }).createMachine(...)` as usual, but
 * every implementation is made with one of the wrappers below. Each wrapper returns what xstate
 * expects and carries a marker with the plain function inside, so the compiler recovers exactly
 * the same function from `machine.implementations` and calls it on a reused context object.
 *
 * Rules that make a machine compilable (the compiler rejects the rest):
 * - context is a flat record of numbers (booleans as 0/1, enums as small integers);
 * - events are `{ type, ...numeric fields }`;
 * - guards, updates and delays are pure functions of (context, event): no clock, no randomness
 *   (random draws and anything about the outside world arrive in event fields);
 * - effects are named outputs (`effect()`), implemented by whoever runs the machine: an xstate
 *   actor gets them with `machine.provide({ actions })`, the compiled runtime calls its host.
 */
export type MachineContext = Record<string, number>;
export interface MachineEvent {
  type: string;
  [field: string]: number | string;
}

export const IMPLEMENTATION = Symbol.for('fleetsim.machine.implementation');

export type GuardFn<C, E> = (ctx: C, event: E) => boolean;
export type UpdateFn<C, E> = (ctx: C, event: E) => Partial<C>;
export type DelayFn<C, E> = (ctx: C, event: E) => number;

export type ImplementationMarker =
  | { kind: 'guard'; fn: GuardFn<any, any> }
  | { kind: 'update'; fn: UpdateFn<any, any> }
  | { kind: 'delay'; fn: DelayFn<any, any> }
  | { kind: 'effect' };

interface ActionArgs<C, E> {
  context: C;
  event: E;
}

function mark<T extends object>(target: T, marker: ImplementationMarker): T {
  Object.defineProperty(target, IMPLEMENTATION, { value: marker, enumerable: false });
  return target;
}

export function implementationOf(value: unknown): ImplementationMarker | undefined {
  if ((typeof value !== 'function' && typeof value !== 'object') || value === null) return undefined;
  return (value as { [IMPLEMENTATION]?: ImplementationMarker })[IMPLEMENTATION];
}

/** A guard: a pure predicate over (context, event). */
export function guard<C extends MachineContext, E extends MachineEvent>(fn: GuardFn<C, E>) {
  return mark(({ context, event }: ActionArgs<C, E>) => fn(context, event), { kind: 'guard', fn });
}

/**
 * A context update: returns the fields to change. Every field sees the context as it was before
 * this update (as with xstate's `assign`).
 */
export function update<C extends MachineContext, E extends MachineEvent>(fn: UpdateFn<C, E>) {
  // The event type parameters are left open (`any`) so that the action fits any machine's event
  // union in setup(); the function itself is typed by the caller's C and E.
  return mark(
    assign<C, any, undefined, any, any>(({ context, event }) => fn(context, event as E) as Partial<C>),
    { kind: 'update', fn },
  );
}

/** A delay in ms for an `after` transition; runs when the timer is scheduled. */
export function delay<C extends MachineContext, E extends MachineEvent>(fn: DelayFn<C, E>) {
  return mark(({ context, event }: ActionArgs<C, E>) => fn(context, event), { kind: 'delay', fn });
}

/**
 * A named effect on the outside world (send a message, notify another machine, trace). Its
 * implementation comes from the executor; the placeholder throws so that an effect nobody
 * provided fails loudly instead of being skipped silently.
 */
export function effect<C extends MachineContext = MachineContext, E extends MachineEvent = MachineEvent>() {
  return mark(
    (_args: ActionArgs<C, E>): void => {
      throw new Error('effect not provided: run the machine with machine.provide({ actions }) or compile it');
    },
    { kind: 'effect' },
  );
}
