import type { Trace } from '../engine/trace.ts';
import type { FaultRecord } from '../faults/injector.ts';
import type { World } from '../model/world/world.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Violations } from './violations.ts';

/**
 * What a checker may look at: the trace it subscribes to, the world (read-only: partition tables,
 * versions, the etcd cluster's hooks), the scenario and the faults injected. Checkers observe;
 * they never change the run (no events scheduled, no random draws), so a run's trace hash is
 * the same with or without them.
 */
export interface CheckedRun {
  readonly world: World;
  readonly trace: Trace;
  readonly scenario: Scenario;
  readonly faults: FaultRecord;
  readonly violations: Violations;
}
