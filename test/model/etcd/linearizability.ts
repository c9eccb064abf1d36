// A linearizability checker for one register with get and compare-and-swap (Wing & Gong's
// search with Lowe's memoisation), small enough to trust by reading. An operation whose outcome
// is unknown (a timed-out CAS) may take effect at any point after its invocation, or never.

export type RegisterOp =
  | { kind: 'read'; invokeMs: number; returnMs: number; value: string | null }
  | { kind: 'cas'; invokeMs: number; returnMs: number; from: string | null; to: string; ok: boolean }
  /** A CAS without an answer: returnMs is Infinity and it may or may not have happened. */
  | { kind: 'cas-unknown'; invokeMs: number; returnMs: number; from: string | null; to: string };

/** True when some total order of the operations respects real time and register semantics. */
export function isLinearizable(history: readonly RegisterOp[], initial: string | null = null): boolean {
  if (history.length > 30) throw new Error(`history of ${history.length} operations is too long to search`);
  const n = history.length;
  const required = history.reduce((mask, op, i) => (op.kind === 'cas-unknown' ? mask : mask | (1 << i)), 0);
  const seen = new Set<string>();
  const search = (done: number, value: string | null): boolean => {
    if ((done & required) === required) return true;
    const key = `${done}/${value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    // An operation can go next only if it was invoked before every pending operation returned.
    let horizon = Infinity;
    for (let i = 0; i < n; i++) if (!(done & (1 << i))) horizon = Math.min(horizon, history[i].returnMs);
    for (let i = 0; i < n; i++) {
      if (done & (1 << i)) continue;
      const op = history[i];
      if (op.invokeMs > horizon) continue;
      let next: string | null | undefined;
      if (op.kind === 'read') next = op.value === value ? value : undefined;
      else if (op.kind === 'cas') next = op.ok ? (op.from === value ? op.to : undefined) : op.from !== value ? value : undefined;
      else next = op.from === value ? op.to : value; // unknown CAS: applies when it can, else no effect
      if (next !== undefined && search(done | (1 << i), next)) return true;
    }
    return false;
  };
  return search(0, initial);
}
