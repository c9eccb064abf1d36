/**
 * `npm run bench`: every benchmark, printed, and the figures written to
 * bench/results/bench-<time>.json so that commits can be compared. Benchmarks are not tests:
 * nothing here asserts on time.
 *
 *   npm run bench                  engine, node machines, etcd, reference fleets (1k, 10k, 100k)
 *   npm run bench -- --huge        also the 1M-node fleet
 *   npm run bench -- --only fleet  one part (engine | machine | etcd | fleet | agents | workloads | targets)
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { arch, cpus, platform } from 'node:os';
import { referenceLoopMs } from './calibrate.ts';
import { benchEngine, printEngine } from './engine.ts';
import { benchEtcd, printEtcd } from './etcd.ts';
import { benchFleet, printFleet } from './fleet.ts';
import { benchAgents, printAgents } from './agents.ts';
import { benchMachine } from './machine.ts';
import { benchWorkloads, printWorkloads } from './workloads.ts';
import { measureTargets, printTargets } from './targets.ts';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`usage: npm run bench [-- --only PART] [-- --huge]

Prints each benchmark's figures and writes them to bench/results/bench-<time>.json.
  --only PART  one part: engine | machine | etcd | fleet | agents | workloads | targets
  --huge       the fleet and targets parts also run 1M nodes x 168 h (~1 min, ~1.1 GB)
  targets: issue 19's targets from the shell (cold CLI processes), each with its figure
Benchmarks are not tests: nothing asserts on time. Compare commits by interleaving runs.`);
  process.exit(0);
}
const PARTS = ['engine', 'machine', 'etcd', 'fleet', 'agents', 'workloads', 'targets'];
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
if (only !== null && !PARTS.includes(only)) {
  console.error(`bench: --only expects one of ${PARTS.join(', ')}; got ${only ?? 'nothing'}`);
  process.exit(2);
}
const want = (part: string) => only === null || only === part;
const results: Record<string, unknown> = {
  when: new Date().toISOString(),
  node: process.version,
  platform: `${platform()} ${arch()}`,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
};

// Before and after the benchmarks: the machine's speed may change while they run.
const machineBefore = referenceLoopMs();
console.log(`machine: reference loop ${machineBefore} ms (lower is faster; see bench/calibrate.ts)`);
results.referenceLoopMs = { before: machineBefore };

if (want('engine')) {
  const engine = benchEngine();
  printEngine(engine);
  results.engine = engine;
}
if (want('machine')) {
  results.machine = benchMachine();
}
if (want('etcd')) {
  const etcd = benchEtcd();
  printEtcd(etcd);
  results.etcd = etcd;
}
if (want('fleet')) {
  const fleet = benchFleet(args.includes('--huge'));
  printFleet(fleet);
  results.fleet = fleet;
}

if (want('agents')) {
  const agents = benchAgents();
  printAgents(agents);
  results.agents = agents;
}
let workloads: ReturnType<typeof benchWorkloads> | null = null;
if (want('workloads')) {
  workloads = benchWorkloads();
  printWorkloads(workloads);
  results.workloads = workloads;
}
if (want('targets')) {
  const targets = measureTargets(args.includes('--huge'), workloads);
  printTargets(targets);
  results.targets = targets;
}

const machineAfter = referenceLoopMs();
(results.referenceLoopMs as { after?: number }).after = machineAfter;
console.log(`machine: reference loop ${machineAfter} ms after the benchmarks`);

const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
let path = join(dir, `bench-${(results.when as string).replace(/[:.]/g, '-')}.json`);
for (let i = 1; existsSync(path); i++) path = path.replace(/(-\d+)?\.json$/, `-${i}.json`);
writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
console.log(`figures written to ${path}`);
