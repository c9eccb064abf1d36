import { assert } from '../../engine/assert.ts';
import type { ClusterPort, MemberSlot } from './cluster-port.ts';
import { lastIndex } from './raft/log.ts';
import { quorumSize } from './raft/quorum.ts';
import type { MsgHeartbeat, MsgHeartbeatResp, RaftState } from './raft/types.ts';
import { electionDeadlineMs } from './raft/election.ts';
import { heardFrom, heardHeartbeat, quorumChecked } from './raft/settled.ts';

/**
 * The quiescence shortcut (docs/sources.md "Shortcuts"): a healthy, idle etcd cluster costs no events.
 *
 * While a stable leader heartbeats followers that are all up, connected, caught up, with no
 * request in flight, no loss and no latency spike, nothing observable can happen: every
 * heartbeat is answered, no election timer expires, every CheckQuorum passes. So the cluster
 * "freezes": it cancels its members' timers and records the heartbeat phase. At the first change
 * (a request reaching a member, a crash, a restart, any network change, a lease expiry) it
 * "thaws": it recomputes, for that instant, exactly what the full run would hold, and resumes:
 *
 * - the leader's next heartbeat and CheckQuorum times (periodic from the recorded phase);
 * - per follower, the arrival time of the last heartbeat (its election clock) and, at the leader,
 *   of the last answer (CheckQuorum's record of who was heard);
 * - heartbeats and answers still in flight at that instant, put back on the network;
 * - each link's message counter, so that later latency draws are the ones the full run makes
 *   (draws are counter-based per link: network/link-random.ts).
 *
 * Exactness rests on steady-state arithmetic that holds under the freeze conditions below:
 * with 2 * latencyMax < heartbeat, FIFO links never delay a heartbeat or its answer; with
 * heartbeat + 2 * latencyMax < electionTimeout.min, every election timer and every CheckQuorum
 * window sees at least one heartbeat. A test (test/model/etcd/quiescence.test.ts) runs random
 * fault schedules in both fidelities and compares the traces, leader timelines, message counts
 * and final Raft states.
 */
interface Frozen {
  readonly atMs: number;
  readonly leader: number;
  /** Time of the leader's next heartbeat round when the cluster froze. */
  readonly heartbeatMs: number;
  /** Time of the leader's next CheckQuorum, or NaN without CheckQuorum. */
  readonly checkQuorumMs: number;
  /** Per member: sequence numbers of the links leader->member and member->leader at the freeze. */
  readonly sequenceOut: number[];
  readonly sequenceIn: number[];
}

export class Quiescence {
  private state: Frozen | null = null;
  /** Freezes and thaws so far (for benchmarks and tests). */
  freezes = 0;
  thaws = 0;

  constructor(private readonly cluster: ClusterPort) {}

  get frozen(): boolean {
    return this.state !== null;
  }

  /** Freezes the cluster when the conditions hold; cheap when they do not. */
  tryFreeze(nowMs: number): void {
    if (this.state !== null) return;
    const c = this.cluster;
    const leaderId = c.leader();
    if (leaderId < 0) return;
    const leaderSlot = c.members[leaderId];
    const leader = leaderSlot.state;
    if (leader === null || leader.role !== 'leader') return;
    if (!c.isIdleAt(leader)) return;
    const net = c.network;
    const config = net.current;
    if (config.lossProbability > 0 || net.spikeCount > 0) return;
    const latencyMaxMs = net.latencyMaxMs();
    const hb = c.config.heartbeatIntervalMs;
    if (!(2 * latencyMaxMs < hb && hb + 2 * latencyMaxMs < c.config.electionTimeoutMs.min)) return;
    const heartbeatMs = c.timerTime(leaderSlot, 'heartbeat');
    if (Number.isNaN(heartbeatMs)) return;
    const checkQuorumMs = c.config.checkQuorum ? c.timerTime(leaderSlot, 'checkQuorum') : NaN;
    if (c.config.checkQuorum && Number.isNaN(checkQuorumMs)) return;
    const last = lastIndex(leader.log);
    let live = 0;
    for (const m of c.members) {
      if (net.inFlightTo(m.endpoint) > 0) return;
      if (!net.connected(leaderSlot.endpoint, m.endpoint)) return;
      const s = m.state;
      // A member that is down only receives heartbeats (dropped on arrival) and answers nothing.
      if (s === null) continue;
      live++;
      if (m.id === leaderId) continue;
      if (s.role !== 'follower' || s.term !== leader.term || s.lead !== leaderId) return;
      if (lastIndex(s.log) !== last || s.commit !== last) return;
      const pr = leader.progress[m.id];
      if (pr.match !== last || pr.state !== 'replicate') return;
      // The next heartbeat reaches the follower before its election timer expires...
      if (electionDeadlineMs(s) <= heartbeatMs + latencyMaxMs) return;
      // ...and the next CheckQuorum counts it.
      if (c.config.checkQuorum && pr.lastHeardMs < leader.quorumCheckMs) return;
    }
    // Every CheckQuorum passes only with a live majority.
    if (live < quorumSize(c.config.memberCount)) return;
    const sequenceOut: number[] = [];
    const sequenceIn: number[] = [];
    for (const m of c.members) {
      sequenceOut.push(net.linkSequence(leaderSlot.endpoint, m.endpoint));
      sequenceIn.push(net.linkSequence(m.endpoint, leaderSlot.endpoint));
    }
    for (const m of c.members) for (let k = 0; k < m.timers.length; k++) c.cancelTimer(m, k);
    this.state = { atMs: nowMs, leader: leaderId, heartbeatMs, checkQuorumMs, sequenceOut, sequenceIn };
    this.freezes++;
  }

  /** Brings the cluster to the state the full run has at `nowMs`, then resumes its timers. */
  thaw(nowMs: number): void {
    const frozen = this.state;
    if (frozen === null) return;
    this.state = null;
    this.thaws++;
    const c = this.cluster;
    const net = c.network;
    const hb = c.config.heartbeatIntervalMs;
    const leaderSlot = c.members[frozen.leader];
    const leader = leaderSlot.state;
    assert(leader !== null && leader.role === 'leader', 'quiescence: the leader changed while frozen');
    // Heartbeat rounds sent strictly before now (a round due exactly now would be a tie in the
    // full run; times are real-valued draws, so ties have probability zero).
    const rounds = frozen.heartbeatMs < nowMs ? Math.ceil((nowMs - frozen.heartbeatMs) / hb) : 0;
    // Only the last few rounds can still be in flight or be the latest arrival: latency < hb/2.
    const firstRound = Math.max(0, rounds - 3);
    for (const m of c.members) {
      if (m.id === frozen.leader) continue;
      const follower = m.state;
      const out = frozen.sequenceOut[m.id];
      const back = frozen.sequenceIn[m.id];
      let heartbeatsDelivered = rounds;
      // A member that is down answers nothing.
      let answersSent = follower === null ? 0 : rounds;
      let answersDelivered = answersSent;
      let lastHeartbeatArrivalMs = 0;
      let lastAnswerArrivalMs = 0;
      for (let k = firstRound; k < rounds; k++) {
        const sentMs = frozen.heartbeatMs + k * hb;
        const arrivalMs = sentMs + net.latencyOf(leaderSlot.endpoint, m.endpoint, out + k);
        lastHeartbeatArrivalMs = arrivalMs;
        if (follower === null) {
          // The heartbeat arrives and the dead process drops it.
          if (arrivalMs > nowMs) {
            heartbeatsDelivered--;
            net.injectInFlight(leaderSlot.endpoint, m.endpoint, heartbeatTo(leader, m.id), arrivalMs);
          }
          continue;
        }
        if (arrivalMs > nowMs) {
          // Still on the wire: the follower has not answered yet.
          heartbeatsDelivered--;
          answersSent--;
          answersDelivered--;
          net.injectInFlight(leaderSlot.endpoint, m.endpoint, heartbeatTo(leader, m.id), arrivalMs);
          continue;
        }
        heardHeartbeat(follower, arrivalMs);
        const answerMs = arrivalMs + net.latencyOf(m.endpoint, leaderSlot.endpoint, back + k);
        lastAnswerArrivalMs = answerMs;
        if (answerMs > nowMs) {
          answersDelivered--;
          net.injectInFlight(m.endpoint, leaderSlot.endpoint, answer(follower, leader), answerMs);
          continue;
        }
        heardFrom(leader, m.id, answerMs);
      }
      net.skipMessages(leaderSlot.endpoint, m.endpoint, rounds, heartbeatsDelivered, lastHeartbeatArrivalMs);
      net.skipMessages(m.endpoint, leaderSlot.endpoint, answersSent, answersDelivered, lastAnswerArrivalMs);
      if (follower !== null) c.setTimer(m, 'election', electionDeadlineMs(follower));
    }
    c.setTimer(leaderSlot, 'heartbeat', frozen.heartbeatMs + rounds * hb);
    if (c.config.checkQuorum) {
      const period = c.config.electionTimeoutMs.min;
      const checks = frozen.checkQuorumMs < nowMs ? Math.ceil((nowMs - frozen.checkQuorumMs) / period) : 0;
      if (checks > 0) quorumChecked(leader, frozen.checkQuorumMs + (checks - 1) * period);
      c.setTimer(leaderSlot, 'checkQuorum', frozen.checkQuorumMs + checks * period);
    }
    c.afterThaw();
  }
}

function heartbeatTo(leader: RaftState, to: number): MsgHeartbeat {
  return { type: 'heartbeat', from: leader.id, to, term: leader.term, commit: Math.min(leader.progress[to].match, leader.commit), ctx: 0 };
}

function answer(follower: RaftState, leader: RaftState): MsgHeartbeatResp {
  return { type: 'heartbeatResp', from: follower.id, to: leader.id, term: follower.term, ctx: 0 };
}
