// Per-fleet-group reboot settings and lock groups in the world (sim/model/world/reboot-groups.ts):
// each fleet group reboots in its own window, and each lock group is its own semaphore
// (locksmith's GROUP, coreos/locksmith README "Groups": machines only coordinate with machines of
// the same group), waited on without polling in fast fidelity and polled in full.
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../sim/engine/trace.ts';
import { WeeklySchedule } from '../../../sim/model/calendar/weekly-schedule.ts';
import { runYaml } from '../../run/helpers.ts';

const START = Date.parse('2024-01-01T00:00:00Z'); // a Monday

function reboots(yaml: string, overrides: Record<string, unknown> = {}, seed = 1) {
  const starts: { node: number; timeMs: number }[] = [];
  const { report } = runYaml(yaml, overrides, { seed, traceSubscriber: (e: TraceEvent) => e.kind === 'node.reboot' && starts.push({ node: e.subject as number, timeMs: e.time }) });
  return { starts, report };
}

describe('reboot groups in the world', () => {
  it("a fleet group's window override holds its nodes to Saturday 02:00-06:00 while the other group reboots at once", () => {
    const { starts, report } = reboots(`
name: windows
duration: 8d
fleet:
  groups:
    - {name: weekend, nodes: 6, zones: [a]}
    - {name: anytime, nodes: 6, zones: [a]}
etcd: {members: 1}
releases:
  - {version: 3815.2.0, at: 1h}
reboot:
  strategy: etcd-lock
  maxConcurrent: 2
  groups:
    weekend: {window: {days: [Sat], start: "02:00", length: 4h}, lockGroup: weekend}
`);
    expect(report.fleet.updated).toBe(12);
    // Computed here, not by the world: Saturday 2024-01-06 02:00-06:00 UTC.
    const windowStart = Date.parse('2024-01-06T02:00:00Z') - START;
    const windowEnd = windowStart + 4 * 3_600_000;
    const weekend = starts.filter((s) => s.node < 6);
    const anytime = starts.filter((s) => s.node >= 6);
    expect(weekend).toHaveLength(6);
    for (const s of weekend) expect(s.timeMs >= windowStart && s.timeMs < windowEnd).toBe(true);
    expect(anytime).toHaveLength(6);
    for (const s of anytime) expect(s.timeMs).toBeLessThan(windowStart);
    // The schedule's own reading agrees with the hand-computed window.
    const schedule = WeeklySchedule.window([6], 120, 4 * 3_600_000, 'UTC');
    for (const s of weekend) expect(schedule.isOpen(START + s.timeMs)).toBe(true);
  });

  const twoLocks = (fidelity: string) => `
name: two-locks
duration: 1d
fidelity: ${fidelity}
fleet:
  groups:
    - {name: etcd-hosts, nodes: 3, zones: [a, b, c]}
    - {name: workers, nodes: 24, zones: [a, b, c]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h}
reboot:
  strategy: etcd-lock
  drain: 40m
  groups:
    etcd-hosts: {maxConcurrent: 1, lockGroup: etcd}
    workers: {maxConcurrent: 4, lockGroup: workers}
`;

  it('lock groups are separate semaphores: at most 1 + 4 nodes reboot at once, and each group fills its own', () => {
    {
      const { starts, report } = reboots(twoLocks('fast'));
      expect(report.rollout.completed).toBe(true);
      expect(report.locks).toEqual([
        { group: 'etcd', protocol: 'locksmith', agents: ['locksmithd'], max: 1, maxHolders: 1 },
        { group: 'workers', protocol: 'locksmith', agents: ['locksmithd'], max: 4, maxHolders: 4 },
      ]);
      expect(report.reboots.maxConcurrent).toBeLessThanOrEqual(5);
      expect(report.reboots.maxConcurrent).toBeGreaterThan(4);
      expect(starts.filter((s) => s.node < 3)).toHaveLength(3);
      expect(report.invariants.violations).toBe(0);
    }
  });

  it('waiting without polling per lock group gives the polling run its grants and reboots (fast against full)', () => {
    const fast = reboots(twoLocks('fast'));
    const full = reboots(twoLocks('full'));
    expect(full.report.locks).toEqual(fast.report.locks);
    expect(full.report.invariants.violations).toBe(0);
    expect(fast.starts.length).toBe(full.starts.length);
    expect(fast.report.fleet.updated).toBe(full.report.fleet.updated);
    // Each group's reboots come in the same order (the lock groups do not share waiters).
    const order = (starts: { node: number }[], inGroup: (node: number) => boolean) => starts.filter((s) => inGroup(s.node)).map((s) => s.node);
    expect(order(fast.starts, (n) => n < 3)).toEqual(order(full.starts, (n) => n < 3));
  });
});
