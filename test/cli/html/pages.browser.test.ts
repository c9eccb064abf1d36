/**
 * `--html FILE` on run, check and sweep (sim/cli/html/): each page is one self-contained file (d3
 * and the data inline) that opens in headless Chromium (playwright-core, /usr/bin/chromium, the
 * launch options of test/web/e2e.browser.test.ts) with its charts drawn (SVG paths and bars
 * present, with the number of lines the data calls for), no console error, and no request
 * beyond the file itself. Sampling the run for the page leaves the run as it was: the trace hash
 * with --html equals the one without.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { main } from '../../../sim/cli/main.ts';
import type { Io } from '../../../sim/cli/io.ts';
import type { Report } from '../../../sim/report/report.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const tmp = mkdtempSync(join(tmpdir(), 'fleetsim-html-'));
const out = (name: string) => join(tmp, name);

async function cli(...argv: string[]): Promise<{ code: unknown; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: { NO_COLOR: '1' }, nowMs: () => 0 };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

beforeAll(async () => {
  for (const args of [
    ['run', 'scenarios/kured-rollout.yaml', '-q', '--html', out('run.html'), '--json', out('run.json')],
    ['run', 'scenarios/kured-rollout.yaml', '-q', '--json', out('plain.json')],
    ['run', 'scenarios/quorum-settle.yaml', '-q', '--html', out('workloads.html'), '--json', out('workloads.json')],
    ['check', 'test/cli/fixtures/small.yaml', 'scenarios/lock-groups.yaml', '--seeds', '3', '--workers', '1', '--html', out('check.html')],
    ['sweep', 'test/cli/fixtures/sweep.yaml', '--seeds', '2', '--set', 'reboot.maxConcurrent=1,2', '--set', 'etcd.members=3', '--workers', '1', '--html', out('sweep.html')],
  ]) {
    const r = await cli(...args);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: exit ${String(r.code)}\n${r.stderr}`);
  }
}, 120_000);

describe('--html pages', () => {
  it('leave the run unchanged: the same trace hash with and without --html', () => {
    const withPage = JSON.parse(readFileSync(out('run.json'), 'utf8')) as Report;
    const without = JSON.parse(readFileSync(out('plain.json'), 'utf8')) as Report;
    expect(withPage.traceHash).toBe(without.traceHash);
  });

  it('load nothing from the network: no script src, no link, no url()', () => {
    for (const page of ['run.html', 'check.html', 'sweep.html']) {
      const html = readFileSync(out(page), 'utf8');
      expect(html).not.toMatch(/<script[^>]+src=|<link |@import|url\(/i);
      expect(html.match(/<script>/g)).toHaveLength(2);
    }
  });
});

describe.skipIf(!hasChromium)('--html pages in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a page file; returns what the page drew, and every console error and outside request. */
  async function open(file: string, count: string): Promise<{ problems: string[]; counts: Record<string, number> }> {
    const page = await browser.newPage();
    const problems: string[] = [];
    const url = pathToFileURL(file).href;
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (r.url() !== url) problems.push(`request: ${r.url()}`);
    });
    await page.goto(url, { waitUntil: 'load' });
    const counts = (await page.evaluate(count)) as Record<string, number>;
    await page.close();
    return { problems, counts };
  }

  it('run: draws one line per version, reboots started and mean nodes down, and one line per lock group', async () => {
    const { problems, counts } = await open(
      out('run.html'),
      `({ versions: document.querySelectorAll('#versions path.line').length, down: document.querySelectorAll('#down path.line').length,
          locks: document.querySelectorAll('#locks path.line').length, emptyPaths: [...document.querySelectorAll('path.line')].filter((p) => !(p.getAttribute('d') || '').includes('L')).length })`,
    );
    expect(problems).toEqual([]);
    // kured-rollout: 3760.2.0 and 3815.2.0; one lock group (default).
    expect(counts).toEqual({ versions: 2, down: 2, locks: 1, emptyPaths: 0 });
  });

  it("run with workloads: a serving line and a target line per workload, and each workload's availability in the table", async () => {
    const report = JSON.parse(readFileSync(out('workloads.json'), 'utf8')) as Report;
    expect(report.workloads.length).toBeGreaterThan(0);
    const { problems, counts } = await open(
      out('workloads.html'),
      `({ lines: document.querySelectorAll('#workloads path.line').length, rows: [...document.querySelectorAll('td')].filter((td) => td.textContent.startsWith('workload ')).length })`,
    );
    expect(problems).toEqual([]);
    expect(counts).toEqual({ lines: 2 * report.workloads.length, rows: report.workloads.length });
  });

  it('check: one p50 bar per scenario in each of the four metric charts', async () => {
    const { problems, counts } = await open(out('check.html'), `({ charts: document.querySelectorAll('svg').length, bars: document.querySelectorAll('svg#m0 rect.bar50').length, axes: document.querySelectorAll('svg#m0 .tick').length })`);
    expect(problems).toEqual([]);
    expect(counts.charts).toBe(4);
    expect(counts.bars).toBe(2);
    expect(counts.axes).toBeGreaterThan(1);
  });

  it('sweep: one row per combination', async () => {
    const { problems, counts } = await open(out('sweep.html'), `({ bars: document.querySelectorAll('svg#m2 rect.bar95').length, labels: [...document.querySelectorAll('svg#m2 text')].filter((t) => t.textContent.startsWith('reboot.maxConcurrent=')).length })`);
    expect(problems).toEqual([]);
    expect(counts).toEqual({ bars: 2, labels: 2 });
  });
});
