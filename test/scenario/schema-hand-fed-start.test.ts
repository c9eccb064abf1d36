// Hand-fed cases for the top-level `start` key (sim/scenario/schema.ts startEpochMs), parsed with a
// scenario module imported afresh: the date-time pattern and the union's message are fixed when
// the schema is built, so only a fresh import sees a change there (fresh-schema.test.ts explains).
// The contract is docs/scenario-format.md "Top level": an ISO 8601 date or date-time with `Z` or
// an offset, or epoch ms; a date-time without a zone is an error. Expected instants are written
// with Date.UTC from the date-time by hand (an offset +hh:mm is subtracted to get UTC).
import { beforeAll, describe, expect, it } from 'vitest';
import { freshScenarioModule, type ScenarioModule } from './fresh.ts';
import { MINIMAL, lines } from './helpers.ts';

let fresh: ScenarioModule;
beforeAll(async () => {
  fresh = await freshScenarioModule();
});

/** The start a file with `start: <value>` (its line 3) reads, or its located errors. */
function start(value: string): number | string[] {
  const result = fresh.parseScenario(lines(MINIMAL, `start: ${value}`), 'test.yaml');
  return result.ok ? result.scenario.start : result.errors.map(fresh.formatScenarioError);
}

// `start: ` is 7 characters, so the value of line 3 begins at column 8.
const refused = (found: string) => [`test.yaml:3:8: start: expected a date-time with a zone like 2024-01-01T00:00:00Z (or epoch ms), found ${found}`];
const notTextOrNumber = (found: string) => [`test.yaml:3:8: start: expected a date-time like 2024-01-01T00:00:00Z, found ${found}`];

describe('start as an ISO 8601 date-time with a zone', () => {
  it('reads a date-time with Z as that instant in UTC', () => {
    expect(start('2024-03-05T06:07:08Z')).toBe(Date.UTC(2024, 2, 5, 6, 7, 8));
  });

  it('reads a positive or negative offset by moving the time to UTC', () => {
    // 06:07:08 at +01:00 is 05:07:08 UTC; 06:07:08 at -05:30 is 11:37:08 UTC.
    expect(start('2024-03-05T06:07:08+01:00')).toBe(Date.UTC(2024, 2, 5, 5, 7, 8));
    expect(start('2024-03-05T06:07:08-05:30')).toBe(Date.UTC(2024, 2, 5, 11, 37, 8));
  });

  it('takes a space instead of the T between date and time', () => {
    expect(start('2024-03-05 06:07:08Z')).toBe(Date.UTC(2024, 2, 5, 6, 7, 8));
  });

  it('takes a time without seconds, or with a fraction of several digits', () => {
    expect(start('2024-03-05T06:07Z')).toBe(Date.UTC(2024, 2, 5, 6, 7));
    // .250 s is 250 ms.
    expect(start('2024-03-05T06:07:08.250Z')).toBe(Date.UTC(2024, 2, 5, 6, 7, 8, 250));
  });

  it('reads a date alone as midnight UTC of that day', () => {
    expect(start('2024-03-05')).toBe(Date.UTC(2024, 2, 5));
  });

  it('ignores spaces around a quoted date-time', () => {
    expect(start('" 2024-03-05T06:07:08Z "')).toBe(Date.UTC(2024, 2, 5, 6, 7, 8));
  });
});

describe('start values that are refused with their located error', () => {
  it('a date-time without a zone is refused: it would depend on the machine\'s local zone', () => {
    expect(start('2024-03-05T06:07:08')).toEqual(refused('"2024-03-05T06:07:08"'));
    expect(start('2024-03-05T06:07')).toEqual(refused('"2024-03-05T06:07"'));
  });

  it('a date with anything before its four-digit year is refused, though Date.parse would read it', () => {
    // Date.parse reads all three (V8's fallback parser); ISO 8601 years have four digits.
    expect(start('Mon 2024-03-05')).toEqual(refused('"Mon 2024-03-05"'));
    expect(start('+2024-03-05')).toEqual(refused('"+2024-03-05"'));
    expect(start('12024-03-10')).toEqual(refused('"12024-03-10"'));
  });

  it('a date with a month that does not exist is refused', () => {
    expect(start('2024-13-01')).toEqual(refused('"2024-13-01"'));
  });

  it('a day its month does not have is refused, not rolled over into the next month', () => {
    // Gregorian rule: February has 29 days in years divisible by 4, except centuries not
    // divisible by 400; April has 30 days.
    expect(start('2023-02-29')).toEqual(refused('"2023-02-29"'));
    expect(start('1900-02-29')).toEqual(refused('"1900-02-29"'));
    expect(start('2024-04-31T10:00:00Z')).toEqual(refused('"2024-04-31T10:00:00Z"'));
    expect(start('2024-02-30 10:00Z')).toEqual(refused('"2024-02-30 10:00Z"'));
  });

  it('the last day of a month is taken, February 29th in leap years too', () => {
    expect(start('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(start('2000-02-29')).toBe(Date.UTC(2000, 1, 29));
    expect(start('2024-04-30')).toBe(Date.UTC(2024, 3, 30));
    expect(start('2024-12-31T23:59:59Z')).toBe(Date.UTC(2024, 11, 31, 23, 59, 59));
  });

  it('the day is checked as written, before the offset moves it into another month', () => {
    // 23:30 at -01:00 on 2024-02-29 is 00:30 UTC on 2024-03-01.
    expect(start('2024-02-29T23:30:00-01:00')).toBe(Date.UTC(2024, 2, 1, 0, 30));
  });
});

describe('start as epoch milliseconds', () => {
  it('takes a whole number of milliseconds as it is', () => {
    expect(start('0')).toBe(0);
    // 2024-03-05T06:07:08Z: 19787 days after 1970-01-01 (54 years with 13 leap days = 19723 days
    // to 2024-01-01, then 31 + 29 + 4 = 64), 19787 * 86400 + 6 * 3600 + 7 * 60 + 8 = 1709618828 s.
    expect(start('1709618828000')).toBe(Date.UTC(2024, 2, 5, 6, 7, 8));
    expect(start('1709618828000')).toBe(1_709_618_828_000);
  });

  it('refuses a fraction of a millisecond and a number beyond the safe integers', () => {
    expect(start('1.5')).toEqual(refused('the number 1.5'));
    // 2^53 = 9007199254740992 is the first integer above Number.MAX_SAFE_INTEGER.
    expect(start('9007199254740992')).toEqual(refused('the number 9007199254740992'));
  });
});

describe('start values that are neither text nor a number', () => {
  it('are refused with the message that asks for a date-time', () => {
    expect(start('true')).toEqual(notTextOrNumber('the boolean true'));
    expect(start('[2024]')).toEqual(notTextOrNumber('a list'));
    expect(start('{year: 2024}')).toEqual(notTextOrNumber('a mapping'));
  });
});
