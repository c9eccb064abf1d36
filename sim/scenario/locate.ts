// Maps a key path (['fleet', 'groups', 0, 'nodse']) back to the YAML node it came from, so an
// error can name a line and column. The path is followed as far as the document goes: a missing
// key resolves to its parent mapping, which is where the user has to add it.

import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface Position {
  line: number;
  column: number;
}

export interface Located {
  position: Position;
  /** True when the whole path was found; false when the position is an ancestor's. */
  exact: boolean;
}

export function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  options: { atKey?: boolean } = {},
): Located {
  let node: unknown = doc.contents;
  let keyNode: unknown = null;
  let found = 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (isScalar(item.key) ? String(item.key.value) : String(item.key)) === String(segment));
      if (pair === undefined) break;
      keyNode = pair.key;
      // A key with no value (`nodes:`) has a null value node; the key is the place to point at.
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      keyNode = null;
      node = node.items[segment];
    } else {
      break;
    }
    found++;
  }
  const exact = found === path.length;
  const target = exact && options.atKey && keyNode !== null ? keyNode : node;
  return { position: positionOf(target, lineCounter), exact };
}

function positionOf(node: unknown, lineCounter: LineCounter): Position {
  const range = (node as Node | null)?.range;
  if (range === undefined || range === null) return { line: 1, column: 1 };
  const { line, col } = lineCounter.linePos(range[0]);
  return { line, column: col };
}
