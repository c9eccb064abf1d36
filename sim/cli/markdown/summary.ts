// The prediction as Markdown for a pull request or `$GITHUB_STEP_SUMMARY` (`--markdown FILE` on
// run, check and sweep): per scenario (or sweep combination), time to patch p50/p95 over the
// seeds, whether the rollout fits one reboot window, the most nodes down at once, workloads below
// their target when the report has workloads, and the invariant and expectation results. Pure.

import type { Report } from '../../report/report.ts';
import type { RebootWindow } from '../../scenario/index.ts';
import { formatDurationShort } from '../format.ts';
import { percentileWithNulls } from '../sweep-stats.ts';
import { openingsSpanned, windowSchedule } from './windows.ts';

export interface CheckLine {
  expr: string;
  ok: boolean;
  actual: string;
}

export interface PredictionBlock {
  /** The scenario's name, or a sweep combination's label. */
  title: string;
  file: string;
  /** The reports of the runs that finished, one per seed. */
  reports: readonly Report[];
  /** Runs that crashed (they count against the checks). */
  crashes: number;
  /** The scenario's reboot window (`reboot.window`), null when reboots may start any time. */
  window: RebootWindow | null;
  /** Scenario `start` (epoch ms): simulated time 0 on the calendar. */
  startEpochMs: number;
  /** Expectation and invariant verdicts; null when the command judges none (sweep). */
  checks: readonly CheckLine[] | null;
}

/** One workload line of a report (report `workloads`, present once workloads are modelled). */
interface WorkloadLine {
  name: string;
  belowMinMs: number;
  availability: number;
}

function workloadsOf(report: Report): readonly WorkloadLine[] {
  const list = (report as unknown as { workloads?: unknown }).workloads;
  return Array.isArray(list) ? (list as WorkloadLine[]) : [];
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

const count = (v: number | null) => (v === null ? 'never' : String(v));
const duration = (v: number | null) => (v === null ? 'never' : formatDurationShort(v));

function p50p95(values: readonly (number | null)[], format: (v: number | null) => string): string {
  return `${format(percentileWithNulls(values, 50))} | ${format(percentileWithNulls(values, 95))}`;
}

/** `Sat, Sun 02:00 for 6h (UTC)`: days in the order of a working week, Monday first. */
export function describeWindow(window: RebootWindow): string {
  const names = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const days = window.days.length === 7 ? 'every day' : [...window.days].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7)).map((d) => names[d]).join(', ');
  const hh = String(Math.floor(window.start / 60)).padStart(2, '0');
  const mm = String(window.start % 60).padStart(2, '0');
  return `${days} ${hh}:${mm} for ${formatDurationShort(window.length)} (${window.timezone})`;
}

function windowLine(block: PredictionBlock): string {
  if (block.window === null) return '**Reboot window:** none (reboots may start any time).';
  const schedule = windowSchedule(block.window);
  const spans = block.reports.map((r) =>
    r.rollout.startedAt === null || r.rollout.completedAt === null ? null : openingsSpanned(schedule, block.startEpochMs + r.rollout.startedAt, block.startEpochMs + r.rollout.completedAt),
  );
  const p95 = percentileWithNulls(spans, 95);
  const outside = Math.max(0, ...block.reports.map((r) => r.reboots.outsideWindow));
  const fits = p95 !== null && p95 <= 1 && outside === 0;
  const verdict = fits ? '**fits one window**' : p95 === null ? '**does not finish** within the horizon in at least 5% of the seeds' : `**does not fit one window**: the rollout spans ${percentileWithNulls(spans, 50)} window openings (p50), ${p95} (p95)`;
  return `**Reboot window:** ${describeWindow(block.window)}: ${verdict}; reboots started outside it: ${outside} (most in one seed).`;
}

function blockMarkdown(block: PredictionBlock): string {
  const r = block.reports;
  const seeds = r.length + block.crashes;
  const completed = r.filter((x) => x.rollout.completed).length;
  const halted = r.filter((x) => x.rollout.halted).length;
  const lines = [
    `### ${cell(block.title)}`,
    '',
    `\`${cell(block.file)}\`, ${seeds} seed${seeds === 1 ? '' : 's'}${block.crashes > 0 ? ` (${block.crashes} crashed)` : ''}: the rollout completed in ${completed} of ${seeds}${halted > 0 ? `; the update server's policy halted it in ${halted}` : ''}.`,
    '',
    '| | p50 | p95 |',
    '|---|---:|---:|',
    `| time to patch (\`rollout.duration\`) | ${p50p95(r.map((x) => x.rollout.duration), duration)} |`,
    `| 90% of the fleet patched (\`rollout.t90\`) | ${p50p95(r.map((x) => x.rollout.t90), duration)} |`,
    `| most nodes down at once (\`availability.maxDown\`) | ${p50p95(r.map((x) => x.availability.maxDown), count)} |`,
    `| most reboots at once (\`reboots.maxConcurrent\`) | ${p50p95(r.map((x) => x.reboots.maxConcurrent), count)} |`,
    '',
    windowLine(block),
  ];
  const names = [...new Set(r.flatMap((x) => workloadsOf(x).map((w) => w.name)))];
  if (names.length > 0) {
    lines.push('', '| workload | below target p50 | below target p95 |', '|---|---:|---:|');
    for (const name of names) {
      const below = r.map((x) => workloadsOf(x).find((w) => w.name === name)?.belowMinMs ?? null);
      lines.push(`| ${cell(name)} | ${p50p95(below, duration)} |`);
    }
  }
  if (block.checks !== null) {
    lines.push('', '| check | result | actual |', '|---|---|---|');
    for (const c of block.checks) lines.push(`| \`${cell(c.expr)}\` | ${c.ok ? '✅ pass' : '❌ fail'} | ${cell(c.actual)} |`);
  } else {
    const violations = r.reduce((n, x) => n + x.invariants.violations, 0);
    lines.push('', `Invariants: ${violations === 0 && block.crashes === 0 ? '✅ no violation' : `❌ ${violations} violations, ${block.crashes} crashes`} over ${seeds} runs.`);
  }
  return lines.join('\n');
}

/** The whole summary: a heading naming the command, then one section per block. */
export function predictionMarkdown(heading: string, blocks: readonly PredictionBlock[]): string {
  const failed = blocks.some((b) => b.crashes > 0 || (b.checks === null ? b.reports.some((r) => r.invariants.violations > 0) : b.checks.some((c) => !c.ok)));
  const judged = blocks.some((b) => b.checks !== null);
  const verdict = failed ? '❌ at least one check failed.' : judged ? '✅ every check passed.' : '✅ no run crashed or violated an invariant.';
  return `## ${cell(heading)}\n\n${verdict}\n\n${blocks.map(blockMarkdown).join('\n\n')}\n`;
}
