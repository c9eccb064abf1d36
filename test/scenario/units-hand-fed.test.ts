// Hand-fed edge cases of the unit parsers (sim/scenario/units.ts): the messages for values of the
// wrong type or too large to hold, surrounding blanks, zero and negative zero, and the bounds of a
// fraction. Every expected value is worked out by hand in the comment next to it.
import { describe, expect, it } from 'vitest';
import { describeFound, formatDuration, parseDuration, parseFraction, parsePercent, parseRate, parseSize } from '../../sim/scenario/units.ts';

const message = (result: ReturnType<typeof parseDuration>) => (result.ok ? `ok ${result.value}` : result.message);
const SIZE = 'expected a size like 300MB, 1.5GiB or 4096 (bytes)';
const RATE = 'expected a rate like 1Gbps, 100Mbps or 10Kbps';
const FRACTION = 'expected a fraction between 0 and 1, like 0.05 or 5%';

describe('describeFound on values that are neither scalars, lists nor mappings', () => {
  it('names a bigint, a symbol and a function by their type rather than as a mapping', () => {
    expect(describeFound(10n)).toBe('bigint');
    expect(describeFound(Symbol('x'))).toBe('symbol');
    expect(describeFound(() => 1)).toBe('function');
    expect(describeFound({ a: 1 })).toBe('a mapping');
  });
});

describe('parseDuration at its edges', () => {
  it('says what a duration looks like when the value is of the wrong type', () => {
    expect(message(parseDuration(null))).toBe('expected a duration like 250ms, 45m or 3d, found null');
    expect(message(parseDuration(null, { allowNegative: true }))).toBe('expected a duration like 250ms, -45m or 3d, found null');
  });

  it('refuses a compound duration too large to count in whole milliseconds', () => {
    // 99999999999w = 99_999_999_999 * 604_800_000 ms ≈ 6.05e19 ms > 2^53 ≈ 9.007e15.
    expect(message(parseDuration('99999999999w'))).toBe('expected a duration like 250ms, 45m or 3d, found "99999999999w" (too large)');
  });

  it('refuses a plain number of milliseconds past the largest safe integer', () => {
    // 2^53 = 9007199254740992 is whole but not a safe integer.
    expect(message(parseDuration(2 ** 53))).toBe('expected a duration like 250ms, 45m or 3d, found the number 9007199254740992 (too large)');
  });

  it('reads negative zero as plain zero, never as -0', () => {
    // "-0s" with negatives allowed: sign -1 times 0 ms is -0, which the parser folds to 0.
    const fromText = parseDuration('-0s', { allowNegative: true });
    expect(fromText.ok && Object.is(fromText.value, 0)).toBe(true);
    const fromNumber = parseDuration(-0);
    expect(fromNumber.ok && Object.is(fromNumber.value, 0)).toBe(true);
    // -1e-10 ms rounds to -0 (within the noise tolerance), and must come out as 0 too.
    const tiny = parseDuration(-1e-10, { allowNegative: true });
    expect(tiny.ok && Object.is(tiny.value, 0)).toBe(true);
  });

  it('counts a value exactly at the floating-point tolerance as whole', () => {
    // roundIfWhole accepts |v - round(v)| <= 1e-9 * max(1, |v|): for v = 1e-9, the difference
    // is 1e-9 and the bound is 1e-9 * 1, so it is whole (0 ms).
    expect(parseDuration(1e-9)).toEqual({ ok: true, value: 0 });
  });

  it('reads a compound that starts with weeks', () => {
    // 1w2d = 604_800_000 + 2 * 86_400_000 = 777_600_000 ms.
    expect(parseDuration('1w2d')).toEqual({ ok: true, value: 777_600_000 });
  });
});

describe('formatDuration at its edges', () => {
  it('writes weeks before days', () => {
    // 2w1d = 2 * 604_800_000 + 86_400_000 = 1_296_000_000 ms.
    expect(formatDuration(1_296_000_000)).toBe('2w1d');
  });

  it('throws on a fraction of a millisecond, naming the value', () => {
    expect(() => formatDuration(1.5)).toThrow('formatDuration: expected whole milliseconds, got 1.5');
  });
});

describe('parseSize at its edges', () => {
  it('accepts zero bytes as a number', () => {
    expect(parseSize(0)).toEqual({ ok: true, value: 0 });
  });

  it('refuses a fraction of a byte given as a number', () => {
    expect(message(parseSize(1.5))).toBe('expected a whole number of bytes, found the number 1.5');
  });

  it('says what a size looks like when the value is of the wrong type', () => {
    expect(message(parseSize(true))).toBe(`${SIZE}, found the boolean true`);
    expect(message(parseSize('lots'))).toBe(`${SIZE}, found "lots"`);
  });

  it('ignores blanks around the text', () => {
    // 4KiB = 4 * 1024 = 4096 bytes.
    expect(parseSize(' 4KiB ')).toEqual({ ok: true, value: 4096 });
  });

  it('refuses a size too large to count in whole bytes', () => {
    // 99999999TiB = 99_999_999 * 2^40 ≈ 1.1e20 bytes > 2^53.
    expect(message(parseSize('99999999TiB'))).toBe(`${SIZE}, found "99999999TiB" (too large)`);
  });
});

describe('parseRate at its edges', () => {
  it('accepts a rate of zero as a number', () => {
    expect(parseRate(0)).toEqual({ ok: true, value: 0 });
  });

  it('says what a rate looks like when the value is of the wrong type', () => {
    expect(message(parseRate(null))).toBe(`${RATE}, found null`);
    expect(message(parseRate('fast'))).toBe(`${RATE}, found "fast"`);
  });

  it('ignores blanks around the text', () => {
    expect(parseRate(' 1Gbps ')).toEqual({ ok: true, value: 1e9 });
  });
});

describe('parsePercent and parseFraction at their edges', () => {
  it('refuses a plain number as a percentage, naming it', () => {
    expect(message(parsePercent(5))).toBe('expected a percentage like 5%, found the number 5');
  });

  it('refuses a text without the percent sign', () => {
    expect(message(parsePercent('5'))).toBe('expected a percentage like 5%, found "5"');
  });

  it('ignores blanks around a percentage, in both parsers', () => {
    // 5% = 5 / 100 = 0.05.
    expect(parsePercent(' 5% ')).toEqual({ ok: true, value: 0.05 });
    expect(parseFraction(' 5% ')).toEqual({ ok: true, value: 0.05 });
  });

  it('accepts the bounds 0 and 1 and refuses what lies outside them', () => {
    expect(parseFraction(0)).toEqual({ ok: true, value: 0 });
    expect(parseFraction(1)).toEqual({ ok: true, value: 1 });
    expect(parseFraction('100%')).toEqual({ ok: true, value: 1 });
    expect(message(parseFraction(-0.1))).toBe(`${FRACTION}, found the number -0.1`);
    expect(message(parseFraction(1.5))).toBe(`${FRACTION}, found the number 1.5`);
    expect(message(parseFraction(Number.NaN))).toBe(`${FRACTION}, found NaN`);
    expect(message(parseFraction(Number.POSITIVE_INFINITY))).toBe(`${FRACTION}, found the number Infinity`);
    expect(message(parseFraction('150%'))).toBe(`${FRACTION}, found "150%"`);
  });
});
