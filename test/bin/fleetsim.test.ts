/**
 * bin/fleetsim.js answers `--version` and `-V` alone from package.json, without checking or
 * loading the build (the start-up target: under 0.15 s). Its line must be the one commander
 * prints for the full command line, so a user cannot tell the two paths apart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/in-process.ts';
import { fleetsim, REPO_ROOT } from '../cli/spawn-cli.ts';

const packageVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('bin/fleetsim.js --version fast path', () => {
  it('prints package.json version for --version and -V, exit 0, nothing on stderr', async () => {
    for (const flag of ['--version', '-V']) {
      expect(await fleetsim([flag])).toEqual({ code: 0, stdout: `${packageVersion}\n`, stderr: '' });
    }
  });

  it('prints the same line as commander does for the full command line', async () => {
    const fast = await fleetsim(['--version']);
    const viaCommander = await cli('--version');
    expect(fast.stdout).toBe(viaCommander.stdout);
  });

  it('leaves --version with other arguments to commander (a command\'s --version is not the fast path)', async () => {
    const result = await fleetsim(['validate', '--version']);
    // commander reads a program-level flag anywhere before the command's own options.
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${packageVersion}\n`);
  });
});
