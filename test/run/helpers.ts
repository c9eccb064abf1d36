// Builds and runs scenarios from YAML text for tests of whole runs.
import { parseScenario, formatScenarioError, type Scenario } from '../../sim/scenario/index.ts';
import { FleetRun, type RunOptions } from '../../sim/run/fleet-run.ts';
import type { Report } from '../../sim/report/report.ts';

export function scenarioFrom(yaml: string, overrides: Record<string, unknown> = {}): Scenario {
  const parsed = parseScenario(yaml, 'test.yaml', { overrides });
  if (!parsed.ok) throw new Error(parsed.errors.map(formatScenarioError).join('\n'));
  return parsed.scenario;
}

export function runYaml(yaml: string, overrides: Record<string, unknown> = {}, options: RunOptions = {}): { run: FleetRun; report: Report } {
  const run = new FleetRun(scenarioFrom(yaml, overrides), options);
  run.runToEnd();
  return { run, report: run.report() };
}
