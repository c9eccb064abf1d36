// The `fleetsim` command line (docs/cli.md). Commands: run, check, sweep, search, fuzz, worker,
// validate, import, serve, start. Exit codes: 0 ok, 1 an expectation or invariant failed, 2 bad input. Errors go to
// stderr; machine-readable output (--json -, --csv -) to stdout. Only sim/cli/ touches files,
// processes, threads and the wall clock; the simulation itself is pure (sim/).

import { Command, CommanderError } from 'commander';
import type { CheckOptions } from './commands/check.ts';
import type { FuzzOptions } from './commands/fuzz.ts';
import type { ImportOptions } from './commands/import.ts';
import type { RunOptions } from './commands/run.ts';
import type { SearchOptions } from './commands/search.ts';
import type { ServeOptions } from './commands/serve.ts';
import type { SweepOptions } from './commands/sweep.ts';
import type { WorkerOptions } from './commands/worker.ts';
import { MAX_WORKERS } from './limits.ts';
import { addBatchOptions } from './batch-flags.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, type ExitCode } from './exit.ts';
import { processIo, type Io } from './io.ts';
import { FLEETSIM_PACKAGE_VERSION } from './repo-root.ts';

export type MainOutcome = ExitCode | 'serving';

// Commands are imported when they run, so that `--version`, `--help` and `validate` do not load
// the model (xstate, the compiled machines), which takes most of a second. The defaults the help
// text shows are therefore repeated here; a test keeps them equal to the commands' own.
export const HELP_DEFAULTS = { checkSeeds: 10, port: 8080, host: '127.0.0.1' } as const;
/** The same for `fuzz` (test/cli/fuzz.test.ts keeps them equal to sim/cli/commands/fuzz.ts). */
export const FUZZ_HELP_DEFAULTS = { out: 'fuzz-failures', shrinkRuns: 100 } as const;
/** The same for `worker` (test/cli/queue/worker.test.ts keeps it equal to sim/cli/commands/worker.ts). */
export const WORKER_HELP_DEFAULTS = { lockDurationMs: 30_000 } as const;


const collect = (value: string, previous: string[]) => [...previous, value];

const EXIT_HELP = `
Exit codes:
  0  ok
  1  an expectation or invariant failed (or a run crashed); the seed and the command that
     reproduces it are printed
  2  bad input: unknown flag, missing file, invalid scenario, bad --set, an output file that
     exists without --force`;

function buildProgram(io: Io, setOutcome: (o: MainOutcome) => void): Command {
  const program = new Command();
  program
    .name('fleetsim')
    .description('Deterministic simulator of fleets of self-updating machines (A/B partitions, etcd/Raft reboot locks, rollout policies, faults).')
    .version(FLEETSIM_PACKAGE_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText('after', `${EXIT_HELP}\n\nDocumentation: docs/cli.md, docs/scenario-format.md, docs/report.md`);

  program
    .command('run')
    .description('run one scenario with one seed: progress bar on a terminal, summary table, JSON report, event trace')
    .argument('<file>', 'scenario file (YAML or JSON)')
    .option('--seed <n>', "root seed (default: the scenario's seed)")
    .option('--duration <d>', "simulated horizon, overriding the scenario's duration (e.g. 12h, 3d)")
    .option('--json <file>', 'write the report/v1 JSON to FILE, or to stdout with - (the summary then goes to stderr)')
    .option('--trace <file>', 'write the event trace to FILE as JSON lines')
    .option('--set <path=value>', 'override one scenario value, like reboot.maxConcurrent=2 (repeatable)', collect, [])
    .option('--html <file>', 'write one self-contained page (d3 inline, no network) to FILE: the run\'s time series (versions, nodes down, lock holders)')
    .option('--markdown <file>', 'write a Markdown summary for a pull request to FILE (time to patch p50/p95, fits the reboot window, most nodes down, workloads, checks); also appended to $GITHUB_STEP_SUMMARY when set')
    .option('-q, --quiet', 'no progress bar and no summary (failures are still printed)')
    .option('-f, --force', 'overwrite output files that exist')
    .addHelpText('after', `\nExamples:\n  fleetsim run scenarios/default.yaml --seed 7\n  fleetsim run scenarios/default.yaml --json report.json --trace trace.jsonl\n  fleetsim run scenarios/default.yaml --json - | jq .rollout${EXIT_HELP}`)
    .action(async (file: string, options: RunOptions) => {
      const { runCommand } = await import('./commands/run.ts');
      setOutcome(runCommand(file, options, io).exitCode);
    });

  const check = program
    .command('check')
    .description('CI mode: every scenario over N seeds on worker threads, a table of expectations, JUnit XML')
    .argument('<paths...>', 'scenario files, or directories (every .yaml, .yml and .json directly inside, sorted)');
  addBatchOptions(check, { help: `seeds per scenario (default ${HELP_DEFAULTS.checkSeeds})`, required: false, seedBaseHelp: "first seed; the seeds are S, S+1, ... (default: each scenario's own seed)" })
    .option('--junit <file>', 'write JUnit XML to FILE (one testsuite per scenario, one testcase per expectation)')
    .option('--json <file>', 'write the check/v1 JSON (verdicts, failing seeds, trace hashes) to FILE, or to stdout with -')
    .option('--html <file>', 'write one self-contained page (d3 inline, no network) to FILE: p50/p95/max over the seeds per scenario')
    .option('--markdown <file>', 'write a Markdown summary for a pull request to FILE (time to patch p50/p95, fits the reboot window, most nodes down, workloads, checks); also appended to $GITHUB_STEP_SUMMARY when set')
    .option('-f, --force', 'overwrite output files that exist')
    .addHelpText('after', `\nExamples:\n  fleetsim check scenarios/ --seeds 20 --junit fleetsim-junit.xml\n  fleetsim check a.yaml b.yaml --seeds 5 --seed-base 1000 --workers 2${EXIT_HELP}`)
    .action(async (paths: string[], options: CheckOptions) => {
      const { checkCommand } = await import('./commands/check.ts');
      setOutcome(await checkCommand(paths, options, io));
    });

  const sweep = program
    .command('sweep')
    .description('policy comparison: every combination of --set values over N seeds; p50/p95/max of the key metrics')
    .argument('<file>', 'scenario file');
  addBatchOptions(sweep, { help: 'seeds per combination', required: true, seedBaseHelp: "first seed (default: the scenario's seed)" })
    .option('--set <path=v1,v2>', 'values to try for a scenario path, like reboot.maxConcurrent=1,2,4 (repeatable; the cartesian product is run)', collect, [])
    .option('--html <file>', 'write one self-contained page (d3 inline, no network) to FILE: p50/p95/max over the seeds per combination')
    .option('--markdown <file>', 'write a Markdown summary for a pull request to FILE (time to patch p50/p95, fits the reboot window, most nodes down, workloads, checks); also appended to $GITHUB_STEP_SUMMARY when set')
    .option('--csv <file>', 'write the statistics as CSV to FILE, or to stdout with - (one row per combination and metric)')
    .option('-f, --force', 'overwrite output files that exist')
    .addHelpText('after', `\nExamples:\n  fleetsim sweep scenarios/default.yaml --seeds 10 --set reboot.maxConcurrent=1,2,4 --csv sweep.csv\n  fleetsim sweep s.yaml --seeds 5 --set policy.default.maxUpdatesPerPeriod=50,100 --set reboot.strategy=etcd-lock,reboot\n\nExit codes: 0 ok, 1 a run crashed, 2 bad input.`)
    .action(async (file: string, options: SweepOptions) => {
      const { sweepCommand } = await import('./commands/sweep.ts');
      setOutcome(await sweepCommand(file, options, io));
    });

  const search = program
    .command('search')
    .description('policy search: the grid of --set values over N seeds, and the Pareto frontier of rollout time (p95 rollout.duration) against disruption (p95 availability.maxDown), as a table, CSV and an HTML chart')
    .argument('<file>', 'scenario file');
  addBatchOptions(search, { help: 'seeds per combination', required: true, seedBaseHelp: "first seed (default: the scenario's seed)" })
    .option('--set <path=v1,v2>', 'values to search for a scenario path, like reboot.maxConcurrent=1,2,4 (repeatable, at least one; the cartesian product is run)', collect, [])
    .option('--csv <file>', 'write every combination with its scores and a frontier column (1/0) as CSV to FILE, or to stdout with -')
    .option('--html <file>', 'write a self-contained page (no network) drawing the combinations and the frontier to FILE')
    .option('-f, --force', 'overwrite output files that exist')
    .addHelpText('after', `\nExamples:\n  fleetsim search scenarios/default.yaml --seeds 20 --set reboot.maxConcurrent=1,2,4,8 --set policy.default.maxUpdatesPerPeriod=50,100 --html frontier.html\n  fleetsim search s.yaml --seeds 50 --set reboot.maxConcurrent=1,2,4 --queue redis://10.0.0.5:6379 --csv frontier.csv\n\nLower is better on every objective; a point is on the frontier when no other combination is at least as good on all of them and better on one.\nExit codes: 0 ok, 1 a run crashed, 2 bad input.`)
    .action(async (file: string, options: SearchOptions) => {
      const { searchCommand } = await import('./commands/search.ts');
      setOutcome(await searchCommand(file, options, io));
    });

  const fuzz = program
    .command('fuzz')
    .description('fault-schedule fuzzing: per seed, random faults from the scenario\'s fuzz mix, then a liveness phase; failing seeds become standalone, shrunk scenarios')
    .argument('<file>', 'scenario file (its `fuzz` section sets the fault mix; without one, the default mix)');
  addBatchOptions(fuzz, { help: 'seeds to run, one fault schedule each', required: true, seedBaseHelp: "first seed (default: the scenario's seed)" })
    .option('--out <dir>', `where failing seeds' scenarios go (default ${FUZZ_HELP_DEFAULTS.out})`)
    .option('--shrink-runs <n>', `runs spent shrinking each kind of failure (default ${FUZZ_HELP_DEFAULTS.shrinkRuns}; 0: no shrinking)`)
    .option('-f, --force', 'overwrite scenarios of an earlier fuzz in --out')
    .addHelpText('after', `\nExamples:\n  fleetsim fuzz scenarios/power-loss-storm.yaml --seeds 1000 --workers 2\n  fleetsim fuzz s.yaml --seeds 50 --seed-base 7000 --out /tmp/fuzz --force${EXIT_HELP}`)
    .action(async (file: string, options: FuzzOptions) => {
      const { fuzzCommand } = await import('./commands/fuzz.ts');
      setOutcome(await fuzzCommand(file, options, io));
    });

  program
    .command('worker')
    .description('serve a queue: run the jobs that check, sweep, fuzz and search --queue put in Redis, on worker threads, until Ctrl-C (which drains)')
    .requiredOption('--queue <url>', 'the Redis to take jobs from: redis://HOST:PORT[/DB]')
    .option('--workers <n>', `worker threads, 1-${MAX_WORKERS}: runs in hand at once (default: the number of cores)`)
    .option('--lock-duration <ms>', `how long a run's lock lasts unrenewed, in ms, 1000-3600000 (default ${WORKER_HELP_DEFAULTS.lockDurationMs}): a worker that dies holding runs is noticed by the other workers within about twice this, and its runs are retried`)
    .addHelpText('after', `\nExamples:\n  fleetsim worker --queue redis://10.0.0.5:6379 --workers 8\n  fleetsim sweep s.yaml --seeds 50 --set reboot.maxConcurrent=1,2,4 --queue redis://10.0.0.5:6379 --csv sweep.csv\n\nCtrl-C or SIGTERM: finish the runs in hand, return them, exit 0; a second Ctrl-C stops at once.\nExit codes: 0 stopped, 2 bad input (a bad URL, Redis unreachable).`)
    .action(async (options: WorkerOptions) => {
      const { workerCommand } = await import('./commands/worker.ts');
      setOutcome(await workerCommand(options, io));
    });

  program
    .command('validate')
    .description('check scenario files; print every error as file:line:col: path: message')
    .argument('<files...>', 'scenario files')
    .addHelpText('after', '\nExit codes: 0 every file is valid, 2 at least one is not.')
    .action(async (files: string[]) => {
      const { validateCommand } = await import('./commands/validate.ts');
      setOutcome(validateCommand(files, io));
    });

  program
    .command('import')
    .description('build a scenario from real configuration: kured DaemonSet manifest or Helm values, Zincati config.d TOML, locksmith update.conf, airlock config.toml, a Nebraska group (JSON), kubectl get nodes,pods,pdb -o json')
    .argument('<files...>', "configuration files; each one's kind is read from its content; later files' values win")
    .option('-o, --output <file>', 'write the scenario to FILE (.yaml with source comments, .json with a `sources` key; default: YAML to stdout)')
    .option('--nodes <n>', 'fleet size when no file lists nodes (default 10)')
    .option('-f, --force', 'overwrite the output file if it exists')
    .addHelpText('after', `\nExamples:\n  fleetsim import kured-daemonset.yaml --nodes 40 -o cluster.yaml\n  kubectl get nodes,pods,pdb -o json > cluster.json && fleetsim import cluster.json kured-values.yaml -o cluster.yaml\n  fleetsim import /etc/zincati/config.d/*.toml airlock.toml -o fcos.json\n\nEvery value cites its file and line; settings with no scenario key are listed on stderr. See docs/import.md.\nExit codes: 0 ok, 2 bad input (a file of no known kind, broken YAML/TOML, a value its own tool refuses, an output file that exists without --force).`)
    .action(async (files: string[], options: ImportOptions) => {
      const { importCommand } = await import('./commands/import.ts');
      setOutcome(importCommand(files, options, io));
    });

  program
    .command('serve')
    .description('the web UI (play, pause, step, inject faults)')
    .option('--port <port>', `port (default ${HELP_DEFAULTS.port})`)
    .option('--host <host>', `address to listen on (default ${HELP_DEFAULTS.host})`)
    .option('--scenario <file>', 'scenario to open')
    .addHelpText('after', '\nRuns until interrupted; exit code 2 on bad input (a bad port, an invalid scenario).')
    .action(async (options: ServeOptions) => {
      const { serveCommand } = await import('./commands/serve.ts');
      setOutcome(await serveCommand(options, io));
    });

  program
    .command('start')
    .description('what `npm start` runs: the web UI on scenarios/default.yaml (the client is built first when needed)')
    .action(async () => {
      const { startCommand } = await import('./commands/start.ts');
      setOutcome(await startCommand(io));
    });

  return program;
}

/** Parses argv (without node and the script), runs the command, returns its exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<MainOutcome> {
  let outcome: MainOutcome = EXIT_OK;
  const program = buildProgram(io, (o) => {
    outcome = o;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return outcome;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with "errors" that are not failures.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_OK;
      // Commander has already printed the message (unknown option, missing argument...).
      return EXIT_BAD_INPUT;
    }
    if (error instanceof CliError) {
      for (const line of error.lines) io.stderr.write(`${line}\n`);
      return error.exitCode;
    }
    io.stderr.write(`fleetsim: internal error (a bug in fleetsim; please report it with the command line):\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_FAILED;
  }
}

/** The process entry (bin/fleetsim.js). */
export async function runMain(): Promise<void> {
  const outcome = await main(process.argv.slice(2));
  if (outcome !== 'serving') process.exitCode = outcome;
}
