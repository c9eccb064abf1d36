// Playing the default scenario as a newcomer does: press play at the default speed. With
// skip-quiet (the default) the quiet hour before the release passes at once and the caption says
// what happens; without it, a second of wall time is a minute of nothing.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetRun } from '../../sim/run/fleet-run.ts';
import { parseScenario } from '../../sim/scenario/index.ts';
import { REPO_ROOT } from '../../web/server/build-client.ts';
import { timelineMarks } from '../../web/server/caption.ts';
import type { ScenarioFiles } from '../../web/server/scenario-files.ts';
import { Session } from '../../web/server/session.ts';
import type { Frame, StatusFrame } from '../../web/shared/protocol.ts';

const DEFAULT_TEXT = readFileSync(join(REPO_ROOT, 'scenarios', 'default.yaml'), 'utf8');

/** A session on the default scenario whose wall clock moves only when the test says. */
function session() {
  const frames: Frame[] = [];
  let clock = 0;
  const files = { read: (name: string) => ({ name, file: `${name}.yaml`, text: DEFAULT_TEXT }) } as unknown as ScenarioFiles;
  const s = new Session(files, { send: (f) => frames.push(f), sendBinary: () => {}, canSendBulk: () => true }, () => clock);
  s.handle({ type: 'load', scenario: 'default' });
  const status = () => frames.filter((f): f is StatusFrame => f.type === 'status').at(-1)!;
  const wall = (ms: number) => {
    for (let t = 0; t < ms; t += 100) {
      clock += 100;
      s.tick(40);
    }
  };
  return { s, status, wall };
}

describe('play on the default scenario', () => {
  it('with skip-quiet, one wall second at 60x reaches the release (published at 1h) and the caption says so', () => {
    const { s, status, wall } = session();
    expect(status().skipQuiet).toBe(true);
    expect(status().caption).toMatch(/all 1,000 nodes running; next: release 3815\.2\.0 at 1h00m/);
    s.handle({ type: 'play' });
    wall(1_000);
    expect(status().timeMs).toBeGreaterThan(3_600_000);
    expect(status().caption).toMatch(/^release 3815\.2\.0 published \d+s ago/);
  });

  it('the caption counts the nodes downloading as update_engine says (UPDATE_STATUS_DOWNLOADING)', () => {
    const { s, status, wall } = session();
    s.handle({ type: 'play' });
    for (let k = 0; k < 100 && !/downloading/.test(status().caption); k++) wall(100);
    const live = s.current!;
    const w = live.run.world;
    let downloading = 0;
    for (let i = 0; i < w.nodeCount; i++) if (w.updateEngine.stateName(i) === 'DOWNLOADING') downloading++;
    s.handle({ type: 'pause' });
    expect(downloading).toBeGreaterThan(0);
    expect(status().caption).toContain(`${downloading} downloading`);
  });

  it('without skip-quiet, one wall second at 60x is one simulated minute, before anything happens', () => {
    const { s, status, wall } = session();
    s.handle({ type: 'skip-quiet', on: false });
    s.handle({ type: 'play' });
    wall(1_000);
    expect(status().timeMs).toBeLessThanOrEqual(61_000);
    expect(status().timeMs).toBeGreaterThan(50_000);
  });

  it('skip-quiet does not change the run: the trace hash equals a headless run to the same time', () => {
    const { s, status, wall } = session();
    s.handle({ type: 'play' });
    wall(2_000);
    s.handle({ type: 'pause' });
    const parsed = parseScenario(DEFAULT_TEXT, 'default.yaml');
    if (!parsed.ok) throw new Error('parse');
    const headless = new FleetRun(parsed.scenario, { seed: parsed.scenario.seed });
    headless.runUntil(status().timeMs);
    expect(status().traceHash).toBe(headless.trace.traceHash);
  });

  it("marks the scenario's release on the time slider", () => {
    const parsed = parseScenario(DEFAULT_TEXT, 'default.yaml');
    if (!parsed.ok) throw new Error('parse');
    expect(timelineMarks(parsed.scenario)).toEqual([{ atMs: 3_600_000, kind: 'release', label: 'release 3815.2.0' }]);
  });
});
