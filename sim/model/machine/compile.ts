import type { AnyStateMachine } from 'xstate';
import { assert, fail } from '../../engine/assert.ts';
import type { DelayFn, MachineEvent, UpdateFn } from './define.ts';
import {
  OP_CANCEL,
  OP_EFFECT,
  OP_SCHEDULE,
  OP_UPDATE,
  type Candidate,
  type CompiledMachine,
  type FieldSpec,
  type GuardCheck,
  type Plan,
  type StateValue,
} from './compiled.ts';
import { MachineCompileError } from './errors.ts';
import { Implementations } from './implementations.ts';
import { activeChain, entrySet, exitSet, initialAtomic, resultingAtomic } from './semantics.ts';
import { fitsStorage, isStorageType, type StorageType } from './storage.ts';
import { afterEventType, pathName, type XMachine, type XNode, type XTransition } from './xstate-node.ts';

/**
 * Compiles an xstate 5.33 machine, written with `setup(...).createMachine(...)` and the wrappers
 * of define.ts, into transition tables for the compiled runtime (runtime.ts). One definition of
 * the logic: guards, updates, delays and effects are the very functions xstate calls.
 *
 * The supported subset: nested compound states (up to `maxDepth` levels), guarded transitions on
 * events (`on`), `after` timers with constant or computed delays, eventless `always` transitions,
 * `reenter`, entry/exit/transition actions that are named updates or effects, not/and/or guard
 * combinators over named guards. A flat context of numbers. Rejected, with a message naming the
 * state and the offending thing: parallel, history and final states, invoke/spawn, raise, sendTo,
 * enqueueActions and other built-in actions, inline functions, params, wildcard event
 * descriptors, missing implementations, non-numeric context.
 */
export interface CompileOptions {
  /** Storage type per context field; `f64` (exact for every number) when absent. */
  fields?: Readonly<Record<string, StorageType>>;
  /** Eventless transitions one step may take before the runtime throws; default 32. */
  maxAlwaysIterations?: number;
  /** Nesting levels below the root; default 6. */
  maxDepth?: number;
}

const MAX_ALWAYS_ITERATIONS_DEFAULT = 32;
const MAX_DEPTH_DEFAULT = 6;
const TIMER_SLOTS_MAX = 255;
const STATES_MAX = 0xffff;

interface TimerDef {
  id: string;
  owner: XNode;
  slot: number;
  delayMs: number;
  delayFn: DelayFn<any, any> | null;
}

export function compileMachine(machine: AnyStateMachine, options: CompileOptions = {}): CompiledMachine {
  return new Compiler(machine as unknown as XMachine, options).compile();
}

class Compiler {
  private readonly implementations: Implementations;
  private readonly nodes: XNode[] = [];
  private readonly timers: TimerDef[] = [];
  private readonly timerCodes = new Map<string, number>();
  private readonly atomics: XNode[] = [];
  private readonly stateCodes = new Map<XNode, number>();
  private readonly effectCodes = new Map<string, number>();
  private readonly effectNames: string[];
  private readonly updates: UpdateFn<any, any>[] = [];
  private readonly updateNames: string[] = [];
  private readonly updateIndex = new Map<string, number>();
  private readonly guards = new Map<XTransition, GuardCheck | null>();
  private readonly maxAlwaysIterations: number;
  private readonly maxDepth: number;
  private maxPlanTimerOps = 0;

  constructor(
    private readonly machine: XMachine,
    private readonly options: CompileOptions,
  ) {
    assert(machine !== null && typeof machine === 'object' && machine.root !== undefined, 'compileMachine expects an xstate machine');
    this.implementations = new Implementations(machine);
    this.effectNames = this.implementations.effectNames();
    this.effectNames.forEach((name, code) => this.effectCodes.set(name, code));
    this.maxAlwaysIterations = options.maxAlwaysIterations ?? MAX_ALWAYS_ITERATIONS_DEFAULT;
    this.maxDepth = options.maxDepth ?? MAX_DEPTH_DEFAULT;
    assert(Number.isInteger(this.maxAlwaysIterations) && this.maxAlwaysIterations >= 1, 'maxAlwaysIterations must be an integer >= 1');
    assert(Number.isInteger(this.maxDepth) && this.maxDepth >= 1, 'maxDepth must be an integer >= 1');
  }

  private fail(where: string, problem: string): never {
    throw new MachineCompileError(this.machine.id, where, problem);
  }

  compile(): CompiledMachine {
    const root = this.machine.root;
    if (root.type !== 'compound') this.fail('the root', 'a machine needs child states (the root must be a compound state)');
    this.collect(root);
    const fields = this.contextFields();
    this.collectTimers();
    // Every entry and exit list is checked, including those of states no transition exits.
    for (const node of this.nodes) {
      this.actions(node.entry, `${stateWhere(node)}, entry`, node, []);
      this.actions(node.exit, `${stateWhere(node)}, exit`, node, []);
    }
    for (const node of this.nodes) {
      if (node.type === 'atomic') {
        this.stateCodes.set(node, this.atomics.length);
        this.atomics.push(node);
      }
    }
    if (this.atomics.length > STATES_MAX) this.fail('the root', `more than ${STATES_MAX} atomic states`);
    const externalEvents = this.externalEvents();
    const eventTypes = [...externalEvents, ...this.timers.map((t) => t.id)];
    const eventCount = eventTypes.length;

    const table: (Candidate[] | undefined)[] = new Array(this.atomics.length * eventCount).fill(undefined);
    const always: (Candidate[] | undefined)[] = new Array(this.atomics.length).fill(undefined);
    this.atomics.forEach((atomic, state) => {
      eventTypes.forEach((type, event) => {
        const candidates = this.candidates(atomic, type, (node) => node.transitions.get(type));
        if (candidates.length > 0) table[state * eventCount + event] = candidates;
      });
      const eventless = this.candidates(atomic, 'always', (node) => node.always);
      if (eventless.length > 0) always[state] = eventless;
    });

    const initial = initialAtomic(root);
    const initialPlan = this.initialPlan(initial);

    const timerCount = this.timers.length;
    const timerOwnerActive = new Uint8Array(this.atomics.length * timerCount);
    this.atomics.forEach((atomic, state) => {
      const chain = activeChain(atomic);
      this.timers.forEach((timer, code) => {
        if (chain.includes(timer.owner)) timerOwnerActive[state * timerCount + code] = 1;
      });
    });
    const timerSlotCount = this.timers.reduce((max, t) => Math.max(max, t.slot + 1), 0);

    const stateNames = this.atomics.map(pathName);
    const eventCodes = new Map(eventTypes.map((type, code) => [type, code]));
    const stateCodesByName = new Map(stateNames.map((name, code) => [name, code]));
    const fieldIndex = new Map(fields.map((field, index) => [field.name, index]));
    const effectCodes = this.effectCodes;
    const timerCodes = this.timerCodes;

    return {
      id: this.machine.id,
      stateNames,
      stateValues: this.atomics.map((atomic) => stateValueOf(atomic.path)),
      initialState: this.code(initial),
      initialPlan,
      eventTypes,
      externalEventCount: externalEvents.length,
      eventCount,
      timerIds: this.timers.map((t) => t.id),
      timerEvents: this.timers.map((t) => Object.freeze({ type: t.id }) as MachineEvent),
      timerSlot: Uint8Array.from(this.timers.map((t) => t.slot)),
      timerSlotCount,
      timerDelayMs: Float64Array.from(this.timers.map((t) => t.delayMs)),
      timerDelayFns: this.timers.map((t) => t.delayFn),
      timerOwnerActive,
      effectNames: this.effectNames,
      updates: this.updates,
      updateNames: this.updateNames,
      fields,
      table,
      always,
      maxAlwaysIterations: this.maxAlwaysIterations,
      maxTimerOpsPerStep: Math.max(1, this.maxPlanTimerOps * (this.maxAlwaysIterations + 2)),
      eventCode: (type) => eventCodes.get(type) ?? -1,
      stateCode: (name) => stateCodesByName.get(name) ?? -1,
      effectCode: (name) => effectCodes.get(name) ?? -1,
      timerCode: (id) => timerCodes.get(id) ?? -1,
      fieldIndex: (name) => fieldIndex.get(name) ?? -1,
    };
  }

  private code(atomic: XNode): number {
    const code = this.stateCodes.get(atomic);
    if (!(code !== undefined)) fail(`state ${atomic.id} has no code`);
    return code;
  }

  /** Walks the tree in document order and rejects what the compiled form does not support. */
  private collect(node: XNode): void {
    const where = stateWhere(node);
    if (node.type === 'parallel' || node.type === 'history' || node.type === 'final') {
      this.fail(where, `${node.type} states are not supported`);
    }
    if (node.path.length > this.maxDepth) this.fail(where, `states nest deeper than ${this.maxDepth} levels`);
    if (node.invoke.length > 0) this.fail(where, 'invoke is not supported (actors are the world\'s job: use effects and events)');
    if (node.config.onDone !== undefined) this.fail(where, 'onDone is not supported (no final states)');
    if (node.config.route !== undefined) this.fail(where, 'route is not supported');
    if (node.initial.actions.length > 0) this.fail(where, 'actions on the initial transition are not supported');
    for (const [type, transitions] of node.transitions) {
      if (type.includes('*')) this.fail(where, `the wildcard event descriptor '${type}' is not supported`);
      if (type.startsWith('xstate.') && !type.startsWith('xstate.after.')) this.fail(where, `the event '${type}' is not supported`);
      for (const t of transitions) this.checkTargets(t, where, type);
    }
    for (const t of node.always ?? []) this.checkTargets(t, where, 'always');
    this.nodes.push(node);
    for (const child of Object.values(node.states)) this.collect(child);
  }

  private checkTargets(t: XTransition, where: string, event: string): void {
    if (t.target !== undefined && t.target.length > 1) this.fail(where, `the transition on '${event}' has several targets (parallel states are not supported)`);
  }

  private contextFields(): FieldSpec[] {
    const context = this.machine.config.context;
    if (typeof context === 'function') this.fail('the context', 'a context function is not supported: give the initial context as an object of numbers');
    if (context !== undefined && (typeof context !== 'object' || context === null)) this.fail('the context', 'the context must be an object of numbers');
    const record = (context ?? {}) as Record<string, unknown>;
    const types = this.options.fields ?? {};
    for (const name of Object.keys(types)) {
      if (!Object.prototype.hasOwnProperty.call(record, name)) this.fail('the context', `options.fields names '${name}', which is not a context field`);
      if (!isStorageType(types[name])) this.fail('the context', `options.fields.${name} = ${String(types[name])} is not a storage type`);
    }
    return Object.keys(record).map((name) => {
      const initial = record[name];
      if (typeof initial !== 'number') this.fail('the context', `field '${name}' is ${typeof initial}; the compiled form supports numbers only`);
      const type = types[name] ?? 'f64';
      if (!fitsStorage(type, initial)) this.fail('the context', `field '${name}' starts at ${initial}, which a ${type} column cannot hold`);
      return { name, type, initial };
    });
  }

  /**
   * A timer per (state node, `after` key), in document order then key order. Slots: a node's
   * timers follow its ancestors' in the slot space, so timers that can be pending together
   * (those of one chain of active states) never share a slot, while siblings' timers do.
   */
  private collectTimers(): void {
    const slotBase = new Map<XNode, number>();
    for (const node of this.nodes) {
      const parentBase = node.parent === undefined ? 0 : slotBase.get(node.parent)! + this.ownTimerCount(node.parent);
      slotBase.set(node, parentBase);
      let index = 0;
      for (const delayed of node.after) {
        if (this.timerCodes.has(delayed.eventType)) continue; // several guarded transitions on one key
        const where = `${stateWhere(node)}, after '${String(delayed.delay)}'`;
        if (!(delayed.eventType === afterEventType(delayed.delay as number | string, node.id))) fail(`unexpected after event ${delayed.eventType}`);
        const delay = this.implementations.delay(delayed.delay, where);
        const slot = parentBase + index++;
        if (slot >= TIMER_SLOTS_MAX) this.fail(where, `more than ${TIMER_SLOTS_MAX} timers can be pending together`);
        this.timerCodes.set(delayed.eventType, this.timers.length);
        this.timers.push({
          id: delayed.eventType,
          owner: node,
          slot,
          delayMs: delay.kind === 'constant' ? delay.delayMs : NaN,
          delayFn: delay.kind === 'function' ? delay.fn : null,
        });
      }
    }
  }

  private ownTimerCount(node: XNode): number {
    return new Set(node.after.map((d) => d.eventType)).size;
  }

  private externalEvents(): string[] {
    const types = new Set<string>();
    for (const node of this.nodes) {
      for (const type of node.transitions.keys()) if (!type.startsWith('xstate.after.')) types.add(type);
    }
    return [...types];
  }

  /** The transitions `from` selects for one event: its own, then its ancestors', in order. */
  private candidates(atomic: XNode, event: string, of: (node: XNode) => readonly XTransition[] | undefined): Candidate[] {
    const candidates: Candidate[] = [];
    for (const node of activeChain(atomic)) {
      for (const t of of(node) ?? []) {
        candidates.push({ guard: this.guardOf(t, event), plan: this.plan(atomic, t, event) });
      }
    }
    return candidates;
  }

  private guardOf(t: XTransition, event: string): GuardCheck | null {
    if (!this.guards.has(t)) this.guards.set(t, this.implementations.guard(t.guard, `${stateWhere(t.source)}, transition on '${event}'`));
    return this.guards.get(t)!;
  }

  /** xstate's microstep for transition `t` taken while `atomic` is active. */
  private plan(atomic: XNode, t: XTransition, event: string): Plan {
    const active = activeChain(atomic);
    const exits = exitSet(t, active);
    const enters = t.target !== undefined && t.target.length > 0 ? entrySet(t) : [];
    const ops: number[] = [];
    for (const node of exits) this.actions(node.exit, `${stateWhere(node)}, exit`, node, ops);
    this.actions(t.actions, `${stateWhere(t.source)}, transition on '${event}'`, null, ops);
    for (const node of enters) this.actions(node.entry, `${stateWhere(node)}, entry`, node, ops);
    const target = resultingAtomic(active, exits, enters);
    return this.makePlan(ops, target, target !== atomic, `${pathName(atomic)} --${event}--> ${pathName(target)} (from ${stateWhere(t.source)})`);
  }

  private initialPlan(initial: XNode): Plan {
    const ops: number[] = [];
    for (const node of activeChain(initial).reverse()) this.actions(node.entry, `${stateWhere(node)}, entry`, node, ops);
    return this.makePlan(ops, initial, true, `initial --> ${pathName(initial)}`);
  }

  private makePlan(ops: number[], target: XNode, stateChanges: boolean, description: string): Plan {
    let hasUpdate = false;
    let needsContext = false;
    let timerOps = 0;
    for (let i = 0; i < ops.length; i += 2) {
      const op = ops[i];
      if (op === OP_UPDATE) hasUpdate = needsContext = true;
      else if (op === OP_EFFECT) needsContext = true;
      else {
        timerOps++;
        if (op === OP_SCHEDULE && this.timers[ops[i + 1]].delayFn !== null) needsContext = true;
      }
    }
    this.maxPlanTimerOps = Math.max(this.maxPlanTimerOps, timerOps);
    return {
      ops: Int32Array.from(ops),
      target: this.code(target),
      changesSnapshot: stateChanges || hasUpdate,
      needsContext,
      description,
    };
  }

  /** Appends the steps of an action list; `owner` is the state node whose entry/exit it is. */
  private actions(actions: readonly unknown[], where: string, owner: XNode | null, ops: number[]): void {
    for (const action of actions) {
      const timer = this.timerAction(action, owner);
      if (timer !== undefined) {
        ops.push(timer.op, timer.code);
        continue;
      }
      const resolved = this.implementations.action(action, where);
      if (resolved.kind === 'effect') {
        const code = this.effectCodes.get(resolved.name);
        if (!(code !== undefined)) fail(`effect ${resolved.name} has no code`);
        ops.push(OP_EFFECT, code);
      } else {
        let index = this.updateIndex.get(resolved.name);
        if (index === undefined) {
          index = this.updates.length;
          this.updateIndex.set(resolved.name, index);
          this.updates.push(resolved.fn);
          this.updateNames.push(resolved.name);
        }
        ops.push(OP_UPDATE, index);
      }
    }
  }

  /** The raise/cancel that xstate's `after` getter added to the owner's entry/exit, if it is one. */
  private timerAction(action: unknown, owner: XNode | null): { op: number; code: number } | undefined {
    if (typeof action !== 'function' || owner === null) return undefined;
    const builtin = action as unknown as { type?: unknown; id?: unknown; sendId?: unknown; event?: { type?: unknown } };
    const id = builtin.type === 'xstate.raise' ? builtin.id : builtin.type === 'xstate.cancel' ? builtin.sendId : undefined;
    if (typeof id !== 'string') return undefined;
    const code = this.timerCodes.get(id);
    if (code === undefined || this.timers[code].owner !== owner) return undefined;
    if (builtin.type === 'xstate.raise') {
      if (builtin.event?.type !== id) return undefined;
      return { op: OP_SCHEDULE, code };
    }
    return { op: OP_CANCEL, code };
  }
}

function stateWhere(node: XNode): string {
  return node.parent === undefined ? 'the root state' : `state '${pathName(node)}'`;
}

/** xstate's state value for an atomic state's path: `'idle'`, `{ running: 'fresh' }`. */
function stateValueOf(path: readonly string[]): StateValue {
  let value: StateValue = path[path.length - 1];
  for (let i = path.length - 2; i >= 0; i--) value = { [path[i]]: value };
  return value;
}
