// zod building blocks for the values a scenario writes with units. Each accepts the file's
// spelling (a string with a unit, or a plain number in the base unit) and outputs the base unit,
// so the rest of the simulator never sees a unit string. The input side stays a plain
// `string | number` so that z.toJSONSchema({io: 'input'}) describes what an editor should accept.

import { z } from 'zod';
import { describeFound, parseDuration, parseFraction, parseRate, parseSize, type UnitResult } from './units.ts';

// Carries a parser's message into a zod issue, or returns the value.
function unitField(parse: (input: unknown) => UnitResult, description: string) {
  return z
    .union([z.string(), z.number()])
    .transform((input, ctx) => {
      const result = parse(input);
      if (result.ok) return result.value;
      ctx.addIssue({ code: 'custom', message: result.message, input });
      return z.NEVER;
    })
    .meta({ description });
}

/** A length of time >= 0: `250ms`, `45s`, `7m`, `2h`, `3d`, `1w`, or a number of ms. Output: ms. */
export const durationMs = () =>
  unitField((input) => parseDuration(input), 'duration: 250ms, 45s, 7m, 2h, 3d, 1w, 1h30m, or a number of milliseconds');

/** A duration that may be negative (a clock skew). Output: ms. */
export const signedDurationMs = () =>
  unitField(
    (input) => parseDuration(input, { allowNegative: true }),
    'signed duration: -2h, 30s, or a number of milliseconds',
  );

/** A duration that must be > 0 (intervals, horizons). Output: ms. */
export const positiveDurationMs = () =>
  unitField((input) => {
    const result = parseDuration(input);
    if (result.ok && result.value === 0) return { ok: false, message: `expected a duration greater than 0, found ${describeFound(input)}` };
    return result;
  }, 'duration greater than 0: 250ms, 45s, 7m, 2h, 3d, 1w, or a number of milliseconds');

/** A size: `300MB` (decimal), `1.5GiB` (binary), or a number of bytes. Output: bytes. */
export const sizeBytes = () => unitField(parseSize, 'size: 300MB, 1.5GiB, or a number of bytes');

/** A rate: `1Gbps`, `100Mbps`, `10Kbps`, or a number of bits per second. Output: bits/s. */
export const rateBps = () =>
  unitField((input) => {
    const result = parseRate(input);
    if (result.ok && result.value === 0) return { ok: false, message: `expected a rate greater than 0, found ${describeFound(input)}` };
    return result;
  }, 'rate: 1Gbps, 100Mbps, 10Kbps, or a number of bits per second');

/** A probability or share: a number in [0, 1] or a percentage `5%`. Output: a fraction. */
export const fraction = () => unitField(parseFraction, 'fraction: a number between 0 and 1, or a percentage like 5%');

export interface RangeMs {
  min: number;
  max: number;
}

// The {min, max} form of a range; the order check lives here so that its message can point at
// `max`, the key a user would edit.
const rangeObject = () =>
  z.strictObject({ min: durationMs(), max: durationMs() }).check((ctx) => {
    if (ctx.value.min > ctx.value.max) {
      ctx.issues.push({
        code: 'custom',
        message: `expected max >= min, found min ${ctx.value.min}ms > max ${ctx.value.max}ms`,
        input: ctx.value,
        path: ['max'],
      });
    }
  });

/**
 * A duration drawn uniformly from a range: a single duration (v becomes {min: v, max: v}) or
 * `{min, max}`. Output: always {min, max} in ms.
 */
export const durationRangeMs = () =>
  z.union([durationMs().transform((v): RangeMs => ({ min: v, max: v })), rangeObject()]);

/**
 * A Raft election timeout: a single t means Raft's own [t, 2t] draw; `{min, max}` is taken as
 * written. Output: always {min, max} in ms.
 */
export const electionTimeoutMs = () =>
  z.union([
    positiveDurationMs().transform((v): RangeMs => ({ min: v, max: 2 * v })),
    rangeObject(),
  ]);

/** An IANA time zone name, checked with Intl (pure JS). */
export const timeZone = () =>
  z.string().check((ctx) => {
    if (!isTimeZone(ctx.value)) {
      ctx.issues.push({
        code: 'custom',
        message: `expected an IANA time zone like UTC or Europe/Berlin, found ${JSON.stringify(ctx.value)}`,
        input: ctx.value,
      });
    }
  });

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A name (group, zone, channel, version): a non-empty string; numbers must be quoted. */
export const name = (what: string) =>
  z.string().check((ctx) => {
    if (ctx.value.trim() === '') ctx.issues.push({ code: 'custom', message: `expected a non-empty ${what}, found ""`, input: ctx.value });
  });

/** An integer in [min, max]. */
export const int = (min: number, max: number = Number.MAX_SAFE_INTEGER) =>
  z.number().check((ctx) => {
    const value = ctx.value;
    if (!Number.isInteger(value) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
      ctx.issues.push({ code: 'custom', message: `expected a whole number ${range}, found ${describeFound(value)}`, input: value });
    }
  });
