/**
 * Every fault kind of docs/faults.md through FaultInjector.apply, each shown by its effect on the
 * report (or on the trace where the report has no field for it): small fleets (60 nodes in three
 * zones, a 5-member etcd, locksmith max 1) rolling out one release published at 1h, with the
 * fault in the middle of the rollout. Each case compares with the same run without the fault
 * where the effect is relative.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../sim/engine/trace.ts';
import { runYaml } from '../run/helpers.ts';

const HOUR = 3_600_000;
const MIN = 60_000;

function scenario(faults: string, options: { strategy?: string; extra?: string; nodes?: number; duration?: string } = {}): string {
  const nodes = options.nodes ?? 60;
  return `
name: faults
duration: ${options.duration ?? '1d'}
fleet:
  groups:
    - {name: prod, nodes: ${nodes}, zones: [a, b, c]}
etcd: {members: 5}
releases:
  - {version: 3815.2.0, at: 1h}
reboot: {strategy: ${options.strategy ?? 'etcd-lock'}, maxConcurrent: 1}
${options.extra ?? ''}
faults:
${faults === '' ? '  []' : faults}
`;
}

function run(yaml: string) {
  const events: TraceEvent[] = [];
  const result = runYaml(yaml, {}, { traceSubscriber: (e) => events.push(e) });
  return { ...result, events };
}

const of = (events: TraceEvent[], kind: string) => events.filter((e) => e.kind === kind);

describe('FaultInjector.apply', () => {
  const baseline = run(scenario(''));

  it('the baseline rollout completes without faults or violations', () => {
    expect(baseline.report.rollout.completed).toBe(true);
    expect(baseline.report.availability.maxDown).toBe(1);
    expect(baseline.report.invariants.violations).toBe(0);
  });

  it('power-loss of a zone takes all its nodes down at once and boots them together (the reboot storm)', () => {
    const { report, events } = run(scenario('  - {at: 1h10m, kind: power-loss, target: {zone: a}, duration: 5m}'));
    // The zone's 20 nodes, plus the one that may have been rebooting for its update.
    expect(report.availability.maxDown).toBeGreaterThanOrEqual(20);
    expect(report.availability.maxDown).toBeLessThanOrEqual(21);
    const boots = of(events, 'node.boot').filter((e) => e.time >= 75 * MIN && e.time < 75 * MIN + 10_000);
    expect(boots.length).toBe(20);
    // The zone's dedicated etcd members (0 and 3 of 5) went down with it: a new leader if the old one was there.
    expect(of(events, 'etcd.crash').map((e) => e.subject)).toEqual([0, 3]);
    expect(report.fleet.down).toBe(0);
    expect(report.invariants.violations).toBe(0);
  });

  it('node-crash with a duration brings the nodes back; without one they stay down', () => {
    const back = run(scenario('  - {at: 1h10m, kind: node-crash, target: {count: 7}, duration: 20m}'));
    expect(back.report.availability.maxDown).toBeGreaterThanOrEqual(7);
    expect(back.report.fleet.down).toBe(0);
    expect(back.report.rollout.completed).toBe(true);
    const dead = run(scenario('  - {at: 1h10m, kind: node-crash, target: {nodes: [4, 5]}}', { strategy: 'reboot' }));
    expect(dead.report.fleet.down).toBe(2);
    expect(dead.report.fleet.updated).toBe(58);
  });

  it('overlapping faults compose: a node crashed for 3h stays down when its zone regains power after 5m', () => {
    const { run: r } = run(scenario(['  - {at: 1h10m, kind: node-crash, target: {nodes: [0]}, duration: 3h}', '  - {at: 1h20m, kind: power-loss, target: {zone: a}, duration: 5m}'].join('\n'), { duration: '3h' }));
    expect(r.world.nodeIsDown(0)).toBe(true);
    expect(r.world.nodeIsDown(3)).toBe(false);
  });

  it('a partition isolating the etcd leader forces an election and a new leader; the rollout completes', () => {
    const { report, events } = run(scenario('  - {at: 1h10m, kind: partition, sides: [[etcd:leader]], duration: 10m}'));
    expect(report.etcd.elections).toBeGreaterThan(0);
    expect(report.etcd.leaderChanges).toBeGreaterThan(0);
    expect(report.etcd.leaderless).toBeGreaterThan(0);
    expect(of(events, 'fault.partition')[0].data?.leaders).toEqual([baseline.run.world.etcd!.cluster.leader() >= 0 ? of(events, 'etcd.leader')[0].subject : -1]);
    expect(report.rollout.completed).toBe(true);
    expect(report.etcd.maxLockHolders).toBeLessThanOrEqual(1);
    expect(report.invariants.violations).toBe(0);
  });

  it("a partition of the leader's zone from the rest: the minority side cannot elect, the majority does", () => {
    const { report, run: r } = run(scenario('  - {at: 1h10m, kind: partition, sides: [[zone:a], [zone:b, zone:c, server]], duration: 30m}'));
    // Members 0 and 3 (zone a) are a minority of 5: whoever leads after the cut is in b or c.
    expect(report.etcd.quorumLost).toBe(0);
    expect(report.rollout.completed).toBe(true);
    expect([1, 2, 4]).toContain(r.world.etcd!.cluster.leader());
  });

  it('a partition cutting a zone off the update server: its nodes update only after it heals', () => {
    const { events } = run(scenario('  - {at: 50m, kind: partition, sides: [[zone:a], [zone:b, zone:c, server]], duration: 3h}', { strategy: 'reboot' }));
    const healMs = 50 * MIN + 3 * HOUR;
    const updatedBoots = of(events, 'node.boot').filter((e) => e.data?.version === '3815.2.0');
    const zoneA = (node: number) => node % 3 === 0;
    expect(updatedBoots.filter((e) => zoneA(e.subject as number)).every((e) => e.time > healMs)).toBe(true);
    expect(updatedBoots.filter((e) => !zoneA(e.subject as number)).every((e) => e.time < healMs)).toBe(true);
    expect(updatedBoots.length).toBe(60);
  });

  it("a node:N side isolates that node's lock traffic: it downloads, but reboots only after the partition heals", () => {
    const { events } = run(scenario('  - {at: 50m, kind: partition, sides: [[node:5, server]], duration: 4h}'));
    const ready = of(events, 'node.update-ready').find((e) => e.subject === 5)!;
    const reboot = of(events, 'node.reboot').find((e) => e.subject === 5)!;
    expect(ready.time).toBeLessThan(50 * MIN + 4 * HOUR);
    expect(reboot.time).toBeGreaterThan(50 * MIN + 4 * HOUR);
    const others = of(events, 'node.reboot').filter((e) => e.subject !== 5);
    expect(others.length).toBe(59);
  });

  it('message-loss drops etcd messages (and, scope all, update checks) while it lasts', () => {
    const { report, run: r } = run(scenario('  - {at: 1h10m, kind: message-loss, probability: 0.2, scope: all, duration: 20m}', { strategy: 'fleet-lock' }));
    const net = r.world.etcd!.network;
    expect(net.counters.lost).toBeGreaterThan(0);
    expect(net.current.lossProbability).toBe(0);
    expect(report.server.requests).not.toBe(run(scenario('', { strategy: 'fleet-lock' })).report.server.requests);
    expect(report.invariants.violations).toBe(0);
  });

  it('a latency spike beyond the election timeout costs elections, and is removed after its duration', () => {
    const { report, run: r } = run(scenario('  - {at: 1h10m, kind: latency-spike, extra: 3s, duration: 5m}'));
    expect(report.etcd.elections).toBeGreaterThan(0);
    expect(r.world.etcd!.network.spikeCount).toBe(0);
    expect(report.rollout.completed).toBe(true);
  });

  it('etcd-kill of the leader: elections, a leader change and a leaderless interval; it restarts after its duration', () => {
    const { report, run: r, events } = run(scenario('  - {at: 1h10m, kind: etcd-kill, target: {etcd: leader}, duration: 1m}'));
    expect(report.etcd.elections).toBeGreaterThan(0);
    expect(report.etcd.leaderChanges).toBeGreaterThan(0);
    expect(report.etcd.leaderless).toBeGreaterThan(0);
    const killed = of(events, 'fault.etcd-kill')[0].subject as number;
    expect(of(events, 'etcd.restart').map((e) => e.time)).toEqual([70 * MIN + MIN]);
    expect(r.world.etcd!.cluster.isUp(killed)).toBe(true);
  });

  it('etcd-kill without a duration keeps the member down until an etcd-restart', () => {
    const killed = run(scenario('  - {at: 1h10m, kind: etcd-kill, target: {etcd: 2}}', { duration: '3h' }));
    expect(killed.run.world.etcd!.cluster.isUp(2)).toBe(false);
    const restarted = run(scenario(['  - {at: 1h10m, kind: etcd-kill, target: {etcd: 2}}', '  - {at: 2h, kind: etcd-restart, target: {etcd: 2}}'].join('\n'), { duration: '3h' }));
    expect(restarted.run.world.etcd!.cluster.isUp(2)).toBe(true);
  });

  it('a server outage delays the rollout through the checks backing off', () => {
    const { report } = run(scenario('  - {at: 1h, kind: server-outage, duration: 1h}'));
    expect(report.rollout.completed).toBe(true);
    // The release is out at 1h but no node sees it before 2h; backed-off checks come late.
    expect(report.rollout.t50!).toBeGreaterThan(HOUR);
    expect(report.rollout.duration!).toBeGreaterThan(baseline.report.rollout.duration! + 30 * MIN);
  });

  it('clock-skew moves reboots relative to the reboot window: skewed nodes open it 2h early in true time (and, as locksmithd waits for it once, queue on the lock from then)', () => {
    const window = 'reboot: {strategy: etcd-lock, maxConcurrent: 1, window: {days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun], start: "04:00", length: 2h}}';
    const yaml = scenario('  - {at: 10m, kind: clock-skew, target: {nodes: [0, 1, 2, 3, 4, 5]}, skew: 2h}', { strategy: 'etcd-lock' }).replace(/^reboot: .*$/m, window);
    const { events } = run(yaml);
    const hourOfDay = (t: number) => (t % (24 * HOUR)) / HOUR;
    const reboots = of(events, 'node.reboot');
    const skewed = reboots.filter((e) => (e.subject as number) < 6).map((e) => hourOfDay(e.time));
    const others = reboots.filter((e) => (e.subject as number) >= 6).map((e) => hourOfDay(e.time));
    expect(skewed.length).toBe(6);
    // The window gates the first attempt only (locksmithctl/daemon.go runDaemon): nobody reboots
    // before its own clock opens the window; the skewed nodes start 2 h earlier in true time.
    expect(skewed.every((h) => h >= 2)).toBe(true);
    expect(Math.min(...skewed)).toBeLessThan(4);
    expect(others.length).toBeGreaterThan(20);
    expect(others.every((h) => h >= 4)).toBe(true);
  });

  it('bad-disk makes exactly the spoiled nodes fail their update (error reports, fleet.failed)', () => {
    const { report, events } = run(scenario('  - {at: 30m, kind: bad-disk, target: {count: 15}}', { strategy: 'reboot' }));
    expect(report.fleet.failed).toBe(15);
    expect(report.fleet.updated).toBe(45);
    // The version is offered to them again (Nebraska keeps no refusal): each retry fails again.
    expect(of(events, 'node.update-error').length).toBeGreaterThan(15);
    expect(report.fleet.failedAttempts).toBe(of(events, 'node.update-error').length);
    expect(report.invariants.violations).toBe(0);
  });

  it('lock-holder-dies stalls a max-1 locksmith rollout; with reboot.lockTTL every other node updates', () => {
    // A 10-minute drain keeps the lock held most of the time: the fault finds a holder.
    const drain = 'reboot: {strategy: etcd-lock, maxConcurrent: 1, drain: 10m}';
    const stalled = run(scenario('  - {at: 1h20m, kind: lock-holder-dies}').replace(/^reboot: .*$/m, drain));
    const victim = of(stalled.events, 'fault.lock-holder-dies')[0].subject as number;
    expect(victim).toBeGreaterThanOrEqual(0);
    expect(stalled.report.rollout.completed).toBe(false);
    expect(stalled.report.fleet.updated).toBeLessThan(30);
    expect(stalled.run.world.lock.holders('default')).toEqual([victim]);
    const freed = run(scenario('  - {at: 1h20m, kind: lock-holder-dies}', { duration: '2d' }).replace(/^reboot: .*$/m, 'reboot: {strategy: etcd-lock, maxConcurrent: 1, drain: 10m, lockTTL: 30m}'));
    expect(freed.report.fleet.updated).toBe(59);
    expect(freed.report.fleet.down).toBe(1);
    expect(freed.report.rollout.t90).not.toBeNull();
    expect(freed.report.invariants.violations).toBe(0);
  });
});

describe('faults say what they did (the report\'s faults list)', () => {
  it('lists every fault with its time, how many nodes or members it hit, and a note', () => {
    const { report } = runYaml(scenario('  - {at: 2h, kind: etcd-kill, target: {etcd: leader}, duration: 5m}\n  - {at: 3h, kind: node-crash, target: {zone: a, count: 4}, duration: 10m}\n  - {at: 4h, kind: server-outage, duration: 10m}'));
    expect(report.faults.map((f) => [f.kind, f.at, f.targets])).toEqual([
      ['etcd-kill', 2 * HOUR, 1],
      ['node-crash', 3 * HOUR, 4],
      ['server-outage', 4 * HOUR, 60],
    ]);
    expect(report.faults[2].note).toMatch(/HTTP 503/);
  });

  it('lock-holder-dies when nobody holds a slot kills the next node that takes one, and says so', () => {
    const down: number[] = [];
    const { report } = runYaml(scenario('  - {at: 30m, kind: lock-holder-dies}'), {}, {
      traceSubscriber: (e: TraceEvent) => { if (e.kind === 'fault.lock-holder-dies' && e.data?.deferred === true) down.push(e.subject as number); },
    });
    expect(down).toHaveLength(1);
    expect(report.faults).toHaveLength(1);
    expect(report.faults[0].targets).toBe(1);
    expect(report.faults[0].note).toMatch(new RegExp(`nobody held a slot at 0h30m00s: node ${down[0]}, the next to take one, died at`));
    // Its slot is never given back (locksmith has no TTL): the rollout stops behind it.
    expect(report.fleet.down).toBe(1);
    expect(report.rollout.completed).toBe(false);
  });

  it('a fault that finds nothing to hit says why (targets 0)', () => {
    // At 0 the cluster is still electing its first leader.
    const { report } = runYaml(scenario('  - {at: 0s, kind: etcd-kill, target: {etcd: leader}, duration: 5m}'));
    expect(report.faults).toEqual([{ kind: 'etcd-kill', at: 0, targets: 0, note: 'no leader to kill at this moment' }]);
  });
});
