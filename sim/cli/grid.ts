// The grid of `sweep` and `search`: every combination of the --set values (cartesian product)
// over N seeds, validated before anything runs, as the jobs of a batch; and the reports sorted
// back by combination. One place, so a sweep and a search of the same grid run the same jobs (and,
// through a queue, share their results).

import type { Report } from '../report/report.ts';
import { assertDistinctPaths, cartesian, MAX_RUNS, parseSetOption, seedList, type Combination, type SetOption } from './args.ts';
import { assertOutputsWritable, parseBatchOptions, type BatchOptions, type OutputOptions, type ParsedBatchOptions } from './batch-options.ts';
import { describeTarget } from './batch.ts';
import { EXIT_FAILED, EXIT_OK, type ExitCode } from './exit.ts';
import { styleOf, type Io } from './io.ts';
import { CliError, EXIT_BAD_INPUT } from './exit.ts';
import type { JobResult, RunJob } from './job.ts';
import { loadScenario, tryLoadScenario } from './load.ts';
import { reproCommand } from './repro.ts';

/** What sweep and search are given: the batch options, the --set grid and the output files. */
export type GridOptions = BatchOptions & { set?: string[] } & Pick<OutputOptions, 'csv' | 'html' | 'markdown'>;

export interface Grid {
  file: string;
  sets: SetOption[];
  combinations: Combination[];
  seeds: number[];
  /** Combination-major: the seeds of the first combination, then the second's, ... */
  jobs: RunJob[];
  batch: ParsedBatchOptions;
}

/**
 * Parses the grid's options (the shared batch options, the output files, --set) and validates
 * every combination; all errors at once, exit 2.
 */
export function buildGrid(command: string, file: string, options: GridOptions): Grid {
  const batch = parseBatchOptions(options);
  const { seedCount, seedBase } = batch;
  assertOutputsWritable({ csv: options.csv, html: options.html, markdown: options.markdown }, batch.force);
  const sets = (options.set ?? []).map((text) => parseSetOption(text));
  assertDistinctPaths(sets);
  const combinations = cartesian(sets);

  const base = loadScenario(file);
  // Each combination is validated like a file of its own; all errors of all combinations at once,
  // each error once, with the first combination that shows it when not every combination does.
  const errors = new Map<string, { count: number; first: string }>();
  for (const combination of combinations) {
    const result = tryLoadScenario(file, combination.overrides);
    if (result.ok) continue;
    for (const line of result.lines) {
      const seen = errors.get(line);
      if (seen === undefined) errors.set(line, { count: 1, first: combination.labels.join(' ') });
      else seen.count++;
    }
  }
  if (errors.size > 0) {
    const lines = [...errors].map(([line, { count, first }]) =>
      count === combinations.length ? line : `${line} [in ${count} of ${combinations.length} combinations, e.g. ${first}]`,
    );
    throw new CliError(lines, EXIT_BAD_INPUT);
  }

  const seeds = seedList(seedBase ?? base.scenario.seed, seedCount);
  const jobs: RunJob[] = combinations.flatMap((c) => seeds.map((seed) => ({ file, text: base.text, overrides: c.overrides, seed })));
  if (jobs.length > MAX_RUNS) throw new CliError([`${command}: ${combinations.length} combinations x ${seedCount} seeds = ${jobs.length} runs, more than the limit of ${MAX_RUNS}`]);
  return { file, sets, combinations, seeds, jobs, batch };
}

/** The closing line of a sweep or search, and each crashed run with its command: exit 1 if any. */
export function finishGrid(grid: Grid, crashes: readonly string[], io: Io): ExitCode {
  io.stderr.write(`${grid.combinations.length} combinations x ${grid.seeds.length} seeds = ${grid.jobs.length} runs ${describeTarget(grid.batch.target, grid.jobs.length)}\n`);
  if (crashes.length === 0) return EXIT_OK;
  const style = styleOf(io, io.stderr);
  for (const crash of crashes) io.stderr.write(`${style.fail} ${crash}\n`);
  return EXIT_FAILED;
}

/** The reports of each combination (in seed order) and a line per crashed run with its reproducing command. */
export function gridReports(grid: Grid, results: readonly JobResult[]): { reportsPer: Report[][]; crashes: string[] } {
  const reportsPer: Report[][] = [];
  const crashes: string[] = [];
  grid.combinations.forEach((c, i) => {
    const reports: Report[] = [];
    grid.seeds.forEach((seed, k) => {
      const result = results[i * grid.seeds.length + k];
      if (result.ok) reports.push(result.report);
      else crashes.push(`seed ${seed} crashed${c.labels.length > 0 ? ` with ${c.labels.join(' ')}` : ''}: ${result.error}\n  reproduce: ${reproCommand(grid.file, seed, { sets: c.labels })}`);
    });
    reportsPer.push(reports);
  });
  return { reportsPer, crashes };
}
