// `fleetsim sweep FILE --seeds N --set PATH=v1,v2 ...`: policy comparison. Every combination of
// the --set values (cartesian product) over N seeds, on worker threads; p50/p95/max of the key
// metrics per combination, as a table and a CSV. Exit 0; 2 on bad input (every combination is
// validated before anything runs); 1 if a run crashed.

import type { Report } from '../../report/report.ts';
import { assertDistinctPaths, cartesian, MAX_RUNS, MAX_SEEDS, parseIntegerOption, parseSeedOption, parseSetOption, seedList } from '../args.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, type ExitCode } from '../exit.ts';
import { assertWritable, writeOutput } from '../files.ts';
import { styleOf, type Io } from '../io.ts';
import type { RunJob } from '../job.ts';
import { loadScenario, tryLoadScenario } from '../load.ts';
import { batchTarget, describeTarget, runBatch } from '../batch.ts';
import { reproCommand } from '../repro.ts';
import { formatSweepTable, sweepCsv, sweepStats } from '../sweep-stats.ts';

export interface SweepOptions {
  seeds: string;
  seedBase?: string;
  set?: string[];
  workers?: string;
  queue?: string;
  csv?: string;
  force?: boolean;
}

export async function sweepCommand(file: string, options: SweepOptions, io: Io): Promise<ExitCode> {
  const seedCount = parseIntegerOption('--seeds', options.seeds, 1, MAX_SEEDS);
  const seedBase = options.seedBase === undefined ? null : parseSeedOption('--seed-base', options.seedBase);
  const target = batchTarget(options);
  const sets = (options.set ?? []).map((text) => parseSetOption(text));
  assertDistinctPaths(sets);
  const combinations = cartesian(sets);
  if (options.csv !== undefined) assertWritable(options.csv, '--csv', options.force === true);

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
  if (jobs.length > MAX_RUNS) throw new CliError([`sweep: ${combinations.length} combinations x ${seedCount} seeds = ${jobs.length} runs, more than the limit of ${MAX_RUNS}`]);

  const results = await runBatch(jobs, target, io);

  const reportsPer: Report[][] = [];
  const crashes: string[] = [];
  combinations.forEach((c, i) => {
    const reports: Report[] = [];
    seeds.forEach((seed, k) => {
      const result = results[i * seeds.length + k];
      if (result.ok) reports.push(result.report);
      else crashes.push(`seed ${seed} crashed${c.labels.length > 0 ? ` with ${c.labels.join(' ')}` : ''}: ${result.error}\n  reproduce: ${reproCommand(file, seed, { sets: c.labels })}`);
    });
    reportsPer.push(reports);
  });
  const stats = sweepStats(combinations, reportsPer);
  const tableStream = options.csv === '-' ? io.stderr : io.stdout;
  tableStream.write(formatSweepTable(stats));
  if (options.csv !== undefined) writeOutput(options.csv, sweepCsv(sets.map((s) => s.path), stats));
  io.stderr.write(`${combinations.length} combinations x ${seedCount} seeds = ${jobs.length} runs ${describeTarget(target, jobs.length)}\n`);
  if (crashes.length === 0) return EXIT_OK;
  const style = styleOf(io, io.stderr);
  for (const crash of crashes) io.stderr.write(`${style.fail} ${crash}\n`);
  return EXIT_FAILED;
}
