// `fleetsim check FILE|DIR...`: CI mode. Every scenario over N seeds on worker threads; each
// expectation judged over all seeds of its scenario; a table, JUnit XML, exit 0 or 1 (2 on bad
// input, before anything runs). Every failure prints its seed and the command that reproduces it.

import { MAX_RUNS, seedList } from '../args.ts';
import { assertOutputsWritable, parseBatchOptions, type BatchOptions, type OutputOptions } from '../batch-options.ts';
import { judgeScenario, type ScenarioVerdict } from '../check-results.ts';
import { checkToJson, checkToJUnit, formatCheckFailures, formatCheckTable } from '../check-output.ts';
import { badInput, EXIT_FAILED, EXIT_OK, type ExitCode } from '../exit.ts';
import { collectScenarioFiles, writeOutput } from '../files.ts';
import { styleOf, type Io } from '../io.ts';
import type { RunJob } from '../job.ts';
import { toJUnitXml } from '../junit.ts';
import { loadAllScenarios } from '../load.ts';
import { describeTarget, runBatch } from '../batch.ts';
import { d3Bundle } from '../html/d3-bundle.ts';
import { percentilesHtml } from '../html/percentiles-page.ts';
import { checkBlock } from '../markdown/blocks.ts';
import { predictionMarkdown, type PredictionBlock } from '../markdown/summary.ts';
import { writeMarkdown } from '../markdown/write.ts';
import type { Report } from '../../report/report.ts';

export type CheckOptions = BatchOptions & Pick<OutputOptions, 'junit' | 'json' | 'markdown' | 'html'>;

export const DEFAULT_CHECK_SEEDS = 10;

export async function checkCommand(paths: readonly string[], options: CheckOptions, io: Io): Promise<ExitCode> {
  const { seedCount, seedBase, target, force } = parseBatchOptions(options, { seeds: DEFAULT_CHECK_SEEDS });
  assertOutputsWritable({ junit: options.junit, json: options.json, markdown: options.markdown, html: options.html }, force);

  // Everything is validated before the first run: a broken file fails fast, with all its errors.
  const scenarios = loadAllScenarios(collectScenarioFiles(paths));
  const seedsPer = scenarios.map((s) => seedList(seedBase ?? s.scenario.seed, seedCount));
  const jobs: RunJob[] = scenarios.flatMap((s, i) => seedsPer[i].map((seed) => ({ file: s.path, text: s.text, overrides: {}, seed })));
  if (jobs.length > MAX_RUNS) throw badInput(`check: ${scenarios.length} scenarios x ${seedCount} seeds = ${jobs.length} runs, more than the limit of ${MAX_RUNS}`);

  const results = await runBatch(jobs, target, io);

  const verdicts: ScenarioVerdict[] = [];
  const blocks: PredictionBlock[] = [];
  const wallSeconds: number[] = [];
  let offset = 0;
  scenarios.forEach((s, i) => {
    const seeds = seedsPer[i];
    const runs = seeds.map((seed, k) => ({ seed, result: results[offset + k] }));
    offset += seeds.length;
    verdicts.push(judgeScenario(s.path, s.scenario.name, s.scenario.expect, runs));
    const reports = runs.flatMap((r): Report[] => (r.result.ok ? [r.result.report] : []));
    blocks.push(checkBlock(s, verdicts[verdicts.length - 1], reports));
    wallSeconds.push(runs.reduce((sum, r) => sum + (r.result.ok ? r.result.report.wallMs : 0), 0) / 1000);
  });

  // stdout carries the machine-readable output when one is asked for there; the table then goes to stderr.
  const tableStream = options.json === '-' || options.junit === '-' ? io.stderr : io.stdout;
  tableStream.write(formatCheckTable(verdicts, styleOf(io, tableStream)));
  const ok = verdicts.every((v) => v.ok);
  const failedChecks = verdicts.reduce((n, v) => n + [...v.expectations, v.invariants].filter((e) => !e.ok).length, 0);
  const totalChecks = verdicts.reduce((n, v) => n + v.expectations.length + 1, 0);
  io.stderr.write(formatCheckFailures(verdicts, styleOf(io, io.stderr)));
  io.stderr.write(
    `${scenarios.length} scenarios x ${seedCount} seeds = ${jobs.length} runs ${describeTarget(target, jobs.length)}: ` +
      `${ok ? 'all' : `${failedChecks} of`} ${totalChecks} checks ${ok ? 'passed' : 'failed'}\n`,
  );
  if (options.junit !== undefined) writeOutput(options.junit, toJUnitXml(checkToJUnit(verdicts, wallSeconds), 'fleetsim check'));
  if (options.json !== undefined) writeOutput(options.json, `${JSON.stringify(checkToJson(verdicts), null, 2)}\n`);
  if (options.html !== undefined) {
    const rows = blocks.map((b) => ({ label: b.title, reports: b.reports }));
    writeOutput(options.html, percentilesHtml(rows, { title: `fleetsim check: ${seedCount} seeds per scenario`, d3Source: d3Bundle(), seeds: seedCount }));
  }
  if (options.markdown !== undefined) writeMarkdown(options.markdown, predictionMarkdown(`fleetsim check: ${seedCount} seeds per scenario`, blocks), io);
  return ok ? EXIT_OK : EXIT_FAILED;
}
