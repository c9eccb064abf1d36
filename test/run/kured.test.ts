/**
 * kured in the world (kubereboot/kured cmd/kured/main.go rebootAsRequired): Flatcar's postinstall
 * touches the sentinel, kured's ticks read the window, the blockers and the DaemonSet lock (a
 * compare-and-swap on etcd, pkg/daemonsetlock), then drain (World.startDrain) and reboot.
 * Expected values are computed here from the scenario's numbers, not read from the model.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../sim/engine/trace.ts';
import { runYaml } from './helpers.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** A kured fleet starting Monday 2024-01-01 00:00 UTC; `reboot` lines are appended. */
function kuredYaml(nodes: number, duration: string, reboot: string, extra = ''): string {
  return `
name: kured-test
start: 2024-01-01T00:00:00Z
duration: ${duration}
fleet:
  groups:
    - {name: prod, nodes: ${nodes}, zones: [a, b]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h}
reboot:
  agent: kured
${reboot}
${extra}`;
}

function traced(kinds: string[]): { events: TraceEvent[]; options: { traceSubscriber: (e: TraceEvent) => void } } {
  const events: TraceEvent[] = [];
  return { events, options: { traceSubscriber: (e: TraceEvent) => { if (kinds.includes(e.kind)) events.push(e); } } };
}

describe('kured (kubereboot/kured cmd/kured/main.go)', () => {
  it('rebootAsRequired reads --reboot-days/--start-time/--end-time at every tick: no reboot starts outside the window (locksmithd reboots after it closes)', () => {
    const { events, options } = traced(['node.reboot']);
    const { report } = runYaml(
      kuredYaml(40, '1d', `  maxConcurrent: 1\n  period: 10m\n  window: {days: [Mon], start: "04:00", length: 1h, timezone: UTC}`),
      {},
      options,
    );
    const times = events.map((e) => e.time);
    expect(times.length).toBeGreaterThan(0);
    // Monday 04:00-05:00 UTC, the run starting Monday 00:00: every reboot in [4h, 5h).
    for (const t of times) {
      expect(t).toBeGreaterThanOrEqual(4 * HOUR_MS);
      expect(t).toBeLessThan(5 * HOUR_MS);
    }
    // One slot, an hour: not the whole fleet (the same fleet under locksmithd finishes that day).
    expect(report.fleet.updated).toBe(times.length);
    expect(report.fleet.updated).toBeLessThan(40);
    expect(report.reboots.outsideWindow).toBe(0);
  });

  it('--concurrency: the DaemonSet lock (pkg/daemonsetlock canAcquireMultiple) never has more holders than maxConcurrent', () => {
    const { report } = runYaml(kuredYaml(30, '2d', `  maxConcurrent: 3\n  period: 10m\n  drain: 10m`));
    expect(report.fleet.updated).toBe(30);
    expect(report.reboots.maxConcurrent).toBeLessThanOrEqual(3);
    expect(report.locks[0].maxHolders).toBe(3);
    expect(report.invariants.violations).toBe(0);
  });

  it('--drain-timeout with --force-reboot: each reboot starts exactly --drain-timeout + --reboot-delay after its drain began, and counts as forced', () => {
    const { events, options } = traced(['node.drain', 'node.reboot', 'node.reboot-forced']);
    const { report } = runYaml(kuredYaml(6, '2d', `  maxConcurrent: 1\n  period: 10m\n  drain: 30m\n  drainTimeout: 10m\n  forceReboot: true\n  rebootDelay: 1m`), {}, options);
    expect(report.fleet.updated).toBe(6);
    expect(report.reboots.forced).toBe(6);
    for (const reboot of events.filter((e) => e.kind === 'node.reboot')) {
      const drain = events.filter((e) => e.kind === 'node.drain' && e.subject === reboot.subject && e.time <= reboot.time).at(-1);
      expect(drain).toBeDefined();
      expect(reboot.time - drain!.time).toBe(10 * MINUTE_MS + MINUTE_MS);
    }
  });

  it('--drain-timeout without --force-reboot: a drain that times out releases the lock and retries at the next tick, never rebooting', () => {
    const { events, options } = traced(['node.drain', 'node.reboot']);
    const { report } = runYaml(kuredYaml(3, '12h', `  maxConcurrent: 1\n  period: 30m\n  drain: 30m\n  drainTimeout: 10m`), {}, options);
    expect(events.filter((e) => e.kind === 'node.reboot')).toEqual([]);
    expect(report.reboots.forced).toBe(0);
    // Every node keeps trying: several drains each.
    for (let node = 0; node < 3; node++) expect(events.filter((e) => e.kind === 'node.drain' && e.subject === node).length).toBeGreaterThan(2);
  });

  it('rebootBlocked: a firing Prometheus alert holds every tick; once it stops, the reboots go ahead', () => {
    const { events, options } = traced(['node.reboot']);
    const { report } = runYaml(kuredYaml(10, '2d', `  maxConcurrent: 2\n  period: 10m\n  alerts:\n    - {at: 0s, duration: 20h}`), {}, options);
    expect(report.fleet.updated).toBe(10);
    expect(Math.min(...events.map((e) => e.time))).toBeGreaterThanOrEqual(20 * HOUR_MS);
  });

  it('rebootBlocked: blocking pods of one fleet group hold only that group', () => {
    const { events, options } = traced(['node.reboot']);
    const yaml = `
name: kured-pods
duration: 1d
fleet:
  groups:
    - {name: web, nodes: 4, zones: [a]}
    - {name: db, nodes: 4, zones: [a]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h}
reboot:
  agent: kured
  period: 10m
  blockingPods:
    - {duration: 2d, group: db}
`;
    const { report } = runYaml(yaml, {}, options);
    // Nodes 0-3 are web, 4-7 db (groups in file order).
    expect(report.fleet.updated).toBe(4);
    expect(new Set(events.map((e) => e.subject))).toEqual(new Set([0, 1, 2, 3]));
  });

  it('the lock is a CAS in etcd: with no etcd quorum (2 of 3 members killed for good) kured cannot lock, nobody reboots', () => {
    const { report } = runYaml(
      kuredYaml(5, '12h', `  period: 10m`, `faults:\n  - {at: 0s, kind: etcd-kill, target: {etcd: 0}}\n  - {at: 0s, kind: etcd-kill, target: {etcd: 1}}`),
    );
    expect(report.reboots.total).toBe(0);
    expect(report.fleet.updated).toBe(0);
  });

  it('the scenario rejects a strategy of another agent for kured (it always locks)', () => {
    expect(() => runYaml(kuredYaml(1, '1h', `  strategy: etcd-lock`))).toThrow(/kured always locks/);
  });
});
