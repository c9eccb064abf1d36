/**
 * No import cycle anywhere in sim/: layers depend downward only, and a file that needs something
 * from a file that imports it depends on a small interface (a port) instead. The test builds the
 * import graph itself from the `import ... from './x'` and `export ... from './x'` statements of
 * every sim/ source file (type-only imports count: a cycle of types is a cycle of design), and
 * fails naming one cycle. It is shown to fail on a synthetic cycle.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from './source-files.ts';

const root = join(import.meta.dirname, '..');


/** Relative specifiers of the static imports and re-exports in `source` (multi-line ones too). */
export function relativeImports(source: string): string[] {
  const out: string[] = [];
  const pattern = /^\s*(?:import|export)\s+(?:type\s+)?(?:[\s\S]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;
  for (const m of source.matchAll(pattern)) out.push(m[1]);
  return out;
}

/** The import graph: file -> files it imports (paths as given, resolved against the importer). */
export function importGraph(files: ReadonlyMap<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, source] of files) {
    graph.set(
      file,
      relativeImports(source)
        .map((spec) => resolve(dirname(file), spec))
        .filter((target) => files.has(target)),
    );
  }
  return graph;
}

/** One cycle of the graph as a path that ends where it starts, or null (depth-first, colours). */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | null {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const colour = new Map<string, number>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    colour.set(node, GREY);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const c = colour.get(next) ?? WHITE;
      if (c === GREY) return [...stack.slice(stack.indexOf(next)), next];
      if (c === WHITE) {
        const found = visit(next);
        if (found !== null) return found;
      }
    }
    stack.pop();
    colour.set(node, BLACK);
    return null;
  };
  for (const node of [...graph.keys()].sort()) {
    if ((colour.get(node) ?? WHITE) === WHITE) {
      const found = visit(node);
      if (found !== null) return found;
    }
  }
  return null;
}

describe('import cycles in sim/', () => {
  it('reads single-line, multi-line, type-only and re-export statements', () => {
    const source = [
      "import { a } from './a.ts';",
      "import type { B } from '../b.ts';",
      'import {',
      '  c,',
      "} from './c/c.ts';",
      "export { d } from './d.ts';",
      "export * from './e.ts';",
      "import { z } from 'zod';",
      "const s = 'from ./not-an-import.ts';",
    ].join('\n');
    expect(relativeImports(source)).toEqual(['./a.ts', '../b.ts', './c/c.ts', './d.ts', './e.ts']);
  });

  it('finds a synthetic cycle a -> b -> c -> a, and none once it is broken', () => {
    const files = new Map([
      ['/x/a.ts', "import { b } from './b.ts';"],
      ['/x/b.ts', "import type { C } from './sub/c.ts';"],
      ['/x/sub/c.ts', "import { a } from '../a.ts';\nimport { d } from '../d.ts';"],
      ['/x/d.ts', 'export const d = 1;'],
    ]);
    expect(findCycle(importGraph(files))).toEqual(['/x/a.ts', '/x/b.ts', '/x/sub/c.ts', '/x/a.ts']);
    files.set('/x/sub/c.ts', "import { d } from '../d.ts';");
    expect(findCycle(importGraph(files))).toBeNull();
  });

  it('has no cycle among the source files of sim/', () => {
    const files = new Map(sourceFiles(join(root, 'sim')).map((f) => [f, readFileSync(f, 'utf8')] as const));
    expect(files.size).toBeGreaterThan(100);
    const graph = importGraph(files);
    // The graph is really built: the run imports the world.
    expect(graph.get(join(root, 'sim/run/fleet-run.ts'))).toContain(join(root, 'sim/model/world/world.ts'));
    const cycle = findCycle(graph);
    expect(cycle?.map((f) => relative(root, f)) ?? null).toBeNull();
  });
});
