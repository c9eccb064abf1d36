import { assert, fail } from '../../engine/assert.ts';
import type { Simulation } from '../../engine/simulation.ts';
import type { MachineContext, MachineEvent } from '../machine/define.ts';
import type { RuntimeHost } from '../machine/runtime.ts';

/** A node machine's effect as the world implements it. */
export type EffectHandler = (node: number, ctx: Readonly<MachineContext>, event: MachineEvent) => void;

/**
 * A node machine's host: its timers are numeric events of one kind, its effects the world's
 * handlers. A class, not an object of closures per machine, so that the runtime's calls into its
 * host have one target for all three machines (each new target seen by optimized code was a
 * deoptimization).
 */
export class MachineHost implements RuntimeHost {
  constructor(
    private readonly sim: Simulation,
    private readonly timerKind: number,
    private readonly effects: readonly EffectHandler[],
  ) {}

  scheduleTimer(node: number, timerCode: number, delayMs: number): number {
    return this.sim.scheduleAfter(delayMs, this.timerKind, node, timerCode);
  }

  cancelTimer(handle: number): void {
    this.sim.cancel(handle);
  }

  effect(node: number, effectCode: number, ctx: Readonly<MachineContext>, event: MachineEvent): void {
    this.effects[effectCode](node, ctx, event);
  }
}

export function bind(names: readonly string[], handlers: Record<string, EffectHandler>, machine: string): EffectHandler[] {
  for (const name of Object.keys(handlers)) assert(names.includes(name), `${machine} has no effect "${name}"`);
  return names.map((name) => {
    const handler = handlers[name];
    if (!(handler !== undefined)) fail(`the world does not implement ${machine}'s effect "${name}"`);
    return handler;
  });
}
