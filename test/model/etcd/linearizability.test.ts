// The register checker itself, on hand-made histories: it must accept linearizable ones and
// reject the classic violations, or the property tests that use it prove nothing.
import { describe, expect, it } from 'vitest';
import { isLinearizable, type RegisterOp } from './linearizability.ts';

describe('isLinearizable (single register, get and CAS)', () => {
  it('accepts overlapping operations that some order explains', () => {
    const history: RegisterOp[] = [
      { kind: 'cas', invokeMs: 0, returnMs: 10, from: null, to: 'a', ok: true },
      { kind: 'read', invokeMs: 5, returnMs: 6, value: null },
      { kind: 'read', invokeMs: 11, returnMs: 12, value: 'a' },
    ];
    expect(isLinearizable(history)).toBe(true);
  });

  it('rejects a stale read after a completed write', () => {
    const history: RegisterOp[] = [
      { kind: 'cas', invokeMs: 0, returnMs: 10, from: null, to: 'a', ok: true },
      { kind: 'read', invokeMs: 11, returnMs: 12, value: null },
    ];
    expect(isLinearizable(history)).toBe(false);
  });

  it('rejects two successful CAS from the same value (a lost update)', () => {
    const history: RegisterOp[] = [
      { kind: 'cas', invokeMs: 0, returnMs: 10, from: null, to: 'a', ok: true },
      { kind: 'cas', invokeMs: 0, returnMs: 10, from: null, to: 'b', ok: true },
    ];
    expect(isLinearizable(history)).toBe(false);
  });

  it('lets a CAS with unknown outcome explain a later read, or be left out', () => {
    const unknown: RegisterOp = { kind: 'cas-unknown', invokeMs: 0, returnMs: Infinity, from: null, to: 'a' };
    expect(isLinearizable([unknown, { kind: 'read', invokeMs: 20, returnMs: 21, value: 'a' }])).toBe(true);
    expect(isLinearizable([unknown, { kind: 'read', invokeMs: 20, returnMs: 21, value: null }])).toBe(true);
    expect(isLinearizable([unknown, { kind: 'read', invokeMs: 20, returnMs: 21, value: 'b' }])).toBe(false);
  });
});
