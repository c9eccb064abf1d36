// Builds runs for checker tests: a scenario from YAML, the run not yet started, so that a test
// can break one instance of the model (a mutation used only there) before it runs.
import { FleetRun } from '../../sim/run/fleet-run.ts';
import type { InvariantViolation } from '../../sim/report/report.ts';
import { scenarioFrom } from '../run/helpers.ts';

export function prepare(yaml: string, seed?: number): FleetRun {
  return new FleetRun(scenarioFrom(yaml), seed === undefined ? {} : { seed });
}

export function violationsOf(run: FleetRun, checker: string): InvariantViolation[] {
  return run.report().invariants.list.filter((v) => v.checker === checker);
}

export const rollout = (strategy: string, extra = '', nodes = 30) => `
name: checked
duration: 1d
fleet:
  groups:
    - {name: prod, nodes: ${nodes}, zones: [a, b, c]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h}
reboot: {strategy: ${strategy}, maxConcurrent: 1}
${extra}
`;
