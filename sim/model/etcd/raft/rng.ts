/**
 * The member's own random stream, kept as one number inside RaftState so that `step` stays a
 * pure function of (state, input): mulberry32, seeded from the run's seed and the member's name by
 * the caller (etcd-io/raft draws from a global lockedRand; ours is per member so that members do
 * not perturb each other's draws).
 */
export function nextUniform(state: { rngState: number }): number {
  const s = (state.rngState = (state.rngState + 0x6d2b79f5) >>> 0);
  let t = Math.imul(s ^ (s >>> 15), s | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
