// The AssertionError (sim/engine/assert.ts) a call throws, for tests that check its message.
import { expect } from 'vitest';
import { AssertionError } from '../sim/engine/assert.ts';

/** The AssertionError `fn` throws; fails the test when it throws something else or nothing. */
export function assertionFrom(fn: () => unknown): AssertionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AssertionError);
    return error as AssertionError;
  }
  throw new Error('expected an AssertionError, nothing was thrown');
}
