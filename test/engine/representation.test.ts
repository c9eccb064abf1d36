import { describe, expect, it } from 'vitest';
import { asDoubleFields } from '../../sim/engine/representation.ts';

describe('asDoubleFields', () => {
  it('leaves every field with the value it had', () => {
    const o = { a: 0, b: 7, c: -3.25, name: 'x' };
    asDoubleFields(o, 'a', 'b', 'c');
    expect(o).toEqual({ a: 0, b: 7, c: -3.25, name: 'x' });
    expect(Object.is(o.a, 0)).toBe(true);
  });

  it('refuses a field that does not hold a number (a misspelt name would add one)', () => {
    expect(() => asDoubleFields({ a: 0 }, 'b')).toThrow(/field 'b' holds undefined/);
    expect(() => asDoubleFields({ a: 'text' }, 'a')).toThrow(/holds string/);
  });
});
