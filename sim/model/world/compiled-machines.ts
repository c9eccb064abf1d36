import type { AnyStateMachine } from 'xstate';
import { compileMachine } from '../machine/compile.ts';
import type { CompiledMachine } from '../machine/compiled.ts';
import type { StorageType } from '../machine/storage.ts';
import { agentMachine, nodeMachines } from '../node/machines.ts';
import type { RebootAgent } from '../../agents/registry.ts';

/**
 * The node machines compiled once per process: compiling is pure and deterministic, so every run
 * (and every web session) shares the tables.
 */
const cache = new WeakMap<AnyStateMachine, CompiledMachine>();

function compiled(machine: AnyStateMachine, fields: Readonly<Record<string, StorageType>>): CompiledMachine {
  let c = cache.get(machine);
  if (c === undefined) {
    c = compileMachine(machine, { fields });
    cache.set(machine, c);
  }
  return c;
}

/** The three machines of a node; the reboot manager is the machine of the strategy's agent. */
export function compiledNodeMachines(agent: RebootAgent): { updateEngine: CompiledMachine; boot: CompiledMachine; rebootManager: CompiledMachine } {
  const rebootManager = agentMachine(agent);
  return {
    updateEngine: compiled(nodeMachines.updateEngine.machine, nodeMachines.updateEngine.fields),
    boot: compiled(nodeMachines.boot.machine, nodeMachines.boot.fields),
    rebootManager: compiled(rebootManager.machine, rebootManager.fields),
  };
}
