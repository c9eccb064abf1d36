/**
 * `fleetsim fuzz` in-process through main() (its runs still go to worker threads): exit 0 when no
 * seed fails, 1 when one does, with the failing seed's standalone scenario and its shrunk version
 * written and a reproduce command that, run on its own, fails again; 2 on bad input (before any
 * run). Under message loss, locksmith can reach its own dead end: a node whose lock CAS committed
 * but whose answer was lost retries, finds "semaphore is at 0" (coreos/locksmith lock/semaphore.go
 * checks the count before the holder list) and waits forever. That seed is excused, not failed,
 * and the summary says so. The failing case is a liveness bound too short for the rollout: a
 * release at 11h that six nodes, one at a time, cannot take within 30 minutes.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_FUZZ_OUT, DEFAULT_SHRINK_RUNS } from '../../sim/cli/commands/fuzz.ts';
import { FUZZ_HELP_DEFAULTS } from '../../sim/cli/main.ts';
import { cli } from './in-process.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fleetsim-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const GHOST = `
name: ghost
duration: 12h
fleet:
  groups:
    - {name: prod, nodes: 6, zones: [a, b]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h}
reboot: {strategy: etcd-lock, maxConcurrent: 1}
liveness: {bound: 6h}
fuzz:
  safety: 2h
  count: 1
  kinds:
    - {kind: message-loss, probability: 0.4, duration: {min: 2h, max: 3h}}
`;
const ghost = join(tmp, 'ghost.yaml');
writeFileSync(ghost, GHOST);
const late = join(tmp, 'late.yaml');
writeFileSync(
  late,
  GHOST.replace('name: ghost', 'name: late')
    .replace('{version: 3815.2.0, at: 1h}', '{version: 3815.2.0, at: 1h}\n  - {version: 3850.0.0, at: 11h}')
    .replace('bound: 6h', 'bound: 30m'),
);

describe('fleetsim fuzz', () => {
  it('its help shows the defaults the command uses', async () => {
    expect(FUZZ_HELP_DEFAULTS).toEqual({ out: DEFAULT_FUZZ_OUT, shrinkRuns: DEFAULT_SHRINK_RUNS });
    const help = await cli('fuzz', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(`(default ${DEFAULT_FUZZ_OUT})`);
    expect(help.stdout).toContain('--seeds <n>');
  });

  it('exits 0 when no seed fails', async () => {
    const result = await cli('fuzz', ghost, '--seeds', '1', '--seed-base', '1', '--workers', '1', '--out', join(tmp, 'none'));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^fuzz ghost: 1 seeds \(1\.\.1\) on 1 workers in .*: no violation\n$/);
    expect(existsSync(join(tmp, 'none'))).toBe(false);
  });

  it('exits 0 when a seed reaches the real system\'s own dead end (a locksmith ghost holder), and says it was excused', async () => {
    const result = await cli('fuzz', ghost, '--seeds', '1', '--seed-base', '2', '--workers', '1', '--out', join(tmp, 'excused'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(': no violation\n');
    expect(result.stdout).toMatch(/1 seeds reached a dead end of the real system, excused .* e\.g\. seed 2: lock group default: \d+ nodes wait for good behind locksmith ghost holders/);
    expect(existsSync(join(tmp, 'excused'))).toBe(false);
  });

  it('exits 1 on a violation, writes the seed as a standalone scenario and a shrunk one that fails again alone', async () => {
    const out = join(tmp, 'out');
    const result = await cli('fuzz', late, '--seeds', '2', '--seed-base', '1', '--workers', '2', '--out', out, '--shrink-runs', '10');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('1 failing seeds');
    expect(result.stdout).toContain('1 x liveness');
    expect(result.stdout).toMatch(/FAIL seed 1: liveness at 11h30m: the rollout settled only at \d+ms, after the last fault healed or release came \(39600000ms\), bound 1800000ms/);
    const repro = join(out, 'late-fuzz-1.yaml');
    const shrunk = join(out, 'late-fuzz-1-shrunk.yaml');
    expect(result.stdout).toContain(`scenario: ${repro}`);
    expect(result.stdout).toContain(`reproduce: npx fleetsim run ${shrunk}`);
    const text = readFileSync(repro, 'utf8');
    expect(text.startsWith('# yaml-language-server: $schema=../docs/scenario.schema.json\n')).toBe(true);
    expect(text).toContain('seed: 1\n');
    expect(text).toMatch(/- \{at: [0-9hms]+, kind: message-loss, probability: 0\.4, scope: (all|etcd), duration: [0-9hms]+\}/);
    expect(text).not.toContain('fuzz:');
    for (const file of [repro, shrunk]) {
      const again = await cli('run', file, '--quiet');
      expect(again.code, file).toBe(1);
      expect(again.stderr).toContain('invariants.violations == 0');
    }
  });

  it('exits 2 on bad input, before any run', async () => {
    expect((await cli('fuzz', ghost, '--seeds', '0')).code).toBe(2);
    expect((await cli('fuzz', join(tmp, 'missing.yaml'), '--seeds', '1')).code).toBe(2);
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, GHOST.replace('probability: 0.4,', 'probability: 0.4, skew: 1h,'));
    const invalid = await cli('fuzz', bad, '--seeds', '1');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('fuzz.kinds[0].skew: message-loss does not use "skew" (its fields: duration, probability)');
    // An --out holding an earlier fuzz's scenarios needs --force.
    const earlier = join(tmp, 'earlier');
    mkdirSync(earlier);
    writeFileSync(join(earlier, 'ghost-fuzz-9.yaml'), 'name: x\n');
    const kept = await cli('fuzz', ghost, '--seeds', '1', '--out', earlier);
    expect(kept.code).toBe(2);
    expect(kept.stderr).toContain('pass --force');
    expect(readFileSync(join(earlier, 'ghost-fuzz-9.yaml'), 'utf8')).toBe('name: x\n');
  });
});
