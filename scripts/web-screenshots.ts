// Screenshots of the web UI for docs/web.md, taken in headless Chromium at 1280x720 (the system's
// /usr/bin/chromium through playwright-core; never a downloaded browser). Each part of the page
// is shown doing what it is for: the first seconds after play, the caption and the slider's marks,
// the node inspector's state diagrams, the faults panel, a reboot storm in the charts.
//
//   npx tsx scripts/web-screenshots.ts [outDir]      (default docs/img)

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { ensureClientBuilt, REPO_ROOT } from '../web/server/build-client.ts';
import { startServer } from '../web/server/index.ts';

const CHROMIUM = '/usr/bin/chromium';
const out = process.argv[2] ?? join(REPO_ROOT, 'docs', 'img');

interface Ui {
  timeMs: number;
  playing: boolean;
  counts: Record<string, number>;
  injected: number;
  caption: string;
  inspected: { node: number } | null;
}
const ui = (page: Page) => page.evaluate(() => (window as unknown as { __fleetsim: { state(): Ui } }).__fleetsim.state());
const waitUi = (page: Page, fn: string, timeout = 60_000) => page.waitForFunction(`(() => { const s = window.__fleetsim.state(); return ${fn}; })()`, null, { timeout });

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  await ensureClientBuilt((line) => console.log(line));
  const server = await startServer({ port: 0, host: '127.0.0.1', scenarioPath: null, buildClient: false, log: () => {} });
  const profile = mkdtempSync(join(tmpdir(), 'fleetsim-shots-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: { width: 1280, height: 720 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const shot = async (name: string, clip?: { x: number; y: number; width: number; height: number }) => {
      const path = join(out, name);
      await page.screenshot({ path, clip });
      console.log(`wrote ${path}`);
    };
    await page.goto(`${server.url}?scenario=default&seed=1`);
    await waitUi(page, 's.nodeFrames > 0');
    await shot('web-start.png');
    // Play at the default speed with skip-quiet: the release and the first downloads.
    await page.click('#play');
    await waitUi(page, "s.timeMs > 3_660_000 && s.counts['waiting for lock'] > 5");
    await page.keyboard.press('Space');
    await waitUi(page, '!s.playing');
    await shot('web-first-seconds.png');
    // The inspector on a node that is downloading.
    const pick = (category: string) => page.evaluate((c) => (window as unknown as { __fleetsim: { findNode(c: string): { node: number; x: number; y: number } | null } }).__fleetsim.findNode(c), category);
    const target = (await pick('rebooting')) ?? (await pick('waiting for lock'));
    if (target === null) throw new Error('no node rebooting or waiting for the lock');
    await page.mouse.click(target.x, target.y);
    await waitUi(page, 's.inspected !== null');
    await page.waitForTimeout(300);
    const side = await page.locator('#side').boundingBox();
    await page.locator('#details').scrollIntoViewIfNeeded();
    if (side !== null) await shot('web-inspector.png', side);
    // A reboot storm from the faults panel: a zone's nodes go down at once (paused, to see it);
    // played on, the charts draw it.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.click('#storm');
    await waitUi(page, 's.injected === 1 && s.counts.down > 100');
    await shot('web-storm.png');
    await page.evaluate(() => (window as unknown as { __fleetsim: { send(c: unknown): void } }).__fleetsim.send({ type: 'speed', x: 300 }));
    const stormAt = (await ui(page)).timeMs;
    await page.click('#play');
    await waitUi(page, `s.counts.down === 0 && s.timeMs > ${stormAt + 30 * 60_000}`);
    await page.click('#play');
    await waitUi(page, '!s.playing');
    await page.locator('#charts').screenshot({ path: join(out, 'web-charts.png') });
    console.log(`wrote ${join(out, 'web-charts.png')}`);
    const faults = page.locator('#faults');
    await faults.screenshot({ path: join(out, 'web-faults.png') });
    console.log(`wrote ${join(out, 'web-faults.png')}`);
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
