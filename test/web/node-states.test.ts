// The fleet view's node categories (web/server/node-states.ts) for each reboot agent: a kured node
// that drains before its reboot is drawn as rebooting, one waiting for the DaemonSet lock as
// waiting for the lock, as locksmithd's are.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LiveRun } from '../../web/server/live-run.ts';
import { NodeStates } from '../../web/server/node-states.ts';
import { NODE_CATEGORY } from '../../web/shared/protocol.ts';

const REPO = join(import.meta.dirname, '..', '..');
const MINUTE_MS = 60_000;

describe('node categories under kured (cmd/kured/main.go rebootAsRequired: cordon, drain, reboot)', () => {
  it('draws a draining kured node as rebooting and every node in the category its machines say', () => {
    const text = readFileSync(join(REPO, 'scenarios', 'kured-rollout.yaml'), 'utf8');
    const started = LiveRun.start({ name: 'kured-rollout', text }, 1);
    if (!started.ok) throw new Error(started.errors.join('\n'));
    const live = started.live;
    const w = live.run.world;
    const states = new NodeStates(w);
    // The first weekend window opens on day 5 at 02:00; step a minute at a time until a node drains.
    live.advance(5 * 24 * 60 * MINUTE_MS + 2 * 60 * MINUTE_MS, Infinity, () => 0);
    let draining = -1;
    for (let step = 0; step < 6 * 60 && draining < 0; step++) {
      live.advance(live.run.sim.now + MINUTE_MS, Infinity, () => 0);
      for (let node = 0; node < w.nodeCount; node++) if (w.rebootManager.stateName(node) === 'draining') draining = node;
    }
    expect(draining).toBeGreaterThanOrEqual(0);
    states.refresh();
    expect(states.category[draining]).toBe(NODE_CATEGORY.REBOOTING);
    for (let node = 0; node < w.nodeCount; node++) {
      const agent = w.rebootManager.stateName(node);
      if (agent === 'draining' || agent === 'rebootDelay') expect(states.category[node]).toBe(NODE_CATEGORY.REBOOTING);
      if (agent === 'sleeping' && w.updateEngine.stateName(node) === 'UPDATED_NEED_REBOOT' && w.boot.stateName(node).startsWith('running')) {
        expect(states.category[node]).toBe(NODE_CATEGORY.NEEDS_REBOOT);
      }
    }
  });
});
