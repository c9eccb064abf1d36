// End to end in headless Chromium (playwright-core, the system's /usr/bin/chromium; never a
// downloaded browser): open the UI on the default scenario, play, see nodes change state, pause,
// inject a power loss, see the reboot storm in the charts, export the session and check that
// the export replays to the session's trace hash. Then the fleet view's frame rate at 10k and
// 100k nodes, measured by the browser (requestAnimationFrame) and printed, not asserted.
// Screenshots go to test-output/ (gitignored).

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { FleetRun } from '../../sim/run/fleet-run.ts';
import { parseScenario } from '../../sim/scenario/index.ts';
import { ensureClientBuilt, REPO_ROOT } from '../../web/server/build-client.ts';
import { startServer, type RunningServer } from '../../web/server/index.ts';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = join(REPO_ROOT, 'test-output');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`skipping the browser tests: ${CHROMIUM} is absent (CI installs Debian's chromium)`);

interface UiState {
  connected: boolean;
  nodeCount: number;
  timeMs: number;
  playing: boolean;
  traceHash: string | null;
  counts: Record<string, number>;
  nodeFrames: number;
  maxDownInSamples: number;
  framesDrawn: number;
  injected: number;
  lastError: string | null;
}

const ui = (page: Page) => page.evaluate(() => (window as unknown as { __fleetsim: { state(): UiState } }).__fleetsim.state());

describe.skipIf(!hasChromium)('web UI in headless Chromium', () => {
  let server: RunningServer;
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    await ensureClientBuilt(() => {});
    server = await startServer({ port: 0, host: '127.0.0.1', scenarioPath: null, buildClient: false, log: () => {} });
    const { chromium } = await import('playwright-core');
    profile = mkdtempSync(join(tmpdir(), 'fleetsim-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport: { width: 1400, height: 950 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  it('plays the default scenario, shows a power loss as a reboot storm, and exports a session that replays to the same hash', async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(server.url);
    await page.waitForFunction(() => (window as unknown as { __fleetsim: { state(): UiState } }).__fleetsim.state().nodeFrames > 0);
    const first = await ui(page);
    expect(first.nodeCount).toBe(1000);
    expect(first.counts.running).toBe(1000);

    // Play fast through the release (published at 1h): nodes leave `running`.
    await page.evaluate(() => (window as unknown as { __fleetsim: { send(c: unknown): void } }).__fleetsim.send({ type: 'speed', x: 3000 }));
    await page.click('#play');
    await page.waitForFunction(() => {
      const s = (window as unknown as { __fleetsim: { state(): UiState } }).__fleetsim.state();
      return s.timeMs > 2 * 3_600_000 && s.counts.running < s.nodeCount;
    }, null, { timeout: 30_000 });
    await page.screenshot({ path: join(OUTPUT, 'web-rollout.png') });
    await page.click('#play');
    await page.waitForFunction(() => !(window as unknown as { __fleetsim: { state(): UiState } }).__fleetsim.state().playing);
    const paused = await ui(page);
    expect(paused.counts.running).toBeLessThan(1000);

    // The one-click reboot storm: power loss of the largest zone, then play on.
    await page.click('#storm');
    await page.waitForFunction(() => (window as unknown as { __fleetsim: { state(): UiState } }).__fleetsim.state().injected === 1);
    await page.waitForFunction(() => (window as unknown as { __fleetsim: { state(): UiState } }).__fleetsim.state().counts.down > 300);
    await page.screenshot({ path: join(OUTPUT, 'web-power-loss.png') });
    await page.evaluate(() => (window as unknown as { __fleetsim: { send(c: unknown): void } }).__fleetsim.send({ type: 'speed', x: 300 }));
    await page.click('#play');
    await page.waitForFunction(() => (window as unknown as { __fleetsim: { state(): UiState } }).__fleetsim.state().maxDownInSamples > 300, null, { timeout: 30_000 });
    await page.waitForFunction(() => (window as unknown as { __fleetsim: { state(): UiState } }).__fleetsim.state().counts.down === 0, null, { timeout: 30_000 });
    await page.click('#play');
    await page.waitForFunction(() => !(window as unknown as { __fleetsim: { state(): UiState } }).__fleetsim.state().playing);
    // The nodes-down chart drew the storm.
    const downPath = await page.locator('#chart-down path[data-series=down]').getAttribute('d');
    expect(downPath).not.toBeNull();
    await page.screenshot({ path: join(OUTPUT, 'web-storm.png') });

    // Export and replay headless to the same time: same trace hash.
    const answer = (await page.evaluate(() => (window as unknown as { __fleetsim: { request(c: unknown): Promise<unknown> } }).__fleetsim.request({ type: 'export' }))) as { type: string; yaml: string };
    expect(answer.type).toBe('export');
    const end = await ui(page);
    const parsed = parseScenario(answer.yaml, 'export.yaml');
    if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
    expect(parsed.scenario.faults.at(-1)?.kind).toBe('power-loss');
    const replay = new FleetRun(parsed.scenario, { seed: parsed.scenario.seed });
    replay.runUntil(end.timeMs);
    expect(replay.trace.traceHash).toBe(end.traceHash);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('measures the fleet view frame rate at 10k and 100k nodes (printed, not asserted)', async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    for (const nodes of [10_000, 100_000]) {
      await page.goto(`${server.url}?bench=${nodes}`);
      const result = (await page.evaluate(
        (ms) => (window as unknown as { __fleetsim: { measureFps(ms: number): Promise<unknown> } }).__fleetsim.measureFps(ms),
        2_500,
      )) as { fps: number; frames: number; meanDrawMs: number; cellPx: number; nodes: number };
      console.log(`fleet view, ${nodes.toLocaleString('en-US')} nodes: ${result.fps.toFixed(1)} fps over ${result.frames} frames, mean full redraw ${result.meanDrawMs.toFixed(2)} ms, cell ${result.cellPx} px`);
      expect(result.nodes).toBe(nodes);
      expect(result.frames).toBeGreaterThan(0);
      await page.screenshot({ path: join(OUTPUT, `web-bench-${nodes}.png`) });
    }
  }, 60_000);
});
