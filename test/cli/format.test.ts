/**
 * Human formats, tables, the run summary, progress lines and reproducing commands
 * (sim/cli/format.ts, table.ts, summary.ts, progress.ts, repro.ts): pure text functions.
 */
import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDurationShort, formatFraction, formatReportValue } from '../../sim/cli/format.ts';
import { formatBatchProgress, formatRunProgress, ProgressLine } from '../../sim/cli/progress.ts';
import { reproCommand, shellQuote } from '../../sim/cli/repro.ts';
import { FANCY_STYLE, PLAIN_STYLE, styleFor } from '../../sim/cli/style.ts';
import { formatActual, formatSummary } from '../../sim/cli/summary.ts';
import { renderTable, stripAnsi } from '../../sim/cli/table.ts';
import { makeReport } from './make-report.ts';

describe('formats', () => {
  it('formatDurationShort shows the two largest units and - for a thing that did not happen', () => {
    expect(formatDurationShort(93_784_000)).toBe('1d 2h');
    expect(formatDurationShort(1500)).toBe('1s 500ms');
    expect(formatDurationShort(86_400_000 + 5 * 60_000)).toBe('1d');
    expect(formatDurationShort(0)).toBe('0s');
    expect(formatDurationShort(250)).toBe('250ms');
    expect(formatDurationShort(-90_000)).toBe('-1m 30s');
    expect(formatDurationShort(null)).toBe('-');
  });

  it('formats counts, bytes and fractions', () => {
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatCount(0.5)).toBe('0.5');
    expect(formatBytes(297_000_000_000)).toBe('297GB');
    expect(formatBytes(300_000_000)).toBe('300MB');
    expect(formatBytes(999)).toBe('999B');
    expect(formatFraction(0.0523)).toBe('5.23%');
  });

  it('formats a report value by the units of its path', () => {
    expect(formatReportValue('rollout.duration', 7_200_000)).toBe('2h');
    expect(formatReportValue('server.bytesServed', 1e9)).toBe('1.00GB');
    expect(formatReportValue('fleet.updatedFraction', 0.5)).toBe('50%');
    expect(formatReportValue('events', 12345)).toBe('12,345');
    expect(formatReportValue('rollout.completed', true)).toBe('true');
    expect(formatActual('p95(rollout.duration) <= 2d', 90_000_000)).toBe('1d 1h');
    expect(formatActual('rollout.duration <= 2d', 'no field rollout.x')).toBe('no field rollout.x');
  });
});

describe('renderTable', () => {
  it('pads columns to the widest cell, right-aligns on request, ignores colour codes', () => {
    const text = renderTable(['a', 'n'], [['x', '1'], [FANCY_STYLE.green('long'), '100']], { align: ['left', 'right'] });
    expect(stripAnsi(text)).toBe('a       n\n----  ---\nx       1\nlong  100\n');
  });

  it('rejects a row with the wrong number of cells', () => {
    expect(() => renderTable(['a', 'b'], [['x']])).toThrow(/1 cells/);
  });
});

describe('formatSummary', () => {
  const report = makeReport({
    invariants: { violations: 1, list: [{ time: 60_000, checker: 'lock', message: 'two holders' }], excused: [] },
    expectations: [
      { expr: 'rollout.duration <= 3d', ok: true, actual: 93_784_000 },
      { expr: 'events < 0', ok: false, actual: 123_456 },
    ],
  });

  it('has one line per report section and the expectations with their marks', () => {
    const text = formatSummary(report, PLAIN_STYLE);
    for (const section of ['fleet', 'versions', 'rollout', 'reboots', 'availability', 'etcd', 'server', 'invariants']) {
      expect(text).toMatch(new RegExp(`^${section}\\s`, 'm'));
    }
    expect(text).toContain('1,000 nodes, 990 updated (99%)');
    expect(text).toContain('completed in 1d 2h');
    expect(text).toMatch(/^ok\s+rollout\.duration <= 3d\s+1d 2h$/m);
    expect(text).toMatch(/^FAIL\s+events < 0\s+123,456$/m);
    expect(text).toContain('violation at 1m [lock]: two holders');
  });

  it('is plain ASCII in the plain style and uses marks in the fancy one', () => {
    expect(formatSummary(report, PLAIN_STYLE)).toMatch(/^[\x20-\x7e\n]*$/);
    const fancy = formatSummary(report, FANCY_STYLE);
    expect(fancy).toContain('✓');
    expect(fancy).toContain('✗');
  });

  it('styleFor picks plain on a pipe, with NO_COLOR, or on a dumb terminal', () => {
    expect(styleFor({ isTTY: true }, {})).toBe(FANCY_STYLE);
    expect(styleFor({ isTTY: false }, {})).toBe(PLAIN_STYLE);
    expect(styleFor({ isTTY: true }, { NO_COLOR: '1' })).toBe(PLAIN_STYLE);
    expect(styleFor({ isTTY: true }, { TERM: 'dumb' })).toBe(PLAIN_STYLE);
  });
});

describe('progress', () => {
  it('shows the share of the horizon, simulated time, events per second and an ETA', () => {
    const text = formatRunProgress({ simMs: 43_200_000, horizonMs: 172_800_000, events: 500_000, wallMs: 1000 }, true);
    expect(text).toBe('[######------------------]  25.0%  12h / 2d  500,000 events/s  ETA 3s');
    expect(formatBatchProgress(3, 12, 3000, true)).toBe('[######------------------] 3/12 runs  ETA 9s');
  });

  it('ProgressLine writes nothing when disabled, and redraws at most every 100 ms', () => {
    const writes: string[] = [];
    const stream = { isTTY: true, columns: 80, write: (t: string) => writes.push(t) };
    new ProgressLine(stream, false).update('x', 0);
    expect(writes).toEqual([]);
    const line = new ProgressLine(stream, true);
    line.update('a', 0);
    line.update('b', 50);
    line.update('c', 150);
    line.clear();
    expect(writes.map((w) => w.replace(/\r\u001b\[2K/, ''))).toEqual(['a', 'c', '']);
  });
});

describe('reproCommand', () => {
  it('is the run command with the seed, quoting what the shell would split', () => {
    expect(reproCommand('scenarios/a.yaml', 7)).toBe('npx fleetsim run scenarios/a.yaml --seed 7');
    expect(reproCommand('my scenarios/a.yaml', 7, { duration: '2d', sets: ['fleet.boot.boot={min: 1s, max: 2s}'] })).toBe(
      "npx fleetsim run 'my scenarios/a.yaml' --seed 7 --duration 2d --set 'fleet.boot.boot={min: 1s, max: 2s}'",
    );
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
