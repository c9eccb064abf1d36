// The inspector's state diagrams (web/server/machine-graph.ts) are walked from the machines the
// engine runs: their states are the compiled runtime's states, and every transition a node took
// in a run (web/server/transitions.ts) is an edge of the diagram.

import { describe, expect, it } from 'vitest';
import { FleetRun } from '../../sim/run/fleet-run.ts';
import { parseScenario } from '../../sim/scenario/index.ts';
import { LiveRun } from '../../web/server/live-run.ts';
import { nodeMachineGraphs } from '../../web/server/machine-graph.ts';
import { eventLabel } from '../../web/server/transitions.ts';
import { SMALL_SCENARIO } from './helpers.ts';
import { scenarioInfo } from '../../web/server/frames.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..', '..');

const HOUR_MS = 3_600_000;

function start(seed: number): LiveRun {
  const started = LiveRun.start({ name: 'web-small', text: SMALL_SCENARIO }, seed);
  if (!started.ok) throw new Error(started.errors.join('\n'));
  return started.live;
}

describe('node machine graphs', () => {
  it('have exactly the states of the compiled machines the world runs (update_engine, boot, reboot manager)', () => {
    const live = start(1);
    const w = live.run.world;
    const runtimes = { updateEngine: w.updateEngine, boot: w.boot, rebootManager: w.rebootManager.runtimeOf(0) };
    for (const graph of nodeMachineGraphs()) {
      const runtime = runtimes[graph.name as keyof typeof runtimes];
      expect(graph.states.map((s) => s.name).sort()).toEqual([...runtime.machine.stateNames].sort());
      expect(graph.states.map((s) => s.name)).toContain(graph.initial);
      for (const e of graph.edges) {
        expect(runtime.machine.stateNames).toContain(e.from);
        expect(runtime.machine.stateNames).toContain(e.to);
      }
    }
  });

  it("include update_engine's periodic check (IDLE --after nextCheckMs--> CHECKING_FOR_UPDATE, update_attempter.cc ScheduleUpdates) and boot's nested running states", () => {
    const [ue, boot] = nodeMachineGraphs();
    expect(ue.edges).toContainEqual({ from: 'IDLE', to: 'CHECKING_FOR_UPDATE', label: 'after nextCheckMs' });
    expect(ue.edges.some((e) => e.from === 'DOWNLOADING' && e.label.startsWith('DOWNLOAD_DONE'))).toBe(true);
    expect(boot.states.filter((s) => s.parent === 'running').map((s) => s.name)).toEqual(['running.fresh', 'running.good']);
  });

  it('every transition the nodes took through a rollout and a power loss is an edge of its diagram, and the last one ends in the current state', () => {
    const live = start(3);
    live.advance(2 * HOUR_MS, Infinity, () => 0);
    expect(live.inject('fault', { kind: 'power-loss', target: { zone: 'a' }, duration: '5m' }, () => 0).ok).toBe(true);
    live.advance(6 * HOUR_MS, Infinity, () => 0);
    const graphs = new Map(nodeMachineGraphs().map((g) => [g.name, g]));
    const w = live.run.world;
    let checked = 0;
    for (const node of [0, 1, 25, 100, 199]) {
      const lines = live.transitions.recentFor(node);
      expect(lines.length).toBeGreaterThan(0);
      for (const t of lines) {
        const edges = graphs.get(t.machine)!.edges;
        expect(edges.some((e) => e.from === t.from && e.to === t.to && e.label.split(' [')[0] === t.event), `${t.machine}: ${t.from} --${t.event}--> ${t.to}`).toBe(true);
        checked++;
      }
      const lastOf = (machine: string) => lines.filter((t) => t.machine === machine).at(-1)?.to;
      const ueLast = lastOf('updateEngine');
      if (ueLast !== undefined) expect(ueLast).toBe(w.updateEngine.stateName(node));
      const bootLast = lastOf('boot');
      if (bootLast !== undefined) expect(bootLast).toBe(w.boot.stateName(node));
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("draw a kured node's reboot agent as kured's loop (cmd/kured/main.go rebootAsRequired), with the state the engine is in and every transition it took", () => {
    const text = readFileSync(join(REPO, 'scenarios', 'kured-rollout.yaml'), 'utf8');
    const started = LiveRun.start({ name: 'kured-rollout', text }, 2);
    if (!started.ok) throw new Error(started.errors.join('\n'));
    const live = started.live;
    live.advance(5 * 24 * HOUR_MS + 4 * HOUR_MS, Infinity, () => 0);
    const info = scenarioInfo(live, []);
    const agent = info.machines.find((g) => g.name === 'rebootManager')!;
    expect(agent.title).toBe('reboot agent (kured)');
    const w = live.run.world;
    expect(agent.states.map((s) => s.name).sort()).toEqual([...w.rebootManager.runtimeOf(0).machine.stateNames].sort());
    // Not locksmithd's machine: none of its states is kured's.
    const locksmithd = nodeMachineGraphs('locksmithd').find((g) => g.name === 'rebootManager')!;
    expect(agent.states.map((s) => s.name)).not.toEqual(locksmithd.states.map((s) => s.name));
    let checked = 0;
    for (let node = 0; node < w.nodeCount; node += 7) {
      expect(agent.states.map((s) => s.name)).toContain(w.rebootManager.stateName(node));
      for (const t of live.transitions.recentFor(node).filter((x) => x.machine === 'rebootManager')) {
        expect(agent.edges.some((e) => e.from === t.from && e.to === t.to && e.label.split(' [')[0] === t.event), `${t.from} --${t.event}--> ${t.to}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('recording transitions does not change the run (same trace hash as a headless run)', () => {
    const live = start(7);
    live.advance(8 * HOUR_MS, Infinity, () => 0);
    const parsed = parseScenario(SMALL_SCENARIO, 'x.yaml');
    if (!parsed.ok) throw new Error('parse');
    const headless = new FleetRun(parsed.scenario, { seed: 7 });
    headless.runUntil(8 * HOUR_MS);
    expect(live.run.trace.traceHash).toBe(headless.trace.traceHash);
  });

  it('names timer events by their delay', () => {
    expect(eventLabel('xstate.after.nextCheckMs.updateEngine.IDLE')).toBe('after nextCheckMs');
    expect(eventLabel('CHECK_RESPONSE')).toBe('CHECK_RESPONSE');
  });
});
