// Loading a scenario file for a command: read, parse with overrides, and turn every error into
// the `file:line:col: path: message` lines the user sees.

import { formatScenarioError, parseScenario, type Scenario } from '../scenario/index.ts';
import { CliError, EXIT_BAD_INPUT } from './exit.ts';
import { readScenarioText } from './files.ts';

export interface LoadedScenario {
  path: string;
  text: string;
  scenario: Scenario;
}

export type LoadResult = ({ ok: true } & LoadedScenario) | { ok: false; path: string; lines: string[] };

/** Never throws for a bad file: returns its error lines (a missing file is one line). */
export function tryLoadScenario(path: string, overrides: Readonly<Record<string, unknown>> = {}): LoadResult {
  let text: string;
  try {
    text = readScenarioText(path);
  } catch (error) {
    if (error instanceof CliError) return { ok: false, path, lines: [...error.lines] };
    throw error;
  }
  const parsed = parseScenario(text, path, { overrides });
  if (!parsed.ok) return { ok: false, path, lines: parsed.errors.map(formatScenarioError) };
  return { ok: true, path, text, scenario: parsed.scenario };
}

/** Loads one scenario or throws every error as one CliError (exit 2). */
export function loadScenario(path: string, overrides: Readonly<Record<string, unknown>> = {}): LoadedScenario {
  const result = tryLoadScenario(path, overrides);
  if (!result.ok) throw new CliError(result.lines, EXIT_BAD_INPUT);
  return result;
}

/**
 * Loads every file and reports the errors of all of them at once (a CI log should show every
 * broken scenario in one go, not one per push).
 */
export function loadAllScenarios(paths: readonly string[]): LoadedScenario[] {
  const results = paths.map((p) => tryLoadScenario(p));
  const lines = results.flatMap((r) => (r.ok ? [] : r.lines));
  if (lines.length > 0) throw new CliError(lines, EXIT_BAD_INPUT);
  return results.filter((r): r is { ok: true } & LoadedScenario => r.ok);
}
