// zod building blocks for the values a scenario writes with units. Each accepts the file's
// spelling (a string with a unit, or a plain number in the base unit) and outputs the base unit,
// so the rest of the simulator never sees a unit string. The input side stays a plain
// `string | number` so that z.toJSONSchema({io: 'input'}) describes what an editor should accept.

import { z } from 'zod';
import { describeFound, parseDuration, parseFraction, parseRate, parseSize, type UnitResult } from './units.ts';

// Carries a parser's message into a zod issue, or returns the value.
function unitField(parse: (input: unknown) => UnitResult, description: string) {
  return z
    // A wrong type (a list, a boolean) goes through the parser too, whose message names the
    // expected form; zod's own union message would only say "string or number".
    .union([z.string(), z.number()], { error: (issue) => (parse(issue.input) as { message?: string }).message })
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
  strict({ min: durationMs(), max: durationMs() }).check((ctx) => {
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
  z.union([durationMs().transform((v): RangeMs => ({ min: v, max: v })), rangeObject()], {
    error: (issue) => `expected a duration like 45m or a range {min: 1m, max: 5m}, found ${describeFound(issue.input)}`,
  });

/**
 * A Raft election timeout: a single t means Raft's own [t, 2t] draw; `{min, max}` is taken as
 * written. Output: always {min, max} in ms.
 */
export const electionTimeoutMs = () =>
  z.union([
    positiveDurationMs().transform((v): RangeMs => ({ min: v, max: 2 * v })),
    rangeObject(),
  ], {
    error: (issue) => `expected a duration like 1000ms or a range {min: 1s, max: 2s}, found ${describeFound(issue.input)}`,
  });

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

/**
 * Names answered without constructing a DateTimeFormat: the first construction loads ICU's locale
 * data, 20-30 ms of a cold `fleetsim validate`, while the zone list costs ~1 ms. ECMA-402 requires
 * every name of Intl.supportedValuesOf('timeZone') and "UTC" to be accepted; any other name
 * (aliases such as US/Eastern, other letter case) still gets the constructor's answer, so the
 * accepted set is the same.
 */
let knownTimeZones: ReadonlySet<string> | null = null;

export function isTimeZone(name: string): boolean {
  knownTimeZones ??= new Set(['UTC', ...Intl.supportedValuesOf('timeZone')]);
  if (knownTimeZones.has(name)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A name (group, zone, channel, version): a non-empty string; numbers must be quoted. */
export const name = (what: string, hint = '') =>
  z.string({ error: (issue) => `expected a ${what}, found ${describeFound(issue.input)}${hint}` }).check((ctx) => {
    if (ctx.value.trim() === '') ctx.issues.push({ code: 'custom', message: `expected a non-empty ${what}, found ""`, input: ctx.value });
  });

/** An integer in [min, max] (zod's own int, so the JSON Schema says "integer", minimum, maximum). */
export const int = (min: number, max: number = Number.MAX_SAFE_INTEGER) => {
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
  const error = (issue: { input?: unknown }) => `expected a whole number ${range}, found ${describeFound(issue.input)}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
};

/**
 * A mapping that refuses unknown keys (a typo must not silently do nothing). The message has one
 * line per unknown key, in the order of the issue's `keys`, so the loader can point each line at
 * its own key.
 */
export const strict = <Shape extends z.core.$ZodLooseShape>(shape: Shape) => {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      return issue.keys.map((key) => unknownKeyMessage(key, known)).join('\n');
    },
  });
};

export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const guess = closest(key, known);
  const hint = guess === null ? '' : ` (did you mean "${guess}"?)`;
  return `unknown key "${key}"${hint}; expected one of: ${known.join(', ')}`;
}

/** The known word within edit distance 2 of `word` (case-insensitive), or null. */
export function closest(word: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

// Damerau-Levenshtein (optimal string alignment): a swap of two letters, the commonest typo
// ("nodse"), counts as one edit.
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[rows - 1][cols - 1];
}

/** The message for a `kind:` or `do:` that names no known variant. */
export function discriminatorMessage(key: string, known: readonly string[], input: unknown): string {
  const value = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>)[key] : input;
  if (value === undefined) return `missing key "${key}"; expected one of: ${known.join(', ')}`;
  const guess = typeof value === 'string' ? closest(value, known) : null;
  const hint = guess === null ? '' : ` (did you mean "${guess}"?)`;
  return `expected ${key} to be one of: ${known.join(', ')}; found ${describeFound(value)}${hint}`;
}
