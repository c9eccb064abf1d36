// `fleetsim fuzz FILE --seeds N [--seed-base S] [--workers N] [--out DIR] [--force]
// [--shrink-runs N]`: fault-schedule fuzzing (TigerBeetle's VOPR). Per seed, a fault schedule is
// drawn from the scenario's `fuzz` mix (sim/faults/fuzz-schedule.ts) and written into a standalone
// scenario; the runs go to worker threads like `check`. A run fails when an invariant checker
// fired or the model crashed (an assertion). Each failing seed's scenario is written to DIR; the
// first failure of each kind is shrunk (fewer faults, fewer nodes, a shorter horizon) while it
// still fails the same way, written next to it, and the command that reproduces it is printed.
// Exit 1 if any run failed, 0 if none, 2 on bad input.

import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Report } from '../../report/report.ts';
import { FleetRun } from '../../run/fleet-run.ts';
import { formatScenarioError, parseScenario, type Scenario } from '../../scenario/index.ts';
import { formatDuration } from '../../scenario/units.ts';
import { DEFAULT_FUZZ, drawFuzzSchedule } from '../../faults/fuzz-schedule.ts';
import { faultsOf, fuzzScenario, nodeCountOf, scenarioText, type RawScenario } from '../../faults/fuzz-scenario.ts';
import { shrinkScenario } from '../../faults/shrink.ts';
import { parseIntegerOption, seedList } from '../args.ts';
import { parseBatchOptions, type BatchOptions } from '../batch-options.ts';
import { badInput, CliError, EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, type ExitCode } from '../exit.ts';
import { writeOutput } from '../files.ts';
import { styleOf, type Io } from '../io.ts';
import { describeCrash, type JobResult, type RunJob } from '../job.ts';
import { loadScenario } from '../load.ts';
import { describeTarget, runBatch } from '../batch.ts';
import { shellQuote } from '../repro.ts';

export interface FuzzOptions extends BatchOptions {
  out?: string;
  shrinkRuns?: string;
}

export const DEFAULT_FUZZ_OUT = 'fuzz-failures';
export const DEFAULT_SHRINK_RUNS = 100;
/** Failures shrunk per fuzz command: the first of each signature, at most this many. */
const SHRUNK_MAX = 5;
/** Failures listed one by one; the rest are counted. */
const LISTED_MAX = 20;

export interface FuzzFailure {
  seed: number;
  /** What kind of failure: the first violation's checker, or `crash: <message>`. */
  signature: string;
  summary: string;
  /** Time of the first violation when it is a safety violation (the horizon can be cut there). */
  safetyTimeMs: number | null;
}

export async function fuzzCommand(file: string, options: FuzzOptions, io: Io): Promise<ExitCode> {
  const { seedCount, seedBase, target, force } = parseBatchOptions(options);
  const shrinkRuns = options.shrinkRuns === undefined ? DEFAULT_SHRINK_RUNS : parseIntegerOption('--shrink-runs', options.shrinkRuns, 0, 10_000);
  const outDir = options.out ?? DEFAULT_FUZZ_OUT;

  const base = loadScenario(file);
  const parsed = parseScenario(base.text, file);
  if (!parsed.ok) throw new CliError(parsed.errors.map(formatScenarioError), EXIT_BAD_INPUT);
  const raw = parsed.raw as RawScenario;
  const scenario = base.scenario;
  const prefix = `${fileSafe(scenario.name)}-fuzz-`;
  assertOutDir(outDir, prefix, force);

  // Every seed's scenario is built and validated before the first run: a fuzz mix that cannot
  // produce a valid scenario is bad input, not a failure of the model.
  const seeds = seedList(seedBase ?? scenario.seed, seedCount);
  const jobs: RunJob[] = seeds.map((seed) => {
    const doc = fuzzScenario(raw, drawFuzzSchedule(scenario, seed), seed);
    const text = scenarioText(doc, `Drawn by: fleetsim fuzz ${file} (seed ${seed}). Replays alone: fleetsim run FILE.`);
    const check = parseScenario(text, `${prefix}${seed}.yaml`);
    if (!check.ok) throw new CliError([`fuzz: seed ${seed} draws an invalid scenario (check the fuzz section of ${file}):`, ...check.errors.slice(0, 5).map(formatScenarioError)], EXIT_BAD_INPUT);
    return { file: `${prefix}${seed}.yaml`, text, overrides: {}, seed };
  });

  if (scenario.fuzz === null) io.stderr.write(`fuzz: ${file} has no fuzz section; using the default mix over a ${formatDuration(DEFAULT_FUZZ.safety)} safety phase\n`);
  const started = io.nowMs();
  const results = await runBatch(jobs, target, io);
  const runWallMs = io.nowMs() - started;

  const failures: { failure: FuzzFailure; job: RunJob }[] = [];
  results.forEach((result, i) => {
    const failure = judge(jobs[i].seed, result);
    if (failure !== null) failures.push({ failure, job: jobs[i] });
  });
  const events = results.reduce((sum, r) => sum + (r.ok ? r.report.events : 0), 0);
  // Seeds that passed only because the real system shares the dead end (locksmith's ghost holder).
  const excused = results.filter((r, i) => r.ok && r.report.invariants.excused.length > 0 && judge(jobs[i].seed, r) === null);
  const style = styleOf(io, io.stdout);
  io.stdout.write(
    `fuzz ${scenario.name}: ${seeds.length} seeds (${seeds[0]}..${seeds[seeds.length - 1]}) ${describeTarget(target, jobs.length)} in ${(runWallMs / 1000).toFixed(1)}s ` +
      `(${formatRate(events, runWallMs)} events/s): ${failures.length === 0 ? style.green('no violation') : style.red(`${failures.length} failing seeds`)}\n`,
  );
  if (excused.length > 0) {
    const first = excused[0];
    const example = first.ok ? `seed ${jobs[results.indexOf(first)].seed}: ${first.report.invariants.excused[0].message}` : '';
    io.stdout.write(`  ${excused.length} seeds reached a dead end of the real system, excused (invariants.excused in their reports), e.g. ${example}\n`);
  }
  if (failures.length === 0) return EXIT_OK;

  const bySignature = new Map<string, number>();
  for (const { failure } of failures) bySignature.set(failure.signature, (bySignature.get(failure.signature) ?? 0) + 1);
  for (const [signature, count] of bySignature) io.stdout.write(`  ${count} x ${signature}\n`);

  mkdirSync(outDir, { recursive: true });
  const shrunkSignatures = new Set<string>();
  let listed = 0;
  failures.forEach(({ failure, job }) => {
    const path = join(outDir, job.file);
    writeOutput(path, job.text);
    // The first failure of each kind is shrunk and listed, even past the listing limit.
    const shrink = shrinkRuns > 0 && !shrunkSignatures.has(failure.signature) && shrunkSignatures.size < SHRUNK_MAX;
    if (!shrink && listed >= LISTED_MAX) return;
    listed++;
    io.stdout.write(`\n${style.red('FAIL')} seed ${failure.seed}: ${failure.summary}\n  scenario: ${path}\n`);
    if (!shrink) {
      io.stdout.write(`  reproduce: ${runCommand(path)}\n`);
      return;
    }
    shrunkSignatures.add(failure.signature);
    const shrinkStarted = performance.now();
    const shrunk = shrinkFailure(job, failure, shrinkRuns);
    const shrunkPath = join(outDir, job.file.replace(/\.yaml$/, '-shrunk.yaml'));
    shrunk.doc.description = `Shrunk by fleetsim fuzz from ${job.file} (seed ${failure.seed}): ${shrunk.faults} faults, ${shrunk.nodes} nodes; fails with ${failure.signature}.`;
    writeOutput(shrunkPath, scenarioText(shrunk.doc, `Shrunk by fleetsim fuzz from ${path}: still fails with ${failure.signature}.\nReplays alone: fleetsim run FILE.`));
    io.stdout.write(
      `  shrunk:   ${shrunkPath} (${shrunk.faults} faults, ${shrunk.nodes} nodes, from ${faultsOf(shrunk.original).length} faults and ${nodeCountOf(shrunk.original)} nodes; ` +
        `${shrunk.runs} runs in ${((performance.now() - shrinkStarted) / 1000).toFixed(1)}s)\n  reproduce: ${runCommand(shrunkPath)}\n`,
    );
  });
  if (failures.length > listed) io.stdout.write(`\n... and ${failures.length - listed} more failing seeds, their scenarios in ${outDir}\n`);
  return EXIT_FAILED;
}

/** A run's verdict: null when it passed. */
export function judge(seed: number, result: JobResult): FuzzFailure | null {
  if (!result.ok) {
    const head = result.error.split('\n')[0];
    return { seed, signature: `crash: ${head.replace(/\d+(\.\d+)?/g, '#')}`, summary: `the run crashed: ${result.error}`, safetyTimeMs: null };
  }
  return judgeReport(seed, result.report);
}

export function judgeReport(seed: number, report: Report): FuzzFailure | null {
  const inv = report.invariants;
  if (inv.violations === 0) return null;
  const first = inv.list[0];
  const more = inv.violations > 1 ? ` (+${inv.violations - 1} more)` : '';
  return {
    seed,
    signature: first.checker,
    summary: `${first.checker} at ${formatDuration(Math.round(first.time))}: ${first.message}${more}`,
    safetyTimeMs: first.checker === 'liveness' ? null : first.time,
  };
}

/** Runs a scenario document in this thread: its failure, or null when it passes (or is invalid). */
function runDoc(doc: RawScenario, seed: number): FuzzFailure | null {
  const parsed = parseScenario(scenarioText(doc, ''), 'shrink.yaml');
  if (!parsed.ok) return null;
  try {
    const run = new FleetRun(parsed.scenario as Scenario, { seed });
    run.runToEnd();
    return judgeReport(seed, run.report());
  } catch (error) {
    return judge(seed, { ok: false, error: describeCrash(error) });
  }
}

function shrinkFailure(job: RunJob, failure: FuzzFailure, maxRuns: number) {
  const parsed = parseScenario(job.text, job.file);
  if (!parsed.ok) throw new Error(`fuzz: a scenario it wrote does not parse: ${parsed.errors.map(formatScenarioError).join('; ')}`);
  const original = parsed.raw as RawScenario;
  const result = shrinkScenario(original, {
    stillFails: (doc) => runDoc(doc, job.seed)?.signature === failure.signature,
    failureTimeMs: failure.safetyTimeMs,
    horizonMs: parsed.scenario.duration,
    maxRuns,
  });
  return { ...result, original };
}

/** Refuses to mix with an earlier fuzz's scenarios unless --force. */
function assertOutDir(dir: string, prefix: string, force: boolean): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw badInput(`--out ${dir}: not a directory`);
  if (force) return;
  const earlier = readdirSync(dir).filter((name) => name.startsWith(prefix) && name.endsWith('.yaml'));
  if (earlier.length > 0) throw badInput(`--out ${dir}: holds ${earlier.length} scenarios of an earlier fuzz (${earlier[0]}, ...); pass --force to overwrite them, or another --out`);
}

function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '_');
}

function runCommand(path: string): string {
  return `npx fleetsim run ${shellQuote(path)}`;
}

function formatRate(events: number, wallMs: number): string {
  const rate = wallMs > 0 ? (events * 1000) / wallMs : 0;
  return rate >= 1e6 ? `${(rate / 1e6).toFixed(1)}M` : `${Math.round(rate / 1000)}k`;
}
