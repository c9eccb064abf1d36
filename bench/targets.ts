/**
 * The performance targets, measured as a user meets them: cold processes started from the shell
 * (the built CLI, bin/fleetsim.js), medians of interleaved runs, the machine's reference loop
 * printed beside them. Each line gives the target, the figure and whether it holds.
 *
 *   npx tsx bench/targets.ts           targets 1, 2, 4, 5 (about 3 min on a quiet 2-core machine)
 *   npx tsx bench/targets.ts --huge    also target 3, the 1M-node week (about 1 more min)
 *
 * The SimPy peer (bench/peer/simpy_fleet.py, the model a SimPy user would write of the same
 * rollout) is timed beside fleetsim when SimPy 4 is importable. When it is not (PyPI is out of
 * reach on some machines, and Debian ships only SimPy 2.3, whose API differs), the ratios use the
 * peer's figures measured on this project's machine when the targets were set (2.96 s for
 * 10k x 48 h, 134.7 s for 100k x 200 h) and say so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { referenceScenario } from './fleet.ts';
import { benchWorkloads } from './workloads.ts';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'fleetsim.js');
const PEER = join(import.meta.dirname, 'peer', 'simpy_fleet.py');
/** The peer's wall seconds on this project's machine when issue 19 set the targets. */
const PEER_RECORDED_S = { '10k': 2.96, '100k': 134.7 } as const;

export interface Timed {
  wallS: number;
  peakRssMb: number;
}

export interface TargetLine {
  target: string;
  figure: string;
  holds: boolean | null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** One cold process, its wall time and peak RSS (GNU time's %M, in KiB). */
const GNU_TIME = '/usr/bin/time';
const HAS_GNU_TIME = existsSync(GNU_TIME);

function timed(command: string, args: string[]): Timed {
  const started = performance.now();
  // Without GNU time (not every machine has it) the wall time stands and the peak is unknown.
  const [program, programArgs] = HAS_GNU_TIME ? [GNU_TIME, ['-f', 'FLEETSIM_PEAK_KIB %M', command, ...args]] : [command, args];
  const child = spawnSync(program, programArgs, {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const wallS = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${child.status}):\n${child.stderr}`);
  const peak = /FLEETSIM_PEAK_KIB (\d+)/.exec(child.stderr);
  return { wallS, peakRssMb: peak === null ? Number.NaN : Math.round(Number(peak[1]) / 1024) };
}

/** `rounds` interleaved rounds of every command; the median wall and the largest peak of each. */
function interleaved(commands: Record<string, [string, string[]]>, rounds: number): Record<string, Timed> {
  const runs: Record<string, Timed[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [key, [command, args]] of Object.entries(commands)) runs[key].push(timed(command, args));
  }
  return Object.fromEntries(
    Object.entries(runs).map(([key, list]) => [key, { wallS: median(list.map((t) => t.wallS)), peakRssMb: Math.max(...list.map((t) => t.peakRssMb)) }]),
  );
}

function simpyUsable(): boolean {
  const probe = spawnSync('python3', ['-c', 'import simpy, sys; sys.exit(0 if simpy.__version__.startswith("4.") else 1)'], { encoding: 'utf8' });
  return probe.status === 0;
}

const seconds = (s: number) => `${s.toFixed(2)} s`;

export type WorkloadsFigures = ReturnType<typeof benchWorkloads>;

/** `workloads`: the workloads part's figures when it already ran (so it is not run twice). */
export function measureTargets(huge: boolean, workloadsDone: WorkloadsFigures | null = null, log: (line: string) => void = console.log): TargetLine[] {
  const dir = mkdtempSync(join(tmpdir(), 'fleetsim-targets-'));
  const lines: TargetLine[] = [];
  try {
    const file10k = join(dir, 'reference-10k-48h.yaml');
    const file100k = join(dir, 'reference-100k-200h.yaml');
    writeFileSync(file10k, referenceScenario(10_000, 48));
    writeFileSync(file100k, referenceScenario(100_000, 200));
    // Built before timing: the first start after an edit rebuilds dist/ (bin/build.js); `--version`
    // alone would not, it answers without the build.
    timed(process.execPath, [join(ROOT, 'bin', 'build.js')]);

    log('target 1: start-up (cold processes, median of 9 interleaved)');
    const start = interleaved(
      {
        node: [process.execPath, ['-e', '0']],
        version: [process.execPath, [CLI, '--version']],
        validate: [process.execPath, [CLI, 'validate', join(ROOT, 'scenarios', 'default.yaml')]],
      },
      9,
    );
    log(`  node -e 0 ${seconds(start.node.wallS)} (the floor)`);
    lines.push({ target: '`fleetsim --version` < 0.15 s', figure: seconds(start.version.wallS), holds: start.version.wallS < 0.15 });
    lines.push({ target: '`fleetsim validate` of a small scenario < 0.25 s', figure: seconds(start.validate.wallS), holds: start.validate.wallS < 0.25 });

    const peer = simpyUsable();
    log(`target 2: reference rollouts from the shell (5 etcd members, etcd-lock max 1, release at 1 h)${peer ? ', beside the SimPy peer' : ''}`);
    const run = (file: string): [string, string[]] => [process.execPath, [CLI, 'run', file, '--seed', '1', '-q']];
    const ten = interleaved({ fleetsim: run(file10k), ...(peer ? { simpy: ['python3', [PEER, '10000', '1', '48']] as [string, string[]] } : {}) }, 5);
    const hundred = interleaved({ fleetsim: run(file100k), ...(peer ? { simpy: ['python3', [PEER, '100000', '1', '200']] as [string, string[]] } : {}) }, 3);
    const peer10k = peer ? ten.simpy.wallS : PEER_RECORDED_S['10k'];
    const peer100k = peer ? hundred.simpy.wallS : PEER_RECORDED_S['100k'];
    const source = peer ? 'timed beside it' : 'recorded when the target was set: SimPy 4 is not importable here';
    lines.push({
      target: '10k x 48 h >= 4x the SimPy peer',
      figure: `${seconds(ten.fleetsim.wallS)}, ${(peer10k / ten.fleetsim.wallS).toFixed(1)}x the peer's ${seconds(peer10k)} (${source})`,
      holds: peer10k / ten.fleetsim.wallS >= 4,
    });
    lines.push({
      target: '100k x 200 h >= 25x the SimPy peer, < 1 GB',
      figure: `${seconds(hundred.fleetsim.wallS)}, ${hundred.fleetsim.peakRssMb} MB, ${(peer100k / hundred.fleetsim.wallS).toFixed(1)}x the peer's ${seconds(peer100k)} (${source})`,
      holds: peer100k / hundred.fleetsim.wallS >= 25 && hundred.fleetsim.peakRssMb < 1024,
    });

    if (huge) {
      log('target 3: 1M nodes x 168 h from the shell (one run)');
      const fileMillion = join(dir, 'reference-1m-168h.yaml');
      writeFileSync(fileMillion, referenceScenario(1_000_000, 168));
      const million = timed(process.execPath, [CLI, 'run', fileMillion, '--seed', '1', '-q']);
      lines.push({ target: '1M x 168 h < 30 s, < 1.5 GB', figure: `${seconds(million.wallS)}, ${million.peakRssMb} MB`, holds: million.wallS < 30 && million.peakRssMb < 1536 });
    } else {
      lines.push({ target: '1M x 168 h < 30 s, < 1.5 GB', figure: 'not run (add --huge)', holds: null });
    }

    log('target 4: kured with workloads, 10k nodes, 2 weeks (bench/workloads.ts, median of 3)');
    const workloads = workloadsDone ?? benchWorkloads();
    lines.push({
      target: 'kured + 100k instances within 3x of the same fleet without',
      figure: `${workloads.ratio}x (${seconds(workloads.with.wallMs / 1000)} vs ${seconds(workloads.without.wallMs / 1000)})`,
      holds: workloads.ratio <= 3,
    });

    log('target 5: sweep of 100 seeds of the 10k x 48 h reference on 2 workers (one run)');
    const sweep = timed(process.execPath, [CLI, 'sweep', file10k, '--seeds', '100', '--workers', '2', '--csv', join(dir, 'sweep.csv')]);
    lines.push({ target: 'sweep, 100 seeds x 10k x 48 h, 2 workers < 60 s', figure: seconds(sweep.wallS), holds: sweep.wallS < 60 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

export function printTargets(lines: TargetLine[]): void {
  console.log('targets (issue 19):');
  for (const line of lines) {
    const verdict = line.holds === null ? 'not run' : line.holds ? 'holds' : 'MISSED';
    console.log(`  ${verdict.padEnd(7)}  ${line.target.padEnd(62)}  ${line.figure}`);
  }
}

const argv = process.argv;
if (import.meta.url === `file://${argv[1]}`) printTargets(measureTargets(argv.includes('--huge')));
