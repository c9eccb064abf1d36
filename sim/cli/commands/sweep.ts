// `fleetsim sweep FILE --seeds N --set PATH=v1,v2 ...`: policy comparison. Every combination of
// the --set values (cartesian product) over N seeds, on worker threads or through a queue;
// p50/p95/max of the key metrics per combination, as a table and a CSV. Exit 0; 2 on bad input
// (every combination is validated before anything runs); 1 if a run crashed.

import { batchTarget, describeTarget, runBatch } from '../batch.ts';
import { assertWritable, writeOutput } from '../files.ts';
import { buildGrid, gridReports } from '../grid.ts';
import { styleOf, type Io } from '../io.ts';
import { loadScenario } from '../load.ts';
import { d3Bundle } from '../html/d3-bundle.ts';
import { percentilesHtml } from '../html/percentiles-page.ts';
import { badInput, EXIT_FAILED, EXIT_OK, type ExitCode } from '../exit.ts';
import { sweepBlock } from '../markdown/blocks.ts';
import { predictionMarkdown } from '../markdown/summary.ts';
import { assertMarkdownWritable, writeMarkdown } from '../markdown/write.ts';
import { formatSweepTable, sweepCsv, sweepStats } from '../sweep-stats.ts';

export interface SweepOptions {
  seeds: string;
  seedBase?: string;
  set?: string[];
  workers?: string;
  queue?: string;
  csv?: string;
  force?: boolean;
  markdown?: string;
  html?: string;
}

export async function sweepCommand(file: string, options: SweepOptions, io: Io): Promise<ExitCode> {
  const target = batchTarget(options);
  if (options.csv !== undefined) assertWritable(options.csv, '--csv', options.force === true);
  assertMarkdownWritable(options.markdown, options.force === true);
  if (options.html === '-') throw badInput('--html: expected a file name (the page is not written to stdout)');
  if (options.html !== undefined) assertWritable(options.html, '--html', options.force === true);
  const grid = buildGrid('sweep', file, options);

  const results = await runBatch(grid.jobs, target, io);

  const { reportsPer, crashes } = gridReports(grid, results);
  const stats = sweepStats(grid.combinations, reportsPer);
  const tableStream = options.csv === '-' ? io.stderr : io.stdout;
  tableStream.write(formatSweepTable(stats));
  if (options.csv !== undefined) writeOutput(options.csv, sweepCsv(grid.sets.map((s) => s.path), stats));
  if (options.html !== undefined) {
    const rows = grid.combinations.map((c, i) => ({ label: c.labels.length === 0 ? file : c.labels.join(' '), reports: reportsPer[i] }));
    writeOutput(options.html, percentilesHtml(rows, { title: `fleetsim sweep ${file}`, d3Source: d3Bundle(), seeds: grid.seeds.length }));
  }
  if (options.markdown !== undefined) {
    // Each combination's own scenario (a --set may change the window).
    const blocks = grid.combinations.map((c, i) => sweepBlock(loadScenario(file, c.overrides), c.labels, reportsPer[i], grid.seeds.length));
    writeMarkdown(options.markdown, predictionMarkdown(`fleetsim sweep ${file}: ${grid.seeds.length} seeds per combination`, blocks), io);
  }
  io.stderr.write(`${grid.combinations.length} combinations x ${grid.seeds.length} seeds = ${grid.jobs.length} runs ${describeTarget(target, grid.jobs.length)}\n`);
  if (crashes.length === 0) return EXIT_OK;
  const style = styleOf(io, io.stderr);
  for (const crash of crashes) io.stderr.write(`${style.fail} ${crash}\n`);
  return EXIT_FAILED;
}
