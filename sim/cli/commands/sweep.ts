// `fleetsim sweep FILE --seeds N --set PATH=v1,v2 ...`: policy comparison. Every combination of
// the --set values (cartesian product) over N seeds, on worker threads or through a queue;
// p50/p95/max of the key metrics per combination, as a table and a CSV. Exit 0; 2 on bad input
// (every combination is validated before anything runs); 1 if a run crashed.

import { runBatch } from '../batch.ts';
import { writeOutput } from '../files.ts';
import { buildGrid, finishGrid, gridReports, type GridOptions } from '../grid.ts';
import type { Io } from '../io.ts';
import { loadScenario } from '../load.ts';
import { d3Bundle } from '../html/d3-bundle.ts';
import { percentilesHtml } from '../html/percentiles-page.ts';
import type { ExitCode } from '../exit.ts';
import { sweepBlock } from '../markdown/blocks.ts';
import { predictionMarkdown } from '../markdown/summary.ts';
import { writeMarkdown } from '../markdown/write.ts';
import { formatSweepTable, sweepCsv, sweepStats } from '../sweep-stats.ts';

export type SweepOptions = GridOptions;

export async function sweepCommand(file: string, options: SweepOptions, io: Io): Promise<ExitCode> {
  const grid = buildGrid('sweep', file, options);

  const results = await runBatch(grid.jobs, grid.batch.target, io);

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
  return finishGrid(grid, crashes, io);
}
