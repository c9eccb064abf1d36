/**
 * Reboot agents at scale: the same 10,000-node fleet over two weeks (3 etcd members, one reboot
 * at a time, release at 1 h, no window) under locksmithd (etcd-lock, the reference rollout's
 * agent) and under kured (--period 1h, --concurrency 1, its DaemonSet-annotation lock on the
 * simulated etcd). Each run in its own child process, median of 3 by wall time.
 *
 *   npx tsx bench/agents.ts                  both agents, printed
 *   npx tsx bench/agents.ts --one AGENT      one run in this process, prints JSON
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { measureScenario, referenceScenario, type FleetFigure } from './fleet.ts';

export const AGENT_BENCH = { nodes: 10_000, horizonHours: 336, etcdMembers: 3 } as const;
export const BENCH_AGENTS = ['locksmithd', 'kured'] as const;
export type BenchAgent = (typeof BENCH_AGENTS)[number];

export function agentScenario(agent: BenchAgent): string {
  const { nodes, horizonHours, etcdMembers } = AGENT_BENCH;
  const reboot = agent === 'kured' ? '{agent: kured, maxConcurrent: 1, period: 1h}' : '{strategy: etcd-lock, maxConcurrent: 1}';
  return referenceScenario(nodes, horizonHours, etcdMembers, reboot, `agents-${agent}-${nodes}`);
}

export interface AgentFigure extends FleetFigure {
  agent: BenchAgent;
}

function runOneAgent(agent: BenchAgent): AgentFigure {
  const { nodes, horizonHours, etcdMembers } = AGENT_BENCH;
  return { agent, ...measureScenario(agentScenario(agent), `agents-${agent}.yaml`, nodes, horizonHours, etcdMembers) };
}

function runChild(agent: BenchAgent): AgentFigure {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--one', agent], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`agent bench ${agent} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as AgentFigure;
}

/** Runs the agents in turn, `repeats` rounds (interleaved, so a drift of the machine hits both). */
export function benchAgents(repeats = 3): AgentFigure[] {
  const runs = new Map<BenchAgent, AgentFigure[]>(BENCH_AGENTS.map((a) => [a, []]));
  for (let round = 0; round < repeats; round++) for (const agent of BENCH_AGENTS) runs.get(agent)!.push(runChild(agent));
  return BENCH_AGENTS.map((agent) => {
    const sorted = runs.get(agent)!.sort((a, b) => a.wallMs - b.wallMs);
    return sorted[Math.floor(sorted.length / 2)];
  });
}

export function printAgents(figures: AgentFigure[]): void {
  const { nodes, horizonHours } = AGENT_BENCH;
  console.log(`agents: ${nodes} nodes x ${horizonHours} h, one reboot at a time, 3 etcd members, median of 3 interleaved runs`);
  const base = figures.find((f) => f.agent === 'locksmithd');
  for (const f of figures) {
    const ratio = base === undefined ? '' : `  ${(f.wallMs / base.wallMs).toFixed(2)}x locksmithd`;
    console.log(
      `  ${f.agent.padEnd(10)} wall ${(f.wallMs / 1000).toFixed(2).padStart(6)} s  events ${String(f.events).padStart(9)}  ` +
        `updated ${f.updatedNodes}  rollout ${f.completed ? `${f.rolloutHours} h` : 'incomplete'}  peak RSS ${f.peakRssMb} MB${ratio}`,
    );
  }
}

const argv = process.argv;
if (import.meta.url === `file://${argv[1]}`) {
  if (argv[2] === '--one') console.log(JSON.stringify(runOneAgent(argv[3] as BenchAgent)));
  else printAgents(benchAgents());
}
