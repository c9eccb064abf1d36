/**
 * The command line runs from a build (bin/build.js: esbuild bundles sim/cli and web/server into
 * dist/cli-<stamp>/ at `npm install`), not from TypeScript compiled at run time. The build must
 * behave exactly as the sources do, and must never be stale.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript without type declarations (it runs before anything is compiled)
import { BUNDLED_PACKAGES, buildDir, ensureBuilt, sourceStamp } from '../../bin/build.js';
import { fleetsim, REPO_ROOT } from './spawn-cli.ts';

const runReport = async (env: NodeJS.ProcessEnv) => {
  const result = await fleetsim(['run', 'scenarios/strategy-off.yaml', '--seed', '7', '--json', '-', '-q'], env);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { traceHash: string; events: number; transitions: number };
};

describe('the built command line', () => {
  it('runs a scenario to the same trace hash, event and transition counts as the TypeScript sources', async () => {
    const built = await runReport({});
    const fromSource = await runReport({ FLEETSIM_FROM_SOURCE: '1' });
    expect(built.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(built).toMatchObject({ traceHash: fromSource.traceHash, events: fromSource.events, transitions: fromSource.transitions });
  }, 120_000);

  it('runs a sweep in worker threads from the build (the worker entry is found next to the chunks)', async () => {
    const args = ['sweep', 'scenarios/strategy-off.yaml', '--seeds', '2', '--workers', '2', '--csv', '-'];
    const built = await fleetsim(args);
    expect(built.code, built.stderr).toBe(0);
    const fromSource = await fleetsim(args, { FLEETSIM_FROM_SOURCE: '1' });
    expect(built.stdout.split('\n').length).toBeGreaterThan(3);
    expect(built.stdout).toBe(fromSource.stdout);
  }, 120_000);

  it('is the build named by the current sources (what bin/fleetsim.js runs is never stale)', async () => {
    const dir = await ensureBuilt(REPO_ROOT);
    expect(dir).toBe(buildDir(REPO_ROOT, sourceStamp(REPO_ROOT)));
    expect(existsSync(join(dir, 'main.js'))).toBe(true);
    const builtAt = statSync(join(dir, 'main.js')).mtimeMs;
    expect(await ensureBuilt(REPO_ROOT)).toBe(dir);
    expect(statSync(join(dir, 'main.js')).mtimeMs).toBe(builtAt);
  }, 120_000);
});

describe('what the build bundles', () => {
  /** Every bare package name the built files import (static, dynamic or require). */
  const importedPackages = async () => {
    const dir = await ensureBuilt(REPO_ROOT);
    const names = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"'./][^"']*)["']/g)) {
        const specifier = match[1];
        if (specifier.startsWith('node:')) continue;
        names.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
      }
    }
    return names;
  };

  it('loads none of the start-up dependencies (zod, yaml, commander...) from node_modules, and the server ones still from there', async () => {
    const names = await importedPackages();
    expect(BUNDLED_PACKAGES).toEqual(expect.arrayContaining(['zod', 'yaml', 'commander']));
    for (const name of BUNDLED_PACKAGES as string[]) expect(names.has(name), name).toBe(false);
    for (const name of ['express', 'ws', 'bullmq']) expect(names.has(name), name).toBe(true);
  }, 120_000);

  it('keeps zod\'s English messages only (the other locales are 366 kB nobody reads)', async () => {
    const dir = await ensureBuilt(REPO_ROOT);
    const text = readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    expect(text).toContain('Invalid input');
    // Words of zod's German and French messages (zod/v4/locales/de.js, fr.js), in ASCII since
    // esbuild escapes the rest; an earlier build with every locale contained them.
    expect(text).not.toContain('E-Mail-Adresse');
    expect(text).not.toContain('zu haben');
    expect(text).not.toContain('adresse e-mail');
  }, 120_000);
});

describe('a source edit', () => {
  it('makes the next start build again, into a new directory holding the edit', async () => {
    // A copy of what the build reads, so that the repository's own dist/ is not touched.
    const root = mkdtempSync(join(tmpdir(), 'fleetsim-rebuild-'));
    try {
      for (const path of ['sim', 'web/server', 'web/shared', 'bin', 'package.json']) cpSync(join(REPO_ROOT, path), join(root, path), { recursive: true });
      symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
      const first = await ensureBuilt(root);
      expect(readFileSync(join(first, 'main.js'), 'utf8')).not.toContain('edited by the rebuild test');
      const main = join(root, 'sim', 'cli', 'main.ts');
      writeFileSync(main, readFileSync(main, 'utf8').replace("name('fleetsim')", "name('fleetsim edited by the rebuild test')"));
      const second = await ensureBuilt(root);
      expect(second).not.toBe(first);
      expect(second).toBe(buildDir(root, sourceStamp(root)));
      expect(readFileSync(join(second, 'main.js'), 'utf8')).toContain('edited by the rebuild test');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the source stamp', () => {
  const root = mkdtempSync(join(tmpdir(), 'fleetsim-stamp-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'sim', 'cli'), { recursive: true });
  const source = join(root, 'sim', 'cli', 'main.ts');
  writeFileSync(source, 'export const a = 1;\n');
  writeFileSync(join(root, 'package.json'), '{"name":"fleetsim"}\n');

  it('changes when a source file is edited, even to the same size', () => {
    const before = sourceStamp(root);
    expect(sourceStamp(root)).toBe(before);
    writeFileSync(source, 'export const a = 2;\n');
    utimesSync(source, new Date(2030, 0, 1), new Date(2030, 0, 1));
    expect(sourceStamp(root)).not.toBe(before);
  });

  it('changes when a source file is added', () => {
    const before = sourceStamp(root);
    writeFileSync(join(root, 'sim', 'cli', 'new.ts'), 'export {};\n');
    expect(sourceStamp(root)).not.toBe(before);
  });

  it('changes when a source file is removed, and is back to the old value without it', () => {
    const extra = join(root, 'sim', 'cli', 'removed.ts');
    const without = sourceStamp(root);
    writeFileSync(extra, 'export {};\n');
    const withIt = sourceStamp(root);
    rmSync(extra);
    expect(withIt).not.toBe(without);
    expect(sourceStamp(root)).toBe(without);
  });

  it('is 16 hex digits and differs between two trees that differ only in one file\'s size', () => {
    const other = mkdtempSync(join(tmpdir(), 'fleetsim-stamp-other-'));
    try {
      mkdirSync(join(other, 'sim', 'cli'), { recursive: true });
      writeFileSync(join(other, 'package.json'), '{"name":"fleetsim"}\n');
      writeFileSync(join(other, 'sim', 'cli', 'main.ts'), 'export const a = 1;\n');
      const stamp = sourceStamp(other);
      expect(stamp).toMatch(/^[0-9a-f]{16}$/);
      writeFileSync(join(other, 'sim', 'cli', 'main.ts'), 'export const a = 10;\n');
      expect(sourceStamp(other)).not.toBe(stamp);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
