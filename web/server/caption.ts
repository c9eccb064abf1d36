// What is happening now, in one line for a newcomer ("release 3815.2.0 published 3m ago; 48
// downloading, 1 rebooting; 212/1000 on 3815.2.0"), and the marks of the time slider (releases,
// faults and actions of the scenario). Reads the world's state codes; never changes the run.

import type { Scenario } from '../../sim/scenario/index.ts';
import type { TraceEvent } from '../../sim/engine/trace.ts';
import type { World } from '../../sim/model/world/world.ts';
import { NODE_CATEGORY, type TimelineMark } from '../shared/protocol.ts';
import type { NodeStates } from './node-states.ts';

/** Trace kinds worth a line of their own in the caption, and how to say them. */
export function notableText(event: TraceEvent): string | null {
  const kind = event.kind;
  if (kind === 'server.release') return `release ${String(event.subject)} published`;
  if (kind === 'server.outage-start') return 'update server down';
  if (kind === 'server.outage-end') return 'update server back';
  if (kind === 'fault.healed') return `${String((event.data as { kind?: string } | undefined)?.kind ?? 'fault')} healed`;
  if (kind === 'fault.power-restored') return `power restored to ${String(event.subject)} nodes`;
  if (kind.startsWith('fault.')) return `${kind.slice('fault.'.length)} (${String(event.subject)})`;
  if (kind.startsWith('operator.')) return `operator: ${kind.slice('operator.'.length)} ${String(event.subject)}`;
  if (kind === 'etcd.leaderless') return 'etcd has no leader';
  return null;
}

/** Remembers the last notable event of a run (fed by the trace listener). */
export class NotableEvents {
  last: { timeMs: number; text: string } | null = null;
  /** Notable events since the last take() (skip-quiet mode stops on them). */
  pending = 0;

  readonly listener = (event: TraceEvent): void => {
    const text = notableText(event);
    if (text === null) return;
    this.last = { timeMs: event.time, text };
    this.pending++;
  };
}

function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s ago`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m}m ago` : `${Math.round(m / 60)}h ago`;
}

function plural(n: number, one: string, many = one): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/**
 * The caption: the last notable event (with how long ago), what the nodes are doing (update
 * statuses of update_engine and the fleet view's categories), and the newest version's spread;
 * when nothing moves, what comes next on the timeline.
 */
export function caption(world: World, states: NodeStates, nowMs: number, last: NotableEvents['last'], marks: readonly TimelineMark[]): string {
  const ue = world.updateEngine;
  const names = ue.machine.stateNames;
  const perCode = new Uint32Array(names.length);
  const ueStates = ue.states;
  for (let i = 0; i < world.nodeCount; i++) perCode[ueStates[i]]++;
  const byStatus = new Map<string, number>(names.map((name, code) => [name, perCode[code]]));
  const categories = new Array<number>(7).fill(0);
  for (let i = 0; i < states.category.length; i++) categories[states.category[i]]++;
  const doing: string[] = [];
  const add = (n: number, text: string) => {
    if (n > 0) doing.push(`${n.toLocaleString('en-US')} ${text}`);
  };
  add(byStatus.get('CHECKING_FOR_UPDATE') ?? 0, 'checking');
  add(byStatus.get('DOWNLOADING') ?? 0, 'downloading');
  add((byStatus.get('VERIFYING') ?? 0) + (byStatus.get('FINALIZING') ?? 0), 'installing');
  add(categories[NODE_CATEGORY.NEEDS_REBOOT], 'waiting to reboot');
  add(categories[NODE_CATEGORY.WAITING_LOCK], 'waiting for the lock');
  add(categories[NODE_CATEGORY.REBOOTING], 'rebooting');
  add(categories[NODE_CATEGORY.DOWN], 'down');
  add(categories[NODE_CATEGORY.ROLLED_BACK], 'rolled back');
  const parts: string[] = [];
  if (last !== null) parts.push(`${last.text} ${ago(nowMs - last.timeMs)}`);
  parts.push(doing.length > 0 ? doing.join(', ') : `all ${plural(world.nodeCount, 'node', 'nodes')} running`);
  const counts = world.metrics.versionCounts;
  const newest = counts.length - 1;
  if (newest > 0) parts.push(`${counts[newest].toLocaleString('en-US')}/${world.nodeCount.toLocaleString('en-US')} on ${world.versions.name(newest)}`);
  if (doing.length === 0) {
    const next = marks.find((m) => m.atMs > nowMs);
    if (next !== undefined) parts.push(`next: ${next.label} at ${formatClock(next.atMs)}`);
  }
  return parts.join('; ');
}

/** 1h05m, 2d03h: the UI's clock format (web/client/format.ts), for the caption. */
export function formatClock(ms: number): string {
  const m = Math.floor(ms / 60_000);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/**
 * The scenario's timeline as marks for the slider: releases at their publication, faults and
 * actions at their `at` (a fault drawn from a range is marked at the range's start, `range` set).
 */
export function timelineMarks(scenario: Scenario): TimelineMark[] {
  const marks: TimelineMark[] = [];
  for (const r of scenario.releases) marks.push({ atMs: r.at, kind: 'release', label: `release ${r.version}` });
  for (const f of scenario.faults) {
    const mark: TimelineMark = { atMs: f.at.min, kind: 'fault', label: f.kind };
    if (f.at.max !== f.at.min) mark.untilMs = f.at.max;
    marks.push(mark);
  }
  for (const a of scenario.actions) marks.push({ atMs: a.at, kind: 'action', label: a.do === 'publish-release' ? `release ${a.release.version}` : a.do });
  return marks.sort((a, b) => a.atMs - b.atMs);
}
