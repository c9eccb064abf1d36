/**
 * locksmithd's reboot window as its source has it (coreos/locksmith locksmithctl/daemon.go):
 * runDaemon sleeps until the window opens once (period.DurationToStart), then reboot() ->
 * lockAndReboot retries the lock and reboots whenever it gets it, also after the window closed
 * (coreos/bugs#1886). reboots.outsideWindow counts those reboots.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../sim/engine/trace.ts';
import { runYaml } from './helpers.ts';

const HOUR_MS = 3_600_000;

describe('reboot window (coreos/locksmith)', () => {
  it('locksmithctl/daemon.go runDaemon, lockAndReboot: the window gates the first attempt only; nodes still queued on the lock reboot after it closes', () => {
    const reboots: number[] = [];
    const { report } = runYaml(`
name: window-once
start: 2024-01-01T00:00:00Z
duration: 1d
fleet:
  groups:
    - {name: prod, nodes: 40, zones: [a, b]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h}
reboot:
  strategy: etcd-lock
  maxConcurrent: 1
  window: {days: [Mon], start: "04:00", length: 1h, timezone: UTC}
`, {}, { traceSubscriber: (e: TraceEvent) => { if (e.kind === 'node.reboot') reboots.push(e.time); } });
    expect(report.fleet.updated).toBe(40);
    expect(reboots.length).toBe(40);
    // Nobody reboots before Monday's window opens at 04:00...
    expect(Math.min(...reboots)).toBeGreaterThanOrEqual(4 * HOUR_MS);
    // ...and the ones still queued when it closes at 05:00 reboot anyway, the same day.
    const outside = reboots.filter((t) => t >= 5 * HOUR_MS).length;
    expect(outside).toBeGreaterThan(0);
    expect(report.reboots.outsideWindow).toBe(outside);
    expect(Math.max(...reboots)).toBeLessThan(24 * HOUR_MS);
  });
});
