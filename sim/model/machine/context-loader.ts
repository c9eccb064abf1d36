import type { MachineContext } from './define.ts';
import type { Column } from './storage.ts';

/**
 * Fills the runtime's reused context object from one instance's columns; it runs once per step
 * that calls a machine function, so it is on the hot path.
 *
 * The plain loop stores through a property name that changes with every field, and reads
 * columns of several typed-array kinds from one site: both sites turn megamorphic. The
 * generated loader has one store and one load per field, each monomorphic. Names are embedded
 * with JSON.stringify, so no field name can inject code; the columns are passed as arguments.
 */
export type ContextLoader = (ctx: MachineContext, instance: number) => void;

export function contextLoader(names: readonly string[], columns: readonly Column[], codegen: boolean): ContextLoader {
  if (!codegen || names.length === 0) {
    return (ctx, instance) => {
      for (let f = 0; f < names.length; f++) ctx[names[f]] = columns[f][instance];
    };
  }
  const params = columns.map((_, f) => `c${f}`);
  const body = names.map((name, f) => `ctx[${JSON.stringify(name)}] = c${f}[i];`).join('\n');
  const factory = new Function(...params, `return function loadContext(ctx, i) {\n${body}\n};`) as (
    ...columns: Column[]
  ) => ContextLoader;
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
