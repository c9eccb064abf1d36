/**
 * Storage types of the compiled runtime's context columns.
 *
 * A context field is a number in xstate; in the compiled runtime it lives in one typed array per
 * field, one element per instance. `f64` stores every number exactly; the integer types keep
 * state small for flags, enums and counters. A value that does not fit its column (a fraction
 * in an integer column, or a value out of range) throws instead of being truncated, because a
 * silently wrapped counter would make the compiled form diverge from xstate's own interpreter.
 */
export type StorageType = 'f64' | 'i32' | 'u32' | 'i16' | 'u16' | 'i8' | 'u8';

export type Column = Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

interface StorageSpec {
  bytes: number;
  min: number;
  max: number;
  integer: boolean;
  create: (length: number) => Column;
}

export const STORAGE: Readonly<Record<StorageType, StorageSpec>> = {
  f64: { bytes: 8, min: -Infinity, max: Infinity, integer: false, create: (n) => new Float64Array(n) },
  i32: { bytes: 4, min: -(2 ** 31), max: 2 ** 31 - 1, integer: true, create: (n) => new Int32Array(n) },
  u32: { bytes: 4, min: 0, max: 2 ** 32 - 1, integer: true, create: (n) => new Uint32Array(n) },
  i16: { bytes: 2, min: -(2 ** 15), max: 2 ** 15 - 1, integer: true, create: (n) => new Int16Array(n) },
  u16: { bytes: 2, min: 0, max: 2 ** 16 - 1, integer: true, create: (n) => new Uint16Array(n) },
  i8: { bytes: 1, min: -128, max: 127, integer: true, create: (n) => new Int8Array(n) },
  u8: { bytes: 1, min: 0, max: 255, integer: true, create: (n) => new Uint8Array(n) },
};

export function isStorageType(value: unknown): value is StorageType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(STORAGE, value);
}

/** True when `value` is stored exactly by a column of `type`. */
export function fitsStorage(type: StorageType, value: number): boolean {
  const spec = STORAGE[type];
  if (typeof value !== 'number') return false;
  if (!spec.integer) return true;
  // -0 is accepted and stored as 0: the only case where an integer column changes a value.
  return Number.isInteger(value) && value >= spec.min && value <= spec.max;
}
