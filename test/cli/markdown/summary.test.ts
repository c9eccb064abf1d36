/**
 * The pull-request summary (sim/cli/markdown/summary.ts) from reports made by hand
 * (test/cli/make-report.ts): p50/p95 by nearest rank over the seeds, "never" when more than 5% of
 * the seeds never completed, the reboot-window verdict, workload rows only when the report has
 * workloads, and the checks. Then `run --markdown` end to end, with $GITHUB_STEP_SUMMARY appended.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { predictionMarkdown, type PredictionBlock } from '../../../sim/cli/markdown/summary.ts';
import { main } from '../../../sim/cli/main.ts';
import type { Report } from '../../../sim/report/report.ts';
import { makeReport } from '../make-report.ts';

const HOUR = 3_600_000;
const START = Date.parse('2024-01-01T00:00:00Z'); // a Monday

function block(reports: Report[], changes: Partial<PredictionBlock> = {}): PredictionBlock {
  return { title: 'fleet', file: 'fleet.yaml', reports, crashes: 0, window: null, startEpochMs: START, checks: [], ...changes };
}

const withDuration = (hours: number | null) =>
  makeReport({ rollout: { completed: hours !== null, startedAt: HOUR, completedAt: hours === null ? null : HOUR + hours * HOUR, duration: hours === null ? null : hours * HOUR } });

describe('predictionMarkdown', () => {
  it('gives time to patch p50/p95 by nearest rank: 1h..20h over 20 seeds is 10h and 19h', () => {
    const reports = Array.from({ length: 20 }, (_, i) => withDuration(i + 1));
    const md = predictionMarkdown('check', [block(reports)]);
    expect(md).toContain('| time to patch (`rollout.duration`) | 10h | 19h |');
    expect(md).toContain('the rollout completed in 20 of 20');
  });

  it('says "never" at p95 when more than 5% of the seeds never completed', () => {
    const reports = [...Array.from({ length: 18 }, () => withDuration(2)), withDuration(null), withDuration(null)];
    expect(predictionMarkdown('check', [block(reports)])).toContain('| 2h | never |');
  });

  it('says the rollout fits one window when it starts and ends in the same opening, and how many it spans otherwise', () => {
    const window = { days: [6], start: 120, length: 6 * HOUR, timezone: 'UTC' };
    // Saturday 2024-01-06 02:00Z is 5 days + 2 h after the start.
    const saturday = 5 * 24 * HOUR + 2 * HOUR;
    const inside = makeReport({ rollout: { startedAt: saturday + HOUR, completedAt: saturday + 3 * HOUR, duration: 2 * HOUR } });
    const twoWeeks = makeReport({ rollout: { startedAt: saturday + HOUR, completedAt: saturday + 7 * 24 * HOUR + HOUR, duration: 7 * 24 * HOUR } });
    expect(predictionMarkdown('run', [block([inside], { window })])).toContain('**fits one window**');
    expect(predictionMarkdown('run', [block([twoWeeks], { window })])).toContain('spans 2 window openings (p50), 2 (p95)');
    const outside = makeReport({ rollout: { startedAt: saturday + HOUR, completedAt: saturday + 3 * HOUR }, reboots: { outsideWindow: 3 } });
    expect(predictionMarkdown('run', [block([outside], { window })])).not.toContain('fits one window**');
  });

  it('lists workloads below target only when the reports have workloads', () => {
    const plain = predictionMarkdown('run', [block([withDuration(1)])]);
    expect(plain).not.toContain('| workload |');
    const withWorkloads = { ...withDuration(1), workloads: [{ name: 'api', belowMinMs: 30 * 60_000, availability: 0.99 }] } as Report;
    expect(predictionMarkdown('run', [block([withWorkloads])])).toContain('| api | 30m | 30m |');
  });

  it('marks failed checks and says at the top that one failed', () => {
    const md = predictionMarkdown('check', [block([withDuration(1)], { checks: [{ expr: 'rollout.duration <= 30m', ok: false, actual: '1h' }] })]);
    expect(md).toContain('❌ at least one check failed.');
    expect(md).toContain('| `rollout.duration <= 30m` | ❌ fail | 1h |');
  });
});

describe('fleetsim run --markdown', () => {
  it('writes the summary to the file and appends it to $GITHUB_STEP_SUMMARY', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'fleetsim-md-'));
    const summary = join(tmp, 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    let stderr = '';
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) }, env: { NO_COLOR: '1', GITHUB_STEP_SUMMARY: summary }, nowMs: () => 0 };
    const code = await main(['run', 'test/cli/fixtures/small.yaml', '-q', '--markdown', join(tmp, 'pr.md')], io);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const md = readFileSync(join(tmp, 'pr.md'), 'utf8');
    expect(md).toMatch(/^## fleetsim run test\/cli\/fixtures\/small.yaml --seed \d+/);
    expect(md).toContain('| time to patch (`rollout.duration`) |');
    expect(readFileSync(summary, 'utf8')).toBe(`# earlier step\n${md}\n`);
  });
});
