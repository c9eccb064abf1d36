/**
 * Fleet benchmark (the performance issue's reference scenarios): a realistic rollout — 5 etcd
 * members, etcd-lock with max 1, a release at 1 h, the issue's horizons (1 week; 200 h for 100k
 * nodes, where ~94% have rebooted: locksmithd's jitter-free retries bunch the waiters, see
 * docs/performance.md) — for 1k, 10k and 100k nodes (1M with --huge). Each size runs in its own process so that peak RSS is
 * its own; figures: wall time, events, transitions/s, simulated-to-wall ratio, peak RSS, bytes
 * per node.
 *
 *   npx tsx bench/fleet.ts            all sizes (child processes)
 *   npx tsx bench/fleet.ts --one N H [M]  one size in this process (N nodes, H hours, M etcd
 *                                        members, default 5), prints JSON
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseScenario, formatScenarioError } from '../sim/scenario/index.ts';
import { FleetRun } from '../sim/run/fleet-run.ts';

export interface FleetFigure {
  nodes: number;
  horizonHours: number;
  etcdMembers: number;
  wallMs: number;
  initMs: number;
  events: number;
  transitions: number;
  transitionsPerSecond: number;
  eventsPerSecond: number;
  simulatedToWall: number;
  peakRssMb: number;
  machineBytesPerNode: number;
  rssBytesPerNode: number;
  completed: boolean;
  /** Nodes running the release at the end (each went through one update and reboot). */
  updatedNodes: number;
  rolloutHours: number | null;
  traceHash: string;
}

export const REFERENCE_SIZES: Array<[number, number]> = [
  [1_000, 168],
  [10_000, 168],
  [100_000, 200],
];
export const HUGE_SIZE: [number, number] = [1_000_000, 168];

const REFERENCE_REBOOT = '{strategy: etcd-lock, maxConcurrent: 1}';

export function referenceScenario(nodes: number, horizonHours: number, etcdMembers = 5, reboot = REFERENCE_REBOOT, name = `reference-${nodes}`): string {
  return `
name: ${name}
description: ${JSON.stringify(`realistic rollout for the benchmark (${etcdMembers} etcd members, ${reboot === REFERENCE_REBOOT ? 'etcd-lock max 1' : `reboot ${reboot}`}, release at 1h)`)}
duration: ${horizonHours}h
fleet:
  groups:
    - {name: prod, nodes: ${nodes}, zones: [a, b, c]}
etcd: {members: ${etcdMembers}}
releases:
  - {version: 3815.2.0, at: 1h}
reboot: ${reboot}
limits: {maxEvents: 2000000000, maxPendingEvents: 16000000}
`;
}

export function runOne(nodes: number, horizonHours: number, etcdMembers = 5): FleetFigure {
  return measureScenario(referenceScenario(nodes, horizonHours, etcdMembers), `reference-${nodes}.yaml`, nodes, horizonHours, etcdMembers);
}

/** Builds and runs one scenario to its end in this process; the figures of that run. */
export function measureScenario(text: string, fileName: string, nodes: number, horizonHours: number, etcdMembers: number): FleetFigure {
  const parsed = parseScenario(text, fileName);
  if (!parsed.ok) throw new Error(parsed.errors.map(formatScenarioError).join('\n'));
  const t0 = performance.now();
  const run = new FleetRun(parsed.scenario);
  const t1 = performance.now();
  run.runToEnd();
  const t2 = performance.now();
  const report = run.report();
  const wallMs = t2 - t0;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  return {
    nodes,
    horizonHours,
    etcdMembers,
    wallMs: Math.round(wallMs),
    initMs: Math.round(t1 - t0),
    events: report.events,
    transitions: report.transitions,
    transitionsPerSecond: Math.round(report.transitions / ((t2 - t1) / 1000)),
    eventsPerSecond: Math.round(report.events / ((t2 - t1) / 1000)),
    simulatedToWall: Math.round((horizonHours * 3_600_000) / wallMs),
    peakRssMb: Math.round(peakRssMb),
    machineBytesPerNode: run.world.machineBytesPerNode,
    rssBytesPerNode: Math.round((peakRssMb * 1024 * 1024) / nodes),
    completed: report.rollout.completed,
    updatedNodes: report.fleet.updated,
    rolloutHours: report.rollout.duration === null ? null : Math.round((report.rollout.duration / 3_600_000) * 10) / 10,
    traceHash: report.traceHash,
  };
}

/** One run in a child process (clean peak RSS). */
export function runChild(nodes: number, hours: number, etcdMembers = 5): FleetFigure {
  const self = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', '--max-old-space-size=12000', self, '--one', String(nodes), String(hours), String(etcdMembers)];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`bench of ${nodes} nodes failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as FleetFigure;
}

/** The median (by wall time) of `repeats` child runs: other processes share the machine. */
export function medianRun(nodes: number, hours: number, etcdMembers = 5, repeats = 3): FleetFigure {
  const runs = Array.from({ length: repeats }, () => runChild(nodes, hours, etcdMembers));
  runs.sort((a, b) => a.wallMs - b.wallMs);
  return runs[Math.floor(runs.length / 2)];
}

/** Runs each size in child processes, median of `repeats` (3 by default) per size. */
export function benchFleet(huge = false, repeats = 3): FleetFigure[] {
  const sizes = huge ? [...REFERENCE_SIZES, HUGE_SIZE] : REFERENCE_SIZES;
  // The 1M-node run takes a minute or more: once.
  return sizes.map(([nodes, hours]) => medianRun(nodes, hours, 5, nodes >= 1_000_000 ? 1 : repeats));
}

export function printFleet(figures: FleetFigure[]): void {
  console.log('fleet: reference rollouts (5 etcd members, etcd-lock max 1, release at 1 h), median of 3 runs');
  for (const f of figures) {
    console.log(
      `  ${String(f.nodes).padStart(9)} nodes x ${String(f.horizonHours).padStart(3)} h  ` +
        `wall ${(f.wallMs / 1000).toFixed(2).padStart(7)} s  events ${String(f.events).padStart(10)}  ` +
        `${(f.transitionsPerSecond / 1e6).toFixed(2)} M transitions/s  sim/wall ${String(f.simulatedToWall).padStart(8)}x  ` +
        `peak RSS ${f.peakRssMb} MB  ${f.machineBytesPerNode} B/node (machines), ${f.rssBytesPerNode} B/node (RSS)  ` +
        `rollout ${f.completed ? `${f.rolloutHours} h` : 'incomplete'}`,
    );
  }
}

const argv = process.argv;
if (import.meta.url === `file://${argv[1]}`) {
  if (argv[2] === '--one') {
    console.log(JSON.stringify(runOne(Number(argv[3]), Number(argv[4]), argv[5] === undefined ? 5 : Number(argv[5]))));
  } else {
    printFleet(benchFleet(argv.includes('--huge')));
  }
}
