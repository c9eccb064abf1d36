/**
 * The benchmarks build their scenarios as text; a text that no longer parses makes `npm run bench`
 * fail after minutes of other parts (it did: a reboot flow mapping inside a plain description).
 * Each generated scenario must parse and carry the fleet the bench names.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../sim/scenario/load.ts';
import { referenceScenario } from '../../bench/fleet.ts';
import { AGENT_BENCH, BENCH_AGENTS, agentScenario } from '../../bench/agents.ts';
import { workloadsScenario } from '../../bench/workloads.ts';

function nodesOf(text: string, file: string): number {
  const parsed = parseScenario(text, file);
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
  return parsed.scenario.fleet.groups.reduce((sum, g) => sum + g.nodes, 0);
}

describe('the benchmarks\' scenarios', () => {
  it('parses the reference rollout with the fleet size asked for', () => {
    expect(nodesOf(referenceScenario(1234, 48), 'reference.yaml')).toBe(1234);
  });

  it('parses every agent bench scenario (kured\'s reboot is a flow mapping)', () => {
    for (const agent of BENCH_AGENTS) expect(nodesOf(agentScenario(agent), `agents-${agent}.yaml`)).toBe(AGENT_BENCH.nodes);
  });

  it('parses the workloads bench scenario with and without instances', () => {
    expect(nodesOf(workloadsScenario(100, 0, 24), 'w0.yaml')).toBe(100);
    expect(nodesOf(workloadsScenario(100, 1000, 24), 'w1.yaml')).toBe(100);
  });
});
