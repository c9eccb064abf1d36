// Checks locate (sim/scenario/locate.ts): a key path is followed through the YAML document as far
// as it goes, and the position is the deepest node reached (1-based line and column, counted by
// eye in DOC below). Paths that leave the document stop at the last node they reached.
import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { locate } from '../../sim/scenario/locate.ts';

// Line 1 and 2 are comments, so the document's root mapping starts at line 3, column 1.
const DOC = [
  '# a scenario',
  '# second comment',
  'name: demo', //                   line 3: `demo` at column 7
  'fleet:', //                       line 4
  '  groups:', //                    line 5: `groups` at column 3
  '    - {name: canary, nodes: 5}', // line 6: the element's `{` at column 7
  '    - {name: prod, nodes: 9}', //  line 7: the element's `{` at column 7
].join('\n');

function parsed(text: string): { doc: Document; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return { doc, lineCounter };
}

describe('locate', () => {
  const { doc, lineCounter } = parsed(DOC);
  const at = (path: PropertyKey[], atKey = false) => locate(doc, lineCounter, path, { atKey });

  it('finds a list element by its numeric index', () => {
    expect(at(['fleet', 'groups', 1])).toEqual({ position: { line: 7, column: 7 }, exact: true });
  });

  it('stops at the list when the index is one past its end', () => {
    // groups has 2 elements, so [2] is missing: the position is the list's first `-`, line 6 column 5.
    expect(at(['fleet', 'groups', 2])).toEqual({ position: { line: 6, column: 5 }, exact: false });
    expect(at(['fleet', 'groups', 7, 'nodes'])).toEqual({ position: { line: 6, column: 5 }, exact: false });
  });

  it('does not index a list with a string, even one made of digits', () => {
    expect(at(['fleet', 'groups', '1'])).toEqual({ position: { line: 6, column: 5 }, exact: false });
  });

  it('stops at a scalar when the path goes on below it', () => {
    // `name: demo`: demo is a scalar at line 3 column 7; neither a key nor an index goes below it.
    expect(at(['name', 'first'])).toEqual({ position: { line: 3, column: 7 }, exact: false });
    expect(at(['name', 0])).toEqual({ position: { line: 3, column: 7 }, exact: false });
  });

  it('points at the key when asked and the last step was a key', () => {
    expect(at(['fleet', 'groups'], true)).toEqual({ position: { line: 5, column: 3 }, exact: true });
  });

  it('points at the value when asked for the key but the last step was a list index', () => {
    expect(at(['fleet', 'groups', 0], true)).toEqual({ position: { line: 6, column: 7 }, exact: true });
  });

  it('points at the root for an empty path, even when asked for a key', () => {
    expect(at([], true)).toEqual({ position: { line: 3, column: 1 }, exact: true });
  });

  it('falls back to line 1, column 1 for a node that has no range', () => {
    // yaml's Node type allows `range: null` (a node built rather than parsed).
    const built = parsed('a: 1\nb: 2\n');
    (built.doc.contents as { range: unknown }).range = null;
    expect(locate(built.doc, built.lineCounter, [])).toEqual({ position: { line: 1, column: 1 }, exact: true });
    const empty = parsed('');
    expect(locate(empty.doc, empty.lineCounter, ['x'])).toEqual({ position: { line: 1, column: 1 }, exact: false });
  });
});
