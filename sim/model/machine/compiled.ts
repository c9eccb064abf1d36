import type { DelayFn, MachineContext, MachineEvent, UpdateFn } from './define.ts';
import type { StorageType } from './storage.ts';

/**
 * The compiled form of an xstate machine: transition tables that the compiled runtime
 * (runtime.ts) executes over typed arrays. Produced by `compileMachine` (compile.ts); read-only.
 *
 * Codes:
 * - a state code per atomic state, named by its dotted path (`running.fresh`);
 * - an event code per external event type, then one per `after` timer (timer code t has event
 *   code `externalEventCount + t`); timers are named by xstate's own event type,
 *   `xstate.after.<delay key>.<state node id>`;
 * - an effect code per effect (an action made with `effect()`), named by its action name.
 */

/** One step of a plan; plans are flat `[op, arg, op, arg, ...]` arrays. */
export const OP_UPDATE = 0; // arg: update index
export const OP_EFFECT = 1; // arg: effect code
export const OP_SCHEDULE = 2; // arg: timer code
export const OP_CANCEL = 3; // arg: timer code

export type GuardCheck = (ctx: MachineContext, event: MachineEvent) => unknown;

/** What one selected transition does, from one atomic state, in xstate's order. */
export interface Plan {
  /** Exit actions deepest first, then transition actions, then entry actions outermost first. */
  readonly ops: Int32Array;
  /** State code after the transition. */
  readonly target: number;
  /**
   * True when xstate makes a new snapshot object in this microstep (the configuration changed
   * or an update ran). After an eventless (`always`) transition, xstate selects eventless
   * transitions again only then (`macrostep` compares snapshots by identity).
   */
  readonly changesSnapshot: boolean;
  /** True when a step calls a machine function (update, effect, delay) that reads the context. */
  readonly needsContext: boolean;
  /** For error messages: `<from> --<event>--> <to> (from <source state>)`. */
  readonly description: string;
}

/** A guarded transition; candidates are tried in order, the first whose guard holds is taken. */
export interface Candidate {
  readonly guard: GuardCheck | null;
  readonly plan: Plan;
}

export interface FieldSpec {
  readonly name: string;
  readonly type: StorageType;
  readonly initial: number;
}

export type StateValue = string | { readonly [key: string]: StateValue };

export interface CompiledMachine {
  readonly id: string;
  /** By state code: the atomic state's dotted path. */
  readonly stateNames: readonly string[];
  /** By state code: the state value xstate reports (`'idle'`, `{ running: 'fresh' }`). */
  readonly stateValues: readonly StateValue[];
  readonly initialState: number;
  /** Entering the root and the initial states, outermost first (xstate's initial microstep). */
  readonly initialPlan: Plan;

  /** By event code: external event types, then the timers' event types. */
  readonly eventTypes: readonly string[];
  readonly externalEventCount: number;
  readonly eventCount: number;

  /** By timer code: xstate's event type for the timer. */
  readonly timerIds: readonly string[];
  /** By timer code: the event object the machine's functions see when the timer fires. */
  readonly timerEvents: readonly MachineEvent[];
  /** By timer code: its slot; timers that can be pending together never share a slot. */
  readonly timerSlot: Uint8Array;
  readonly timerSlotCount: number;
  /** By timer code: a constant delay in ms, or NaN when `timerDelayFns` computes it. */
  readonly timerDelayMs: Float64Array;
  readonly timerDelayFns: readonly (DelayFn<any, any> | null)[];
  /** [state * timerCount + timer] = 1 when the timer's state node is active in that state. */
  readonly timerOwnerActive: Uint8Array;

  /** By effect code: the action name. */
  readonly effectNames: readonly string[];
  /** By update index: the function and its action name. */
  readonly updates: readonly UpdateFn<any, any>[];
  readonly updateNames: readonly string[];

  /** Context fields in the order of the machine's initial context. */
  readonly fields: readonly FieldSpec[];

  /** [state * eventCount + event]: candidates in order (the state's, then its ancestors'). */
  readonly table: readonly (readonly Candidate[] | undefined)[];
  /** By state: eventless (`always`) candidates, the state's then its ancestors'. */
  readonly always: readonly (readonly Candidate[] | undefined)[];
  /** Eventless transitions one step may take before the runtime throws (xstate would spin). */
  readonly maxAlwaysIterations: number;
  /** Timer schedules and cancels one step may defer; sizes the runtime's buffer. */
  readonly maxTimerOpsPerStep: number;

  eventCode(type: string): number;
  stateCode(name: string): number;
  effectCode(name: string): number;
  timerCode(id: string): number;
  fieldIndex(name: string): number;
}
