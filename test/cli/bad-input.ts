// The message of the CliError (exit 2) that `fn` throws; fails the test when it throws none.
import { expect } from 'vitest';
import { CliError, EXIT_BAD_INPUT } from '../../sim/cli/exit.ts';

export function badInputMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT_BAD_INPUT);
    return (error as CliError).message;
  }
  throw new Error('expected a CliError');
}
