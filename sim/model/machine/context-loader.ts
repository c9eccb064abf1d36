import type { MachineContext } from './define.ts';
import type { Column } from './storage.ts';

/**
 * The context object a step's guards, updates and effects read: one object per runtime, pointed
 * at one instance at a time (`moveTo`). It runs once per step that calls a machine function, so
 * it is on the hot path.
 *
 * Generated (codegen), the object is a view: one getter per field, reading that field's column
 * at the current instance when (and only when) a machine function reads it. A step reads one or
 * two fields, not all of them; copying every field at every step cost a cache miss per column
 * (8% of a 1M-node run, most of it waiting on memory). The view needs no write-back: columns are
 * changed during a step only by the step's own updates (`set` and `init` refuse to run inside a
 * step), which store into the columns the getters read, so a later read sees the update, as
 * xstate's assign does. Each getter is one monomorphic load of one column; names are embedded
 * with JSON.stringify, so no field name can inject code; the columns are passed as arguments.
 *
 * Without codegen, `moveTo` copies every field into a plain object (the reference form), and the
 * runtime writes each update into it as well (`live` is false).
 */
export interface ContextCursor {
  readonly ctx: MachineContext;
  /** True when `ctx` reads the columns (no copy to keep up to date). */
  readonly live: boolean;
  moveTo(instance: number): void;
}

export function contextCursor(names: readonly string[], columns: readonly Column[], initial: readonly number[], codegen: boolean): ContextCursor {
  if (!codegen || names.length === 0) {
    const ctx: MachineContext = {};
    for (let f = 0; f < names.length; f++) ctx[names[f]] = initial[f];
    return {
      ctx,
      live: false,
      moveTo(instance: number): void {
        for (let f = 0; f < names.length; f++) ctx[names[f]] = columns[f][instance];
      },
    };
  }
  const params = columns.map((_, f) => `c${f}`);
  const getters = names.map((name, f) => `get ${JSON.stringify(name)}() { return c${f}[i]; }`).join(',\n');
  const factory = new Function(
    ...params,
    `let i = 0;\nconst ctx = {\n${getters}\n};\nreturn { ctx, live: true, moveTo(instance) { i = instance; } };`,
  ) as (...columns: Column[]) => ContextCursor;
  return factory(...columns);
}

export type ContextFactory = (instance: number) => MachineContext;

/**
 * A fresh context object of one instance (inspection: checkers, the UI). Generated as one object
 * literal, so every object gets the same shape at once; a loop adding the fields one by one by
 * name leaves V8 with slow dictionary objects (measured: ~2% of a 100k-node run, from the
 * boot-partition checker alone).
 */
export function contextFactory(names: readonly string[], columns: readonly Column[], codegen: boolean): ContextFactory {
  if (!codegen || names.length === 0) {
    return (instance) => {
      const out: MachineContext = {};
      for (let f = 0; f < names.length; f++) out[names[f]] = columns[f][instance];
      return out;
    };
  }
  const params = columns.map((_, f) => `c${f}`);
  const fields = names.map((name, f) => `${JSON.stringify(name)}: c${f}[i]`).join(',\n');
  const factory = new Function(...params, `return function createContext(i) {\nreturn {\n${fields}\n};\n};`) as (
    ...columns: Column[]
  ) => ContextFactory;
  return factory(...columns);
}

export type FieldResetter = (instance: number) => void;

/**
 * Writes every field's initial value into one instance's columns (init). Generated for the same
 * reason as the loader: one store site per column keeps each store monomorphic (a loop over
 * columns of seven typed-array kinds took ~40% of a 100k-node world's set-up). The values are
 * passed as arguments, never printed into the code.
 */
export function fieldResetter(initial: readonly number[], columns: readonly Column[], codegen: boolean): FieldResetter {
  if (!codegen || columns.length === 0) {
    return (instance) => {
      for (let f = 0; f < columns.length; f++) columns[f][instance] = initial[f];
    };
  }
  const params = [...columns.map((_, f) => `c${f}`), ...initial.map((_, f) => `v${f}`)];
  const body = columns.map((_, f) => `c${f}[i] = v${f};`).join('\n');
  const factory = new Function(...params, `return function resetFields(i) {\n${body}\n};`) as (...args: unknown[]) => FieldResetter;
  return factory(...columns, ...initial);
}

export type FieldStore = (field: number, instance: number, value: number) => void;

/**
 * Stores a value into one field's column, the field chosen by index: a generated switch with a
 * store site per column, each monomorphic (`columns[f][i] = v` is one megamorphic site over
 * seven typed-array kinds).
 */
export function fieldStore(columns: readonly Column[], codegen: boolean): FieldStore {
  if (!codegen || columns.length === 0) {
    return (field, instance, value) => {
      columns[field][instance] = value;
    };
  }
  const params = columns.map((_, f) => `c${f}`);
  const cases = columns.map((_, f) => `case ${f}: c${f}[i] = v; return;`).join('\n');
  const factory = new Function(...params, `return function storeField(f, i, v) {\nswitch (f) {\n${cases}\n}\n};`) as (
    ...columns: Column[]
  ) => FieldStore;
  return factory(...columns);
}
