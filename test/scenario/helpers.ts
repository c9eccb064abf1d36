// Shared helpers for the scenario tests: a minimal valid file, and parsing that fails loudly.
import { expect } from 'vitest';
import { formatScenarioError, parseScenario, type ParseOptions, type Scenario } from '../../sim/scenario/index.ts';

export const MINIMAL = 'name: minimal\nduration: 1d';

/** Joins lines with newlines, so a test can count lines by eye. */
export const lines = (...text: string[]) => `${text.join('\n')}\n`;

export function load(text: string, options?: ParseOptions): Scenario {
  const result = parseScenario(text, 'test.yaml', options);
  if (!result.ok) expect.fail(`expected a valid scenario, got:\n${result.errors.map(formatScenarioError).join('\n')}`);
  return result.scenario;
}

/** Every error of `text`, formatted as the CLI prints them. */
export function errorsOf(text: string, options?: ParseOptions): string[] {
  const result = parseScenario(text, 'test.yaml', options);
  if (result.ok) expect.fail('expected errors, but the scenario is valid');
  return result.errors.map(formatScenarioError);
}
