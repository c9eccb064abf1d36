// The quiescence shortcut (sim/model/etcd/quiescence.ts) fed by hand through its port
// (cluster-port.ts): a real Simulation for the timers, a hand-built Raft group, and a network
// stand-in with a latency table, so that the freeze conditions can be broken one at a time and a
// thaw's rebuilt state is arithmetic written next to the test. The comparison of whole runs with
// fidelity full is quiescence.test.ts; this file pins the single conditions and the sums.
import { describe, expect, it } from 'vitest';
import { NO_EVENT } from '../../../sim/engine/event-queue.ts';
import { Simulation } from '../../../sim/engine/simulation.ts';
import type { Network } from '../../../sim/model/network/network.ts';
import type { ClusterPort, MemberSlot } from '../../../sim/model/etcd/cluster-port.ts';
import { Quiescence } from '../../../sim/model/etcd/quiescence.ts';
import { startMember } from '../../../sim/model/etcd/raft/raft.ts';
import type { RaftConfig, RaftState, TimerKind } from '../../../sim/model/etcd/raft/types.ts';
import { assertionFrom } from '../../assertion-from.ts';

/** Member i listens on endpoint 10 + i. */
const ep = (member: number): number => 10 + member;
const TIMERS: readonly TimerKind[] = ['election', 'heartbeat', 'checkQuorum'];
const HEARTBEAT_MS = 50;

/** The network as the shortcut sees it: a latency table, every skip and injection written down. */
class QuietNetwork {
  lossProbability = 0;
  spikes = 0;
  latencyMax = 5;
  inFlight = new Map<number, number>();
  /** Endpoints cut off from everyone. */
  cut = new Set<number>();
  /** One-way latency per directed link "from>to". */
  oneWayMs = new Map<string, number>();
  skipped: string[] = [];
  injected: { from: number; to: number; message: unknown; atMs: number }[] = [];
  get current(): { lossProbability: number } {
    return { lossProbability: this.lossProbability };
  }
  get spikeCount(): number {
    return this.spikes;
  }
  latencyMaxMs(): number {
    return this.latencyMax;
  }
  inFlightTo(endpoint: number): number {
    return this.inFlight.get(endpoint) ?? 0;
  }
  connected(a: number, b: number): boolean {
    return !this.cut.has(a) && !this.cut.has(b);
  }
  linkSequence(): number {
    return 0;
  }
  latencyOf(from: number, to: number): number {
    const ms = this.oneWayMs.get(`${from}>${to}`);
    if (ms === undefined) throw new Error(`no latency for ${from}>${to}`);
    return ms;
  }
  skipMessages(from: number, to: number, count: number, delivered: number, lastDeliveryMs: number): void {
    this.skipped.push(`${from}>${to} ${delivered}/${count} @${lastDeliveryMs}`);
  }
  injectInFlight(from: number, to: number, message: unknown, atMs: number): void {
    this.injected.push({ from, to, message, atMs });
  }
}

type Config = { -readonly [K in keyof RaftConfig]: RaftConfig[K] };

interface Fixture {
  port: ClusterPort & { idle: boolean };
  config: Config;
  sim: Simulation;
  net: QuietNetwork;
  quiet: Quiescence;
  timersSet: string[];
  thawed: number;
}

/**
 * An idle group of `n` in term 2 led by member 0, at time 0: every log holds the leader's no-op
 * (index 1, term 2), committed everywhere; the leader's next heartbeat is due at 50 ms and its
 * next CheckQuorum at 150 ms (both last ran at 0); each follower's election timer (200 ms, taken
 * as written) was reset at 0; every link has a 5 ms latency bound.
 */
function idleGroup(n: number, checkQuorum = true): Fixture {
  const config: Config = { memberCount: n, heartbeatIntervalMs: HEARTBEAT_MS, electionTimeoutMs: { min: 150, max: 300 }, preVote: true, checkQuorum, maxEntriesPerAppend: 64 };
  const sim = new Simulation();
  const net = new QuietNetwork();
  const timerKind = sim.register('timer', () => {});
  const members: MemberSlot[] = [];
  for (let id = 0; id < n; id++) {
    const s = startMember(config, id, 100 + id, { term: 2, votedFor: 0, commit: 1, log: [{ term: 2, data: null }] }, 0).state;
    Object.assign(s, { lead: 0, electionTicks: 0, electionTimeoutMs: 200, electionResetMs: 0 });
    if (id === 0) {
      s.role = 'leader';
      for (const pr of s.progress) Object.assign(pr, { match: 1, next: 2, state: 'replicate', lastHeardMs: 0 });
    }
    members.push({ id, endpoint: ep(id), state: s, persisted: null, rngState: 0, timers: TIMERS.map(() => NO_EVENT) });
  }
  const timersSet: string[] = [];
  const f: Fixture = { config, sim, net, timersSet, thawed: 0 } as Fixture;
  const port = {
    sim,
    network: net as unknown as Network,
    config,
    name: 'etcd-q',
    members,
    store: null as never,
    quiescent: false,
    idle: true,
    leader: () => 0,
    isIdleAt: (leader: RaftState) => port.idle && leader.commit === leader.log.length,
    setTimer(m: MemberSlot, timer: TimerKind, atMs: number): void {
      const k = TIMERS.indexOf(timer);
      sim.cancel(m.timers[k]);
      m.timers[k] = sim.scheduleAt(atMs, timerKind, m.id, k);
      timersSet.push(`${m.id} ${timer} @${atMs}`);
    },
    cancelTimer(m: MemberSlot, k: number): void {
      sim.cancel(m.timers[k]);
      m.timers[k] = NO_EVENT;
    },
    timerTime: (m: MemberSlot, timer: TimerKind) => sim.timeOf(m.timers[TIMERS.indexOf(timer)]),
    afterThaw: () => f.thawed++,
    adoptProposal: () => {},
    adoptRead: () => {},
    replicateNow: () => {},
    applyFastCommit: () => null as never,
    respond: () => {},
  };
  f.port = port;
  f.quiet = new Quiescence(port);
  port.setTimer(members[0], 'heartbeat', 50);
  if (checkQuorum) port.setTimer(members[0], 'checkQuorum', 150);
  for (const m of members.slice(1)) port.setTimer(m, 'election', 200);
  timersSet.length = 0;
  return f;
}

const state = (f: Fixture, member: number): RaftState => f.port.members[member].state!;
const leaderOf = (f: Fixture): RaftState => state(f, 0);

describe('quiescence fed by hand: when an idle group freezes', () => {
  it('freezes a healthy idle group once and cancels every member\'s timers', () => {
    const f = idleGroup(3);
    f.quiet.tryFreeze(0);
    expect([f.quiet.frozen, f.quiet.freezes]).toEqual([true, 1]);
    for (const m of f.port.members) for (const timer of TIMERS) expect(f.port.timerTime(m, timer)).toBeNaN();
  });

  const freezes: [string, (f: Fixture) => void][] = [
    ['latency bound 24 ms: 2 × 24 = 48 < 50 (heartbeat) and 50 + 48 = 98 < 99 (election min)', (f) => {
      f.net.latencyMax = 24;
      f.config.electionTimeoutMs = { min: 99, max: 300 };
    }],
    // The next heartbeat is sent at 50 and arrives by 50 + 5 = 55 ms.
    ['a follower\'s election timer expires at 55.5 ms, after the next heartbeat arrives (by 55 ms)', (f) => (state(f, 2).electionTimeoutMs = 55.5)],
    // etcd-io/raft raft.go checkQuorum counts a member RecentActive since the last check.
    ['the leader last heard a follower exactly at its last CheckQuorum (30 ms)', (f) => {
      leaderOf(f).quorumCheckMs = 30;
      for (const pr of leaderOf(f).progress) pr.lastHeardMs = 40;
      leaderOf(f).progress[2].lastHeardMs = 30;
    }],
    ['two of five members are down: the three live ones are a quorum', (f) => {
      f.port.members[3].state = null;
      f.port.members[4].state = null;
    }],
  ];

  it.each(freezes)('freezes at the edge of its conditions: %s', (_edge, setUp) => {
    const f = idleGroup(5);
    setUp(f);
    f.quiet.tryFreeze(0);
    expect(f.quiet.freezes).toBe(1);
  });

  it('freezes without CheckQuorum and without its timer', () => {
    const f = idleGroup(3, false);
    f.quiet.tryFreeze(0);
    expect(f.quiet.freezes).toBe(1);
  });

  const stays: [string, (f: Fixture) => void][] = [
    ['the member named leader is down', (f) => (f.port.members[0].state = null)],
    ['the member named leader is a follower', (f) => (leaderOf(f).role = 'follower')],
    ['a request is waiting at the leader', (f) => (f.port.idle = false)],
    ['messages may be lost', (f) => (f.net.lossProbability = 0.01)],
    ['a latency spike is on, even one of 0 ms (Network.addSpike(0))', (f) => (f.net.spikes = 1)],
    ['twice the latency bound equals the heartbeat: 2 × 25 = 50', (f) => (f.net.latencyMax = 25)],
    ['heartbeat plus twice the latency bound equals the election min: 50 + 2 × 24 = 98', (f) => {
      f.net.latencyMax = 24;
      f.config.electionTimeoutMs = { min: 98, max: 300 };
    }],
    ['the leader has no heartbeat timer', (f) => f.port.cancelTimer(f.port.members[0], TIMERS.indexOf('heartbeat'))],
    ['CheckQuorum is on and its timer is not set', (f) => f.port.cancelTimer(f.port.members[0], TIMERS.indexOf('checkQuorum'))],
    ['a message is on its way to a follower', (f) => f.net.inFlight.set(ep(2), 1)],
    ['a follower is cut off from the leader', (f) => f.net.cut.add(ep(2))],
    ['a follower is a pre-candidate', (f) => (state(f, 2).role = 'preCandidate')],
    ['a follower is still in term 1', (f) => (state(f, 2).term = 1)],
    ['a follower knows no leader', (f) => (state(f, 2).lead = -1)],
    ['a follower holds an entry past the leader\'s last', (f) => state(f, 2).log.push({ term: 2, data: null })],
    ['a follower has not committed the last entry', (f) => (state(f, 2).commit = 0)],
    ['the leader has not seen a follower match the last entry', (f) => (leaderOf(f).progress[2].match = 0)],
    ['the leader is probing a follower', (f) => (leaderOf(f).progress[2].state = 'probe')],
    // Next heartbeat sent at 50, may arrive at 50 + 5 = 55: a timer expiring then is a race.
    ['a follower\'s election timer expires at 55 ms, when the next heartbeat may arrive', (f) => (state(f, 2).electionTimeoutMs = 55)],
    ['the leader has not heard a follower since its last CheckQuorum', (f) => (leaderOf(f).progress[2].lastHeardMs = -1)],
    ['two of three members are down', (f) => {
      f.port.members[1].state = null;
      f.port.members[2].state = null;
    }],
  ];

  it.each(stays)('stays thawed when %s', (_why, breakIt) => {
    const f = idleGroup(3);
    breakIt(f);
    f.quiet.tryFreeze(0);
    expect([f.quiet.frozen, f.quiet.freezes]).toEqual([false, 0]);
  });
});

describe('quiescence fed by hand: what a thaw rebuilds', () => {
  it('counts each thaw and hands over to the fast path once; a group that is not frozen has nothing to thaw', () => {
    const f = idleGroup(3);
    f.quiet.thaw(0);
    expect([f.quiet.thaws, f.thawed]).toEqual([0, 0]);
    f.quiet.tryFreeze(0);
    f.quiet.thaw(10);
    expect([f.quiet.frozen, f.quiet.thaws, f.thawed]).toEqual([false, 1, 1]);
  });

  it.each([
    ['went down', (f: Fixture) => (f.port.members[0].state = null)],
    ['stepped down', (f: Fixture) => (leaderOf(f).role = 'follower')],
  ])('fails loudly when the leader %s while frozen (any change thaws first)', (_how, change) => {
    const f = idleGroup(3);
    f.quiet.tryFreeze(0);
    change(f);
    expect(assertionFrom(() => f.quiet.thaw(10)).message).toBe('quiescence: the leader changed while frozen');
  });

  it('puts every timer back where it was and skips no message when it thaws at the instant it froze', () => {
    const f = idleGroup(3);
    f.quiet.tryFreeze(0);
    f.quiet.thaw(0);
    // Heartbeat due at 50, CheckQuorum at 150: no round and no check ran; elections at 0 + 200.
    expect(f.timersSet).toEqual(['1 election @200', '2 election @200', '0 heartbeat @50', '0 checkQuorum @150']);
    expect(f.net.skipped).toEqual(['10>11 0/0 @0', '11>10 0/0 @0', '10>12 0/0 @0', '12>10 0/0 @0']);
    expect(f.net.injected).toEqual([]);
    expect(leaderOf(f).quorumCheckMs).toBe(0);
  });

  it('rebuilds nine heartbeat rounds and three CheckQuorums, with messages arriving exactly at the thaw counted as arrived', () => {
    const f = idleGroup(5);
    // Members 3 and 4 are down (the leader never saw them match); 0, 1, 2 are a quorum of 5.
    f.port.members[3].state = null;
    f.port.members[4].state = null;
    leaderOf(f).progress[3].match = 0;
    leaderOf(f).progress[4].match = 0;
    const oneWay: [number, number, number][] = [[0, 1, 3], [1, 0, 2], [0, 2, 1], [2, 0, 2], [0, 3, 3], [0, 4, 4]];
    for (const [from, to, ms] of oneWay) f.net.oneWayMs.set(`${ep(from)}>${ep(to)}`, ms);
    f.quiet.tryFreeze(0);
    expect(f.quiet.frozen).toBe(true);
    f.sim.runUntil(453);
    f.quiet.thaw(453);
    // Rounds sent before 453: 50, 100, ..., 450 = ceil((453 - 50) / 50) = 9. The last one (450):
    // to 1: arrives 453 (= now: arrived), answer 455 (in flight); the one before answered at 403 + 2 = 405.
    // to 2: arrives 451, answer 453 (= now: arrived). To 3 (down): arrives 453 (= now: dropped).
    // To 4 (down): arrives 454, still on the wire; its commit is min(match 0, commit 1) = 0
    // (etcd-io/raft raft.go sendHeartbeat).
    expect(f.net.skipped).toEqual([
      '10>11 9/9 @453', '11>10 8/9 @455',
      '10>12 9/9 @451', '12>10 9/9 @453',
      '10>13 9/9 @453', '13>10 0/0 @0',
      '10>14 8/9 @454', '14>10 0/0 @0',
    ]);
    expect(f.net.injected).toEqual([
      { from: ep(1), to: ep(0), message: { type: 'heartbeatResp', from: 1, to: 0, term: 2, ctx: 0 }, atMs: 455 },
      { from: ep(0), to: ep(4), message: { type: 'heartbeat', from: 0, to: 4, term: 2, commit: 0, ctx: 0 }, atMs: 454 },
    ]);
    expect([state(f, 1).electionResetMs, state(f, 2).electionResetMs]).toEqual([453, 451]);
    expect(leaderOf(f).progress.map((p) => p.lastHeardMs)).toEqual([0, 405, 453, 0, 0]);
    // CheckQuorums due at 150, 300, 450 ran: ceil((453 - 150) / 150) = 3; the last at 150 + 2 × 150.
    expect(leaderOf(f).quorumCheckMs).toBe(450);
    // Elections 200 after the last heartbeat heard; next heartbeat 50 + 9 × 50; next check 150 + 3 × 150.
    expect(f.timersSet).toEqual(['1 election @653', '2 election @651', '0 heartbeat @500', '0 checkQuorum @600']);
  });

  it('sets no CheckQuorum timer at a thaw when CheckQuorum is off', () => {
    const f = idleGroup(3, false);
    f.net.oneWayMs.set('10>11', 1).set('11>10', 1).set('10>12', 1).set('12>10', 1);
    f.quiet.tryFreeze(0);
    f.sim.runUntil(453);
    f.quiet.thaw(453);
    // Rounds 50..450 arrive at 451 and are answered at 452, before 453.
    expect(f.timersSet).toEqual(['1 election @651', '2 election @651', '0 heartbeat @500']);
  });
});
