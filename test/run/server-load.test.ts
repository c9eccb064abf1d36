/**
 * The update server under a 10k-node rollout (issue: update server and rollout policies): the
 * payload shares the server's 10 Gbps by processor sharing, so downloads take longer when more
 * run at once; and a server outage delays the rollout by more than its length, because clients
 * back off (update_check_scheduler.cc: the interval doubles after each 5xx, up to 4 h).
 */
import { describe, expect, it } from 'vitest';
import { runYaml } from './helpers.ts';
import type { TraceEvent } from '../../sim/engine/trace.ts';

const fleet = (faults = '') => `
name: server-load
duration: 1d
fleet:
  # Booted together: their checks fall in the same 10-minute band (update_check_scheduler.cc).
  coldStart: true
  groups:
    - {name: prod, nodes: 10000, zones: [a, b, c]}
releases:
  - {version: 3815.2.0, at: 1h, size: 300MB}
server: {bandwidth: 10Gbps, nodeBandwidth: 1Gbps}
reboot: {strategy: reboot}
${faults}
`;

describe('update server load', () => {
  it('a 10k-node rollout at 10 Gbps: downloads slow down as more run at once', () => {
    const downloads: Array<{ durationMs: number; concurrent: number }> = [];
    const { report } = runYaml(fleet(), {}, {
      traceSubscriber: (e: TraceEvent) => {
        if (e.kind === 'node.downloaded') downloads.push({ durationMs: e.data!.durationMs as number, concurrent: e.data!.concurrentAtStart as number });
      },
    });
    expect(report.rollout.completed).toBe(true);
    expect(downloads.length).toBe(10_000);
    // Alone, 300 MB at the 1 Gbps per-node cap takes 2.4 s; more than 10 at once share 10 Gbps.
    const alone = downloads.filter((d) => d.concurrent <= 5);
    const crowded = downloads.filter((d) => d.concurrent >= 20);
    expect(alone.length).toBeGreaterThan(0);
    expect(crowded.length).toBeGreaterThan(0);
    const mean = (xs: typeof downloads) => xs.reduce((sum, d) => sum + d.durationMs, 0) / xs.length;
    expect(mean(alone)).toBeLessThan(3_500);
    expect(mean(crowded)).toBeGreaterThan(mean(alone) * 1.5);
    expect(report.server.peakConcurrentDownloads).toBeGreaterThanOrEqual(20);
    // Every payload delivered whole (to a byte: the shared rate is float arithmetic).
    expect(Math.abs(report.server.bytesServed - 10_000 * 300e6)).toBeLessThanOrEqual(10_000);
  });

  it('a 2-hour server outage during the rollout delays it by more than 2 hours (client backoff)', () => {
    const base = runYaml(fleet()).report;
    const hit = runYaml(fleet('faults:\n  - {at: 1h10m, kind: server-outage, duration: 2h}')).report;
    expect(base.rollout.t90).not.toBeNull();
    expect(hit.rollout.t90).not.toBeNull();
    // Nodes that saw 5xx wait 90 min, then 3 h... before asking again: the rollout ends later
    // than the outage alone explains.
    expect(hit.rollout.t90! - base.rollout.t90!).toBeGreaterThan(2 * 3_600_000);
    expect(hit.server.requests).toBeLessThan(base.server.requests);
  });
});
