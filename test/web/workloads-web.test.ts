// The web UI's view of workloads (issue 16, docs/web.md): the scenario's workloads with their
// availability target, instances serving per sample, the inspected node's instances, and the
// evictions a PodDisruptionBudget refused in the event log. Observing them must not change the
// run. Expected values come from the scenario file (replicas, minAvailable) and from the model's
// instance table read directly, not from the web code under test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetRun } from '../../sim/run/fleet-run.ts';
import { parseScenario } from '../../sim/scenario/index.ts';
import { instancesOn, nodeDetails, scenarioInfo } from '../../web/server/frames.ts';
import { LiveRun } from '../../web/server/live-run.ts';

const REPO = join(import.meta.dirname, '..', '..');
const HOUR_MS = 3_600_000;
const text = readFileSync(join(REPO, 'scenarios', 'pdb-deadlock.yaml'), 'utf8');

function start(): LiveRun {
  const started = LiveRun.start({ name: 'pdb-deadlock', text }, 1);
  if (!started.ok) throw new Error(started.errors.join('\n'));
  return started.live;
}

describe('workloads in the web UI (pdb-deadlock: kured, a 3-replica store with minAvailable 100%)', () => {
  it('lists each workload with its replicas and its target as a count (100% of 3 is 3, 80% of 18 rounds up to 15)', () => {
    const info = scenarioInfo(start(), []);
    expect(info.workloads).toEqual([
      { name: 'ledger', replicas: 3, minReady: 3, quorum: null },
      { name: 'web', replicas: 18, minReady: 15, quorum: null },
    ]);
  });

  it('samples the instances serving per workload, equal to the ready instances in the model', () => {
    const live = start();
    live.advance(30 * HOUR_MS, Infinity, () => 0);
    const w = live.run.world.workloads!.workloads;
    const last = live.sampler.samples.at(-1)!;
    expect(last.workloads).toHaveLength(2);
    for (let i = 0; i < 2; i++) {
      let ready = 0;
      for (let instance = 0; instance < w.table.state.length; instance++) if (w.table.workload[instance] === i && w.table.state[instance] === 3) ready++;
      expect(last.workloads[i]).toBe(ready);
    }
    // The store never drops below its budget: every sample after the first placement has 3.
    const placed = live.sampler.samples.filter((s) => s.t >= HOUR_MS);
    expect(placed.length).toBeGreaterThan(10);
    for (const s of placed) expect(s.workloads[0]).toBe(3);
  });

  it("shows the inspected node's instances as the instance table holds them", () => {
    const live = start();
    live.advance(2 * HOUR_MS, Infinity, () => 0);
    const w = live.run.world.workloads!.workloads;
    let seen = 0;
    for (let node = 0; node < live.run.world.nodeCount; node++) {
      const lines = nodeDetails(live, node, undefined).instances;
      expect(lines).toEqual(instancesOn(live, node));
      expect(lines.length).toBe(w.table.instancesOn(node).length);
      for (const line of lines) expect(['ledger', 'web']).toContain(line.workload);
      seen += lines.length;
    }
    // Every placed instance is on some node: 3 + 18.
    expect(seen).toBe(21);
  });

  it("logs the evictions the store's budget refused during the stuck drain, without changing the run", () => {
    const live = start();
    const refused: number[] = [];
    live.advance(3 * 24 * HOUR_MS, Infinity, () => 0);
    // The log's recent node events (rate-limited per tick) carry the refusals.
    for (let node = 0; node < live.run.world.nodeCount; node++) {
      for (const e of nodeDetails(live, node, undefined).lastEvents) if (e.kind === 'node.eviction-refused') refused.push(node);
    }
    expect(refused.length).toBeGreaterThan(0);
    const parsed = parseScenario(text, 'pdb-deadlock.yaml');
    if (!parsed.ok) throw new Error('parse');
    const headless = new FleetRun(parsed.scenario, { seed: 1 });
    headless.runUntil(3 * 24 * HOUR_MS);
    expect(live.run.trace.traceHash).toBe(headless.trace.traceHash);
  });
});
