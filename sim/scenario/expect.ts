// Expectations: one-line assertions on a run's report, such as `rollout.duration <= 3d` or
// `p95(rollout.duration) <= 2d`. parseExpectation turns the text into a value the runner can
// evaluate; evaluateExpectation checks it against the reports of one or more seeds.
//
// Grammar:  [aggregate "("] path [")"] op value
//   aggregate  p50 | p95 | p99 | max | min | mean   (over seeds; nearest-rank percentiles)
//   path       dot-separated identifiers (digits allowed, for list indices): rollout.duration
//   op         == != < <= > >=
//   value      a number with an optional unit (3d, 300MB, 1Gbps, 5%), true, false, null,
//              or a quoted string ("done" or 'done')

import { describeFound, parseDuration, parsePercent, parseRate, parseSize } from './units.ts';

export type Aggregate = 'p50' | 'p95' | 'p99' | 'max' | 'min' | 'mean';
export type ComparisonOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type ExpectedValue = number | boolean | null | string;

export interface Expectation {
  /** The text as written (trimmed). */
  expr: string;
  aggregate: Aggregate | null;
  path: string;
  op: ComparisonOp;
  value: ExpectedValue;
}

export type ExpectationParse = { ok: true; expectation: Expectation } | { ok: false; message: string };

const AGGREGATES: readonly Aggregate[] = ['p50', 'p95', 'p99', 'max', 'min', 'mean'];
const PATH = String.raw`[A-Za-z_0-9][A-Za-z0-9_-]*(?:\.[A-Za-z_0-9][A-Za-z0-9_-]*)*`;
// Two-character operators first so `<=` is not read as `<` followed by `=`.
const SHAPE = new RegExp(String.raw`^(?:(\w+)\s*\(\s*(${PATH})\s*\)|(${PATH}))\s*(==|!=|<=|>=|<|>)\s*(.*)$`);
const FORM = 'expected an expectation like "rollout.duration <= 3d" or "p95(rollout.duration) <= 2d"';

export function parseExpectation(text: unknown): ExpectationParse {
  if (typeof text !== 'string') return { ok: false, message: `${FORM}, found ${describeFound(text)}` };
  const expr = text.trim();
  const match = SHAPE.exec(expr);
  if (match === null) return { ok: false, message: `${FORM}, found ${JSON.stringify(expr)}` };
  const [, aggregateName, aggregatedPath, plainPath, opText, valueText] = match;
  let aggregate: Aggregate | null = null;
  if (aggregateName !== undefined) {
    if (!AGGREGATES.includes(aggregateName as Aggregate)) {
      return { ok: false, message: `expected an aggregate ${AGGREGATES.join(', ')}, found ${JSON.stringify(aggregateName)} in ${JSON.stringify(expr)}` };
    }
    aggregate = aggregateName as Aggregate;
  }
  const op = opText as ComparisonOp;
  const value = parseValue(valueText.trim());
  if (typeof value === 'object' && value !== null) {
    return { ok: false, message: `${value.error} in ${JSON.stringify(expr)}` };
  }
  const ordering = op !== '==' && op !== '!=';
  if (ordering && typeof value !== 'number') {
    return { ok: false, message: `expected a number after ${op}, found ${describeFound(value)} in ${JSON.stringify(expr)}` };
  }
  if (aggregate !== null && typeof value !== 'number') {
    return { ok: false, message: `expected a number to compare ${aggregate}(...) with, found ${describeFound(value)} in ${JSON.stringify(expr)}` };
  }
  return { ok: true, expectation: { expr, aggregate, path: (aggregatedPath ?? plainPath) as string, op, value } };
}

type ParsedValue = ExpectedValue | { error: string };

function parseValue(text: string): ParsedValue {
  if (text === '') return { error: 'expected a value after the operator, found nothing' };
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  const quoted = /^"((?:[^"\\]|\\.)*)"$|^'([^']*)'$/.exec(text);
  if (quoted !== null) {
    if (quoted[2] !== undefined) return quoted[2];
    try {
      return JSON.parse(`"${quoted[1]}"`) as string;
    } catch {
      return { error: `expected a string with JSON escapes, found ${text}` };
    }
  }
  const negative = text.startsWith('-');
  const magnitude = negative ? text.slice(1) : text;
  const sign = negative ? -1 : 1;
  if (/^(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i.test(magnitude)) return sign * Number(magnitude);
  // Try each family of units; only one can match a given suffix.
  for (const parse of [parsePercent, (v: string) => parseDuration(v), parseSize, parseRate]) {
    const result = parse(magnitude);
    if (result.ok) return sign * result.value === 0 ? 0 : sign * result.value;
  }
  return {
    error: `expected a value: a number with an optional unit (3d, 300MB, 1Gbps, 5%), true, false, null or a quoted string, found ${JSON.stringify(text)}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

export interface ExpectationResult {
  expr: string;
  ok: boolean;
  /**
   * One report: the value found at the path. Several reports without an aggregate: the worst
   * value (the largest for < and <=, the smallest for > and >=, the first failing value for ==
   * and !=, or the first value when all pass). With an aggregate: the aggregated number. When the
   * path is missing or the values cannot be compared: a string that says why.
   */
  actual: unknown;
}

type Lookup = { found: true; value: unknown } | { found: false; message: string };

/** Follows a dot path through nested mappings and lists. */
export function lookupPath(report: unknown, path: string): Lookup {
  let current: unknown = report;
  const walked: string[] = [];
  for (const key of path.split('.')) {
    const here = walked.length === 0 ? 'the report' : walked.join('.');
    if (current === null || typeof current !== 'object') {
      return { found: false, message: `no field ${path}: ${here} is ${describeFound(current)}, not a mapping` };
    }
    if (!Object.hasOwn(current, key)) {
      const keys = Object.keys(current);
      const has = keys.length === 0 ? 'no fields' : `fields ${keys.join(', ')}`;
      return { found: false, message: `no field ${path}: ${here} has ${has}` };
    }
    current = (current as Record<string, unknown>)[key];
    walked.push(key);
  }
  return { found: true, value: current };
}

function compare(actual: unknown, op: ComparisonOp, expected: ExpectedValue): boolean {
  switch (op) {
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
    default:
      // Ordering needs numbers on both sides; a null (a thing that did not happen) fails.
      if (typeof actual !== 'number' || typeof expected !== 'number') return false;
      if (op === '<') return actual < expected;
      if (op === '<=') return actual <= expected;
      if (op === '>') return actual > expected;
      return actual >= expected;
  }
}

// A scalar the expectation can be compared with; a mapping or list cannot.
function isScalar(value: unknown): value is ExpectedValue {
  return value === null || ['number', 'boolean', 'string'].includes(typeof value);
}

export function evaluateExpectation(expectation: Expectation, reports: readonly object[]): ExpectationResult {
  const { expr, path, op, value } = expectation;
  if (reports.length === 0) return { expr, ok: false, actual: 'no reports to check' };
  const values: ExpectedValue[] = [];
  for (const [index, report] of reports.entries()) {
    const lookup = lookupPath(report, path);
    const which = reports.length > 1 ? ` (report ${index + 1} of ${reports.length})` : '';
    if (!lookup.found) return { expr, ok: false, actual: lookup.message + which };
    if (!isScalar(lookup.value)) {
      return { expr, ok: false, actual: `${path} is ${describeFound(lookup.value)}, not a value to compare${which}` };
    }
    values.push(lookup.value);
  }
  if (expectation.aggregate !== null) return evaluateAggregate(expectation, values);
  const passes = values.map((v) => compare(v, op, value));
  const ok = passes.every(Boolean);
  if (values.length === 1) return { expr, ok, actual: values[0] };
  return { expr, ok, actual: worst(values, passes, op) };
}

function worst(values: ExpectedValue[], passes: boolean[], op: ComparisonOp): ExpectedValue {
  const firstFailure = passes.indexOf(false);
  const numbers = values.filter((v): v is number => typeof v === 'number');
  // A non-number among ordered values is itself the failure to show.
  if ((op === '==' || op === '!=' || numbers.length !== values.length) && firstFailure >= 0) return values[firstFailure];
  if (op === '<' || op === '<=') return Math.max(...numbers);
  if (op === '>' || op === '>=') return Math.min(...numbers);
  return values[0];
}

function evaluateAggregate(expectation: Expectation, values: ExpectedValue[]): ExpectationResult {
  const { expr, op, value } = expectation;
  const aggregate = expectation.aggregate as Aggregate;
  // Booleans count as 1 and 0, so mean(rollout.completed) is the share of seeds that completed.
  const numbers: number[] = [];
  for (const v of values) {
    if (typeof v === 'number') numbers.push(v);
    else if (typeof v === 'boolean') numbers.push(v ? 1 : 0);
    else {
      const missing = values.filter((x) => typeof x !== 'number' && typeof x !== 'boolean').length;
      return { expr, ok: false, actual: `${aggregate} needs numbers: ${missing} of ${values.length} reports have ${describeFound(v)} at ${expectation.path}` };
    }
  }
  const result = aggregateOf(aggregate, numbers);
  return { expr, ok: compare(result, op, value), actual: result };
}

/** Aggregates a non-empty list; percentiles by nearest rank (the smallest value with at least p% of values <= it). */
export function aggregateOf(aggregate: Aggregate, values: readonly number[]): number {
  if (values.length === 0) throw new Error('aggregateOf: no values');
  switch (aggregate) {
    case 'max':
      return Math.max(...values);
    case 'min':
      return Math.min(...values);
    case 'mean':
      return values.reduce((sum, v) => sum + v, 0) / values.length;
    default: {
      const p = Number(aggregate.slice(1));
      const sorted = [...values].sort((a, b) => a - b);
      const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
      return sorted[rank - 1];
    }
  }
}
