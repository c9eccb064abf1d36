/**
 * openingsSpanned (sim/cli/markdown/windows.ts): how many openings of a reboot window a rollout
 * spans, on the calendar. Expected values are counted by hand on January 2024 (the 1st is a
 * Monday, so Saturday is the 6th), in UTC and in Berlin (UTC+1 in winter).
 */
import { describe, expect, it } from 'vitest';
import { openingsSpanned, windowSchedule } from '../../../sim/cli/markdown/windows.ts';

const at = (iso: string) => Date.parse(iso);
const weekend = windowSchedule({ days: [0, 6], start: 120, length: 6 * 3_600_000, timezone: 'UTC' });

describe('openingsSpanned(schedule, from, to)', () => {
  it('is 1 when the rollout starts and ends inside one Saturday window', () => {
    expect(openingsSpanned(weekend, at('2024-01-06T03:00Z'), at('2024-01-06T05:00Z'))).toBe(1);
  });

  it('is 2 when it runs from the Saturday window into the Sunday one', () => {
    expect(openingsSpanned(weekend, at('2024-01-06T03:00Z'), at('2024-01-07T03:00Z'))).toBe(2);
  });

  it('is 0 for a span between two openings, and counts an opening it reaches only at its end', () => {
    expect(openingsSpanned(weekend, at('2024-01-01T00:00Z'), at('2024-01-02T00:00Z'))).toBe(0);
    expect(openingsSpanned(weekend, at('2024-01-01T00:00Z'), at('2024-01-06T02:30Z'))).toBe(1);
  });

  it('counts four openings over two weekends', () => {
    expect(openingsSpanned(weekend, at('2024-01-05T00:00Z'), at('2024-01-14T07:00Z'))).toBe(4);
  });

  it('reads the window in its own time zone (Berlin 02:00 is 01:00 UTC in January)', () => {
    const berlin = windowSchedule({ days: [6], start: 120, length: 3_600_000, timezone: 'Europe/Berlin' });
    expect(openingsSpanned(berlin, at('2024-01-06T01:10Z'), at('2024-01-06T01:20Z'))).toBe(1);
    expect(openingsSpanned(berlin, at('2024-01-06T00:10Z'), at('2024-01-06T00:50Z'))).toBe(0);
  });
});
