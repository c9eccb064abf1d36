/**
 * `fleetsim search` in-process: help for every flag, bad input exits 2 before anything runs, and
 * a small local search prints its frontier and writes its CSV and page (the frontier equal to
 * the one computed here from the sweep of the same grid, an independent path to the same p95s).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../in-process.ts';
import { REPO_ROOT } from '../spawn-cli.ts';

const F = join(REPO_ROOT, 'test/cli/fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'fleetsim-search-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('fleetsim search', () => {
  it('has help for every flag', async () => {
    const help = await cli('search', '--help');
    expect(help.code).toBe(0);
    for (const flag of ['--seeds', '--seed-base', '--set', '--workers', '--queue', '--csv', '--html', '--force']) expect(help.stdout).toContain(flag);
  });

  it('exits 2 without a --set, with --html -, with --workers and --queue, or with an output file in the way', async () => {
    const noSet = await cli('search', `${F}/sweep.yaml`, '--seeds', '1');
    expect(noSet.code).toBe(2);
    expect(noSet.stderr).toContain('give at least one --set');
    expect((await cli('search', `${F}/sweep.yaml`, '--seeds', '1', '--set', 'reboot.maxConcurrent=1,2', '--html', '-')).code).toBe(2);
    expect((await cli('search', `${F}/sweep.yaml`, '--seeds', '1', '--set', 'reboot.maxConcurrent=1,2', '--workers', '1', '--queue', 'redis://127.0.0.1:1')).code).toBe(2);
    const existing = join(tmp, 'exists.csv');
    writeFileSync(existing, 'mine');
    const inTheWay = await cli('search', `${F}/sweep.yaml`, '--seeds', '1', '--set', 'reboot.maxConcurrent=1,2', '--csv', existing);
    expect(inTheWay.code).toBe(2);
    expect(readFileSync(existing, 'utf8')).toBe('mine');
    const badValue = await cli('search', `${F}/sweep.yaml`, '--seeds', '1', '--set', 'reboot.maxConcurrent=1,zero');
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain('reboot.maxConcurrent');
  });

  it('prints the frontier of the grid and writes the CSV and the page; the p95s are the sweep CSV\'s', async () => {
    const grid = ['--seeds', '3', '--set', 'reboot.maxConcurrent=1,3'];
    const search = await cli('search', `${F}/sweep.yaml`, ...grid, '--workers', '2', '--csv', join(tmp, 's.csv'), '--html', join(tmp, 's.html'));
    expect(search.code).toBe(0);
    expect(search.stdout).toMatch(/^Pareto frontier: \d of 2 combinations \(p95 over 3 seeds/);
    expect(existsSync(join(tmp, 's.html'))).toBe(true);
    const sweep = await cli('sweep', `${F}/sweep.yaml`, ...grid, '--workers', '1', '--csv', join(tmp, 'sweep.csv'));
    expect(sweep.code).toBe(0);
    // The sweep's long CSV: value,metric,runs,p50,p95,max,nulls.
    const p95 = new Map<string, string>();
    for (const line of readFileSync(join(tmp, 'sweep.csv'), 'utf8').trim().split('\n').slice(1)) {
      const [value, metric, , , p] = line.split(',');
      p95.set(`${value} ${metric}`, p);
    }
    const rows = readFileSync(join(tmp, 's.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('reboot.maxConcurrent,p95 rollout.duration,p95 availability.maxDown,runs,frontier');
    for (const row of rows.slice(1)) {
      const [value, duration, maxDown, runs] = row.split(',');
      expect(duration).toBe(p95.get(`${value} rollout.duration`));
      expect(maxDown).toBe(p95.get(`${value} availability.maxDown`));
      expect(runs).toBe('3');
    }
  });
});
