/**
 * FaultInjector.apply (sim/faults/injector.ts) fed by hand: a stand-in world that records what the
 * injector does to it (crash and power on nodes, crash and restart etcd members, outages, skews,
 * spoiled disks, latency spikes, update-server reachability), a real Simulation and Trace, and a
 * stand-in random stream that picks the first item. Each expected trace event, report entry and
 * call list is written out by hand from the fleet below, not computed by the code under test.
 *
 * The fleet: 6 nodes, zone = node % 3 (a: 0, 3; b: 1, 4; c: 2, 5), group canary = nodes 0, 1 and
 * prod = 2..5; 3 dedicated etcd members in zones a, b, a (or none, or on fleet nodes).
 */
import { describe, expect, it } from 'vitest';
import type { RandomStream } from '../../sim/engine/random.ts';
import { Simulation } from '../../sim/engine/simulation.ts';
import { Trace, type TraceEvent } from '../../sim/engine/trace.ts';
import { FaultInjector } from '../../sim/faults/injector.ts';
import type { Fault } from '../../sim/scenario/faults.ts';
import { ZONE_CLIENT_ENDPOINT_BASE } from '../../sim/model/world/etcd-setup.ts';
import type { World } from '../../sim/model/world/world.ts';

interface StandInOptions {
  nodes?: number;
  etcd?: boolean;
  memberZones?: string[];
  memberNode?: number[];
  leader?: number;
  holders?: number[];
  hasLock?: boolean;
}

function standIn(options: StandInOptions = {}) {
  const calls: string[] = [];
  const nodeCount = options.nodes ?? 6;
  const memberZones = options.memberZones ?? ['a', 'b', 'a'];
  const up = new Set(memberZones.map((_, m) => m));
  const server = new Array<boolean>(nodeCount).fill(true);
  const lock = new Array<boolean>(nodeCount).fill(true);
  const grants: ((node: number) => void)[] = [];
  let loss = 0;
  let nextSpike = 1;
  const cluster = {
    members: memberZones.map((_, m) => ({ endpoint: 100 + m })),
    isUp: (m: number) => up.has(m),
    crash: (m: number) => {
      calls.push(`crash member ${m}`);
      up.delete(m);
    },
    restart: (m: number) => {
      calls.push(`restart member ${m}`);
      up.add(m);
    },
    leader: () => options.leader ?? 1,
  };
  const network = {
    current: {
      get lossProbability() {
        return loss;
      },
    },
    setLoss: (p: number) => {
      loss = p;
      calls.push(`etcd loss ${p.toFixed(2)}`);
    },
    setPartition: () => {},
    zoneOf: (endpoint: number) => ['a', 'b', 'c'][endpoint - ZONE_CLIENT_ENDPOINT_BASE],
    addSpike: (extraMs: number, scope: null) => {
      calls.push(`spike +${extraMs} ms ${String(scope)}`);
      return nextSpike++;
    },
    removeSpike: (id: number) => calls.push(`spike ${id} removed`),
  };
  const world = {
    nodeCount,
    zoneNames: ['a', 'b', 'c'],
    groupNames: ['canary', 'prod'],
    nodeZone: Uint16Array.from({ length: nodeCount }, (_, n) => n % 3),
    nodeGroup: Uint16Array.from({ length: nodeCount }, (_, n) => (n < 2 ? 0 : 1)),
    memberNode: options.memberNode ?? [],
    etcd: options.etcd === false ? null : { cluster, network, memberZones },
    hasLock: options.hasLock ?? true,
    lockHolders: () => options.holders ?? [],
    onNextLockGrant: (grant: (node: number) => void) => grants.push(grant),
    nodeIsDown: () => false,
    crashNode: (n: number) => calls.push(`crash node ${n}`),
    powerOnNode: (n: number) => calls.push(`power on node ${n}`),
    server: {
      beginOutage: (atMs: number, silent: boolean) => calls.push(`outage begins at ${atMs}${silent ? ', silent' : ''}`),
      endOutage: (atMs: number, silent: boolean) => calls.push(`outage ends at ${atMs}${silent ? ', silent' : ''}`),
    },
    skewClock: (n: number, skewMs: number) => calls.push(`skew node ${n} by ${skewMs}`),
    setBadDiskProbability: (n: number, p: number) => calls.push(`bad disk node ${n} ${p}`),
    reachesServer: (n: number) => server[n],
    reachesLock: (n: number) => lock[n],
    setServerReachable: (nodes: number[], reachable: boolean) => {
      for (const n of nodes) server[n] = reachable;
      calls.push(`server ${reachable ? 'healed' : 'cut'} [${nodes.join(', ')}]`);
    },
    setLockReachable: (n: number, reachable: boolean) => {
      lock[n] = reachable;
    },
    setServerLoss: (p: number) => calls.push(`server loss ${p.toFixed(2)}`),
    flush: () => {},
  } as unknown as World;
  return { world, calls, grants };
}

/** Picks the first item; a "shuffle" that reverses; a range's midpoint. */
const firstPick = {
  pick: <T>(items: readonly T[]): T => items[0],
  shuffle: <T>(items: T[]): T[] => items.reverse(),
  range: (range: { min: number; max: number }) => (range.min + range.max) / 2,
} as unknown as RandomStream;

function setUp(options: StandInOptions = {}, deadHolderFrees?: boolean) {
  const { world, calls, grants } = standIn(options);
  const sim = new Simulation();
  const trace = new Trace();
  const events: TraceEvent[] = [];
  trace.subscribe((e) => events.push(e));
  const injector = deadHolderFrees === undefined ? new FaultInjector(world, sim, trace, firstPick) : new FaultInjector(world, sim, trace, firstPick, deadHolderFrees);
  return { injector, sim, events, calls, grants };
}

const fault = (f: Record<string, unknown>) => ({ at: { min: 0, max: 0 }, ...f }) as unknown as Fault;

describe('FaultInjector (hand-fed): node-crash', () => {
  it('crashes the target nodes, says so in the trace and the report, and powers them on when its duration ends', () => {
    const { injector, sim, events, calls } = setUp();
    expect(injector.applied).toBe(0);
    expect(injector.unhealed).toEqual([]);
    expect(injector.lastHealMs).toBe(0);
    sim.runUntil(1000);
    injector.apply(fault({ kind: 'node-crash', target: { nodes: [0, 4] }, duration: 3000 }));
    expect(injector.applied).toBe(1);
    expect(injector.lastHealMs).toBe(4000);
    expect(events).toEqual([{ time: 1000, kind: 'fault.node-crash', subject: 2, data: { nodes: [0, 4], duration: 3000 } }]);
    expect(injector.faultReports).toEqual([{ kind: 'node-crash', at: 1000, targets: 2, note: '2 node(s) crashed' }]);
    expect(calls).toEqual(['crash node 0', 'crash node 4']);
    sim.runUntil(2000);
    // A fault without a duration later on leaves the later repair as the last heal.
    injector.apply(fault({ kind: 'clock-skew', target: { nodes: [] }, skew: 5 }));
    expect(injector.applied).toBe(2);
    expect(injector.lastHealMs).toBe(4000);
    sim.runUntil(3999);
    expect(calls).toEqual(['crash node 0', 'crash node 4']);
    sim.runUntil(4000);
    expect(events.slice(2)).toEqual([{ time: 4000, kind: 'fault.healed', subject: 'node-crash' }]);
    expect(calls).toEqual(['crash node 0', 'crash node 4', 'power on node 0', 'power on node 4']);
    expect(injector.deadNodes.size).toBe(0);
  });

  it('a fault without a duration moves the last heal up to its own time', () => {
    const { injector, sim } = setUp();
    sim.runUntil(5000);
    injector.apply(fault({ kind: 'bad-disk', target: { nodes: [1] }, probability: 1 }));
    expect(injector.lastHealMs).toBe(5000);
  });

  it('without a duration the nodes die for good; unhealed only when a dead holder\'s slot would not free itself', () => {
    const frees = setUp();
    frees.sim.runUntil(7000);
    frees.injector.apply(fault({ kind: 'node-crash', target: { group: 'canary', zone: 'b' }, duration: null }));
    expect(frees.injector.faultReports[0].note).toBe('1 node(s) crashed for good');
    expect([...frees.injector.deadNodes]).toEqual([1]);
    expect(frees.injector.unhealed).toEqual([]);
    expect(frees.sim.pendingEvents).toBe(0);
    const stuck = setUp({}, false);
    stuck.sim.runUntil(7000);
    stuck.injector.apply(fault({ kind: 'node-crash', target: { nodes: [2, 3] }, duration: null }));
    expect([...stuck.injector.deadNodes]).toEqual([2, 3]);
    expect(stuck.injector.unhealed).toEqual(['node-crash@7000']);
  });

  it('a target that matches no node is reported with 0 targets and why', () => {
    const { injector, events, calls } = setUp();
    injector.apply(fault({ kind: 'node-crash', target: { group: 'canary', zone: 'c' }, duration: 1000 }));
    expect(injector.faultReports).toEqual([{ kind: 'node-crash', at: 0, targets: 0, note: 'no node matched the target' }]);
    expect(events[0].subject).toBe(0);
    expect(calls).toEqual([]);
  });

  it('the trace lists at most the first 100 nodes hit; the subject counts them all', () => {
    const { injector, events } = setUp({ nodes: 150 });
    injector.apply(fault({ kind: 'node-crash', target: {}, duration: 1000 }));
    injector.apply(fault({ kind: 'clock-skew', target: {}, skew: 60_000 }));
    injector.apply(fault({ kind: 'bad-disk', target: {}, probability: 0.5 }));
    const first100 = Array.from({ length: 100 }, (_, n) => n);
    expect(events.map((e) => [e.kind, e.subject, e.data?.nodes])).toEqual([
      ['fault.node-crash', 150, first100],
      ['fault.clock-skew', 150, first100],
      ['fault.bad-disk', 150, first100],
    ]);
  });

  it('refuses a duration of 0 (a repair must come after the fault)', () => {
    const { injector } = setUp();
    expect(() => injector.apply(fault({ kind: 'node-crash', target: { nodes: [0] }, duration: 0 }))).toThrow("a fault's duration must be > 0, got 0");
  });
});

describe('FaultInjector (hand-fed): power-loss', () => {
  it("a whole zone takes its nodes and its dedicated etcd members; when power returns they all come back", () => {
    const { injector, sim, events, calls } = setUp();
    injector.apply(fault({ kind: 'power-loss', target: { zone: 'a' }, duration: 5000 }));
    expect(events).toEqual([{ time: 0, kind: 'fault.power-loss', subject: 2, data: { zone: 'a', group: null, members: [0, 2], duration: 5000 } }]);
    expect(injector.faultReports).toEqual([{ kind: 'power-loss', at: 0, targets: 4, note: '2 node(s) and 2 etcd member(s) lost power' }]);
    expect(calls).toEqual(['crash node 0', 'crash node 3', 'crash member 0', 'crash member 2']);
    sim.runUntil(5000);
    expect(events.slice(1)).toEqual([
      { time: 5000, kind: 'fault.healed', subject: 'power-loss' },
      { time: 5000, kind: 'fault.power-restored', subject: 2 },
    ]);
    expect(calls.slice(4)).toEqual(['power on node 0', 'power on node 3', 'restart member 0', 'restart member 2']);
  });

  it('a group, or a zone narrowed by a group, count, fraction or node list, takes no etcd member', () => {
    const narrowed: Record<string, unknown>[] = [{ group: 'canary' }, { zone: 'a', group: 'prod' }, { zone: 'a', count: 1 }, { zone: 'a', fraction: 0.5 }, { zone: 'a', nodes: [0] }];
    const expected = [
      { zone: null, group: 'canary', crashed: ['crash node 0', 'crash node 1'] },
      { zone: 'a', group: 'prod', crashed: ['crash node 3'] },
      // count and fraction pick with the stand-in's reversing shuffle: [3, 0] -> [3].
      { zone: 'a', group: null, crashed: ['crash node 3'] },
      { zone: 'a', group: null, crashed: ['crash node 3'] },
      { zone: 'a', group: null, crashed: ['crash node 0'] },
    ];
    narrowed.forEach((target, i) => {
      const { injector, events, calls } = setUp();
      injector.apply(fault({ kind: 'power-loss', target, duration: 1000 }));
      expect(events[0].data).toEqual({ zone: expected[i].zone, group: expected[i].group, members: [], duration: 1000 });
      expect(calls).toEqual(expected[i].crashed);
      expect(injector.faultReports[0].targets).toBe(expected[i].crashed.length);
    });
  });

  it('takes no member when the members live on fleet nodes (they go down with their hosts) or there is no etcd', () => {
    for (const options of [{ memberNode: [0, 1, 2] }, { etcd: false }]) {
      const { injector, events, calls } = setUp(options);
      injector.apply(fault({ kind: 'power-loss', target: { zone: 'a' }, duration: 1000 }));
      expect(events[0].data?.members).toEqual([]);
      expect(calls).toEqual(['crash node 0', 'crash node 3']);
      expect(injector.faultReports[0].note).toBe('2 node(s) and 0 etcd member(s) lost power');
    }
  });

  it('a power loss that hits nothing says so', () => {
    const { injector } = setUp();
    injector.apply(fault({ kind: 'power-loss', target: { zone: 'c', group: 'canary' }, duration: 1000 }));
    expect(injector.faultReports).toEqual([{ kind: 'power-loss', at: 0, targets: 0, note: 'no node matched the target' }]);
  });
});

describe('FaultInjector (hand-fed): network faults', () => {
  it('a partition names every side item in the trace and counts the nodes cut off the server and the members cut off the largest side', () => {
    // Side 0: zone a (nodes 0, 3; member 0). Side 1: canary (0, 1, over zone a), node 5,
    // member 1, the leader (member 2) and the server. Nodes: [1, 1, -1, 0, -1, 1], server on 1:
    // nodes 2, 3, 4 are cut off it. Members: [0, 1, 1]: the largest side holds 2 of 3.
    const { injector, sim, events, calls } = setUp({ leader: 2 });
    const sides = [
      [{ kind: 'zone', zone: 'a' }],
      [{ kind: 'group', group: 'canary' }, { kind: 'node', node: 5 }, { kind: 'etcd', etcd: 1 }, { kind: 'etcd', etcd: 'leader' }, { kind: 'server' }],
    ];
    injector.apply(fault({ kind: 'partition', sides, duration: 2000 }));
    expect(events).toEqual([
      { time: 0, kind: 'fault.partition', subject: 'net', data: { sides: [['zone:a'], ['group:canary', 'node:5', 'etcd:1', 'etcd:leader', 'server']], leaders: [2], duration: 2000 } },
    ]);
    expect(injector.faultReports).toEqual([{ kind: 'partition', at: 0, targets: 4, note: '3 node(s) cut off the update server, 1 etcd member(s) cut off the largest side' }]);
    expect(calls).toEqual(['server cut [2, 3, 4]']);
    sim.runUntil(2000);
    expect(events[1]).toEqual({ time: 2000, kind: 'fault.healed', subject: 'partition' });
    expect(calls).toEqual(['server cut [2, 3, 4]', 'server healed [2, 3, 4]']);
  });

  it('a partition with every member on one side and the server with every node cuts nothing off', () => {
    const { injector } = setUp();
    injector.apply(fault({ kind: 'partition', sides: [[{ kind: 'server' }]], duration: 1000 }));
    // The server alone: all 6 nodes are cut off it; the members stay together on the rest.
    expect(injector.faultReports[0]).toEqual({ kind: 'partition', at: 0, targets: 6, note: '6 node(s) cut off the update server, 0 etcd member(s) cut off the largest side' });
    const none = setUp({ etcd: false });
    none.injector.apply(fault({ kind: 'partition', sides: [[{ kind: 'zone', zone: 'b' }, { kind: 'server' }]], duration: 1000 }));
    expect(none.injector.faultReports[0].targets).toBe(4);
    expect(none.injector.faultReports[0].note).toBe('4 node(s) cut off the update server, 0 etcd member(s) cut off the largest side');
  });

  it('message-loss counts the etcd members, and with scope all the nodes, and lifts after its duration', () => {
    const etcdOnly = setUp();
    etcdOnly.injector.apply(fault({ kind: 'message-loss', probability: 0.2, scope: 'etcd', duration: 1000 }));
    expect(etcdOnly.events).toEqual([{ time: 0, kind: 'fault.message-loss', subject: 'net', data: { probability: 0.2, scope: 'etcd', duration: 1000 } }]);
    expect(etcdOnly.injector.faultReports).toEqual([{ kind: 'message-loss', at: 0, targets: 3, note: '3 etcd member(s) lose 0.2 of their messages' }]);
    expect(etcdOnly.calls).toEqual(['etcd loss 0.20', 'server loss 0.00']);
    etcdOnly.sim.runUntil(1000);
    expect(etcdOnly.calls.slice(2)).toEqual(['etcd loss 0.00', 'server loss 0.00']);
    const all = setUp();
    all.injector.apply(fault({ kind: 'message-loss', probability: 0.5, scope: 'all', duration: 1000 }));
    expect(all.injector.faultReports[0]).toEqual({ kind: 'message-loss', at: 0, targets: 9, note: "3 etcd member(s) and 6 node(s)' update traffic lose 0.5 of their messages" });
    expect(all.calls).toEqual(['etcd loss 0.50', 'server loss 0.50']);
    const noEtcd = setUp({ etcd: false });
    noEtcd.injector.apply(fault({ kind: 'message-loss', probability: 0.5, scope: 'all', duration: 1000 }));
    expect(noEtcd.injector.faultReports[0]).toEqual({ kind: 'message-loss', at: 0, targets: 6, note: "0 etcd member(s) and 6 node(s)' update traffic lose 0.5 of their messages" });
  });

  it('a latency spike adds the drawn extra (rounded) to every etcd message until its duration ends; without etcd it does nothing', () => {
    const { injector, sim, events, calls } = setUp();
    injector.apply(fault({ kind: 'latency-spike', extra: { min: 100, max: 201 }, duration: 1000 }));
    // The stand-in draws the midpoint, 150.5 ms, rounded to 151.
    expect(events).toEqual([{ time: 0, kind: 'fault.latency-spike', subject: 'net', data: { extra: 151, duration: 1000 } }]);
    expect(injector.faultReports).toEqual([{ kind: 'latency-spike', at: 0, targets: 3, note: '151 ms more on every etcd message' }]);
    expect(calls).toEqual(['spike +151 ms null']);
    sim.runUntil(1000);
    expect(calls).toEqual(['spike +151 ms null', 'spike 1 removed']);
    const none = setUp({ etcd: false });
    none.injector.apply(fault({ kind: 'latency-spike', extra: { min: 100, max: 100 }, duration: 1000 }));
    expect(none.injector.faultReports).toEqual([{ kind: 'latency-spike', at: 0, targets: 0, note: 'no etcd cluster' }]);
    expect(none.sim.pendingEvents).toBe(0);
  });
});

describe('FaultInjector (hand-fed): etcd members', () => {
  it('etcd-kill stops member 0 and starts it again after its duration', () => {
    const { injector, sim, events, calls } = setUp();
    injector.apply(fault({ kind: 'etcd-kill', target: { etcd: 0 }, duration: 2000 }));
    expect(events).toEqual([{ time: 0, kind: 'fault.etcd-kill', subject: 0, data: { target: 0, duration: 2000 } }]);
    expect(injector.faultReports).toEqual([{ kind: 'etcd-kill', at: 0, targets: 1, note: 'member 0 killed' }]);
    expect(calls).toEqual(['crash member 0']);
    expect(injector.unhealed).toEqual([]);
    sim.runUntil(2000);
    expect(calls).toEqual(['crash member 0', 'restart member 0']);
  });

  it('etcd-kill without a duration is unhealed whatever the lock; with no leader or no cluster it hits nothing and says why', () => {
    const { injector, sim } = setUp();
    sim.runUntil(300);
    injector.apply(fault({ kind: 'etcd-kill', target: { etcd: 'leader' }, duration: null }));
    expect(injector.faultReports[0]).toEqual({ kind: 'etcd-kill', at: 300, targets: 1, note: 'member 1 killed' });
    expect(injector.unhealed).toEqual(['etcd-kill@300']);
    const leaderless = setUp({ leader: -1 });
    leaderless.injector.apply(fault({ kind: 'etcd-kill', target: { etcd: 'leader' }, duration: null }));
    expect(leaderless.injector.faultReports).toEqual([{ kind: 'etcd-kill', at: 0, targets: 0, note: 'no leader to kill at this moment' }]);
    expect(leaderless.injector.unhealed).toEqual([]);
    expect(leaderless.calls).toEqual([]);
    const none = setUp({ etcd: false });
    none.injector.apply(fault({ kind: 'etcd-kill', target: { etcd: 0 }, duration: 1000 }));
    expect(none.injector.faultReports[0]).toEqual({ kind: 'etcd-kill', at: 0, targets: 0, note: 'no etcd cluster' });
    expect(none.sim.pendingEvents).toBe(0);
  });

  it('etcd-restart crashes and restarts a running member 0; without a cluster it finds no such member', () => {
    const { injector, events, calls } = setUp();
    injector.apply(fault({ kind: 'etcd-restart', target: { etcd: 0 } }));
    expect(events).toEqual([{ time: 0, kind: 'fault.etcd-restart', subject: 0, data: { target: 0 } }]);
    expect(injector.faultReports).toEqual([{ kind: 'etcd-restart', at: 0, targets: 1, note: 'member 0 restarted' }]);
    expect(calls).toEqual(['crash member 0', 'restart member 0']);
    const none = setUp({ etcd: false });
    none.injector.apply(fault({ kind: 'etcd-restart', target: { etcd: 1 } }));
    expect(none.injector.faultReports).toEqual([{ kind: 'etcd-restart', at: 0, targets: 0, note: 'no such member' }]);
    expect(none.events[0].subject).toBe(-1);
  });

  it('etcd faults without an etcd target fail loudly', () => {
    const { injector } = setUp();
    expect(() => injector.apply(fault({ kind: 'etcd-kill', target: {}, duration: null }))).toThrow('etcd-kill needs an etcd target');
    expect(() => injector.apply(fault({ kind: 'etcd-restart', target: {} }))).toThrow('etcd-restart needs an etcd target');
  });
});

describe('FaultInjector (hand-fed): the update server, clocks and disks', () => {
  it('a server outage answering nothing is silent; one answering 503 is not; both end after their duration', () => {
    const silent = setUp();
    silent.sim.runUntil(10);
    silent.injector.apply(fault({ kind: 'server-outage', answer: 'none', duration: 1000 }));
    expect(silent.events).toEqual([{ time: 10, kind: 'fault.server-outage', subject: 'server', data: { answer: 'none', duration: 1000 } }]);
    expect(silent.injector.faultReports).toEqual([{ kind: 'server-outage', at: 10, targets: 6, note: 'the update server answers nothing' }]);
    silent.sim.runUntil(1010);
    expect(silent.calls).toEqual(['outage begins at 10, silent', 'outage ends at 1010, silent']);
    const http = setUp();
    http.injector.apply(fault({ kind: 'server-outage', answer: 503, duration: 1000 }));
    expect(http.injector.faultReports[0].note).toBe('the update server answers HTTP 503');
    http.sim.runUntil(1000);
    expect(http.calls).toEqual(['outage begins at 0', 'outage ends at 1000']);
  });

  it('clock-skew moves the target nodes\' clocks; bad-disk spoils their writes; an empty target says so', () => {
    const { injector, events, calls } = setUp();
    injector.apply(fault({ kind: 'clock-skew', target: { nodes: [1, 2] }, skew: -7_200_000 }));
    injector.apply(fault({ kind: 'bad-disk', target: { nodes: [5] }, probability: 0.3 }));
    injector.apply(fault({ kind: 'clock-skew', target: { group: 'canary', zone: 'c' }, skew: 1 }));
    injector.apply(fault({ kind: 'bad-disk', target: { group: 'canary', zone: 'c' }, probability: 1 }));
    expect(events).toEqual([
      { time: 0, kind: 'fault.clock-skew', subject: 2, data: { nodes: [1, 2], skew: -7_200_000 } },
      { time: 0, kind: 'fault.bad-disk', subject: 1, data: { nodes: [5], probability: 0.3 } },
      { time: 0, kind: 'fault.clock-skew', subject: 0, data: { nodes: [], skew: 1 } },
      { time: 0, kind: 'fault.bad-disk', subject: 0, data: { nodes: [], probability: 1 } },
    ]);
    expect(injector.faultReports).toEqual([
      { kind: 'clock-skew', at: 0, targets: 2, note: 'clocks moved by -7200000 ms' },
      { kind: 'bad-disk', at: 0, targets: 1, note: 'writes fail with probability 0.3' },
      { kind: 'clock-skew', at: 0, targets: 0, note: 'no node matched the target' },
      { kind: 'bad-disk', at: 0, targets: 0, note: 'no node matched the target' },
    ]);
    expect(calls).toEqual(['skew node 1 by -7200000', 'skew node 2 by -7200000', 'bad disk node 5 0.3']);
  });
});

describe('FaultInjector (hand-fed): lock-holder-dies', () => {
  it('a holder (node 0, the stand-in\'s pick) dies for good; unhealed only when its slot never frees', () => {
    const frees = setUp({ holders: [0, 4] });
    frees.injector.apply(fault({ kind: 'lock-holder-dies' }));
    expect(frees.events).toEqual([{ time: 0, kind: 'fault.lock-holder-dies', subject: 0, data: { holders: 2 } }]);
    expect(frees.injector.faultReports).toEqual([{ kind: 'lock-holder-dies', at: 0, targets: 1, note: 'node 0 died holding a slot' }]);
    expect(frees.calls).toEqual(['crash node 0']);
    expect([...frees.injector.deadNodes]).toEqual([0]);
    expect(frees.injector.unhealed).toEqual([]);
    const stuck = setUp({ holders: [3] }, false);
    stuck.sim.runUntil(42);
    stuck.injector.apply(fault({ kind: 'lock-holder-dies' }));
    expect(stuck.injector.unhealed).toEqual(['lock-holder-dies@42']);
    expect([...stuck.injector.deadNodes]).toEqual([3]);
  });

  it('without a reboot lock nobody can hold a slot: it hits nothing and waits for no grant', () => {
    const { injector, events, grants } = setUp({ hasLock: false });
    injector.apply(fault({ kind: 'lock-holder-dies' }));
    expect(events).toEqual([{ time: 0, kind: 'fault.lock-holder-dies', subject: -1, data: { holders: 0 } }]);
    expect(injector.faultReports).toEqual([{ kind: 'lock-holder-dies', at: 0, targets: 0, note: 'no reboot lock in this scenario' }]);
    expect(grants).toHaveLength(0);
  });

  it('when nobody holds a slot the next node granted one dies right after its grant, and the report entry says when (h:mm:ss)', () => {
    const { injector, sim, events, calls, grants } = setUp({}, false);
    sim.runUntil(5000);
    injector.apply(fault({ kind: 'lock-holder-dies' }));
    expect(injector.faultReports).toEqual([{ kind: 'lock-holder-dies', at: 5000, targets: 0, note: 'nobody held a slot: the next node to take one dies' }]);
    expect(grants).toHaveLength(1);
    // The grant comes at 1h02m03s; the node dies in the step after it, at the same time.
    const grantMs = 3_723_000;
    sim.callAt(grantMs, () => grants[0](4));
    sim.runUntil(grantMs);
    expect(events.slice(1)).toEqual([{ time: grantMs, kind: 'fault.lock-holder-dies', subject: 4, data: { holders: 0, deferred: true } }]);
    expect(injector.faultReports).toEqual([
      { kind: 'lock-holder-dies', at: 5000, targets: 1, note: 'nobody held a slot at 0h00m05s: node 4, the next to take one, died at 1h02m03s' },
    ]);
    expect(calls).toEqual(['crash node 4']);
    expect([...injector.deadNodes]).toEqual([4]);
    expect(injector.unhealed).toEqual([`lock-holder-dies@${grantMs}`]);
  });
});

describe('FaultInjector (hand-fed): bounds', () => {
  it('lists at most 1,000 faults in the report and 1,000 unhealed ones, and counts every fault applied', () => {
    const { injector } = setUp();
    for (let i = 0; i < 1001; i++) injector.apply(fault({ kind: 'etcd-kill', target: { etcd: 0 }, duration: null }));
    expect(injector.applied).toBe(1001);
    expect(injector.faultReports).toHaveLength(1000);
    expect(injector.unhealed).toHaveLength(1000);
    expect(injector.unhealed[999]).toBe('etcd-kill@0');
  });
});
