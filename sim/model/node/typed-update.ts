import type { ActionFunction } from 'xstate';
import { update, type MachineContext, type MachineEvent, type UpdateFn } from '../machine/define.ts';

/**
 * define.ts's `update`, typed for a machine with its own event union.
 *
 * Why: `update` calls xstate's `assign` without its event type argument, so the result is typed
 * as emitting any `EventObject` and `setup()` rejects it for a machine whose events are a closed
 * union. The cast changes the type only: the value is the very object `update` returns, marker
 * included, so the compiler recovers the same function. (To retire once define.ts passes
 * `assign<C, E, undefined, E, never>`.)
 */
export function typedUpdate<C extends MachineContext, E extends MachineEvent>(fn: UpdateFn<C, E>) {
  return update<C, E>(fn) as unknown as ActionFunction<C, E, E, undefined, never, never, never, never, never>;
}
