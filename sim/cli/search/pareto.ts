// The Pareto frontier of points scored on objectives to minimise: the points no other point
// dominates (at least as good on every objective and better on one). null ("never": a rollout
// that did not complete) is worse than every number and equal to itself. Pure.

/** a <= b with null as the worst value. */
function atMost(a: number | null, b: number | null): boolean {
  if (b === null) return true;
  if (a === null) return false;
  return a <= b;
}

export function dominates(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  if (a.length !== b.length) throw new Error(`dominates: ${a.length} scores against ${b.length}`);
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (!atMost(a[i], b[i])) return false;
    if (!atMost(b[i], a[i])) better = true;
  }
  return better;
}

/** Indexes of the frontier's points, in input order. Points with equal scores are all on it or all off. */
export function paretoFrontier(scores: readonly (readonly (number | null)[])[]): number[] {
  const frontier: number[] = [];
  scores.forEach((s, i) => {
    if (!scores.some((other, j) => j !== i && dominates(other, s))) frontier.push(i);
  });
  return frontier;
}

/** Ascending by each objective in turn (null last), then by input order: the table's order. */
export function compareScores(a: readonly (number | null)[], b: readonly (number | null)[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (a[i] === null) return 1;
    if (b[i] === null) return -1;
    return (a[i] as number) - (b[i] as number);
  }
  return 0;
}
