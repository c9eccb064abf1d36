/**
 * Assertions that crash loudly (TigerBeetle style): an invariant that does not hold is a bug in
 * fleetsim, never a condition to recover from. Split them: one fact per call.
 */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/**
 * Throws an AssertionError. Hot paths test first and call this, `if (!(cond)) fail(\`...\`)`,
 * so that a message built from a template literal costs nothing while the condition holds
 * (`assert(cond, \`...${x}\`)` builds its string on every call).
 */
export function fail(message: string): never {
  throw new AssertionError(message);
}

/** For switch statements that must cover every case. */
export function unreachable(value: never, what: string): never {
  throw new AssertionError(`unreachable ${what}: ${String(value)}`);
}
