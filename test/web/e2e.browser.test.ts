// End to end in headless Chromium (playwright-core, the system's /usr/bin/chromium; never a
// downloaded browser), at 1280x720. What a newcomer meets: press play on the default scenario and
// the fleet view changes within seconds (skip-quiet jumps the quiet hour before the release); every
// control used once with zero console errors and zero failed requests; the node inspector's state
// diagrams lit on the states the engine is in (checked against a headless replay); a seek back in a
// 100k-node session starting from a checkpoint (its wall time printed, not asserted) and landing on
// the run a fresh replay gives. Then the fleet view's frame rate at 10k and 100k nodes, printed.
// Screenshots go to test-output/ (gitignored); docs/img/ is made by scripts/web-screenshots.ts.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { FleetRun } from '../../sim/run/fleet-run.ts';
import { parseScenario } from '../../sim/scenario/index.ts';
import { ensureClientBuilt, REPO_ROOT } from '../../web/server/build-client.ts';
import { startServer, type RunningServer } from '../../web/server/index.ts';
import type { NodeDetails } from '../../web/shared/protocol.ts';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = join(REPO_ROOT, 'test-output');
const HOUR_MS = 3_600_000;
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`skipping the browser tests: ${CHROMIUM} is absent (CI installs Debian's chromium)`);

interface UiState {
  connected: boolean;
  scenario: string | null;
  nodeCount: number;
  timeMs: number;
  playing: boolean;
  seekingTo: number | null;
  traceHash: string | null;
  counts: Record<string, number>;
  nodeFrames: number;
  maxDownInSamples: number;
  framesDrawn: number;
  injected: number;
  lastError: string | null;
  caption: string;
  checkpoints: number[];
  lastSeek: { fromMs: number; toMs: number; wallMs: number } | null;
  inspected: NodeDetails | null;
  checkpointsBuilding: boolean;
}

type Hook = {
  state(): UiState;
  canvasHash(): number;
  send(c: unknown): void;
  request(c: unknown): Promise<unknown>;
  findNode(category: string): { node: number; x: number; y: number } | null;
};
const ui = (page: Page) => page.evaluate(() => (window as unknown as { __fleetsim: Hook }).__fleetsim.state());
/** Waits until `predicate` (page-side JS over `s`, the UI state) holds. */
const until = (page: Page, predicate: string, timeout = 30_000) =>
  page.waitForFunction(`(() => { const s = window.__fleetsim.state(); return ${predicate}; })()`, null, { timeout, polling: 50 });
const send = (page: Page, command: unknown) => page.evaluate((c) => (window as unknown as { __fleetsim: Hook }).__fleetsim.send(c), command);
const findNode = (page: Page, category: string) => page.evaluate((c) => (window as unknown as { __fleetsim: Hook }).__fleetsim.findNode(c), category);

/** Everything that went wrong in the page: console errors, uncaught errors, failed requests. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A download (export) is handed to the browser and "aborted" by design in headless mode.
    if (!r.url().startsWith('blob:')) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

/** A headless run of the session's export to its time (the engine's own answer). */
function replay(yaml: string, timeMs: number): FleetRun {
  const parsed = parseScenario(yaml, 'export.yaml');
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
  const run = new FleetRun(parsed.scenario, { seed: parsed.scenario.seed });
  run.runUntil(timeMs);
  return run;
}

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
      viewport: { width: 1280, height: 720 },
      acceptDownloads: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  it('the fleet view changes within seconds of play on the default scenario at 60x: skip-quiet jumps the quiet hour to the release, and the caption says so', async () => {
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(server.url);
    await until(page, 's.nodeFrames > 0 && s.framesDrawn > 0');
    const before = await ui(page);
    expect(before.scenario).toBe('default');
    expect(before.counts.running).toBe(1000);
    expect(before.caption).toMatch(/next: release 3815\.2\.0 at 1h00m/);
    const hashBefore = await page.evaluate(() => (window as unknown as { __fleetsim: Hook }).__fleetsim.canvasHash());
    await page.click('#play');
    const startedMs = Date.now();
    await page.waitForFunction((h) => (window as unknown as { __fleetsim: Hook }).__fleetsim.canvasHash() !== h, hashBefore, { timeout: 30_000, polling: 50 });
    const changedAfterMs = Date.now() - startedMs;
    const changed = await ui(page);
    console.log(`default scenario: first pixel change ${changedAfterMs} ms after play, at simulated ${(changed.timeMs / 60_000).toFixed(1)} min`);
    // At 60x, playing through the hour before the release would take a minute of wall time; the
    // first change lands just after the release instead: at most 10 s of 60x past 1h.
    expect(changed.timeMs).toBeGreaterThanOrEqual(HOUR_MS);
    expect(changed.timeMs).toBeLessThanOrEqual(HOUR_MS + 10 * 60_000);
    await until(page, "s.caption.startsWith('release 3815.2.0 published')");
    await page.screenshot({ path: join(OUTPUT, 'web-first-seconds.png') });
    await page.keyboard.press('Space');
    await until(page, '!s.playing');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('uses every control once with zero console errors and zero failed requests; the URL holds scenario and seed; the export replays to the same hash', async () => {
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${server.url}?scenario=locksmith-default&seed=7`);
    await until(page, "s.scenario === 'locksmith-default' && s.nodeFrames > 0");
    expect(await page.inputValue('#seed')).toBe('7');
    // Back to the default scenario through the picker, with a seed typed in: the URL follows.
    await page.fill('#seed', '5');
    await page.selectOption('#scenario', 'default');
    await until(page, "s.scenario === 'default' && location.search.includes('seed=5')");
    expect(new URL(page.url()).searchParams.get('scenario')).toBe('default');
    await page.click('#load');
    await until(page, 's.nodeFrames > 0');
    // Speed slider, skip-quiet, play / pause (button and space), step (button and arrow).
    await page.locator('#speed').fill('3');
    await page.locator('#skip-quiet').uncheck();
    await page.locator('#skip-quiet').check();
    await page.click('#play');
    await until(page, 's.timeMs > 3_700_000');
    await page.keyboard.press('Space');
    await until(page, '!s.playing');
    const paused = (await ui(page)).timeMs;
    await page.click('#step');
    await page.locator('body').press('ArrowRight');
    await until(page, `s.timeMs > ${paused}`);
    // Colour by version and back; the log's filters.
    await page.selectOption('#colour-by', 'version');
    await page.selectOption('#colour-by', 'state');
    for (const prefix of ['fault', 'etcd', 'server', 'node', 'other']) {
      await page.locator(`#log-panel input[data-prefix=${prefix}]`).uncheck();
      await page.locator(`#log-panel input[data-prefix=${prefix}]`).check();
    }
    await page.fill('#log-filter', 'release');
    await page.fill('#log-filter', '');
    // Canvas tools: inspect, pick two nodes, crash one, power loss of a zone (the log's filter
    // scrolled the page down).
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = (await page.locator('#fleet').boundingBox())!;
    const node = await findNode(page, 'running');
    expect(node).not.toBeNull();
    await page.mouse.click(node!.x, node!.y);
    await until(page, `s.inspected !== null && s.inspected.node === ${node!.node}`);
    await page.check('input[name=tool][value=pick]');
    await page.mouse.click(node!.x, node!.y);
    const other = await findNode(page, 'running');
    await page.mouse.click(other!.x + 12, other!.y + 12);
    await expect.poll(() => page.textContent('#picked')).toMatch(/picked: node/);
    await page.check('input[name=tool][value=crash]');
    await page.mouse.click(node!.x, node!.y);
    await until(page, 's.injected === 1');
    await page.check('input[name=tool][value=power-loss]');
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await until(page, 's.injected === 2');
    await page.check('input[name=tool][value=inspect]');
    // The faults panel: every button and target kind.
    let injected = 2;
    const expectInjected = async () => {
      injected++;
      await until(page, `s.injected === ${injected}`);
    };
    await page.click('#storm');
    await expectInjected();
    await page.click('#server-outage');
    await expectInjected();
    for (const [kind, target] of [['node-crash', 'group:prod'], ['power-loss', 'zone:b'], ['bad-disk', 'picked'], ['clock-skew', 'group:canary']] as const) {
      await page.selectOption('#fault-kind', kind);
      await page.selectOption('#fault-target', target);
      await page.selectOption('#fault-duration', '1m');
      await page.click('#fault-go');
      await expectInjected();
    }
    await page.selectOption('#etcd-member', '2');
    await page.click('#etcd-kill');
    await expectInjected();
    await page.click('#etcd-restart');
    await expectInjected();
    await page.selectOption('#etcd-member', 'leader');
    await page.click('#etcd-kill');
    await expectInjected();
    await page.selectOption('#partition-a', 'group:canary');
    await page.selectOption('#partition-b', 'rest');
    await page.click('#partition');
    await expectInjected();
    await page.selectOption('#partition-a', 'picked');
    await page.selectOption('#partition-b', 'server');
    await page.click('#partition');
    await expectInjected();
    await page.selectOption('#partition-a', 'etcd:leader');
    await page.selectOption('#partition-b', 'zone:c');
    await page.click('#partition');
    await expectInjected();
    await page.click('#lock-holder-dies');
    await expectInjected();
    await page.selectOption('#lock-group', 'prod');
    await page.click('#unlock');
    await expectInjected();
    await page.selectOption('#lock-group', '');
    await page.click('#unlock');
    await expectInjected();
    // The operator's manual rollback, on a group and on the picked nodes.
    await page.selectOption('#fault-target', 'group:canary');
    await page.click('#rollback');
    await expectInjected();
    await page.selectOption('#fault-target', 'picked');
    await page.click('#rollback');
    await expectInjected();
    await page.fill('#release-version', '3900.0.0');
    await page.click('#publish');
    await expectInjected();
    await page.fill('#release-version', '3901.0.0');
    await page.click('#publish-bad');
    await expectInjected();
    // Play on a little, then seek: the scrubber, a slider mark, the arrow keys, home.
    await page.click('#play');
    await until(page, `s.timeMs > ${paused + 30 * 60_000}`);
    await page.click('#play');
    await until(page, '!s.playing');
    await page.screenshot({ path: join(OUTPUT, 'web-every-control.png') });
    const end = await ui(page);
    // Export through the button (a download) and replay headless: the same hash.
    const download = page.waitForEvent('download');
    await page.click('#export-yaml');
    const yaml = readFileSync((await (await download).path())!, 'utf8');
    expect(parseScenario(yaml, 'export.yaml').ok).toBe(true);
    expect(replay(yaml, end.timeMs).trace.traceHash).toBe(end.traceHash);
    const report = page.waitForEvent('download');
    await page.click('#export-report');
    expect(JSON.parse(readFileSync((await (await report).path())!, 'utf8'))).toMatchObject({ fleetsim: 'report/v1', traceHash: end.traceHash });
    // A paused run may stand between whole milliseconds (a burst stops at an event, and the
    // model's fuzzed timers are not whole); a seek lands on the whole millisecond nearest.
    const back = Math.round(end.timeMs - HOUR_MS);
    await page.locator('body').press('Shift+ArrowLeft');
    await until(page, `s.seekingTo === null && s.timeMs === ${back}`);
    await page.locator('body').press('ArrowLeft');
    await until(page, `s.seekingTo === null && s.timeMs === ${back - 300_000}`);
    await page.locator('body').press('Shift+ArrowRight');
    await until(page, `s.seekingTo === null && s.timeMs === ${back - 300_000 + HOUR_MS}`);
    // Marks overlap (the injections sit on top); a click on the release's mark itself.
    await page.locator('#marks .mark.release').dispatchEvent('click');
    await until(page, `s.seekingTo === null && s.timeMs === ${HOUR_MS}`);
    // The scrubber snaps to its step (horizon / 2000): the seek goes where it snapped.
    const scrubbed = await page.$eval('#scrubber', (el, t) => {
      const input = el as HTMLInputElement;
      input.value = String(t);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      const value = Number(input.value);
      input.dispatchEvent(new Event('change', { bubbles: true }));
      return value;
    }, 2 * HOUR_MS);
    expect(Math.abs(scrubbed - 2 * HOUR_MS)).toBeLessThan(HOUR_MS / 10);
    await until(page, `s.seekingTo === null && s.timeMs === ${scrubbed}`);
    await page.locator('body').press('Home');
    await until(page, 's.seekingTo === null && s.timeMs === 0');
    // The shared URL opens the same scenario and seed.
    const shared = page.url();
    await page.goto(shared);
    await until(page, "s.scenario === 'default' && s.nodeFrames > 0");
    expect(await page.inputValue('#seed')).toBe('5');
    expect((await ui(page)).lastError).toBeNull();
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it("the inspector draws the node's three machines with the states the engine is in lit, its partitions and its lock", async () => {
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${server.url}?scenario=default&seed=1`);
    await until(page, 's.nodeFrames > 0');
    await send(page, { type: 'speed', x: 300 });
    await page.click('#play');
    await until(page, "s.counts['waiting for lock'] > 3 && s.counts.rebooting > 0");
    await page.click('#play');
    await until(page, '!s.playing');
    const target = (await findNode(page, 'rebooting')) ?? (await findNode(page, 'waiting for lock'));
    expect(target).not.toBeNull();
    await page.mouse.click(target!.x, target!.y);
    await until(page, `s.inspected !== null && s.inspected.node === ${target!.node}`);
    await page.locator('#details').scrollIntoViewIfNeeded();
    await page.locator('#details').screenshot({ path: join(OUTPUT, 'web-inspector.png') });
    const state = await ui(page);
    const lit = await page.$$eval('#details svg.diagram', (svgs) =>
      Object.fromEntries(svgs.map((svg) => [svg.getAttribute('data-machine'), [...svg.querySelectorAll('.state.lit')].map((g) => g.getAttribute('data-state'))]))) as Record<string, string[]>;
    // The engine's answer: the session's export run headless to the same time.
    const answer = (await page.evaluate(() => (window as unknown as { __fleetsim: Hook }).__fleetsim.request({ type: 'export' }))) as { yaml: string };
    const run = replay(answer.yaml, state.timeMs);
    expect(run.trace.traceHash).toBe(state.traceHash);
    const w = run.world;
    const n = target!.node;
    expect(lit).toEqual({
      updateEngine: [w.updateEngine.stateName(n)],
      boot: [w.boot.stateName(n)],
      rebootManager: [w.rebootManager.stateName(n)],
    });
    // Every state of each compiled machine is drawn.
    for (const [name, runtime] of [['updateEngine', w.updateEngine], ['boot', w.boot], ['rebootManager', w.rebootManager]] as const) {
      const drawn = await page.$$eval(`#details svg.diagram[data-machine=${name}] .state`, (gs) => gs.map((g) => g.getAttribute('data-state')));
      expect(drawn.sort()).toEqual([...runtime.machine.stateNames].sort());
    }
    const snapshot = w.nodeSnapshot(n);
    const rows = await page.$$eval('#details table.partitions tr', (trs) => trs.slice(1).map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map((r) => r.slice(2).map(Number))).toEqual([
      [snapshot.partitions.aPriority, snapshot.partitions.aTries, snapshot.partitions.aSuccessful],
      [snapshot.partitions.bPriority, snapshot.partitions.bTries, snapshot.partitions.bSuccessful],
    ]);
    expect(state.inspected!.lock.holders).toEqual([...w.lock.holders('default')]);
    expect(await page.locator('#details ol.transitions li').count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it("draws each workload's availability as a chart and the inspected node's instances (pdb-deadlock)", async () => {
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${server.url}?scenario=pdb-deadlock&seed=1`);
    await until(page, "s.scenario === 'pdb-deadlock' && s.nodeFrames > 0");
    await send(page, { type: 'speed', x: 3000 });
    await page.click('#play');
    await until(page, `s.timeMs > ${3 * HOUR_MS}`);
    await page.click('#play');
    await until(page, '!s.playing');
    // One chart per workload, each with its serving line and its target.
    for (const [i, name] of [[0, 'ledger'], [1, 'web']] as const) {
      const chart = page.locator(`#chart-workload-${i}`);
      await expect.poll(() => chart.locator('path[data-series=serving]').count()).toBe(1);
      expect(await chart.locator('h4').textContent()).toContain(`workload ${name}`);
      expect(await chart.locator('path[data-series=target]').count()).toBe(1);
    }
    // The inspector lists the node's instances as the engine has them.
    const state = await ui(page);
    const answer = (await page.evaluate(() => (window as unknown as { __fleetsim: Hook }).__fleetsim.request({ type: 'export' }))) as { yaml: string };
    const run = replay(answer.yaml, state.timeMs);
    const table = run.world.workloads!.workloads.table;
    let node = -1;
    for (let n = 0; n < run.world.nodeCount && node < 0; n++) if (table.instancesOn(n).length > 0) node = n;
    expect(node).toBeGreaterThanOrEqual(0);
    await page.evaluate(() => window.scrollTo(0, 0));
    const point = (await page.evaluate((n) => (window as unknown as { __fleetsim: Hook & { pointOf(n: number): { x: number; y: number } | null } }).__fleetsim.pointOf(n), node))!;
    await page.mouse.click(point.x, point.y);
    await until(page, `s.inspected !== null && s.inspected.node === ${node}`);
    await expect.poll(() => page.locator('#details .instances .instance').count()).toBe(table.instancesOn(node).length);
    await page.locator('#details').scrollIntoViewIfNeeded();
    await page.locator('#charts').screenshot({ path: join(OUTPUT, 'web-workloads.png') });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('seeks back in a 100k-node session from the checkpoint below each target, landing on the run a fresh replay gives (times printed, not asserted)', async () => {
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(server.url);
    await until(page, 's.nodeFrames > 0');
    const yaml = readFileSync(join(REPO_ROOT, 'scenarios', 'default.yaml'), 'utf8')
      .replace('name: default', 'name: default-100k')
      .replace('nodes: 950', 'nodes: 99950')
      .replace('maxUpdatesPerPeriod: 200', 'maxUpdatesPerPeriod: 20000');
    const loaded = (await page.evaluate((y) => (window as unknown as { __fleetsim: Hook }).__fleetsim.request({ type: 'load', yaml: y, seed: 3 }), yaml)) as { type: string };
    expect(loaded.type).toBe('loaded');
    await until(page, 's.nodeCount === 100000 && s.nodeFrames > 0');
    // Forward to 3 h, through the release and into the rollout (a seek forward plays on to it).
    await send(page, { type: 'seek', timeMs: 3 * HOUR_MS });
    await until(page, `s.seekingTo === null && s.timeMs === ${3 * HOUR_MS}`, 120_000);
    // Paused, the session fills its ladder of checkpoints with idle CPU (the widest gaps first)
    // until the memory budget's rungs exist (ten at 100k nodes) and it stops building.
    const seekBack = async (targetMs: number) => {
      if ((await ui(page)).timeMs <= targetMs) {
        await send(page, { type: 'seek', timeMs: 3 * HOUR_MS });
        await until(page, `s.seekingTo === null && s.timeMs === ${3 * HOUR_MS}`, 120_000);
      }
      await until(page, 's.checkpoints.length >= 8 && !s.checkpointsBuilding', 300_000);
      const before = await ui(page);
      const wallMs = await page.evaluate((t) => new Promise<number>((resolve) => {
        const hook = (window as unknown as { __fleetsim: Hook }).__fleetsim;
        const started = performance.now();
        hook.send({ type: 'seek', timeMs: t });
        const poll = () => {
          const s = hook.state();
          if (s.seekingTo === null && s.timeMs === t) resolve(performance.now() - started);
          else setTimeout(poll, 5);
        };
        setTimeout(poll, 5);
      }), targetMs);
      const after = await ui(page);
      const from = Math.max(...before.checkpoints.filter((t) => t <= targetMs));
      console.log(
        `seek back at 100k nodes: ${(before.timeMs / HOUR_MS).toFixed(2)} h -> ${(targetMs / HOUR_MS).toFixed(2)} h, from the checkpoint at ${(from / HOUR_MS).toFixed(2)} h: ` +
          `${wallMs.toFixed(0)} ms in the browser (server replay ${after.lastSeek?.wallMs.toFixed(0)} ms); checkpoints ${before.checkpoints.map((t) => (t / HOUR_MS).toFixed(2)).join(', ')} h`,
      );
      // The seek started from the highest checkpoint at or below its target, not from 0.
      expect(after.lastSeek).toMatchObject({ fromMs: from, toMs: targetMs });
      expect(from).toBeGreaterThan(0);
      return after;
    };
    // Back three times, each time from the ladder's state after the previous seek (a seek leaves
    // its old run behind as a rung and the ladder refills while the session is idle).
    await seekBack(2 * HOUR_MS + 35 * 60_000);
    await seekBack(HOUR_MS + 40 * 60_000);
    const targetMs = 2 * HOUR_MS + 12 * 60_000;
    const after = await seekBack(targetMs);
    // The worst case the ladder leaves: just below the top of its widest gap after the release.
    await until(page, 's.checkpoints.length >= 8 && !s.checkpointsBuilding', 300_000);
    const rungs = (await ui(page)).checkpoints.filter((t) => t >= HOUR_MS).sort((a, b) => a - b);
    let widest = 1;
    for (let i = 2; i < rungs.length; i++) if (rungs[i] - rungs[i - 1] > rungs[widest] - rungs[widest - 1]) widest = i;
    await seekBack(Math.round(rungs[widest] - 60_000));
    // Reached again from another rung, the same time gives the same run.
    await seekBack(targetMs);
    const parsed = parseScenario(yaml, 'x.yaml');
    if (!parsed.ok) throw new Error('the 100k scenario must parse');
    const fresh = new FleetRun(parsed.scenario, { seed: 3 });
    fresh.runUntil(targetMs);
    expect((await ui(page)).traceHash).toBe(after.traceHash);
    expect(after.traceHash).toBe(fresh.trace.traceHash);
    expect(problems).toEqual([]);
    await page.close();
  }, 600_000);

  it('measures the fleet view frame rate at 10k and 100k nodes (printed, not asserted)', async () => {
    const page = await context.newPage();
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
