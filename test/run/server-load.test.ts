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

describe('update checks without an answer (flatcar/update_engine)', () => {
  const small = (faults: string) => `
name: no-answer
duration: 3h
fleet:
  coldStart: true
  groups:
    - {name: prod, nodes: 20, zones: [a]}
reboot: {strategy: reboot}
faults:
${faults}
`;

  it('libcurl_http_fetcher.cc CurlPerformOnce: a check that gets no answer is tried again 3 times, 10 s apart; then update_check_scheduler.cc waits the regular 45 min +- 5 (no backoff)', () => {
    const tries = new Map<string, number[]>();
    const gaveUp = new Map<string, number[]>();
    runYaml(small('  - {at: 0s, kind: server-outage, duration: 3h, answer: none}'), {}, {
      traceSubscriber: (e: TraceEvent) => {
        const key = String(e.subject);
        if (e.kind === 'node.check-retry') tries.set(key, [...(tries.get(key) ?? []), e.time]);
        if (e.kind === 'node.check-no-answer') gaveUp.set(key, [...(gaveUp.get(key) ?? []), e.time]);
      },
    });
    expect(gaveUp.size).toBe(20);
    for (const [node, ends] of gaveUp) {
      const retries = tries.get(node)!;
      expect(retries.length).toBe(3 * ends.length);
      ends.forEach((endMs, i) => {
        // The first try, then retries at +10 s, +20 s; the give-up comes with the third retry at +30 s.
        expect(retries.slice(3 * i, 3 * i + 3).map((t) => endMs - t)).toEqual([30_000, 20_000, 10_000]);
      });
      const gaps = ends.slice(1).map((t, i) => t - ends[i]);
      for (const gapMs of gaps) {
        expect(gapMs).toBeGreaterThanOrEqual(40 * 60_000 + 30_000);
        expect(gapMs).toBeLessThanOrEqual(50 * 60_000 + 30_000);
      }
    }
  });

  it('update_check_scheduler.cc ComputeNextIntervalAndFuzz: the same outage answering 503 backs the checks off instead (90 min, 3 h)', () => {
    const { report: silent } = runYaml(small('  - {at: 0s, kind: server-outage, duration: 3h, answer: none}'));
    const { report: http503 } = runYaml(small('  - {at: 0s, kind: server-outage, duration: 3h, answer: 503}'));
    // 503: first check (2-12 min), then 45 min, then 90 min +- 45: at most 3 requests each in 3 h.
    expect(http503.server.requests).toBeLessThanOrEqual(3 * 20);
    expect(silent.server.requests).toBe(0); // nothing reached the server
    expect(http503.server.requests).toBeGreaterThanOrEqual(2 * 20);
  });

  it('omaha_request_action.cc GetAppBody: boot reports that meet an outage are lost, so the server believes fewer nodes updated than did', () => {
    const yaml = `
name: blind-server
duration: 1d
fleet:
  coldStart: true
  groups:
    - {name: prod, nodes: 200, zones: [a, b]}
releases:
  - {version: 3815.2.0, at: 1h}
reboot: {strategy: reboot}
faults:
  - {at: 1h30m, kind: server-outage, duration: 1h}
`;
    const { report } = runYaml(yaml);
    expect(report.fleet.updated).toBe(200);
    expect(report.fleet.bootReportsLost).toBeGreaterThan(0);
    // Every node that booted the new version built exactly one 3/2 report: received or lost.
    expect(report.server.view.updateComplete + report.fleet.bootReportsLost).toBe(report.fleet.updated);
    expect(report.server.view.updateComplete).toBeLessThan(report.fleet.updated);
  });
});
