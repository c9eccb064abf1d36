import { assert, fail } from '../../engine/assert.ts';
import { OP_CANCEL, OP_EFFECT, OP_SCHEDULE, OP_UPDATE, type Candidate, type CompiledMachine, type Plan, type StateValue } from './compiled.ts';
import type { MachineContext, MachineEvent } from './define.ts';
import {
  contextFactory,
  contextLoader,
  fieldResetter,
  fieldStore,
  type ContextFactory,
  type ContextLoader,
  type FieldResetter,
  type FieldStore,
} from './context-loader.ts';
import { STORAGE, fitsStorage, type Column } from './storage.ts';

/**
 * Executes one compiled machine (compile.ts) for many instances (nodes) in struct-of-arrays
 * form: a state code per instance, one typed-array column per context field, and a timer handle
 * per (instance, timer slot). A step does what xstate 5.33's `macrostep` does for the same event:
 * select the first candidate whose guard holds (the state's transitions, then its ancestors'),
 * run its plan (exit actions deepest first, transition actions, entry actions outermost first),
 * take eventless `always` transitions until none is enabled, then carry out the timer schedules
 * and cancels deferred during the step, in the order the step made them (xstate defers them to
 * the end of the macrostep, `actorScope.defer`).
 *
 * The host does the outside work: it schedules and cancels timers and carries out effects.
 * Two ways to run timers on a Simulation, both exact:
 * - cancelling: `scheduleTimer` returns `sim.scheduleAfter(delayMs, kind, instance, timerCode)`,
 *   `cancelTimer` calls `sim.cancel`, and the handler calls `fireTimer(instance, timerCode)`.
 *   A cancelled timer never fires.
 * - lazy: `cancelTimer` does nothing; `scheduleTimer` returns a fresh token (> 0) and schedules an
 *   event that carries it, and the handler passes it back, `fireTimer(instance, timerCode, token)`.
 *   A stale timer still fires and is recognised because its token no longer matches the slot.
 * bench/machine.ts measures both.
 *
 * Guards, updates, delays and effects receive ONE reused context object filled from the current
 * instance's columns: they must not keep it. An effect must not call back into the runtime
 * synchronously (send, fireTimer, init, set): it schedules an event instead, as a message on
 * a network would. That keeps a step atomic, as an xstate actor's macrostep is.
 *
 * Over 400 lines, knowingly: the step is one hot loop (guards, plans, `always`, deferred
 * timers) that must stay in one function family for V8 to optimise it; the plan compiler and
 * the column storage are apart (compile.ts, storage.ts).
 */
export interface RuntimeHost {
  /** Schedules timer `timerCode` of `instance` in `delayMs`; returns its handle, > 0. */
  scheduleTimer(instance: number, timerCode: number, delayMs: number): number;
  /** Cancels a pending timer by its handle. */
  cancelTimer(handle: number): void;
  /** Carries out effect `effectCode`; `ctx` is the reused context object, valid during the call. */
  effect(instance: number, effectCode: number, ctx: Readonly<MachineContext>, event: MachineEvent): void;
}

export interface RuntimeOptions {
  /**
   * Load the context with generated code (`new Function`), one monomorphic store per field,
   * instead of a loop over the field names. On by default (bench/machine.ts measures both); off
   * where `new Function` is not allowed (a strict Content-Security-Policy).
   */
  codegen?: boolean;
}


function writerName(writer: string, updateName: string): string {
  return writer === 'update' ? `update '${updateName}'` : writer;
}

/** The event xstate hands to entry actions of the initial state (`createInitEvent`). */
export const INIT_EVENT: MachineEvent = Object.freeze({ type: 'xstate.init' });

export interface PendingTimer {
  timerCode: number;
  handle: number;
}

export class CompiledRuntime {
  /** State code per instance. */
  readonly states: Uint8Array | Uint16Array;
  /** One column per context field, in `machine.fields` order. */
  readonly columns: readonly Column[];
  /** Timer handle per (instance, slot), 0 when the slot holds no pending timer. */
  readonly timerHandles: Float64Array;
  /** Bytes of state per instance held by this runtime (state code, context, timer handles). */
  readonly bytesPerInstance: number;
  /** Transitions taken (event, timer and eventless), not counting initialisation. */
  transitions = 0;

  private readonly ctx: MachineContext;
  private readonly load: ContextLoader;
  private readonly create: ContextFactory;
  private readonly resetFields: FieldResetter;
  private readonly storeField: FieldStore;
  /** Per field: the range an integer column holds (NaN for f64 columns, which hold anything). */
  private readonly fieldMin: Float64Array;
  private readonly fieldMax: Float64Array;
  private readonly fieldIndexByName: Map<string, number>;
  private readonly fieldNames: readonly string[];
  private readonly integerField: Uint8Array;
  private readonly slotCount: number;
  private readonly timerCount: number;
  /** [state * slotCount + slot] = the timer code that may occupy the slot in that state, or -1. */
  private readonly slotTimer: Int16Array;
  // Timer operations deferred to the end of the step, in order.
  private readonly deferredKind: Uint8Array;
  private readonly deferredTimer: Int32Array;
  private readonly deferredDelayMs: Float64Array;
  private deferredCount = 0;
  private busy = false;
  private contextLoaded = false;

  constructor(
    readonly machine: CompiledMachine,
    readonly instanceCount: number,
    private readonly host: RuntimeHost,
    options: RuntimeOptions = {},
  ) {
    if (!(Number.isInteger(instanceCount) && instanceCount >= 0)) fail(`instanceCount must be an integer >= 0, got ${instanceCount}`);
    const stateCount = machine.stateNames.length;
    this.states = stateCount <= 0x100 ? new Uint8Array(instanceCount) : new Uint16Array(instanceCount);
    this.columns = machine.fields.map((field) => STORAGE[field.type].create(instanceCount));
    this.slotCount = machine.timerSlotCount;
    this.timerCount = machine.timerIds.length;
    this.timerHandles = new Float64Array(instanceCount * this.slotCount);
    this.bytesPerInstance =
      this.states.BYTES_PER_ELEMENT +
      machine.fields.reduce((sum, field) => sum + STORAGE[field.type].bytes, 0) +
      this.slotCount * Float64Array.BYTES_PER_ELEMENT;

    this.fieldNames = machine.fields.map((field) => field.name);
    this.fieldIndexByName = new Map(this.fieldNames.map((name, index) => [name, index]));
    this.integerField = Uint8Array.from(machine.fields.map((field) => (STORAGE[field.type].integer ? 1 : 0)));
    this.fieldMin = Float64Array.from(machine.fields.map((field) => STORAGE[field.type].min));
    this.fieldMax = Float64Array.from(machine.fields.map((field) => STORAGE[field.type].max));
    const ctx: MachineContext = {};
    for (const field of machine.fields) ctx[field.name] = field.initial;
    this.ctx = ctx;
    this.load = contextLoader(this.fieldNames, this.columns, options.codegen ?? true);
    this.create = contextFactory(this.fieldNames, this.columns, options.codegen ?? true);
    this.resetFields = fieldResetter(
      machine.fields.map((field) => field.initial),
      this.columns,
      options.codegen ?? true,
    );
    this.storeField = fieldStore(this.columns, options.codegen ?? true);

    this.slotTimer = new Int16Array(stateCount * this.slotCount).fill(-1);
    for (let state = 0; state < stateCount; state++) {
      for (let timer = 0; timer < this.timerCount; timer++) {
        if (machine.timerOwnerActive[state * this.timerCount + timer] === 0) continue;
        const at = state * this.slotCount + machine.timerSlot[timer];
        if (!(this.slotTimer[at] === -1)) fail(`timers ${timer} and ${this.slotTimer[at]} share a slot in state ${machine.stateNames[state]}`);
        this.slotTimer[at] = timer;
      }
    }
    const deferredMax = machine.maxTimerOpsPerStep + 2 * this.slotCount;
    this.deferredKind = new Uint8Array(deferredMax);
    this.deferredTimer = new Int32Array(deferredMax);
    this.deferredDelayMs = new Float64Array(deferredMax);
  }

  /**
   * init() of every instance, with the same overrides. When entering the initial state runs
   * nothing (no entry action, no timer, no eventless transition: the node machines start in an
   * `off` state), every instance ends exactly as the first does, and the rest is a fill of the
   * columns and the states: 30,000 init() calls fewer in a 10k-node world's set-up, made while
   * none of the code they run is optimized yet. Otherwise, one init() per instance.
   */
  initAll(overrides?: Readonly<Partial<MachineContext>>): void {
    if (this.instanceCount === 0) return; // an etcd-only world has no node
    const machine = this.machine;
    if (machine.initialPlan.ops.length > 0 || machine.always[machine.initialState] !== undefined) {
      for (let instance = 0; instance < this.instanceCount; instance++) this.init(instance, overrides);
      return;
    }
    assert(!this.busy, 'initAll() called from inside a step (an effect must not call back into the runtime)');
    // Pending timers of instances initialised before are cancelled, as init() cancels its own.
    for (let at = 0; at < this.timerHandles.length; at++) {
      const handle = this.timerHandles[at];
      if (handle !== 0) {
        this.timerHandles[at] = 0;
        this.host.cancelTimer(handle);
      }
    }
    // The first instance the ordinary way (it checks the overrides), then its values everywhere.
    this.init(0, overrides);
    for (const column of this.columns) column.fill(column[0]);
    this.states.fill(this.states[0]);
  }

  /**
   * Starts an instance: fills its context (the machine's initial context, then `overrides`),
   * enters the root and the initial states running their entry actions, takes eventless
   * transitions, and schedules the timers. Re-initialising an instance cancels its timers first.
   */
  init(instance: number, overrides?: Readonly<Partial<MachineContext>>): void {
    this.checkInstance(instance);
    assert(!this.busy, 'init() called from inside a step (an effect must not call back into the runtime)');
    this.resetFields(instance);
    if (overrides !== undefined) {
      for (const name of Object.keys(overrides)) this.writeField(instance, name, overrides[name], 'init override');
    }
    this.begin();
    try {
      for (let slot = 0; slot < this.slotCount; slot++) {
        const at = instance * this.slotCount + slot;
        const handle = this.timerHandles[at];
        if (handle !== 0) {
          this.timerHandles[at] = 0;
          this.host.cancelTimer(handle);
        }
      }
      this.states[instance] = this.machine.initialState;
      this.runPlan(instance, this.machine.initialPlan, INIT_EVENT);
      this.settle(instance, INIT_EVENT);
      this.flushTimers(instance);
    } finally {
      this.busy = false;
    }
  }

  /** Sends an external event; false when no transition was selected (xstate ignores it). */
  send(instance: number, event: MachineEvent): boolean {
    return this.sendCode(instance, this.machine.eventCode(event.type), event);
  }

  /**
   * Sends an event by its code (`machine.eventCode(type)`, -1 for a type the machine does not
   * know: xstate ignores it but still evaluates `always`). The hot path for hosts.
   */
  sendCode(instance: number, eventCode: number, event: MachineEvent): boolean {
    this.checkInstance(instance);
    if (!(eventCode < this.machine.externalEventCount)) fail(`event code ${eventCode} is not an external event (timers fire through fireTimer)`);
    return this.dispatch(instance, eventCode, event);
  }

  /**
   * Fires a due `after` timer. Returns false, doing nothing, when the timer is not current: the
   * slot holds no timer, or (with `handle`) another one, or (without) the timer's state is not
   * active. A lazy host must pass the handle it returned from scheduleTimer.
   */
  fireTimer(instance: number, timerCode: number, handle?: number): boolean {
    this.checkInstance(instance);
    if (!(timerCode >= 0 && timerCode < this.timerCount)) fail(`unknown timer code ${timerCode}`);
    const at = instance * this.slotCount + this.machine.timerSlot[timerCode];
    const current = this.timerHandles[at];
    if (current === 0) return false;
    if (handle !== undefined) {
      if (current !== handle) return false;
    } else if (this.machine.timerOwnerActive[this.states[instance] * this.timerCount + timerCode] === 0) {
      return false;
    }
    this.timerHandles[at] = 0;
    this.dispatch(instance, this.machine.externalEventCount + timerCode, this.machine.timerEvents[timerCode]);
    return true;
  }

  stateCode(instance: number): number {
    return this.states[instance];
  }

  stateName(instance: number): string {
    return this.machine.stateNames[this.states[instance]];
  }

  /** The state value xstate's snapshot would report. */
  stateValue(instance: number): StateValue {
    return this.machine.stateValues[this.states[instance]];
  }

  /** A fresh copy of an instance's context (for tests, the UI and snapshots). */
  context(instance: number): MachineContext {
    this.checkInstance(instance);
    return this.create(instance);
  }

  get(instance: number, field: string): number {
    const f = this.fieldIndexByName.get(field);
    if (!(f !== undefined)) fail(`unknown context field '${field}' of machine ${this.machine.id}`);
    return this.columns[f][instance];
  }

  /** Writes one context field (restores, operator actions); throws if the column cannot hold it. */
  set(instance: number, field: string, value: number): void {
    this.checkInstance(instance);
    assert(!this.busy, 'set() called from inside a step (an effect must not call back into the runtime)');
    this.writeField(instance, field, value, 'set');
  }

  /** The instance's pending timers, by slot. */
  pendingTimers(instance: number): PendingTimer[] {
    const out: PendingTimer[] = [];
    const state = this.states[instance];
    for (let slot = 0; slot < this.slotCount; slot++) {
      const handle = this.timerHandles[instance * this.slotCount + slot];
      if (handle === 0) continue;
      const timerCode = this.slotTimer[state * this.slotCount + slot];
      if (!(timerCode >= 0)) fail(`instance ${instance} has a pending timer in slot ${slot} that state ${this.stateName(instance)} cannot own`);
      out.push({ timerCode, handle });
    }
    return out;
  }

  private checkInstance(instance: number): void {
    if (!(Number.isInteger(instance) && instance >= 0 && instance < this.instanceCount)) fail(`instance ${instance} out of range [0, ${this.instanceCount})`);
  }

  private begin(): void {
    assert(!this.busy, 'a runtime step started inside another (an effect must not call back into the runtime synchronously: schedule an event)');
    this.busy = true;
    this.contextLoaded = false;
    this.deferredCount = 0;
  }

  private dispatch(instance: number, eventCode: number, event: MachineEvent): boolean {
    this.begin();
    try {
      let taken = false;
      if (eventCode >= 0) {
        const candidates = this.machine.table[this.states[instance] * this.machine.eventCount + eventCode];
        if (candidates !== undefined) {
          const chosen = this.select(instance, candidates, event);
          if (chosen !== null) {
            this.transitions++;
            this.runPlan(instance, chosen.plan, event);
            taken = true;
          }
        }
      }
      this.settle(instance, event);
      this.flushTimers(instance);
      return taken;
    } finally {
      this.busy = false;
    }
  }

  private select(instance: number, candidates: readonly Candidate[], event: MachineEvent): Candidate | null {
    for (let c = 0; c < candidates.length; c++) {
      const candidate = candidates[c];
      const guard = candidate.guard;
      if (guard === null) return candidate;
      if (!this.contextLoaded) this.loadContext(instance);
      if (guard(this.ctx, event)) return candidate;
    }
    return null;
  }

  /** Eventless transitions, as xstate's macrostep loop takes them, bounded. */
  private settle(instance: number, event: MachineEvent): void {
    const always = this.machine.always;
    for (let iteration = 0; ; iteration++) {
      const candidates = always[this.states[instance]];
      if (candidates === undefined) return;
      const chosen = this.select(instance, candidates, event);
      if (chosen === null) return;
      if (iteration >= this.machine.maxAlwaysIterations) {
        throw new Error(
          `machine ${this.machine.id}, instance ${instance}: more than ${this.machine.maxAlwaysIterations} eventless ` +
            `(always) transitions in one step, last ${chosen.plan.description}; xstate would loop forever`,
        );
      }
      this.transitions++;
      this.runPlan(instance, chosen.plan, event);
      // xstate selects eventless transitions again only when the snapshot object changed.
      if (!chosen.plan.changesSnapshot) return;
    }
  }

  private runPlan(instance: number, plan: Plan, event: MachineEvent): void {
    if (plan.needsContext && !this.contextLoaded) this.loadContext(instance);
    const ops = plan.ops;
    const machine = this.machine;
    const ctx = this.ctx;
    for (let k = 0; k < ops.length; k += 2) {
      const arg = ops[k + 1];
      switch (ops[k]) {
        case OP_UPDATE:
          this.applyUpdate(instance, machine.updates[arg](ctx, event), machine.updateNames[arg]);
          break;
        case OP_EFFECT:
          this.host.effect(instance, arg, ctx, event);
          break;
        case OP_SCHEDULE: {
          let delayMs = machine.timerDelayMs[arg];
          if (delayMs !== delayMs) delayMs = machine.timerDelayFns[arg]!(ctx, event);
          this.defer(OP_SCHEDULE, arg, delayMs);
          break;
        }
        case OP_CANCEL:
          this.defer(OP_CANCEL, arg, 0);
          break;
        default:
          if (!(false)) fail(`unknown plan op ${ops[k]}`);
      }
    }
    this.states[instance] = plan.target;
  }

  private defer(kind: number, timerCode: number, delayMs: number): void {
    const n = this.deferredCount;
    if (!(n < this.deferredKind.length)) fail(`more than ${this.deferredKind.length} timer operations in one step`);
    this.deferredKind[n] = kind;
    this.deferredTimer[n] = timerCode;
    this.deferredDelayMs[n] = delayMs;
    this.deferredCount = n + 1;
  }

  /** Carries out the step's timer operations in order, as xstate runs its deferred actions. */
  private flushTimers(instance: number): void {
    const slotBase = instance * this.slotCount;
    const timerSlot = this.machine.timerSlot;
    for (let k = 0; k < this.deferredCount; k++) {
      const timerCode = this.deferredTimer[k];
      const at = slotBase + timerSlot[timerCode];
      const current = this.timerHandles[at];
      if (this.deferredKind[k] === OP_CANCEL) {
        if (current !== 0) {
          this.timerHandles[at] = 0;
          this.host.cancelTimer(current);
        }
        continue;
      }
      const delayMs = this.deferredDelayMs[k];
      if (!(delayMs >= 0 && delayMs !== Infinity)) fail(`timer ${this.machine.timerIds[timerCode]}: delay must be a finite number of ms >= 0, got ${delayMs}`);
      // Invariant: a state's exit cancels its timers before a sibling's entry reuses the slot.
      if (!(current === 0)) fail(`timer ${this.machine.timerIds[timerCode]} of instance ${instance} scheduled over a pending timer`);
      const handle = this.host.scheduleTimer(instance, timerCode, delayMs);
      if (!(handle > 0)) fail(`scheduleTimer must return a handle > 0, got ${handle}`);
      this.timerHandles[at] = handle;
    }
    this.deferredCount = 0;
  }

  private loadContext(instance: number): void {
    this.load(this.ctx, instance);
    this.contextLoaded = true;
  }

  private applyUpdate(instance: number, partial: Partial<MachineContext>, updateName: string): void {
    if (!(typeof partial === 'object' && partial !== null)) fail(`update '${updateName}' must return an object of fields to change`);
    for (const name in partial) {
      const value = partial[name];
      this.writeField(instance, name, value, 'update', updateName);
      this.ctx[name] = value as number;
    }
  }

  private writeField(instance: number, name: string, value: unknown, writer: string, updateName = ''): void {
    const f = this.fieldIndexByName.get(name);
    if (!(f !== undefined)) fail(`${writerName(writer, updateName)} writes '${name}', which is not a context field of machine ${this.machine.id}`);
    if (!(typeof value === 'number')) fail(`${writerName(writer, updateName)} writes ${typeof value} to '${name}'; context fields are numbers`);
    // fitsStorage, with the column's range read from arrays (the hot path of every update).
    if (this.integerField[f] === 1 && !(Number.isInteger(value) && value >= this.fieldMin[f] && value <= this.fieldMax[f])) {
      const type = this.machine.fields[f].type;
      if (!(fitsStorage(type, value))) fail(`${writerName(writer, updateName)} writes ${value} to '${name}', which a ${type} column cannot hold`);
    }
    this.storeField(f, instance, value);
  }
}
