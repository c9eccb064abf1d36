// Option parsing helpers shared by the commands. Pure: they take the option's text and return a
// value or throw a CliError (exit 2) that names the flag and says what was expected.

import { parseOverrideValue } from '../scenario/index.ts';
import { badInput } from './exit.ts';
import { MAX_WORKERS } from './limits.ts';

/** A whole number in [min, max] for a flag like `--seeds 10`. */
export function parseIntegerOption(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) throw badInput(`${flag}: expected a whole number >= ${min}, found ${JSON.stringify(text)}`);
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw badInput(`${flag}: expected a whole number between ${min} and ${max}, found ${trimmed}`);
  }
  return value;
}

/** A seed is a whole number >= 0 that a double holds exactly (the scenario's `seed` rule). */
export function parseSeedOption(flag: string, text: string): number {
  return parseIntegerOption(flag, text, 0);
}

export { MAX_WORKERS };

export function parseWorkersOption(text: string): number {
  return parseIntegerOption('--workers', text, 1, MAX_WORKERS);
}

/** One `--set PATH=v1,v2` option: the path and its parsed values, in the order written. */
export interface SetOption {
  path: string;
  /** The values as written (for tables, CSV and the reproducing command). */
  texts: string[];
  /** The values as the scenario file would read them (parseOverrideValue). */
  values: unknown[];
}

/**
 * Splits `PATH=v1,v2,...` at the first `=`; values are split at commas outside brackets, braces
 * and quotes, so `--set 'fleet.boot.boot={min: 1s, max: 5s},2s'` gives two values.
 * `multiple: false` (run's --set) keeps the whole text as one value.
 */
export function parseSetOption(text: string, multiple = true): SetOption {
  const equals = text.indexOf('=');
  const form = 'expected --set PATH=VALUE[,VALUE...] like reboot.maxConcurrent=1,2,4';
  if (equals <= 0) throw badInput(`--set: ${form}, found ${JSON.stringify(text)}`);
  const path = text.slice(0, equals).trim();
  const rest = text.slice(equals + 1);
  if (path === '' || /\s/.test(path)) throw badInput(`--set: ${form}, found the path ${JSON.stringify(path)}`);
  const texts = multiple ? splitTopLevel(rest) : [rest.trim()];
  if (texts.some((t) => t === '')) throw badInput(`--set ${path}: expected a value after "=" and between commas, found ${JSON.stringify(rest)}`);
  const seen = new Set<string>();
  for (const t of texts) {
    if (seen.has(t)) throw badInput(`--set ${path}: the value ${JSON.stringify(t)} is listed twice`);
    seen.add(t);
  }
  return { path, texts, values: texts.map(parseOverrideValue) };
}

/** Splits at commas that are not inside (), [], {} or quotes; trims each part. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (const ch of text) {
    if (quote !== null) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '{' || ch === '[' || ch === '(') {
      depth++;
    } else if ((ch === '}' || ch === ']' || ch === ')') && depth > 0) {
      depth--;
    } else if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current.trim());
  return parts;
}

/** Rejects the same path set twice (the second would silently win). */
export function assertDistinctPaths(sets: readonly SetOption[]): void {
  const seen = new Set<string>();
  for (const set of sets) {
    if (seen.has(set.path)) throw badInput(`--set ${set.path}: the path is set twice; list its values once, separated by commas`);
    seen.add(set.path);
  }
}

/** One combination of --set values: path -> value, plus the texts for display. */
export interface Combination {
  overrides: Record<string, unknown>;
  /** `path=text` for each set, in the order of the --set options. */
  labels: string[];
}

/** Bound on the number of combinations a sweep may ask for, so a typo cannot queue millions of runs. */
export const MAX_COMBINATIONS = 10_000;

/**
 * The cartesian product of the --set options, first option varying slowest (like nested loops
 * in the order written). No --set gives one combination with no override.
 */
export function cartesian(sets: readonly SetOption[]): Combination[] {
  const total = sets.reduce((n, s) => n * s.values.length, 1);
  if (total > MAX_COMBINATIONS) throw badInput(`--set: ${total} combinations is more than the limit of ${MAX_COMBINATIONS}`);
  let combinations: Combination[] = [{ overrides: {}, labels: [] }];
  for (const set of sets) {
    const next: Combination[] = [];
    for (const combination of combinations) {
      set.values.forEach((value, i) => {
        next.push({
          overrides: { ...combination.overrides, [set.path]: value },
          labels: [...combination.labels, `${set.path}=${set.texts[i]}`],
        });
      });
    }
    combinations = next;
  }
  return combinations;
}

/** Bound on seeds per scenario: a typo like --seeds 1000000 must not queue a million runs. */
export const MAX_SEEDS = 100_000;
/** Bound on the runs of one check or sweep (scenarios or combinations x seeds). */
export const MAX_RUNS = 100_000;

/** The seeds base, base+1, ..., base+count-1. */
export function seedList(base: number, count: number): number[] {
  if (!Number.isSafeInteger(base + count)) throw badInput(`--seed-base ${base} with --seeds ${count} goes past the largest exact integer`);
  return Array.from({ length: count }, (_, i) => base + i);
}
