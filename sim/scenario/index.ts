// Scenario loading: the file format of docs/scenario-format.md, parsed, validated and normalised.
// The zod building blocks (fields.ts) stay internal; everything a caller needs is here.
export * from './units.ts';
export type { RangeMs } from './fields.ts';
export * from './schema.ts';
export * from './policy.ts';
export * from './release.ts';
export * from './faults.ts';
export * from './actions.ts';
export * from './window.ts';
export * from './expect.ts';
export * from './overrides.ts';
export * from './load.ts';
