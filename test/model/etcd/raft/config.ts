// Shared by the Raft core's tests: the configuration they start from (etcd's defaults scaled to
// fleetsim's: a 50 ms heartbeat, an election timeout drawn from 150-300 ms, CheckQuorum on,
// PreVote off unless a test turns it on) and the messages among a step's effects.
import type { Effect, Message, RaftConfig } from '../../../../sim/model/etcd/raft/types.ts';

export function raftConfig(memberCount = 3, change: Partial<RaftConfig> = {}): RaftConfig {
  return {
    memberCount,
    heartbeatIntervalMs: 50,
    electionTimeoutMs: { min: 150, max: 300 },
    checkQuorum: true,
    preVote: false,
    maxEntriesPerAppend: 64,
    ...change,
  };
}

/** The messages a step sends, in order. */
export const sentMessages = (effects: Effect[]): Message[] => effects.flatMap((e) => (e.type === 'send' ? [e.message] : []));
