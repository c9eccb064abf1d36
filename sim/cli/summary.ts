// The readable summary `fleetsim run` prints after a run: one line per section of the report,
// then the expectations with their actual values. Pure: report in, text out.

import type { Report } from '../report/report.ts';
import { parseExpectation } from '../scenario/index.ts';
import { formatBytes, formatCount, formatDurationShort, formatFraction, formatReportValue } from './format.ts';
import type { Style } from './style.ts';
import { renderTable } from './table.ts';

/** Violations listed in the summary; the JSON report has them all. */
const VIOLATIONS_SHOWN = 10;

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

export function formatSummary(report: Report, style: Style): string {
  const { fleet, rollout, reboots, availability, etcd, server, invariants } = report;
  const versions = Object.entries(fleet.versions)
    .map(([version, count]) => `${version}: ${formatCount(count)}`)
    .join(', ');
  const rolloutText = rollout.completed
    ? `completed in ${formatDurationShort(rollout.duration)} (started at ${formatDurationShort(rollout.startedAt)})`
    : rollout.startedAt === null
      ? 'not started'
      : `not completed (started at ${formatDurationShort(rollout.startedAt)})`;
  const rows: string[][] = [
    ['fleet', `${plural(fleet.nodes, 'node')}, ${formatCount(fleet.updated)} updated (${formatFraction(fleet.updatedFraction)}), ${formatCount(fleet.rolledBack)} rolled back, ${formatCount(fleet.failed)} failed, ${formatCount(fleet.down)} down at the end`],
    ['versions', versions === '' ? '-' : versions],
    ['rollout', `${rolloutText}${rollout.halted ? ', HALTED' : ''}; t50 ${formatDurationShort(rollout.t50)}, t90 ${formatDurationShort(rollout.t90)}, t99 ${formatDurationShort(rollout.t99)}`],
    ['reboots', `${formatCount(reboots.total)} total, at most ${formatCount(reboots.maxConcurrent)} at once`],
    ['availability', `at most ${formatCount(availability.maxDown)} down at once (${formatFraction(availability.maxDownFraction)}), ${formatDurationShort(availability.nodeDowntime)} of node downtime`],
    ['etcd', `${plural(etcd.members, 'member')}, ${plural(etcd.elections, 'election')}, ${plural(etcd.leaderChanges, 'leader change')}, leaderless ${formatDurationShort(etcd.leaderless)}, quorum lost ${formatDurationShort(etcd.quorumLost)}, at most ${plural(etcd.maxLockHolders, 'lock holder')}, ${plural(etcd.requests, 'request')}, ${plural(etcd.outages.length, 'outage')}`],
    ['server', `${plural(server.requests, 'request')}, peak ${formatCount(server.peakRequestsPerMinute)}/min, peak ${formatCount(server.peakConcurrentDownloads)} concurrent downloads, ${formatBytes(server.bytesServed)} served`],
    ...workloadRows(report),
    ...faultRows(report.faults),
    ['invariants', invariants.violations === 0 ? `${style.ok} no violation` : `${style.fail} ${plural(invariants.violations, 'violation')}`],
  ];
  let text = `${style.bold(`${report.scenario}`)}: seed ${report.seed}, ${formatDurationShort(report.duration)} simulated (${report.fidelity}) in ${formatDurationShort(report.wallMs)} wall, ${plural(report.events, 'event')}, trace ${report.traceHash}\n`;
  text += renderTable(['section', 'result'], rows);
  for (const v of invariants.list.slice(0, VIOLATIONS_SHOWN)) {
    text += `  ${style.red('violation')} at ${formatDurationShort(v.time)} [${v.checker}]: ${v.message}\n`;
  }
  if (invariants.list.length > VIOLATIONS_SHOWN) text += `  ... and ${invariants.list.length - VIOLATIONS_SHOWN} more in the JSON report\n`;
  // Not violations (the real system does the same), but never silent.
  for (const v of invariants.excused.slice(0, VIOLATIONS_SHOWN)) {
    text += `  excused at ${formatDurationShort(v.time)} [${v.checker}]: ${v.message}\n`;
  }
  if (report.expectations.length > 0) {
    text += '\n' + formatExpectations(report.expectations, style);
  }
  return text;
}

/** One row per workload, and the drains' row when there are workloads. */
function workloadRows(report: Report): string[][] {
  if (report.workloads.length === 0) return [];
  const rows = report.workloads.map((w) => [
    'workload',
    `${w.name}: ${formatCount(w.replicas)} replicas, available ${formatFraction(w.availability)}, at least ${formatCount(w.minReady)} ready, ${formatDurationShort(w.belowMinMs)} below minAvailable, ${formatDurationShort(w.quorumLostMs)} without quorum, ${plural(w.evictionsRefused, 'eviction')} refused`,
  ]);
  rows.push(['drain', `${formatDurationShort(report.drain.blockedMs)} blocked by budgets, ${plural(report.drain.timeouts, 'timeout')}, ${plural(report.reboots.forced, 'forced reboot')}`]);
  return rows;
}

/** Faults listed in the summary; the JSON report has them all. */
const FAULTS_SHOWN = 10;

/** One row per fault: what it was, when, how many nodes or members it hit, and the note. */
function faultRows(faults: Report['faults']): string[][] {
  const rows = faults.slice(0, FAULTS_SHOWN).map((f) => ['fault', `${f.kind} at ${formatDurationShort(f.at)}: ${formatCount(f.targets)} hit; ${f.note}`]);
  if (faults.length > FAULTS_SHOWN) rows.push(['fault', `... and ${faults.length - FAULTS_SHOWN} more in the JSON report`]);
  return rows;
}

/** The expectations table: mark, expression, actual value in the expression's units. */
export function formatExpectations(results: Report['expectations'], style: Style): string {
  const rows = results.map((r) => [r.ok ? style.ok : style.fail, r.expr, formatActual(r.expr, r.actual)]);
  return renderTable(['', 'expectation', 'actual'], rows);
}

/** An expectation's actual value in the units of its path (a message stays a message). */
export function formatActual(expr: string, actual: unknown): string {
  const parsed = parseExpectation(expr);
  return formatReportValue(parsed.ok ? parsed.expectation.path : '', actual);
}
