import type { CheckedRun } from './context.ts';

/**
 * Committed entries are never lost or reordered (Raft paper §5.4: Log Matching, Leader
 * Completeness, State Machine Safety), checked from outside the cluster:
 * - every member commits the indices in order, 1, 2, 3, ... (etcd-io/raft persists the commit
 *   index in its HardState, so a restart does not commit anything twice);
 * - the term committed at an index never changes, whichever member commits it;
 * - a member that becomes leader of term T holds every entry committed in a term before T, with
 *   its term (Leader Completeness, §5.4.1: "if a log entry is committed in a given term, then
 *   that entry will be present in the logs of the leaders for all higher-numbered terms"). An
 *   entry's commit term is the term of the leader that committed it first. Only higher terms: a
 *   candidate can still win an older term with votes that arrive late, after a newer leader
 *   committed entries it does not have (the fuzzer found this with a latency spike of 1.7 s, more
 *   than the election timeout); it steps down at the first message of the newer term.
 */
export const COMMITTED_LOG = 'committed-log';

const MESSAGES_PER_ELECTION_MAX = 3;

export function installCommittedLogChecker(run: CheckedRun): void {
  const etcd = run.world.etcd;
  if (etcd === null) return;
  const cluster = etcd.cluster;
  const committedTerm: number[] = [0];
  /** Term in which each index was first committed (its leader's term then). */
  const commitTerm: number[] = [0];
  const lastCommitted = new Array<number>(cluster.members.length).fill(0);
  cluster.onCommit((member, index, entry, nowMs) => {
    if (index !== lastCommitted[member] + 1) {
      run.violations.record(nowMs, COMMITTED_LOG, `member ${member} committed index ${index} after ${lastCommitted[member]}`);
    }
    lastCommitted[member] = Math.max(lastCommitted[member], index);
    if (index < committedTerm.length) {
      if (committedTerm[index] !== entry.term) {
        run.violations.record(nowMs, COMMITTED_LOG, `member ${member} committed term ${entry.term} at index ${index}, committed before with term ${committedTerm[index]}`);
      }
    } else if (index === committedTerm.length) {
      committedTerm.push(entry.term);
      commitTerm.push(cluster.term(member));
    } else {
      run.violations.record(nowMs, COMMITTED_LOG, `member ${member} committed index ${index} before index ${committedTerm.length} was committed anywhere`);
    }
  });
  cluster.onRoleChange((member, _from, to, term) => {
    if (to !== 'leader') return;
    const state = cluster.raftState(member);
    const nowMs = cluster.sim.now;
    if (state === null) return;
    let reported = 0;
    for (let index = 1; index < committedTerm.length && reported < MESSAGES_PER_ELECTION_MAX; index++) {
      if (commitTerm[index] >= term) continue;
      const entry = state.log[index - 1];
      if (entry === undefined || entry.term !== committedTerm[index]) {
        reported++;
        const has = entry === undefined ? 'no entry' : `term ${entry.term}`;
        run.violations.record(nowMs, COMMITTED_LOG, `member ${member} leads term ${term} with ${has} at index ${index}, committed in term ${commitTerm[index]} with term ${committedTerm[index]}`);
      }
    }
  });
}
