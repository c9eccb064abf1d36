import type { TraceEvent } from '../engine/trace.ts';
import type { CheckedRun } from './context.ts';

/**
 * Election Safety (Raft paper, Figure 3; §5.2): at most one leader can be elected in a given
 * term. Watches `etcd.leader {term}` in the trace; a second member leading a term it saw led
 * by another is a violation. Bounded: one entry per term.
 */
export const LEADER_PER_TERM = 'leader-per-term';

const TERMS_MAX = 10_000_000;

export function installLeaderPerTermChecker(run: CheckedRun): void {
  if (run.world.etcd === null) return;
  const leaderOfTerm = new Map<number, number | string>();
  run.trace.subscribe((event: TraceEvent) => {
    if (event.kind !== 'etcd.leader') return;
    const term = event.data?.term;
    if (typeof term !== 'number') {
      run.violations.record(event.time, LEADER_PER_TERM, `etcd.leader of member ${event.subject} carries no term`);
      return;
    }
    const known = leaderOfTerm.get(term);
    if (known === undefined) {
      if (leaderOfTerm.size < TERMS_MAX) leaderOfTerm.set(term, event.subject);
    } else if (known !== event.subject) {
      run.violations.record(event.time, LEADER_PER_TERM, `members ${known} and ${event.subject} both led term ${term}`);
    }
  });
}
