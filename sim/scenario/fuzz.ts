// The `fuzz` section: the fault mix `fleetsim fuzz` draws a schedule from, per seed (TigerBeetle's
// VOPR): faults start within a safety phase, each heals after a duration drawn from its range,
// then a liveness phase with every fault healed must see the rollout settle within
// `liveness.bound`. See docs/faults.md and sim/faults/fuzz-schedule.ts.

import { z } from 'zod';
import { describeFound } from './units.ts';
import { FAULT_KINDS } from './faults.ts';
import { discriminatorMessage, durationRangeMs, fraction, int, positiveDurationMs, signedDurationMs, strict } from './fields.ts';

export interface IntRange {
  min: number;
  max: number;
}

/**
 * A single value or `{min, max}` of `value`'s kind; output always {min, max}. `unit` follows each
 * number in the order error ("ms" for durations).
 */
const range = (value: () => z.ZodType<number>, expected: string, unit = '') =>
  z.union([value().transform((v) => ({ min: v, max: v })), strict({ min: value(), max: value() })], {
    error: (issue) => `expected ${expected} or a range {min, max}, found ${describeFound(issue.input)}`,
  }).check((ctx) => {
    if (ctx.value.min > ctx.value.max) ctx.issues.push({ code: 'custom', message: `expected max >= min, found min ${ctx.value.min}${unit} > max ${ctx.value.max}${unit}`, input: ctx.value, path: ['max'] });
  });

const intRange = (min: number, max: number) => range(() => int(min, max), `a whole number between ${min} and ${max}`);
const fractionRange = () => range(fraction, 'a fraction like 0.1 (or 10%)');
const signedRange = () => range(signedDurationMs, 'a signed duration like -2h', 'ms');

/** Which optional fields each kind reads; any other is a mistake worth an error. */
export const FUZZ_KIND_FIELDS: Record<(typeof FAULT_KINDS)[number], readonly string[]> = {
  'node-crash': ['duration', 'nodes'],
  'power-loss': ['duration'],
  partition: ['duration'],
  'message-loss': ['duration', 'probability'],
  'latency-spike': ['duration', 'extra'],
  'etcd-kill': ['duration'],
  'etcd-restart': [],
  'server-outage': ['duration'],
  'lock-holder-dies': [],
  'clock-skew': ['duration', 'skew', 'nodes'],
  'bad-disk': ['duration', 'probability', 'nodes'],
};
const OPTIONAL_FIELDS = ['duration', 'nodes', 'probability', 'extra', 'skew'] as const;

export const fuzzKindSchema = () =>
  strict({
    kind: z.enum(FAULT_KINDS, { error: (issue) => discriminatorMessage('kind', FAULT_KINDS, { kind: issue.input }) }),
    // Relative weight among the kinds when a fault is drawn.
    weight: z.number({ error: (issue) => `expected a weight > 0, found ${describeFound(issue.input)}` }).positive({ error: (issue) => `expected a weight > 0, found ${describeFound(issue.input)}` }).prefault(1),
    // How long the fault lasts before it heals (clock-skew and bad-disk are undone after it).
    duration: durationRangeMs().optional(),
    // How many nodes a node fault hits.
    nodes: intRange(1, 1_000_000).optional(),
    probability: fractionRange().optional(),
    extra: durationRangeMs().optional(),
    skew: signedRange().optional(),
  }).check((ctx) => {
    const allowed = FUZZ_KIND_FIELDS[ctx.value.kind];
    for (const field of OPTIONAL_FIELDS) {
      if (ctx.value[field] !== undefined && !allowed.includes(field)) {
        const expected = allowed.length === 0 ? 'none' : allowed.join(', ');
        ctx.issues.push({ code: 'custom', message: `${ctx.value.kind} does not use "${field}" (its fields: ${expected})`, input: ctx.value[field], path: [field] });
      }
    }
  });

export const fuzzSchema = () =>
  strict({
    // Faults start within [0, safety); the liveness phase follows.
    safety: positiveDurationMs().prefault('1d'),
    // Faults per run, or a mean time between faults (exponential gaps); default count 10.
    count: intRange(0, 10_000).optional(),
    every: positiveDurationMs().optional(),
    // The mix; default: every kind that applies to the scenario, weight 1, default ranges.
    kinds: z.array(fuzzKindSchema()).min(1).optional(),
  }).check((ctx) => {
    if (ctx.value.count !== undefined && ctx.value.every !== undefined) {
      ctx.issues.push({ code: 'custom', message: 'expected count or every, found both', input: ctx.value, path: ['every'] });
    }
  });

export type FuzzConfig = z.output<ReturnType<typeof fuzzSchema>>;
export type FuzzKind = z.output<ReturnType<typeof fuzzKindSchema>>;
