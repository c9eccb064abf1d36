// The options the batch commands share (check, sweep, search, fuzz): how many seeds from which
// base, where the runs go (--workers or --queue), and the files they write. One definition for
// commander (batch-flags.ts addBatchOptions) and one parser (parseBatchOptions, assertOutputsWritable), so that
// every batch command accepts and refuses the same values with the same messages (exit 2),
// before anything runs.

import { MAX_RUNS, MAX_SEEDS, parseIntegerOption, parseSeedOption } from './args.ts';
import { batchTarget, type BatchTarget } from './batch.ts';
import { badInput } from './exit.ts';
import { assertWritable } from './files.ts';
import { assertMarkdownWritable } from './markdown/write.ts';

/** The batch options as commander hands them over (text, unparsed). */
export interface BatchOptions {
  seeds?: string;
  seedBase?: string;
  workers?: string;
  queue?: string;
  force?: boolean;
}

/** The output files a batch command may write; `-` is stdout where the flag allows it. */
export interface OutputOptions {
  junit?: string;
  json?: string;
  csv?: string;
  html?: string;
  markdown?: string;
}

export interface ParsedBatchOptions {
  seedCount: number;
  /** The first seed; null: each scenario's own `seed`. */
  seedBase: number | null;
  target: BatchTarget;
  force: boolean;
}

/** Outputs that can go to stdout: machine-readable ones (the table then goes to stderr). */
const STDOUT_OUTPUTS = ['junit', 'json', 'csv'] as const;

/**
 * --seeds (default `defaultSeeds` when the command has one), --seed-base, and --workers or
 * --queue. The seed count is bounded by MAX_SEEDS and, for commands that run one job per seed,
 * by MAX_RUNS too.
 */
export function parseBatchOptions(options: BatchOptions, defaults: { seeds?: number } = {}): ParsedBatchOptions {
  const seedCount =
    options.seeds === undefined
      ? (defaults.seeds ?? fail('--seeds: expected a whole number >= 1, found nothing'))
      : parseIntegerOption('--seeds', options.seeds, 1, Math.min(MAX_SEEDS, MAX_RUNS));
  const seedBase = options.seedBase === undefined ? null : parseSeedOption('--seed-base', options.seedBase);
  return { seedCount, seedBase, target: batchTarget(options), force: options.force === true };
}

function fail(message: string): never {
  throw badInput(message);
}

/**
 * The output files, checked before anything runs: at most one of them on stdout, the HTML page
 * and the Markdown summary in files, and none that exists unless --force.
 */
export function assertOutputsWritable(options: OutputOptions, force: boolean): void {
  const onStdout = STDOUT_OUTPUTS.filter((flag) => options[flag] === '-');
  if (onStdout.length > 1) throw badInput(`${onStdout.map((flag) => `--${flag} -`).join(' and ')}: only one output can go to stdout`);
  for (const flag of STDOUT_OUTPUTS) {
    const path = options[flag];
    if (path !== undefined) assertWritable(path, `--${flag}`, force);
  }
  if (options.html === '-') throw badInput('--html: expected a file name (the page is not written to stdout)');
  if (options.html !== undefined) assertWritable(options.html, '--html', force);
  assertMarkdownWritable(options.markdown, force);
}
