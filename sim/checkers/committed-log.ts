import type { CheckedRun } from './context.ts';

/**
 * Committed entries are never lost or reordered (Raft paper §5.4: Log Matching, Leader
 * Completeness, State Machine Safety), checked from outside the cluster:
 * - every member commits the indices in order, 1, 2, 3, ... (etcd-io/raft persists the commit
 *   index in its HardState, so a restart does not commit anything twice);
 * - the term committed at an index never changes, whichever member commits it;
 * - a member that becomes leader holds every entry committed so far, with the committed term
 *   (Leader Completeness, §5.4.1): a leader without one would overwrite it.
 */
export const COMMITTED_LOG = 'committed-log';

const MESSAGES_PER_ELECTION_MAX = 3;

export function installCommittedLogChecker(run: CheckedRun): void {
  const etcd = run.world.etcd;
  if (etcd === null) return;
  const cluster = etcd.cluster;
  const committedTerm: number[] = [0];
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
      const entry = state.log[index - 1];
      if (entry === undefined || entry.term !== committedTerm[index]) {
        reported++;
        const has = entry === undefined ? 'no entry' : `term ${entry.term}`;
        run.violations.record(nowMs, COMMITTED_LOG, `member ${member} leads term ${term} with ${has} at committed index ${index} (term ${committedTerm[index]})`);
      }
    }
  });
}
