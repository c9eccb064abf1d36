// `fleetsim run FILE`: one run with a progress bar on a terminal, a summary table, the JSON
// report and the event trace. Exit 1 when an expectation or invariant failed (or the model
// crashed), with the command that reproduces the run; 2 on bad input.

import type { Report } from '../../report/report.ts';
import type { Scenario } from '../../scenario/index.ts';
import { lockGroups } from '../../scenario/reboot.ts';
import { FleetRun } from '../../run/fleet-run.ts';
import { assertDistinctPaths, parseSeedOption, parseSetOption } from '../args.ts';
import { badInput, EXIT_FAILED, EXIT_OK, type ExitCode } from '../exit.ts';
import { assertWritable, writeOutput } from '../files.ts';
import { formatReportValue } from '../format.ts';
import { styleOf, type Io } from '../io.ts';
import { describeCrash } from '../job.ts';
import { d3Bundle } from '../html/d3-bundle.ts';
import { runHtml } from '../html/run-page.ts';
import { RunSeries, SERIES_CHUNKS } from '../html/series.ts';
import { loadScenario } from '../load.ts';
import { runBlock } from '../markdown/blocks.ts';
import { predictionMarkdown } from '../markdown/summary.ts';
import { assertMarkdownWritable, writeMarkdown } from '../markdown/write.ts';
import { formatRunProgress, ProgressLine } from '../progress.ts';
import { reproCommand } from '../repro.ts';
import { formatActual, formatSummary } from '../summary.ts';
import { TraceFileWriter } from '../trace-writer.ts';

export interface RunOptions {
  seed?: string;
  duration?: string;
  json?: string;
  trace?: string;
  quiet?: boolean;
  force?: boolean;
  set?: string[];
  markdown?: string;
  html?: string;
}

export interface RunOutcome {
  exitCode: ExitCode;
  report: Report | null;
}

export function runCommand(file: string, options: RunOptions, io: Io): RunOutcome {
  const force = options.force === true;
  if (options.json !== undefined) assertWritable(options.json, '--json', force);
  if (options.trace !== undefined) {
    if (options.trace === '-') throw badInput('--trace -: the trace goes to a file (stdout holds the report or the summary)');
    assertWritable(options.trace, '--trace', force);
    if (options.trace === options.json) throw badInput(`--trace and --json name the same file ${options.trace}`);
  }
  assertMarkdownWritable(options.markdown, force);
  if (options.html === '-') throw badInput('--html: expected a file name (the page is not written to stdout)');
  if (options.html !== undefined) assertWritable(options.html, '--html', force);
  if (options.html !== undefined && (options.html === options.json || options.html === options.trace || options.html === options.markdown)) throw badInput(`--html ${options.html}: names the same file as another output`);
  const sets = (options.set ?? []).map((text) => parseSetOption(text, false));
  assertDistinctPaths(sets);
  const overrides: Record<string, unknown> = Object.fromEntries(sets.map((s) => [s.path, s.values[0]]));
  if (options.duration !== undefined) {
    if ('duration' in overrides) throw badInput('--duration and --set duration=... both set the horizon; use one');
    // Through the overrides, so the horizon is checked like the file's (units, at most 366d).
    overrides.duration = options.duration;
  }
  const loaded = loadScenario(file, overrides);
  const seed = options.seed === undefined ? loaded.scenario.seed : parseSeedOption('--seed', options.seed);
  const repro = reproCommand(file, seed, { duration: options.duration, sets: sets.map((s) => `${s.path}=${s.texts[0]}`) });

  const jsonToStdout = options.json === '-';
  const summaryStream = jsonToStdout ? io.stderr : io.stdout;
  const progress = new ProgressLine(io.stderr, io.stderr.isTTY === true && options.quiet !== true);
  const ascii = !styleOf(io, io.stderr).fancy;

  let run: FleetRun | null = null;
  let traceWriter: TraceFileWriter | null = null;
  const series = options.html === undefined ? null : new RunSeries(lockedGroups(loaded.scenario));
  const started = io.nowMs();
  let report: Report;
  try {
    // Inside the try: building the world runs model code, whose assertions are crashes too.
    if (options.trace !== undefined) traceWriter = new TraceFileWriter(options.trace);
    run = new FleetRun(loaded.scenario, { seed, traceSubscriber: traceWriter?.listener });
    // --html samples on each chunk: more chunks for a smoother chart (a chunk boundary is not an
    // event, so the run is the same; test/cli/html checks the trace hash).
    if (series !== null) series.take(run);
    run.runToEnd(
      (r) => {
        series?.take(r);
        const wallMs = io.nowMs() - started;
        progress.update(formatRunProgress({ simMs: r.now, horizonMs: r.horizonMs, events: r.sim.eventsExecuted, wallMs }, ascii), wallMs);
      },
      series === null ? undefined : SERIES_CHUNKS,
    );
    report = run.report();
  } catch (error) {
    progress.clear();
    traceWriter?.abort();
    const at = run === null ? 'while building the model' : `at ${formatReportValue('duration', run.now)} of simulated time`;
    io.stderr.write(`run crashed ${at} (seed ${seed}):\n  ${describeCrash(error)}\nreproduce: ${repro}\n`);
    if (options.markdown !== undefined) writeMarkdown(options.markdown, predictionMarkdown(`fleetsim run ${file} --seed ${seed}`, [runBlock(loaded, null)]), io);
    return { exitCode: EXIT_FAILED, report: null };
  }
  report.wallMs = Math.round(io.nowMs() - started);
  progress.clear();
  traceWriter?.commit();
  if (options.json !== undefined) writeOutput(options.json, `${JSON.stringify(report, null, 2)}\n`);
  if (options.markdown !== undefined) writeMarkdown(options.markdown, predictionMarkdown(`fleetsim run ${file} --seed ${seed}`, [runBlock(loaded, report)]), io);
  if (options.html !== undefined && series !== null) writeOutput(options.html, runHtml(series, report, { title: `fleetsim run ${file} (seed ${seed})`, d3Source: d3Bundle() }));
  if (options.quiet !== true) summaryStream.write(formatSummary(report, styleOf(io, summaryStream)));

  const failed = report.expectations.filter((e) => !e.ok);
  const violations = report.invariants.violations;
  if (failed.length === 0 && violations === 0) return { exitCode: EXIT_OK, report };
  const style = styleOf(io, io.stderr);
  for (const e of failed) io.stderr.write(`${style.fail} expectation failed: ${e.expr} (actual ${formatActual(e.expr, e.actual)})\n`);
  if (violations > 0) io.stderr.write(`${style.fail} ${violations} invariant violations\n`);
  io.stderr.write(`reproduce: ${repro}\n`);
  return { exitCode: EXIT_FAILED, report };
}

/** The lock groups whose holders the --html page draws: none when the agent's strategy takes no lock. */
function lockedGroups(scenario: Scenario): string[] {
  return lockGroups(scenario.reboot, scenario.fleet.groups.map((g) => g.name))
    .filter((g) => g.protocol !== null)
    .map((g) => g.name);
}
