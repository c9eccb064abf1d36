/**
 * sim/ is pure TypeScript: it runs the same in the CLI, a worker, the web server and a browser,
 * and a run is a pure function of (scenario, seed). This test fails the build when code under
 * sim/ (outside sim/cli/, the command line) reads the wall clock, global randomness or a
 * Node-only module.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from './source-files.ts';

const root = join(import.meta.dirname, '..');


const forbidden: Array<[RegExp, string]> = [
  [/\bMath\.random\s*\(/, 'Math.random (use a seeded stream from sim/engine/random.ts)'],
  [/\bDate\.now\s*\(/, 'Date.now (use the simulation clock)'],
  [/\bperformance\.now\s*\(/, 'performance.now (wall-clock time belongs to sim/cli)'],
  [/\bnew Date\s*\(\s*\)/, 'new Date() (the wall clock)'],
  [/from\s+['"](node:[^'"]+|fs|path|os|child_process|worker_threads|process)['"/]/, 'a Node-only import'],
  [/\bprocess\.(env|argv|exit|stdout|stderr|hrtime)/, 'the process object'],
];

describe('sim/ purity', () => {
  const files = sourceFiles(join(root, 'sim')).filter((f) => !relative(root, f).startsWith(join('sim', 'cli')));

  it('finds the engine sources to check', () => {
    expect(files.some((f) => f.endsWith(join('engine', 'simulation.ts')))).toBe(true);
  });

  it('has no wall clock, global randomness or Node-only import outside sim/cli', () => {
    const problems: string[] = [];
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        // Comments may name what they forbid; only code counts.
        if (/^\s*(\*|\/\*|\/\/)/.test(line)) return;
        const code = line.replace(/\/\/.*$/, '');
        for (const [pattern, what] of forbidden) {
          if (pattern.test(code)) problems.push(`${relative(root, file)}:${i + 1}: ${what}`);
        }
      });
    }
    expect(problems).toEqual([]);
  });

  it('would catch a forbidden call (the patterns themselves work)', () => {
    expect(forbidden[0][0].test('const x = Math.random();')).toBe(true);
    expect(forbidden[1][0].test('t = Date.now()')).toBe(true);
    expect(forbidden[4][0].test("import { readFileSync } from 'node:fs';")).toBe(true);
    expect(forbidden[4][0].test("import fs from 'fs';")).toBe(true);
  });
});
