// `fleetsim run FILE`: one run with a progress bar on a terminal, a summary table, the JSON
// report and the event trace. Exit 1 when an expectation or invariant failed (or the model
// crashed), with the command that reproduces the run; 2 on bad input.

import type { Report } from '../../report/report.ts';
import { FleetRun } from '../../run/fleet-run.ts';
import { assertDistinctPaths, parseSeedOption, parseSetOption } from '../args.ts';
import { badInput, EXIT_FAILED, EXIT_OK, type ExitCode } from '../exit.ts';
import { assertWritable, writeOutput } from '../files.ts';
import { formatReportValue } from '../format.ts';
import { styleOf, type Io } from '../io.ts';
import { describeCrash } from '../job.ts';
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
  const started = io.nowMs();
  let report: Report;
  try {
    // Inside the try: building the world runs model code, whose assertions are crashes too.
    if (options.trace !== undefined) traceWriter = new TraceFileWriter(options.trace);
    run = new FleetRun(loaded.scenario, { seed, traceSubscriber: traceWriter?.listener });
    run.runToEnd((r) => {
      const wallMs = io.nowMs() - started;
      progress.update(formatRunProgress({ simMs: r.now, horizonMs: r.horizonMs, events: r.sim.eventsExecuted, wallMs }, ascii), wallMs);
    });
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
