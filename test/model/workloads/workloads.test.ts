/**
 * The workloads of a run (sim/model/workloads/workloads.ts) driven by a small time-ordered queue
 * standing in for the world's: placement at the start, systemd restart vs. rescheduling, drains
 * refused by the PDB and retried every 5 s (kubectl pkg/drain/drain.go evictPods), and the report.
 */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../sim/engine/random.ts';
import { InstanceState } from '../../../sim/model/workloads/instances.ts';
import { Workloads, type DrainOutcome, type WorkloadSpec } from '../../../sim/model/workloads/workloads.ts';

class Queue {
  private items: { atMs: number; seq: number; fn: () => void }[] = [];
  private seq = 0;
  nowMs = 0;
  schedule = (atMs: number, fn: () => void): void => {
    this.items.push({ atMs, seq: this.seq++, fn });
  };
  /** Runs every callback due at or before `untilMs`, in (time, sequence) order; bounded. */
  runUntil(untilMs: number): void {
    for (let guard = 0; guard < 100_000; guard++) {
      this.items.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
      const next = this.items[0];
      if (next === undefined || next.atMs > untilMs) break;
      this.items.shift();
      this.nowMs = next.atMs;
      next.fn();
    }
    this.nowMs = untilMs;
  }
}

const nodes = [
  { id: 0, zone: 'a' },
  { id: 1, zone: 'b' },
  { id: 2, zone: 'c' },
  { id: 3, zone: 'a' },
];

function run(spec: Partial<WorkloadSpec>) {
  const queue = new Queue();
  const streams = new RandomStreams(7);
  const full: WorkloadSpec = {
    name: 'store',
    replicas: 3,
    placement: 'spread',
    minAvailable: 2,
    quorum: 2,
    startupMs: { min: 10_000, max: 30_000 },
    reschedule: false,
    discovery: null,
    ...spec,
  };
  const workloads = new Workloads([full], nodes, {
    schedule: queue.schedule,
    startupStream: (name) => streams.stream(`workloads/${name}/startup`),
    allowed: (_w, nodeId) => nodeId !== 3 || full.reschedule,
  });
  workloads.start(0);
  queue.runUntil(30_000);
  return { queue, workloads };
}

describe('Workloads', () => {
  it('places the replicas over the zones and has them ready within their startup', () => {
    const { workloads } = run({});
    expect([...workloads.table.node]).toEqual([0, 1, 2]);
    expect(workloads.ready(0)).toBe(3);
  });

  it('a systemd instance (reschedule: false) stops with its node and is ready again on the same node, 10-30 s after it is up', () => {
    const { queue, workloads } = run({});
    workloads.nodeDown(0, 60_000);
    expect(workloads.ready(0)).toBe(2);
    queue.runUntil(120_000);
    workloads.nodeUp(0, 120_000);
    expect(workloads.table.node[0]).toBe(0);
    const readyAt = workloads.table.readyAtMs[0];
    expect(readyAt).toBeGreaterThanOrEqual(130_000);
    expect(readyAt).toBeLessThanOrEqual(150_000);
    queue.runUntil(150_000);
    expect(workloads.ready(0)).toBe(3);
  });

  it('a Kubernetes instance (reschedule: true) starts on another node with room when its node goes down', () => {
    const { queue, workloads } = run({ reschedule: true });
    workloads.nodeDown(0, 60_000);
    // Zone a's other node 3 is the thinnest place left.
    expect(workloads.table.node[0]).toBe(3);
    expect(workloads.table.state[0]).toBe(InstanceState.Starting);
    queue.runUntil(90_000);
    expect(workloads.ready(0)).toBe(3);
  });

  it('a drain is refused while another replica is down and finishes once it is ready again (kubectl evictPods retries every 5 s)', () => {
    const { queue, workloads } = run({ reschedule: true });
    workloads.nodeDown(1, 40_000); // node 1's replica moves to node 3 and is starting
    const outcomes: [number, DrainOutcome][] = [];
    workloads.drain(0, 40_000, 0, (o) => outcomes.push([queue.nowMs, o]));
    expect(outcomes).toEqual([]);
    queue.runUntil(200_000);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0][1]).toEqual({ kind: 'drained' });
    const finishedMs = outcomes[0][0];
    // Retries fall on 40 s + 5 s steps, after the moved replica's ready time (10-30 s after 40 s).
    expect((finishedMs - 40_000) % 5_000).toBe(0);
    expect(finishedMs).toBeGreaterThan(workloads.table.readyAtMs[1] - 5_000);
    const report = workloads.report(200_000);
    expect(report.workloads[0].evictionsRefused).toBeGreaterThanOrEqual(2);
    expect(report.drain).toEqual({ blockedMs: finishedMs - 40_000, timeouts: 0 });
    expect(report.workloads[0].minReady).toBe(2);
  });

  it('a budget allowing no disruption holds the drain until its timeout (the pdb-deadlock, ended by kured --drain-timeout)', () => {
    const { queue, workloads } = run({ minAvailable: '100%' });
    const outcomes: DrainOutcome[] = [];
    workloads.drain(0, 30_000, 60_000, (o) => outcomes.push(o));
    queue.runUntil(3_600_000);
    expect(outcomes).toEqual([{ kind: 'timedOut', remaining: 1 }]);
    const report = workloads.report(3_600_000);
    expect(report.drain).toEqual({ blockedMs: 60_000, timeouts: 1 });
    // Attempts at 30 s, 35 s ... 90 s (the deadline itself): 13 refusals; one at 95 s would pass it.
    expect(report.workloads[0].evictionsRefused).toBe(13);
    expect(report.workloads[0].availability).toBe(1);
  });

  it('the settle gate: a node is settled only when its instances are ready again', () => {
    const { queue, workloads } = run({});
    workloads.nodeDown(2, 40_000);
    workloads.nodeUp(2, 50_000);
    expect(workloads.nodeSettled(2)).toBe(false);
    queue.runUntil(80_000);
    expect(workloads.nodeSettled(2)).toBe(true);
  });

  it('counts the time below minAvailable and below quorum', () => {
    const { queue, workloads } = run({});
    workloads.nodeDown(0, 100_000);
    workloads.nodeDown(1, 100_000); // 1 ready: below min (2) and quorum (2)
    workloads.nodeUp(0, 200_000);
    workloads.nodeUp(1, 200_000);
    queue.runUntil(300_000);
    const [store] = workloads.report(1_000_000).workloads;
    expect(store.quorumLostMs).toBeGreaterThanOrEqual(110_000);
    expect(store.quorumLostMs).toBeLessThanOrEqual(130_000);
    expect(store.belowMinMs).toBe(store.quorumLostMs);
    expect(store.availability).toBeCloseTo(1 - store.belowMinMs / 1_000_000, 12);
    expect(store.minReady).toBe(1);
  });
});
