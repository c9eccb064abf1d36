/**
 * Small files with one concern: a source file of sim/ over 400 lines says why in its header
 * ("Over 400 lines, knowingly: ..."), so that growth past the bound is a decision, not drift.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from './source-files.ts';

const root = join(import.meta.dirname, '..');
const LINES_MAX = 400;


/** Files over the bound whose first 80 lines state no reason. */
export function unexplainedLongFiles(files: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [file, text] of files) {
    const lines = text.split('\n');
    if (lines.length <= LINES_MAX) continue;
    if (!lines.slice(0, 80).some((line) => line.includes('Over 400 lines, knowingly'))) out.push(`${file}: ${lines.length} lines`);
  }
  return out;
}

describe('file size in sim/', () => {
  it('flags a long file without a reason and accepts one with it', () => {
    const long = Array.from({ length: 450 }, () => 'x;').join('\n');
    expect(unexplainedLongFiles(new Map([['a.ts', long], ['b.ts', `// Over 400 lines, knowingly: one loop.\n${long}`], ['c.ts', 'x;']]))).toEqual(['a.ts: 450 lines']);
  });

  it('has no file over 400 lines without a stated reason', () => {
    const files = new Map(sourceFiles(join(root, 'sim')).map((f) => [relative(root, f), readFileSync(f, 'utf8')] as const));
    expect(unexplainedLongFiles(files)).toEqual([]);
  });
});
