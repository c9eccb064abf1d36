/**
 * The real command, spawned (`node bin/fleetsim.js ...` with NO_COLOR=1): every command's exit
 * codes (0 ok, 1 an expectation failed, 2 bad input), the outputs (report/v1 JSON, JSON-lines
 * trace, JUnit XML, CSV), the --force rule, results that do not depend on --workers, and the
 * determinism contract: the same scenario and seed give the same traceHash in two processes, and
 * another seed another hash. The spawns (about 1 s each) all start in beforeAll, two at a time;
 * the tests then read their results. Bad-input paths that stop before any run are tested
 * in-process, through main(), in main.test.ts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVARIANTS_CHECK } from '../../sim/cli/check-results.ts';
import { SWEEP_METRICS } from '../../sim/cli/sweep-stats.ts';
import type { Report } from '../../sim/report/report.ts';
import { fleetsim, type CliResult } from './spawn-cli.ts';
import { checkXml } from './xml-check.ts';

const F = 'test/cli/fixtures';
const tmp = mkdtempSync(join(tmpdir(), 'fleetsim-cli-'));
const out = (name: string) => join(tmp, name);
const PRECIOUS = 'an earlier report, to be replaced with --force\n';

const r: Record<string, CliResult> = {};

beforeAll(async () => {
  const tasks: Array<Promise<void>> = [];
  const add = (name: string, args: string[]) => tasks.push(fleetsim(args).then((res) => void (r[name] = res)));
  add('checkW1', ['check', F, '--seeds', '2', '--workers', '1', '--junit', out('w1.xml'), '--json', out('w1.json')]);
  add('checkW2', ['check', F, '--seeds', '2', '--workers', '2', '--junit', out('w2.xml'), '--json', out('w2.json')]);
  add('sweepW1', ['sweep', `${F}/sweep.yaml`, '--seeds', '2', '--set', 'reboot.maxConcurrent=1,2', '--set', 'etcd.members=3', '--workers', '1', '--csv', out('s1.csv')]);
  add('sweepW2', ['sweep', `${F}/sweep.yaml`, '--seeds', '2', '--set', 'reboot.maxConcurrent=1,2', '--set', 'etcd.members=3', '--workers', '2', '--csv', out('s2.csv')]);
  writeFileSync(out('kept.json'), PRECIOUS);
  add('force', ['run', `${F}/small.yaml`, '--json', out('kept.json'), '--trace', out('trace.jsonl'), '--force']);
  add('validateBad', ['validate', `${F}/small.yaml`, `${F}/bad/invalid.yaml`, `${F}/missing.yaml`]);
  add('runStdout', ['run', `${F}/small.yaml`, '--json', '-']);
  add('runOtherSeed', ['run', `${F}/small.yaml`, '--seed', '4', '--duration', '3h', '--json', '-', '--quiet']);
  add('runViolated', ['run', `${F}/violated.yaml`]);
  await Promise.all(tasks);
}, 120_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('fleetsim validate', () => {
  it('exits 2 listing every located error of every file, and still OKs the valid one', () => {
    expect(r.validateBad.code).toBe(2);
    const errors = r.validateBad.stderr;
    expect(errors).toContain('test/cli/fixtures/bad/invalid.yaml:2:11: duration: expected a duration');
    expect(errors).toContain('test/cli/fixtures/bad/invalid.yaml:5:20: fleet.groups[0].nodse: unknown key "nodse"');
    expect(errors).toMatch(/invalid\.yaml:8:5: expect\[0\]: /);
    expect(errors).toContain('test/cli/fixtures/missing.yaml: cannot read the file (no such file or directory)');
    expect(errors).toContain('2 of 3 files invalid');
    expect(r.validateBad.stdout).toContain('small.yaml: OK');
  });
});

describe('fleetsim run', () => {
  it('--json - prints report/v1 on stdout and the summary on stderr, exit 0', () => {
    expect(r.runStdout.code).toBe(0);
    const report = JSON.parse(r.runStdout.stdout) as Report;
    expect(report.fleetsim).toBe('report/v1');
    expect(report).toMatchObject({ scenario: 'small', seed: 3, duration: 6 * 3_600_000 });
    for (const key of ['wallMs', 'events', 'traceHash', 'fleet', 'rollout', 'reboots', 'availability', 'etcd', 'server', 'invariants', 'expectations']) {
      expect(report).toHaveProperty(key);
    }
    expect(report.expectations.map((e) => e.ok)).toEqual([true, true, true, true, true]);
    expect(r.runStdout.stderr).toMatch(/^etcd\s+3 members/m);
    expect(r.runStdout.stderr).toMatch(/^ok\s+duration <= 6h\s+6h$/m);
  });

  it('--seed and --duration change the run; --quiet prints no summary', () => {
    expect(r.runOtherSeed.code).toBe(0);
    const report = JSON.parse(r.runOtherSeed.stdout) as Report;
    expect(report.seed).toBe(4);
    expect(report.duration).toBe(3 * 3_600_000);
    expect(r.runOtherSeed.stderr).toBe('');
  });

  it('gives the same traceHash for the same scenario and seed in two processes, another for another seed', () => {
    const a = JSON.parse(r.runStdout.stdout) as Report;
    const b = JSON.parse(readFileSync(out('kept.json'), 'utf8')) as Report;
    const c = JSON.parse(r.runOtherSeed.stdout) as Report;
    expect(a.traceHash).toMatch(/^[0-9a-f]{16,}$/);
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.events).toBe(a.events);
    expect(c.traceHash).not.toBe(a.traceHash);
  });

  it('exits 1 when an expectation fails, naming it and the command that reproduces the run', () => {
    expect(r.runViolated.code).toBe(1);
    expect(r.runViolated.stdout).toMatch(/^FAIL\s+events < 0/m);
    expect(r.runViolated.stderr).toContain('expectation failed: events < 0 (actual ');
    expect(r.runViolated.stderr).toContain('reproduce: npx fleetsim run test/cli/fixtures/violated.yaml --seed 5');
  });

  it('overwrites with --force, atomically (no temporary file left behind)', () => {
    expect(r.force.code).toBe(0);
    expect(readFileSync(out('kept.json'), 'utf8')).not.toBe(PRECIOUS);
    expect(readdirSync(tmp).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('--trace writes the event trace as JSON lines in time order', () => {
    const report = JSON.parse(readFileSync(out('kept.json'), 'utf8')) as Report;
    const lines = readFileSync(out('trace.jsonl'), 'utf8').trimEnd().split('\n');
    const events = lines.map((line) => JSON.parse(line) as { time: number; kind: string; subject: unknown });
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(typeof e.time).toBe('number');
      expect(typeof e.kind).toBe('string');
      expect(['string', 'number']).toContain(typeof e.subject);
    }
    expect(events.map((e) => e.time)).toEqual([...events.map((e) => e.time)].sort((x, y) => x - y));
    // The file holds every event of the run, from run.start on.
    expect(events[0].kind).toBe('run.start');
    expect(events.length).toBe(report.traceEvents);
  });
});

describe('fleetsim check', () => {
  it('exits 1 when an expectation fails and prints each failing seed with its command', () => {
    expect(r.checkW1.code).toBe(1);
    expect(r.checkW1.stderr).toContain('violated.yaml: events < 0');
    for (const seed of [5, 6]) expect(r.checkW1.stderr).toContain(`reproduce: npx fleetsim run test/cli/fixtures/violated.yaml --seed ${seed}`);
    expect(r.checkW1.stdout).toMatch(/^violated\s+events < 0\s+FAIL\s+\S+\s+5 6$/m);
  });

  it('gives identical results with --workers 1 and --workers 2 (JSON and JUnit, wall times aside)', () => {
    expect(r.checkW2.code).toBe(r.checkW1.code);
    expect(r.checkW2.stdout).toBe(r.checkW1.stdout);
    expect(readFileSync(out('w2.json'), 'utf8')).toBe(readFileSync(out('w1.json'), 'utf8'));
    const untimed = (file: string) => readFileSync(out(file), 'utf8').replace(/ time="[\d.]+"/g, '');
    expect(untimed('w2.xml')).toBe(untimed('w1.xml'));
  });

  it('writes well-formed JUnit XML with one testsuite per scenario and one testcase per expectation', () => {
    const { problems, root } = checkXml(readFileSync(out('w1.xml'), 'utf8'));
    expect(problems).toEqual([]);
    const suites = root?.children ?? [];
    expect(suites.map((s) => s.attributes.name)).toEqual(['small', 'sweep', 'violated']);
    const names = (i: number) => suites[i].children.filter((c) => c.name === 'testcase').map((c) => c.attributes.name);
    expect(names(0)).toEqual(['events >= 0', 'duration <= 6h', 'etcd.members == 3', 'p95(events) >= 0', 'invariants.violations == 0', INVARIANTS_CHECK]);
    expect(names(1)).toEqual([INVARIANTS_CHECK]);
    expect(names(2)).toEqual(['etcd.members == 3', 'events < 0', INVARIANTS_CHECK]);
    const failure = suites[2].children.filter((c) => c.name === 'testcase')[1].children[0];
    expect(failure.name).toBe('failure');
    expect(failure.text).toContain('npx fleetsim run test/cli/fixtures/violated.yaml --seed 6');
    expect(root?.attributes).toMatchObject({ tests: '10', failures: '1', errors: '0' });
  });

  it('the check/v1 JSON lists each seed with its trace hash', () => {
    const json = JSON.parse(readFileSync(out('w1.json'), 'utf8')) as { ok: boolean; scenarios: Array<{ seeds: number[]; runs: Array<{ traceHash: string }> }> };
    expect(json.ok).toBe(false);
    expect(json.scenarios[0].seeds).toEqual([3, 4]);
    expect(new Set(json.scenarios[0].runs.map((run) => run.traceHash)).size).toBe(2);
  });

});

describe('fleetsim sweep', () => {
  it('writes the same CSV with --workers 1 and --workers 2, one row per combination and metric', () => {
    expect(r.sweepW1.code).toBe(0);
    expect(r.sweepW2.code).toBe(0);
    const csv = readFileSync(out('s1.csv'), 'utf8');
    expect(readFileSync(out('s2.csv'), 'utf8')).toBe(csv);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('reboot.maxConcurrent,etcd.members,metric,runs,p50,p95,max,nulls');
    expect(lines.length).toBe(1 + 2 * SWEEP_METRICS.length);
    expect(lines.filter((l) => l.startsWith('2,3,')).length).toBe(SWEEP_METRICS.length);
    expect(r.sweepW1.stdout).toContain('reboot.maxConcurrent=2 etcd.members=3');
  });

});

