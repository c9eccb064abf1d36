/**
 * Gives number fields V8's double representation before an object is put to work.
 *
 * V8 stores a field that has only held small integers untagged, and moves it to a double box
 * (a new hidden class for the object) the first time it holds a fraction. Times start at 0 and
 * turn fractional with the first network latency, often hours into a run: then every function
 * optimized for the old hidden class is deoptimized and compiled again, and on a 2-core machine
 * those compilations compete with the run itself. Writing a fraction into the field once, in the
 * constructor, makes it a double from the start; the value is then put back.
 *
 * Semantics are unchanged (the same values are stored). Call at the end of the constructor.
 */
export function asDoubleFields(self: object, ...fields: string[]): void {
  const record = self as Record<string, unknown>;
  for (const field of fields) {
    const value = record[field];
    if (typeof value !== 'number') throw new TypeError(`asDoubleFields: field '${field}' holds ${typeof value}, not a number`);
    record[field] = 0.5;
    record[field] = value;
  }
}
