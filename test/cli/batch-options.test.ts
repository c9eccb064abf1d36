/**
 * The batch commands' shared options (sim/cli/batch-options.ts): --seeds, --seed-base, --workers
 * or --queue, and the output files. One parser, so check, sweep, search and fuzz refuse the same
 * bad value with the same message and exit 2, before anything runs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_SEEDS } from '../../sim/cli/args.ts';
import { assertOutputsWritable, parseBatchOptions } from '../../sim/cli/batch-options.ts';
import { EXIT_BAD_INPUT } from '../../sim/cli/exit.ts';
import { badInputMessage } from './bad-input.ts';
import { MAX_WORKERS } from '../../sim/cli/limits.ts';
import { cli } from './in-process.ts';
import { REPO_ROOT } from './spawn-cli.ts';

const F = join(REPO_ROOT, 'test/cli/fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'fleetsim-batch-options-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));


describe('parseBatchOptions', () => {
  it('reads the seed count and base, and runs on threads unless --queue is given', () => {
    expect(parseBatchOptions({ seeds: '7', seedBase: '100', workers: '3' })).toEqual({ seedCount: 7, seedBase: 100, target: { kind: 'threads', workers: 3 }, force: false });
    const queued = parseBatchOptions({ seeds: '1', queue: 'redis://127.0.0.1:6379', force: true });
    expect(queued.target.kind).toBe('queue');
    expect(queued.force).toBe(true);
    expect(queued.seedBase).toBeNull();
  });

  it("takes the command's default seed count when --seeds is absent, and refuses the absence without one", () => {
    expect(parseBatchOptions({ workers: '1' }, { seeds: 10 }).seedCount).toBe(10);
    expect(badInputMessage(() => parseBatchOptions({ workers: '1' }))).toContain('--seeds');
  });

  it('refuses a seed count of 0, past its bound, or not a whole number, naming the flag and the range', () => {
    expect(badInputMessage(() => parseBatchOptions({ seeds: '0' }))).toBe(`--seeds: expected a whole number between 1 and ${MAX_SEEDS}, found 0`);
    expect(badInputMessage(() => parseBatchOptions({ seeds: String(MAX_SEEDS + 1) }))).toContain(`between 1 and ${MAX_SEEDS}`);
    expect(badInputMessage(() => parseBatchOptions({ seeds: '2.5' }))).toBe('--seeds: expected a whole number >= 1, found "2.5"');
    expect(badInputMessage(() => parseBatchOptions({ seeds: '1', seedBase: '-3' }))).toBe('--seed-base: expected a whole number >= 0, found "-3"');
  });

  it('refuses a worker count outside 1..MAX_WORKERS, and --workers with --queue', () => {
    expect(badInputMessage(() => parseBatchOptions({ seeds: '1', workers: '0' }))).toBe(`--workers: expected a whole number between 1 and ${MAX_WORKERS}, found 0`);
    expect(badInputMessage(() => parseBatchOptions({ seeds: '1', workers: '2', queue: 'redis://127.0.0.1:6379' }))).toContain('--workers with --queue');
  });
});

describe('assertOutputsWritable', () => {
  it('accepts one output on stdout and absent or new files', () => {
    expect(() => assertOutputsWritable({ json: '-', junit: join(tmp, 'new.xml'), html: join(tmp, 'new.html') }, false)).not.toThrow();
  });

  it('refuses two outputs on stdout, the page or the summary on stdout, and an existing file without --force', () => {
    expect(badInputMessage(() => assertOutputsWritable({ junit: '-', json: '-' }, false))).toBe('--junit - and --json -: only one output can go to stdout');
    expect(badInputMessage(() => assertOutputsWritable({ json: '-', csv: '-' }, false))).toBe('--json - and --csv -: only one output can go to stdout');
    expect(badInputMessage(() => assertOutputsWritable({ html: '-' }, false))).toContain('--html: expected a file name');
    expect(badInputMessage(() => assertOutputsWritable({ markdown: '-' }, false))).toContain('--markdown: expected a file name');
    const existing = join(tmp, 'existing.csv');
    writeFileSync(existing, 'old');
    expect(badInputMessage(() => assertOutputsWritable({ csv: existing }, false))).toBe(`--csv ${existing}: the file exists; pass --force to overwrite it`);
    expect(() => assertOutputsWritable({ csv: existing }, true)).not.toThrow();
    expect(readFileSync(existing, 'utf8')).toBe('old');
  });
});

describe('the batch commands share the parser', () => {
  const commands: Record<string, string[]> = {
    check: ['check', `${F}/small.yaml`],
    sweep: ['sweep', `${F}/sweep.yaml`, '--set', 'reboot.maxConcurrent=1,2'],
    search: ['search', `${F}/sweep.yaml`, '--set', 'reboot.maxConcurrent=1,2'],
    fuzz: ['fuzz', `${F}/small.yaml`, '--out', join(tmp, 'fuzz')],
  };

  it.each(Object.keys(commands))('%s refuses bad --seeds, --seed-base and --workers with the same message, exit 2, nothing on stdout', async (name) => {
    const argv = commands[name];
    const cases: [string[], string][] = [
      [['--seeds', '0'], `--seeds: expected a whole number between 1 and ${MAX_SEEDS}, found 0`],
      [['--seeds', 'x'], '--seeds: expected a whole number >= 1, found "x"'],
      [['--seeds', '1', '--seed-base', '1e3'], '--seed-base: expected a whole number >= 0, found "1e3"'],
      [['--seeds', '1', '--workers', String(MAX_WORKERS + 1)], `--workers: expected a whole number between 1 and ${MAX_WORKERS}, found ${MAX_WORKERS + 1}`],
      [['--seeds', '1', '--workers', '1', '--queue', 'redis://127.0.0.1:6379'], '--workers with --queue'],
    ];
    for (const [flags, message] of cases) {
      const result = await cli(...argv, ...flags);
      expect(result.code, `${name} ${flags.join(' ')}`).toBe(EXIT_BAD_INPUT);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(message);
    }
  });

  it.each(['check', 'sweep', 'search'])('%s refuses --html - before anything runs', async (name) => {
    const result = await cli(...commands[name], '--seeds', '1', '--html', '-');
    expect(result).toMatchObject({ code: EXIT_BAD_INPUT, stdout: '' });
    expect(result.stderr).toContain('--html: expected a file name');
  });
});
