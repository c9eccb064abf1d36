// Checks the unit parsers on good and bad inputs, with the exact messages a user sees, and that
// formatDuration and parseDuration round-trip (a fast-check property).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatDuration, parseDuration, parseFraction, parsePercent, parseRate, parseSize } from '../../sim/scenario/units.ts';

const value = (result: ReturnType<typeof parseDuration>) => (result.ok ? result.value : result.message);

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['45s', 45_000],
    ['7m', 420_000],
    ['2h', 7_200_000],
    ['3d', 259_200_000],
    ['1w', 604_800_000],
    ['1.5h', 5_400_000],
    ['1.1s', 1_100],
    ['.5s', 500],
    ['1h30m', 5_400_000],
    ['0', 0],
    ['250', 250],
    [' 45m ', 2_700_000],
    [1000, 1000],
    [0, 0],
  ] as const)('reads %j as %d ms', (input, ms) => {
    expect(parseDuration(input)).toEqual({ ok: true, value: ms });
  });

  it('names what was expected and what was found', () => {
    expect(value(parseDuration('45 minutes'))).toBe('expected a duration like 250ms, 45m or 3d, found "45 minutes"');
    expect(value(parseDuration('5y'))).toBe('expected a duration like 250ms, 45m or 3d, found "5y"');
    expect(value(parseDuration('5M'))).toBe('expected a duration like 250ms, 45m or 3d, found "5M"');
    expect(value(parseDuration(''))).toBe('expected a duration like 250ms, 45m or 3d, found ""');
    expect(value(parseDuration(true))).toBe('expected a duration like 250ms, 45m or 3d, found the boolean true');
    expect(value(parseDuration([1]))).toBe('expected a duration like 250ms, 45m or 3d, found a list');
  });

  it('rejects negatives, NaN, infinities and sub-millisecond values', () => {
    expect(value(parseDuration('-2h'))).toBe('expected a duration like 250ms, 45m or 3d, found "-2h" (a negative duration)');
    expect(value(parseDuration(-5))).toBe('expected a duration like 250ms, 45m or 3d, found the number -5 (a negative duration)');
    expect(value(parseDuration(Number.NaN))).toBe('expected a duration like 250ms, 45m or 3d, found NaN');
    expect(parseDuration(Number.POSITIVE_INFINITY).ok).toBe(false);
    expect(value(parseDuration('1.5ms'))).toBe('expected a whole number of milliseconds, found "1.5ms" (1.5ms)');
    expect(value(parseDuration(0.5))).toBe('expected a whole number of milliseconds, found the number 0.5');
  });

  it('rejects compound durations whose units do not decrease', () => {
    expect(value(parseDuration('30m1h'))).toBe(
      'expected a duration like 250ms, 45m or 3d, found "30m1h" (units of a compound duration must decrease, like 1h30m)',
    );
    expect(parseDuration('1h1h').ok).toBe(false);
  });

  it('accepts a leading minus only when asked (clock skews)', () => {
    expect(parseDuration('-2h', { allowNegative: true })).toEqual({ ok: true, value: -7_200_000 });
    expect(parseDuration(-5, { allowNegative: true })).toEqual({ ok: true, value: -5 });
    expect(value(parseDuration('two hours', { allowNegative: true }))).toBe('expected a duration like 250ms, -45m or 3d, found "two hours"');
  });
});

describe('formatDuration', () => {
  it('writes the largest units first', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(1_500)).toBe('1s500ms');
    expect(formatDuration(604_800_000)).toBe('1w');
    expect(formatDuration(-7_200_000)).toBe('-2h');
  });

  it('round-trips through parseDuration for every whole number of milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 45), max: 2 ** 45 }), (ms) => {
        const parsed = parseDuration(formatDuration(ms), { allowNegative: true });
        expect(parsed).toEqual({ ok: true, value: ms });
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips through parseDuration for a decimal of any unit that lands on whole ms', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom('s', 'm', 'h', 'd', 'w'), (tenths, unit) => {
        const parsed = parseDuration(`${tenths / 10}${unit}`);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(parseDuration(formatDuration(parsed.value))).toEqual(parsed);
      }),
    );
  });
});

describe('parseSize', () => {
  it.each([
    ['300MB', 300e6],
    ['1.5GiB', 1.5 * 2 ** 30],
    ['1KB', 1000],
    ['1kB', 1000],
    ['4KiB', 4096],
    ['2TB', 2e12],
    ['1TiB', 2 ** 40],
    ['512B', 512],
    ['4096', 4096],
    [4096, 4096],
  ] as const)('reads %j as %d bytes', (input, bytes) => {
    expect(parseSize(input)).toEqual({ ok: true, value: bytes });
  });

  it('rejects unknown units, negatives and fractions of a byte', () => {
    expect(value(parseSize('300mb'))).toBe('expected a size like 300MB, 1.5GiB or 4096 (bytes), found "300mb"');
    expect(value(parseSize('-1MB'))).toBe('expected a size like 300MB, 1.5GiB or 4096 (bytes), found "-1MB"');
    expect(value(parseSize(-1))).toBe('expected a size like 300MB, 1.5GiB or 4096 (bytes), found the number -1');
    expect(value(parseSize('0.5B'))).toBe('expected a whole number of bytes, found "0.5B"');
    expect(value(parseSize(Number.NaN))).toBe('expected a size like 300MB, 1.5GiB or 4096 (bytes), found NaN');
  });
});

describe('parseRate', () => {
  it.each([
    ['1Gbps', 1e9],
    ['100Mbps', 1e8],
    ['10Kbps', 1e4],
    ['10kbps', 1e4],
    ['9600bps', 9600],
    ['1.5Tbps', 1.5e12],
    [1e6, 1e6],
  ] as const)('reads %j as %d bits/s', (input, bps) => {
    expect(parseRate(input)).toEqual({ ok: true, value: bps });
  });

  it('rejects bytes per second and other units', () => {
    expect(value(parseRate('1GB/s'))).toBe('expected a rate like 1Gbps, 100Mbps or 10Kbps, found "1GB/s"');
    expect(value(parseRate(-3))).toBe('expected a rate like 1Gbps, 100Mbps or 10Kbps, found the number -3');
  });
});

describe('parsePercent and parseFraction', () => {
  it('reads 5% as 0.05', () => {
    expect(parsePercent('5%')).toEqual({ ok: true, value: 0.05 });
    expect(parsePercent('12.5 %')).toEqual({ ok: true, value: 0.125 });
  });

  it('refuses a percentage without the sign and negatives', () => {
    expect(value(parsePercent('5'))).toBe('expected a percentage like 5%, found "5"');
    expect(value(parsePercent('-5%'))).toBe('expected a percentage like 5%, found "-5%"');
  });

  it('takes a fraction in [0, 1] as a number or a percentage, and nothing above 1', () => {
    expect(parseFraction(0.25)).toEqual({ ok: true, value: 0.25 });
    expect(parseFraction('25%')).toEqual({ ok: true, value: 0.25 });
    expect(value(parseFraction(5))).toBe('expected a fraction between 0 and 1, like 0.05 or 5%, found the number 5');
    expect(value(parseFraction('150%'))).toBe('expected a fraction between 0 and 1, like 0.05 or 5%, found "150%"');
    expect(value(parseFraction('half'))).toBe('expected a fraction between 0 and 1, like 0.05 or 5%, found "half"');
  });
});
