/**
 * Sweep statistics (sim/cli/sweep-stats.ts): nearest-rank percentiles where a thing that did not
 * happen (null) ranks above every number, and the long-format CSV.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cartesian, parseSetOption } from '../../sim/cli/args.ts';
import { csvField, formatSweepTable, metricStats, percentileWithNulls, SWEEP_METRICS, sweepCsv, sweepStats } from '../../sim/cli/sweep-stats.ts';
import { aggregateOf } from '../../sim/scenario/index.ts';
import { makeReport } from './make-report.ts';

describe('percentileWithNulls', () => {
  it('agrees with the expectations aggregate (aggregateOf) when every value is a number (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 1, maxLength: 50 }), (values) => {
        expect(percentileWithNulls(values, 50)).toBe(aggregateOf('p50', values));
        expect(percentileWithNulls(values, 95)).toBe(aggregateOf('p95', values));
        expect(percentileWithNulls(values, 100)).toBe(aggregateOf('max', values));
      }),
    );
  });

  it('ranks null above every number: p95 is null once more than 5% of the runs never got there', () => {
    const values = [...Array.from({ length: 18 }, (_, i) => i), null, null];
    expect(percentileWithNulls(values, 50)).toBe(9);
    expect(percentileWithNulls(values, 90)).toBe(17);
    expect(percentileWithNulls(values, 95)).toBeNull();
    expect(percentileWithNulls([], 50)).toBeNull();
  });

  it('metricStats counts nulls and reads booleans as 1/0', () => {
    const reports = [makeReport({ rollout: { duration: null } }), makeReport({ rollout: { duration: 5 } })];
    expect(metricStats(reports, 'rollout.duration')).toEqual({ metric: 'rollout.duration', runs: 2, p50: 5, p95: null, max: null, nulls: 1 });
    expect(metricStats(reports, 'rollout.completed').p50).toBe(1);
  });
});

describe('sweep CSV and table', () => {
  const combos = cartesian([parseSetOption('reboot.maxConcurrent=1,2'), parseSetOption('fleet.boot.boot={min: 1s, max: 2s}')]);
  const stats = sweepStats(combos, [[makeReport()], [makeReport({ reboots: { maxConcurrent: 2 } })]]);

  it('has one row per combination and metric, the --set paths first, raw numbers', () => {
    const lines = sweepCsv(['reboot.maxConcurrent', 'fleet.boot.boot'], stats).trimEnd().split('\n');
    expect(lines[0]).toBe('reboot.maxConcurrent,fleet.boot.boot,metric,runs,p50,p95,max,nulls');
    expect(lines.length).toBe(1 + combos.length * SWEEP_METRICS.length);
    expect(lines[1]).toBe('1,"{min: 1s, max: 2s}",rollout.duration,1,93784000,93784000,93784000,0');
    expect(lines).toContain('2,"{min: 1s, max: 2s}",reboots.maxConcurrent,1,2,2,2,0');
  });

  it('quotes CSV fields with commas, quotes or line breaks (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('a\nb')).toBe('"a\nb"');
  });

  it('prints each combination once with its metrics in human units', () => {
    const table = formatSweepTable(stats);
    expect(table).toContain('reboot.maxConcurrent=1 fleet.boot.boot={min: 1s, max: 2s}');
    expect(table).toMatch(/rollout\.duration\s+1d 2h\s+1d 2h\s+1d 2h/);
  });
});
