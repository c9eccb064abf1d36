/**
 * The trace hash: canonical (key order does not matter), sensitive to every field, and delivered
 * to subscribers.
 */
import { describe, expect, it } from 'vitest';
import { Trace } from '../../sim/engine/trace.ts';

function hashOf(events: Array<Parameters<Trace['emit']>>): string {
  const t = new Trace();
  for (const e of events) t.emit(...e);
  return t.traceHash;
}

describe('Trace', () => {
  it('hashes the same events to the same 16-hex-digit digest', () => {
    const events: Array<Parameters<Trace['emit']>> = [
      [0, 'node.boot', 1, { slot: 'A' }],
      [1500, 'node.state', 'node-2', { from: 'IDLE', to: 'CHECKING_FOR_UPDATE' }],
    ];
    expect(hashOf(events)).toMatch(/^[0-9a-f]{16}$/);
    expect(hashOf(events)).toBe(hashOf(events));
  });

  it('does not depend on the order of keys in the data', () => {
    expect(hashOf([[1, 'k', 1, { a: 1, b: 'x' }]])).toBe(hashOf([[1, 'k', 1, { b: 'x', a: 1 }]]));
  });

  it('changes when any field changes', () => {
    const base = hashOf([[1, 'k', 1, { a: 1 }]]);
    expect(hashOf([[2, 'k', 1, { a: 1 }]])).not.toBe(base);
    expect(hashOf([[1, 'j', 1, { a: 1 }]])).not.toBe(base);
    expect(hashOf([[1, 'k', 2, { a: 1 }]])).not.toBe(base);
    expect(hashOf([[1, 'k', '1', { a: 1 }]])).not.toBe(base);
    expect(hashOf([[1, 'k', 1, { a: 2 }]])).not.toBe(base);
    expect(hashOf([[1, 'k', 1, { a: 1.5 }]])).not.toBe(base);
    expect(hashOf([[1, 'k', 1]])).not.toBe(base);
  });

  it('depends on the order of events', () => {
    expect(hashOf([[1, 'a', 1], [1, 'b', 1]])).not.toBe(hashOf([[1, 'b', 1], [1, 'a', 1]]));
  });

  it('delivers events to subscribers until they unsubscribe', () => {
    const t = new Trace();
    const seen: string[] = [];
    const stop = t.subscribe((e) => seen.push(`${e.time}:${e.kind}`));
    t.emit(1, 'x', 0);
    stop();
    t.emit(2, 'y', 0);
    expect(seen).toEqual(['1:x']);
    expect(t.count).toBe(2);
  });
});
