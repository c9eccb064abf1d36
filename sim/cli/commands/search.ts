// `fleetsim search FILE --set PATH=v1,v2,... [--set ...] --seeds N [--seed-base S] [--csv F]
// [--html F] [--workers N | --queue URL] [--force]`: policy search. The grid of `sweep` (every
// combination over N seeds, on worker threads or through a queue), scored on the search
// objectives (p95 rollout time against p95 disruption; sim/cli/search/objectives.ts), and the
// Pareto frontier printed as a table, written as CSV and drawn in a self-contained HTML page.
// Exit 0; 2 on bad input; 1 if a run crashed (the frontier is still printed, over the runs that
// finished).

import { runBatch } from '../batch.ts';
import { badInput, type ExitCode } from '../exit.ts';
import { writeOutput } from '../files.ts';
import { buildGrid, finishGrid, gridReports, type GridOptions } from '../grid.ts';
import { d3Bundle } from '../html/d3-bundle.ts';
import type { Io } from '../io.ts';
import { searchHtml } from '../search/html.ts';
import { formatSearchTable, searchCsv, searchResult } from '../search/result.ts';

/** sweep's options without --markdown. */
export type SearchOptions = Omit<GridOptions, 'markdown'>;

/** d3's UMD bundle (kept here too: tests import it from the search command). */
export { d3Bundle };

export async function searchCommand(file: string, options: SearchOptions, io: Io): Promise<ExitCode> {
  if ((options.set ?? []).length === 0) throw badInput('search: give at least one --set PATH=V1,V2,... to search over (like --set reboot.maxConcurrent=1,2,4)');
  const grid = buildGrid('search', file, options);

  const results = await runBatch(grid.jobs, grid.batch.target, io);

  const { reportsPer, crashes } = gridReports(grid, results);
  const result = searchResult(grid.combinations, reportsPer, grid.seeds.length);
  const tableStream = options.csv === '-' ? io.stderr : io.stdout;
  tableStream.write(formatSearchTable(result));
  if (options.csv !== undefined) writeOutput(options.csv, searchCsv(grid.sets.map((s) => s.path), result));
  if (options.html !== undefined) writeOutput(options.html, searchHtml(result, { title: `fleetsim search ${file}: ${grid.sets.map((s) => s.path).join(' x ')}`, d3Source: d3Bundle() }));
  return finishGrid(grid, crashes, io);
}
