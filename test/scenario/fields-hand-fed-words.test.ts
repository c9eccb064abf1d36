// Hand-fed cases for the "did you mean" of sim/scenario/fields.ts: closest() with its
// Damerau-Levenshtein distance (optimal string alignment: insert, delete, substitute, or swap two
// adjacent letters, each one edit; a suggestion needs distance <= 2, the first of equally near words
// wins), and discriminatorMessage() for a `kind:`/`do:` naming no variant. Distances are worked
// out by hand in the comments. These run per parse, so the module imported once is enough.
import { describe, expect, it } from 'vitest';
import { closest, discriminatorMessage } from '../../sim/scenario/fields.ts';
import { errorsOf, lines, MINIMAL } from './helpers.ts';

describe('closest, with adjacent swaps counted as one edit', () => {
  it('suggests a word two swaps away, which plain edit distance puts three edits away', () => {
    // "ndose" -> "nodes": swap "do" -> "od" (nodse), swap "se" -> "es" (nodes): 2 edits.
    // Without swaps: after the common "n", "dose" -> "odes" needs 3 (delete d, o = o, s -> d, e = e,
    // insert s), and no 2-edit path exists (all four letters differ position by position).
    expect(closest('ndose', ['nodes'])).toBe('nodes');
    expect(closest('NDOSE', ['name', 'nodes'])).toBe('nodes'); // case-insensitive, written as known
  });

  it('suggests nothing for a word three deletions away', () => {
    // "xyzab" -> "ab": delete x, y, z: 3 edits, above the limit of 2.
    expect(closest('xyzab', ['ab'])).toBeNull();
    // "xab" -> "ab": one deletion.
    expect(closest('xab', ['ab'])).toBe('ab');
  });

  it('counts a swap only when both letters cross: one shared letter out of place is no nearer', () => {
    // "ax" vs "bb": two substitutions, 2. "ax" vs "ya": the letters a/x and y/a do not cross
    // (x != y), so no swap applies; substitute both (or insert y, delete x): 2. Equally near, so the
    // first listed wins.
    expect(closest('ax', ['bb', 'ya'])).toBe('bb');
    // "ab" vs "xy": 2 substitutions. "ab" vs "bc": a/b and b/c do not cross (a != c); delete a,
    // insert c: 2. The first listed wins again.
    expect(closest('ab', ['xy', 'bc'])).toBe('xy');
    // "ab" vs "ba": a real swap, 1, nearer than "xy"'s 2.
    expect(closest('ab', ['xy', 'ba'])).toBe('ba');
  });

  it('keeps the nearest word, and the first of equally near ones', () => {
    // "nodse": to "nodes" one swap (1); to "node" one deletion of the s (1).
    // Both 1: "nodes", listed first, wins; listed the other way round, "node" wins.
    expect(closest('nodse', ['nodes', 'node'])).toBe('nodes');
    expect(closest('nodse', ['node', 'nodes'])).toBe('node');
    // "zonse" -> "zones" 1 (swap) beats "name" (far): the nearer wins whatever the order.
    expect(closest('zonse', ['name', 'zones'])).toBe('zones');
  });
});

const KINDS = ['node-crash', 'server-outage'] as const;
const oneOf = 'expected kind to be one of: node-crash, server-outage; found';

describe('discriminatorMessage, for a value naming no known kind', () => {
  it('reads the kind out of a mapping, and suggests the near one', () => {
    // "sever-outage" -> "server-outage": insert r, 1 edit.
    expect(discriminatorMessage('kind', KINDS, { kind: 'sever-outage', at: '1h' })).toBe(`${oneOf} "sever-outage" (did you mean "server-outage"?)`);
    expect(discriminatorMessage('kind', KINDS, { at: '1h' })).toBe('missing key "kind"; expected one of: node-crash, server-outage');
  });

  it('takes a bare string as the kind itself, and still suggests the near one', () => {
    // "node-crsh" -> "node-crash": insert a, 1 edit.
    expect(discriminatorMessage('kind', KINDS, 'node-crsh')).toBe(`${oneOf} "node-crsh" (did you mean "node-crash"?)`);
  });

  it('describes null, a list or a number as found, with no suggestion', () => {
    expect(discriminatorMessage('kind', KINDS, null)).toBe(`${oneOf} null`);
    expect(discriminatorMessage('kind', KINDS, ['node-crash'])).toBe(`${oneOf} a list`);
    expect(discriminatorMessage('kind', KINDS, 5)).toBe(`${oneOf} the number 5`);
    expect(discriminatorMessage('kind', KINDS, { kind: 5 })).toBe(`${oneOf} the number 5`);
  });

  it('gives a fault written as a bare word, null or a number its located error', () => {
    // Line 4 is the list item; "- " takes columns 3-4, so the value starts at column 5. The kinds
    // are the eleven of docs/scenario-format.md "faults[]", in its table's order.
    const fault = (item: string) => errorsOf(lines(MINIMAL, 'faults:', `  - ${item}`));
    const kinds =
      'node-crash, power-loss, partition, message-loss, latency-spike, etcd-kill, etcd-restart, server-outage, lock-holder-dies, clock-skew, bad-disk';
    const at = `test.yaml:4:5: faults[0]: expected kind to be one of: ${kinds}; found`;
    expect(fault('node-crsh')).toEqual([`${at} "node-crsh" (did you mean "node-crash"?)`]);
    expect(fault('null')).toEqual([`${at} null`]);
    expect(fault('7')).toEqual([`${at} the number 7`]);
  });
});
