// The recent transitions of every node's machines, for the inspector ("DOWNLOADING --DOWNLOAD_DONE-->
// VERIFYING at 1h07m"). The compiled runtimes (sim/model/machine/runtime.ts) have no observer, so
// this wraps the two entry points the world drives them through, `sendCode` (which `send` calls)
// and `fireTimer`, on the run's own runtime objects: it reads the state code before and after and
// writes a ring of typed arrays. Observation only: the wrapped call runs exactly as before, so a
// run's trace hash is the same with or without it (tested).

import type { CompiledRuntime } from '../../sim/model/machine/runtime.ts';
import type { MachineEvent } from '../../sim/model/machine/define.ts';
import type { Simulation } from '../../sim/engine/simulation.ts';
import type { TransitionLine } from '../shared/protocol.ts';

/** Transitions remembered, all nodes together (older ones are overwritten). */
export const TRANSITION_RING_SIZE = 65_536;
/** Transitions the inspector shows for one node. */
export const TRANSITIONS_SHOWN = 16;

export class TransitionRecorder {
  private readonly time = new Float64Array(TRANSITION_RING_SIZE);
  private readonly node = new Uint32Array(TRANSITION_RING_SIZE);
  private readonly machine = new Uint8Array(TRANSITION_RING_SIZE);
  private readonly from = new Uint16Array(TRANSITION_RING_SIZE);
  private readonly to = new Uint16Array(TRANSITION_RING_SIZE);
  private readonly event = new Uint16Array(TRANSITION_RING_SIZE);
  private readonly eventNames: string[] = [];
  private readonly eventCodes = new Map<string, number>();
  private next = 0;
  private count = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly runtimes: readonly { name: string; runtime: CompiledRuntime }[],
  ) {
    runtimes.forEach(({ runtime }, m) => this.wrap(runtime, m));
  }

  private wrap(runtime: CompiledRuntime, m: number): void {
    const sendCode = runtime.sendCode;
    const fireTimer = runtime.fireTimer;
    const states = runtime.states;
    runtime.sendCode = (instance: number, eventCode: number, event: MachineEvent): boolean => {
      const before = states[instance];
      const taken = sendCode.call(runtime, instance, eventCode, event);
      if (taken || states[instance] !== before) this.record(instance, m, before, states[instance], event.type);
      return taken;
    };
    runtime.fireTimer = (instance: number, timerCode: number, handle?: number): boolean => {
      const before = states[instance];
      const fired = fireTimer.call(runtime, instance, timerCode, handle);
      if (fired || states[instance] !== before) this.record(instance, m, before, states[instance], runtime.machine.timerEvents[timerCode].type);
      return fired;
    };
  }

  private record(instance: number, m: number, before: number, after: number, eventType: string): void {
    let code = this.eventCodes.get(eventType);
    if (code === undefined) {
      code = this.eventNames.length;
      this.eventNames.push(eventType);
      this.eventCodes.set(eventType, code);
    }
    const at = this.next;
    this.time[at] = this.sim.now;
    this.node[at] = instance;
    this.machine[at] = m;
    this.from[at] = before;
    this.to[at] = after;
    this.event[at] = code;
    this.next = (at + 1) % TRANSITION_RING_SIZE;
    if (this.count < TRANSITION_RING_SIZE) this.count++;
  }

  /** The node's most recent transitions still in the ring, oldest first. */
  recentFor(node: number): TransitionLine[] {
    const found: TransitionLine[] = [];
    for (let k = 1; k <= this.count && found.length < TRANSITIONS_SHOWN; k++) {
      const at = (this.next - k + TRANSITION_RING_SIZE) % TRANSITION_RING_SIZE;
      if (this.node[at] !== node) continue;
      const { name, runtime } = this.runtimes[this.machine[at]];
      const names = runtime.machine.stateNames;
      found.push({ timeMs: this.time[at], machine: name, from: names[this.from[at]], to: names[this.to[at]], event: eventLabel(this.eventNames[this.event[at]]) });
    }
    return found.reverse();
  }
}

/** `xstate.after.nextCheckMs.updateEngine.IDLE` -> `after nextCheckMs`; other events as they are. */
export function eventLabel(type: string): string {
  return type.startsWith('xstate.after.') ? `after ${type.split('.')[2]}` : type;
}
