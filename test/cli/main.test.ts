/**
 * main() in-process with captured streams (no spawn, so it is cheap to cover many cases): the
 * exit codes of bad input (2) for every command, --help and --version (0), what goes to stdout
 * and what to stderr, and the --force rule leaving an existing file untouched.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CHECK_SEEDS } from '../../sim/cli/commands/check.ts';
import { DEFAULT_HOST, DEFAULT_PORT } from '../../sim/cli/commands/serve.ts';
import { HELP_DEFAULTS } from '../../sim/cli/main.ts';
import { cli } from './in-process.ts';
import { REPO_ROOT } from './spawn-cli.ts';

const F = join(REPO_ROOT, 'test/cli/fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'fleetsim-main-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('main: help, version, unknown input', () => {
  it('--version prints the package version and exits 0', async () => {
    const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(await cli('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help for the program and for each command lists the options and exits 0', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    for (const command of ['run', 'check', 'sweep', 'validate', 'serve', 'start']) expect(top.stdout).toContain(command);
    const run = await cli('run', '--help');
    expect(run.code).toBe(0);
    for (const flag of ['--seed', '--duration', '--json', '--trace', '--quiet', '--force', '--set']) expect(run.stdout).toContain(flag);
    const check = await cli('check', '--help');
    for (const flag of ['--seeds', '--seed-base', '--junit', '--workers', '--force']) expect(check.stdout).toContain(flag);
  });

  it('the help text shows the defaults the commands use', () => {
    expect(HELP_DEFAULTS).toEqual({ checkSeeds: DEFAULT_CHECK_SEEDS, port: DEFAULT_PORT, host: DEFAULT_HOST });
  });

  it('an unknown flag, an unknown command or a missing argument exits 2 with the reason on stderr', async () => {
    const flag = await cli('run', `${F}/small.yaml`, '--sed', '3');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--sed'");
    expect(flag.stdout).toBe('');
    expect((await cli('rn')).code).toBe(2);
    expect((await cli('run')).code).toBe(2);
    expect((await cli('sweep', `${F}/sweep.yaml`)).stderr).toContain('--seeds');
    expect((await cli()).code).toBe(2);
  });
});

describe('main: bad input exits 2 before anything runs', () => {
  it('validate OKs valid files on stdout and exits 0', async () => {
    const result = await cli('validate', `${F}/small.yaml`, `${F}/sweep.yaml`);
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(result.stdout).toContain('small.yaml: OK (small: 16 nodes in 2 groups, 3 etcd members');
  });

  it('run: a missing file, an invalid scenario, a bad seed, a bad --set or --duration', async () => {
    const missing = await cli('run', `${F}/nope.yaml`);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toContain('nope.yaml: cannot read the file (no such file or directory)');
    const invalid = await cli('run', `${F}/bad/invalid.yaml`);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/invalid\.yaml:2:11: duration: /);
    expect((await cli('run', `${F}/small.yaml`, '--seed', 'x')).stderr).toContain('--seed: expected a whole number');
    expect((await cli('run', `${F}/small.yaml`, '--set', 'reboot.maxConcurrent=0')).stderr).toContain('(from override reboot.maxConcurrent)');
    const duration = await cli('run', `${F}/small.yaml`, '--duration', '400d');
    expect(duration.code).toBe(2);
    expect(duration.stderr).toContain('at most 366d');
  });

  it('run refuses to overwrite an existing output file without --force, leaving it untouched', async () => {
    const kept = join(tmp, 'kept.json');
    writeFileSync(kept, 'evidence\n');
    const json = await cli('run', `${F}/small.yaml`, '--json', kept);
    expect(json.code).toBe(2);
    expect(json.stderr).toBe(`--json ${kept}: the file exists; pass --force to overwrite it\n`);
    const trace = await cli('run', `${F}/small.yaml`, '--trace', kept);
    expect(trace.code).toBe(2);
    expect(trace.stderr).toContain('--force');
    expect(readFileSync(kept, 'utf8')).toBe('evidence\n');
  });

  it('check: an invalid scenario among others lists its errors; bad --seeds and --workers', async () => {
    const invalid = await cli('check', F, `${F}/bad`, '--seeds', '2');
    expect(invalid).toMatchObject({ code: 2, stdout: '' });
    expect(invalid.stderr).toMatch(/invalid\.yaml:2:11: duration: /);
    expect(invalid.stderr).toMatch(/invalid\.yaml:5:20: fleet\.groups\[0\]\.nodse: /);
    expect((await cli('check', F, '--seeds', '0')).stderr).toContain('--seeds: expected a whole number between 1 and');
    expect((await cli('check', F, '--workers', '0')).stderr).toContain('--workers');
    expect((await cli('check', join(tmp, 'empty-dir-that-does-not-exist'))).code).toBe(2);
    const junit = join(tmp, 'junit.xml');
    writeFileSync(junit, '<old/>');
    expect((await cli('check', F, '--junit', junit)).stderr).toContain('--force');
    expect(readFileSync(junit, 'utf8')).toBe('<old/>');
  });

  it('sweep: a value the scenario cannot hold, an unknown path, a malformed --set', async () => {
    const value = await cli('sweep', `${F}/sweep.yaml`, '--seeds', '2', '--set', 'reboot.maxConcurrent=1,0');
    expect(value.code).toBe(2);
    expect(value.stderr).toContain('(from override reboot.maxConcurrent) [in 1 of 2 combinations, e.g. reboot.maxConcurrent=0]');
    const path = await cli('sweep', `${F}/sweep.yaml`, '--seeds', '2', '--set', 'reboot.maxConcurent=1');
    expect(path.code).toBe(2);
    expect(path.stderr).toContain('maxConcurent');
    expect((await cli('sweep', `${F}/sweep.yaml`, '--seeds', '2', '--set', 'novalue')).stderr).toContain('PATH=VALUE');
  });

  it('serve: a bad port', async () => {
    const result = await cli('serve', '--port', '99999');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--port');
  });
});
