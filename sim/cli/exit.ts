/**
 * Exit codes of every fleetsim command (docs/cli.md): CI pipelines branch on them, so they
 * never change meaning.
 */
export const EXIT_OK = 0;
/** An expectation or an invariant failed, or a run crashed (a model assertion is an invariant). */
export const EXIT_FAILED = 1;
/** Bad input: unknown flag, missing file, invalid scenario, bad --set, an output file in the way. */
export const EXIT_BAD_INPUT = 2;

export type ExitCode = typeof EXIT_OK | typeof EXIT_FAILED | typeof EXIT_BAD_INPUT;

/**
 * An error the user can fix: printed to stderr without a stack trace, then the process exits
 * with `exitCode`. Several problems (every error of every file) travel as one CliError.
 */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly lines: readonly string[],
    readonly exitCode: ExitCode = EXIT_BAD_INPUT,
  ) {
    super(lines.join('\n'));
  }
}

/** Shorthand for the common case: bad input, one line. */
export function badInput(message: string): CliError {
  return new CliError([message], EXIT_BAD_INPUT);
}
