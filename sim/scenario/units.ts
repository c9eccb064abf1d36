// Parsers for the quantities a scenario file writes with units: durations, sizes, rates and
// percentages. Each returns a value in the simulator's base unit (ms, bytes, bits per second, a
// fraction) or a message that says what was expected and what was found, so that the loader can
// put it next to a line and column. Pure functions: no I/O, no globals.

export type UnitResult = { ok: true; value: number } | { ok: false; message: string };

const ok = (value: number): UnitResult => ({ ok: true, value });
const fail = (message: string): UnitResult => ({ ok: false, message });

/** How a value that is not the expected string or number reads in a message. */
export function describeFound(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (typeof input === 'string') return JSON.stringify(input);
  if (typeof input === 'number') return Number.isNaN(input) ? 'NaN' : `the number ${input}`;
  if (typeof input === 'boolean') return `the boolean ${input}`;
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return typeof input;
}

// A magnitude: digits with an optional fraction ("1.5", ".5", "30"), no exponent and no sign.
const MAGNITUDE = String.raw`(?:\d+(?:\.\d*)?|\.\d+)`;

// A value is "whole" when it is within floating-point noise of an integer: 1.1s is 1100.0000000002
// ms after the multiplication, and must still count as exactly 1100 ms.
function roundIfWhole(value: number): number | null {
  const rounded = Math.round(value);
  return Math.abs(value - rounded) <= 1e-9 * Math.max(1, Math.abs(value)) ? rounded : null;
}

// ---------------------------------------------------------------------------------------------
// Durations

export const DURATION_UNITS_MS = {
  w: 7 * 24 * 3_600_000,
  d: 24 * 3_600_000,
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
} as const;
type DurationUnit = keyof typeof DURATION_UNITS_MS;
// Longest first so that "ms" is not read as "m" followed by garbage.
const DURATION_PART = new RegExp(String.raw`^(${MAGNITUDE})(ms|w|d|h|m|s)`);
const DURATION_ORDER: readonly DurationUnit[] = ['w', 'd', 'h', 'm', 's', 'ms'];

export interface DurationOptions {
  /** Accept a leading minus (clock skews); every other duration is a length of time. */
  allowNegative?: boolean;
}

const durationExpected = (negative: boolean) =>
  negative ? 'a duration like 250ms, -45m or 3d' : 'a duration like 250ms, 45m or 3d';

/**
 * Parses `250ms`, `45s`, `7m`, `2h`, `3d`, `1w`, decimals (`1.5h`), compounds in decreasing
 * units (`1h30m`) and plain numbers (milliseconds, as a number or a numeric string) into
 * whole milliseconds. The simulation clock ticks in milliseconds, so `1.5ms` is an error rather
 * than a silent rounding.
 */
export function parseDuration(input: unknown, options: DurationOptions = {}): UnitResult {
  const allowNegative = options.allowNegative ?? false;
  const expected = durationExpected(allowNegative);
  if (typeof input === 'number') return durationFromNumber(input, allowNegative, expected);
  if (typeof input !== 'string') return fail(`expected ${expected}, found ${describeFound(input)}`);
  const found = JSON.stringify(input);
  let text = input.trim();
  let sign = 1;
  if (text.startsWith('-')) {
    if (!allowNegative) return fail(`expected ${expected}, found ${found} (a negative duration)`);
    sign = -1;
    text = text.slice(1);
  }
  if (new RegExp(`^${MAGNITUDE}$`).test(text)) {
    return durationFromNumber(sign * Number(text), allowNegative, expected);
  }
  let totalMs = 0;
  let lastUnitRank = -1;
  let rest = text;
  if (rest === '') return fail(`expected ${expected}, found ${found}`);
  while (rest !== '') {
    const match = DURATION_PART.exec(rest);
    if (match === null) return fail(`expected ${expected}, found ${found}`);
    const unit = match[2] as DurationUnit;
    const rank = DURATION_ORDER.indexOf(unit);
    if (rank <= lastUnitRank) {
      return fail(`expected ${expected}, found ${found} (units of a compound duration must decrease, like 1h30m)`);
    }
    lastUnitRank = rank;
    totalMs += Number(match[1]) * DURATION_UNITS_MS[unit];
    rest = rest.slice(match[0].length);
  }
  const wholeMs = roundIfWhole(totalMs);
  if (wholeMs === null) return fail(`expected a whole number of milliseconds, found ${found} (${totalMs}ms)`);
  if (!Number.isSafeInteger(wholeMs)) return fail(`expected ${expected}, found ${found} (too large)`);
  return ok(sign * wholeMs === 0 ? 0 : sign * wholeMs);
}

function durationFromNumber(value: number, allowNegative: boolean, expected: string): UnitResult {
  if (!Number.isFinite(value)) return fail(`expected ${expected}, found ${describeFound(value)}`);
  if (value < 0 && !allowNegative) return fail(`expected ${expected}, found ${describeFound(value)} (a negative duration)`);
  const wholeMs = roundIfWhole(value);
  if (wholeMs === null) return fail(`expected a whole number of milliseconds, found ${describeFound(value)}`);
  if (!Number.isSafeInteger(wholeMs)) return fail(`expected ${expected}, found ${describeFound(value)} (too large)`);
  return ok(wholeMs === 0 ? 0 : wholeMs);
}

/**
 * Writes milliseconds the way a person would (`90m` -> `1h30m`, `1500` -> `1s500ms`), using the
 * compound syntax parseDuration reads, so that parseDuration(formatDuration(ms)) === ms.
 */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms)) throw new Error(`formatDuration: expected whole milliseconds, got ${ms}`);
  if (ms === 0) return '0s';
  let rest = Math.abs(ms);
  let text = ms < 0 ? '-' : '';
  for (const unit of DURATION_ORDER) {
    const size = DURATION_UNITS_MS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Sizes

export const SIZE_UNITS_BYTES = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
} as const;
// "kB" is the SI spelling; accept it as a synonym of KB.
const SIZE_PATTERN = new RegExp(String.raw`^(${MAGNITUDE})\s*(B|kB|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$`);
const SIZE_EXPECTED = 'a size like 300MB, 1.5GiB or 4096 (bytes)';

/** Parses `300MB` (decimal), `1.5GiB` (binary), `B` and plain numbers (bytes) into whole bytes. */
export function parseSize(input: unknown): UnitResult {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) return fail(`expected ${SIZE_EXPECTED}, found ${describeFound(input)}`);
    if (!Number.isSafeInteger(input)) return fail(`expected a whole number of bytes, found ${describeFound(input)}`);
    return ok(input);
  }
  if (typeof input !== 'string') return fail(`expected ${SIZE_EXPECTED}, found ${describeFound(input)}`);
  const match = SIZE_PATTERN.exec(input.trim());
  if (match === null) return fail(`expected ${SIZE_EXPECTED}, found ${JSON.stringify(input)}`);
  const unit = (match[2] === 'kB' ? 'KB' : (match[2] ?? 'B')) as keyof typeof SIZE_UNITS_BYTES;
  const bytes = roundIfWhole(Number(match[1]) * SIZE_UNITS_BYTES[unit]);
  if (bytes === null) return fail(`expected a whole number of bytes, found ${JSON.stringify(input)}`);
  if (!Number.isSafeInteger(bytes)) return fail(`expected ${SIZE_EXPECTED}, found ${JSON.stringify(input)} (too large)`);
  return ok(bytes);
}

// ---------------------------------------------------------------------------------------------
// Rates

export const RATE_UNITS_BPS = {
  bps: 1,
  Kbps: 1e3,
  Mbps: 1e6,
  Gbps: 1e9,
  Tbps: 1e12,
} as const;
const RATE_PATTERN = new RegExp(String.raw`^(${MAGNITUDE})\s*(bps|kbps|Kbps|Mbps|Gbps|Tbps)?$`);
const RATE_EXPECTED = 'a rate like 1Gbps, 100Mbps or 10Kbps';

/** Parses `1Gbps`, `100Mbps`, `10Kbps`, `bps` and plain numbers into bits per second. */
export function parseRate(input: unknown): UnitResult {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) return fail(`expected ${RATE_EXPECTED}, found ${describeFound(input)}`);
    return ok(input);
  }
  if (typeof input !== 'string') return fail(`expected ${RATE_EXPECTED}, found ${describeFound(input)}`);
  const match = RATE_PATTERN.exec(input.trim());
  if (match === null) return fail(`expected ${RATE_EXPECTED}, found ${JSON.stringify(input)}`);
  const unit = (match[2] === 'kbps' ? 'Kbps' : (match[2] ?? 'bps')) as keyof typeof RATE_UNITS_BPS;
  return ok(Number(match[1]) * RATE_UNITS_BPS[unit]);
}

// ---------------------------------------------------------------------------------------------
// Percentages

const PERCENT_PATTERN = new RegExp(String.raw`^(${MAGNITUDE})\s*%$`);

/** Parses `5%` into 0.05. Plain numbers are NOT accepted here: see parseFraction. */
export function parsePercent(input: unknown): UnitResult {
  if (typeof input !== 'string') return fail(`expected a percentage like 5%, found ${describeFound(input)}`);
  const match = PERCENT_PATTERN.exec(input.trim());
  if (match === null) return fail(`expected a percentage like 5%, found ${JSON.stringify(input)}`);
  return ok(Number(match[1]) / 100);
}

/**
 * Parses a probability or share: a number in [0, 1] or a percentage in [0%, 100%]. Plain numbers
 * above 1 are refused rather than read as percentages: `5` could mean 5% or a typo for 0.5.
 */
export function parseFraction(input: unknown): UnitResult {
  const expected = 'a fraction between 0 and 1, like 0.05 or 5%';
  let value: number;
  if (typeof input === 'number') {
    value = input;
  } else if (typeof input === 'string' && PERCENT_PATTERN.test(input.trim())) {
    const percent = parsePercent(input);
    if (!percent.ok) return percent;
    value = percent.value;
  } else {
    return fail(`expected ${expected}, found ${describeFound(input)}`);
  }
  if (!Number.isFinite(value) || value < 0 || value > 1) return fail(`expected ${expected}, found ${describeFound(input)}`);
  return ok(value);
}
