// The web inspector on a fleet with a reboot agent per group (reboot.groups.<g>.agent): each node
// shows ITS agent's machine (web/server/frames.ts nodeDetails), the scenario lists every agent
// present with its groups, and a Zincati fleet-lock node denied a slot, waiting for its next tick
// (agents/zincati.ts finalizeDraw/finalizeWait), is drawn as waiting for the lock.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LiveRun } from '../../web/server/live-run.ts';
import { NodeStates } from '../../web/server/node-states.ts';
import { nodeDetails, scenarioInfo } from '../../web/server/frames.ts';
import { NODE_CATEGORY } from '../../web/shared/protocol.ts';

const REPO = join(import.meta.dirname, '..', '..');
const MINUTE_MS = 60_000;

type Edge = { from: string; to: string; label: string };

/** Is there an edge `from --event--> x` and then `x --always--> ... --> to` (x may be `to`)? */
function pathExists(edges: readonly Edge[], from: string, event: string, to: string): boolean {
  const seen = new Set<string>();
  const queue = edges.filter((e) => e.from === from && e.label.split(' [')[0] === event).map((e) => e.to);
  while (queue.length > 0) {
    const state = queue.shift()!;
    if (state === to) return true;
    if (seen.has(state)) continue;
    seen.add(state);
    for (const e of edges) if (e.from === state && e.label.split(' [')[0] === 'always') queue.push(e.to);
  }
  return false;
}

function start(): LiveRun {
  const text = readFileSync(join(REPO, 'scenarios', 'mixed-flatcar-fcos.yaml'), 'utf8');
  const started = LiveRun.start({ name: 'mixed-flatcar-fcos', text }, 1);
  if (!started.ok) throw new Error(started.errors.join('\n'));
  return started.live;
}

describe('the inspector on a mixed Flatcar/Fedora CoreOS fleet', () => {
  it("draws each node's own agent machine and lists the agents present", () => {
    const live = start();
    live.advance(90 * MINUTE_MS, Infinity, () => 0);
    const w = live.run.world;
    const info = scenarioInfo(live, []);
    expect(info.agents).toEqual([
      { agent: 'locksmithd', groups: [{ name: 'etcd-hosts', strategy: 'etcd-lock' }] },
      { agent: 'zincati', groups: [{ name: 'workers', strategy: 'fleet-lock' }] },
    ]);
    for (const [node, agent] of [[0, 'locksmithd'], [2, 'locksmithd'], [3, 'zincati'], [42, 'zincati']] as const) {
      const d = nodeDetails(live, node, undefined);
      expect(d.agent).toBe(agent);
      expect(d.agentMachine.title).toBe(`reboot agent (${agent})`);
      // The diagram's states are exactly the node's runtime's, and the current state is one of them.
      expect(d.agentMachine.states.map((s) => s.name).sort()).toEqual([...w.rebootManager.runtimeOf(node).machine.stateNames].sort());
      expect(d.agentMachine.states.map((s) => s.name)).toContain(d.machines.rebootManager);
      // Its recent transitions are paths of its own agent's diagram: the event's edge, then
      // eventless (`always`) edges through transient states (Zincati's finalizing, gating).
      for (const t of d.transitions.filter((x) => x.machine === 'rebootManager')) {
        expect(pathExists(d.agentMachine.edges, t.from, t.event, t.to), `node ${node}: ${t.from} --${t.event}--> ${t.to}`).toBe(true);
      }
    }
  });

  it('draws a Zincati fleet-lock worker waiting for its next tick after a denied slot as waiting for the lock', () => {
    const live = start();
    const w = live.run.world;
    const states = new NodeStates(w);
    let waiting = -1;
    for (let step = 0; step < 4 * 60 && waiting < 0; step++) {
      live.advance(60 * MINUTE_MS + step * MINUTE_MS, Infinity, () => 0);
      for (let node = 3; node < w.nodeCount; node++) if (w.rebootManager.stateName(node) === 'finalizeWait') waiting = node;
    }
    expect(waiting).toBeGreaterThanOrEqual(3);
    states.refresh();
    expect(states.category[waiting]).toBe(NODE_CATEGORY.WAITING_LOCK);
    // The Flatcar etcd hosts keep locksmithd's categories (locking/backoff wait for a slot).
    for (let node = 0; node < 3; node++) {
      const s = w.rebootManager.stateName(node);
      if (s === 'locking' || s === 'backoff') expect(states.category[node]).toBe(NODE_CATEGORY.WAITING_LOCK);
    }
  });
});
