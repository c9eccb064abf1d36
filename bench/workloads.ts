/**
 * Workloads benchmark (issue 16): kured rolling 10,000 nodes for a week, the same fleet with and
 * without 100,000 workload instances (10 workloads x 10,000 replicas, spread, rescheduled on
 * eviction, minAvailable 90%). The target: the run with workloads within 3x the wall time of
 * the run without. Each run in its own process (clean peak RSS); figures: wall time, events,
 * peak RSS, and the extra RSS per instance.
 *
 *   npx tsx bench/workloads.ts                   both runs (child processes), printed
 *   npx tsx bench/workloads.ts --one NODES INSTANCES HOURS   one run in this process, JSON
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseScenario, formatScenarioError } from '../sim/scenario/index.ts';
import { FleetRun } from '../sim/run/fleet-run.ts';

export interface WorkloadsFigure {
  nodes: number;
  instances: number;
  horizonHours: number;
  wallMs: number;
  initMs: number;
  events: number;
  peakRssMb: number;
  /** Heap + array buffers after the run's construction (instances placed), MB. */
  heapAfterInitMb: number;
  /** The same at the end of the run (the run object still alive), MB. */
  heapAfterRunMb: number;
  updatedNodes: number;
  forced: number;
  drainBlockedMs: number;
  minAvailability: number;
  traceHash: string;
}

const WORKLOADS = 10;

export function workloadsScenario(nodes: number, instances: number, horizonHours: number): string {
  const perWorkload = Math.floor(instances / WORKLOADS);
  const workloads =
    instances === 0
      ? ''
      : `workloads:\n${Array.from({ length: WORKLOADS }, (_, w) => `  - {name: svc-${w}, replicas: ${perWorkload}, minAvailable: "90%", startup: {min: 5s, max: 30s}, reschedule: true}`).join('\n')}\n`;
  return `
name: workloads-${nodes}-${instances}
description: kured rolling ${nodes} nodes with ${instances} instances (bench)
duration: ${horizonHours}h
fleet:
  groups:
    - {name: prod, nodes: ${nodes}, zones: [a, b, c]}
etcd: {members: 5}
releases:
  - {version: 3815.2.0, at: 1h}
reboot: {agent: kured, maxConcurrent: 20, period: 1h, drainTimeout: 30m}
${workloads}limits: {maxEvents: 2000000000, maxPendingEvents: 16000000}
`;
}

export function runOne(nodes: number, instances: number, horizonHours: number): WorkloadsFigure {
  const parsed = parseScenario(workloadsScenario(nodes, instances, horizonHours), `workloads-${nodes}.yaml`);
  if (!parsed.ok) throw new Error(parsed.errors.map(formatScenarioError).join('\n'));
  const t0 = performance.now();
  const run = new FleetRun(parsed.scenario);
  const t1 = performance.now();
  // With --expose-gc (runChild), the live heap only: the instances placed and their first ready events.
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  run.runToEnd();
  const t2 = performance.now();
  (globalThis as { gc?: () => void }).gc?.();
  const after = process.memoryUsage();
  const report = run.report();
  return {
    nodes,
    instances,
    horizonHours,
    wallMs: Math.round(t2 - t0),
    initMs: Math.round(t1 - t0),
    events: report.events,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    heapAfterInitMb: Math.round(((memory.heapUsed + memory.arrayBuffers) / 1024 / 1024) * 10) / 10,
    heapAfterRunMb: Math.round(((after.heapUsed + after.arrayBuffers) / 1024 / 1024) * 10) / 10,
    updatedNodes: report.fleet.updated,
    forced: report.reboots.forced,
    drainBlockedMs: Math.round(report.drain.blockedMs),
    minAvailability: report.workloads.reduce((min, w) => Math.min(min, w.availability), 1),
    traceHash: report.traceHash,
  };
}

function runChild(nodes: number, instances: number, hours: number): WorkloadsFigure {
  const self = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', '--expose-gc', '--max-old-space-size=8000', self, '--one', String(nodes), String(instances), String(hours)];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`workloads bench of ${nodes} nodes failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as WorkloadsFigure;
}

/** Without and with workloads, each the median (by wall time) of `repeats` child runs. */
export function benchWorkloads(repeats = 3): { without: WorkloadsFigure; with: WorkloadsFigure; ratio: number; rssBytesPerInstance: number; heapBytesPerInstance: number } {
  const median = (instances: number): WorkloadsFigure => {
    const runs = Array.from({ length: repeats }, () => runChild(10_000, instances, 168));
    runs.sort((a, b) => a.wallMs - b.wallMs);
    return runs[Math.floor(runs.length / 2)];
  };
  const without = median(0);
  const withWorkloads = median(100_000);
  return {
    without,
    with: withWorkloads,
    ratio: Math.round((withWorkloads.wallMs / without.wallMs) * 100) / 100,
    rssBytesPerInstance: Math.round(((withWorkloads.peakRssMb - without.peakRssMb) * 1024 * 1024) / withWorkloads.instances),
    heapBytesPerInstance: Math.round(((withWorkloads.heapAfterRunMb - without.heapAfterRunMb) * 1024 * 1024) / withWorkloads.instances),
  };
}

export function printWorkloads(figures: ReturnType<typeof benchWorkloads>): void {
  console.log('workloads: kured, 10,000 nodes, 1 week (--concurrency 20, period 1h), without and with 100,000 instances, median of 3 runs');
  for (const f of [figures.without, figures.with]) {
    console.log(
      `  ${String(f.instances).padStart(7)} instances  wall ${(f.wallMs / 1000).toFixed(2).padStart(6)} s (init ${(f.initMs / 1000).toFixed(2)} s)  ` +
        `events ${String(f.events).padStart(9)}  peak RSS ${f.peakRssMb} MB  heap after init ${f.heapAfterInitMb} MB, after the run ${f.heapAfterRunMb} MB  updated ${f.updatedNodes}  forced ${f.forced}`,
    );
  }
  console.log(`  with/without wall: ${figures.ratio}x (target <= 3x); per instance: ${figures.heapBytesPerInstance} B of live heap at the end, ${figures.rssBytesPerInstance} B of peak RSS`);
}

const argv = process.argv;
if (import.meta.url === `file://${argv[1]}`) {
  if (argv[2] === '--one') console.log(JSON.stringify(runOne(Number(argv[3]), Number(argv[4]), Number(argv[5]))));
  else printWorkloads(benchWorkloads());
}
