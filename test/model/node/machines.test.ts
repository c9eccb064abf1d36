import { describe, expect, it } from 'vitest';
import { KURED, LOCKSMITHD, ZINCATI, type RebootAgent } from '../../../sim/agents/registry.ts';
import { agentMachine, kuredDescriptor, nodeMachines, zincatiDescriptor } from '../../../sim/model/node/machines.ts';
import { assertionFrom } from '../../assertion-from.ts';

// The node's machine descriptors: each reboot agent of the registry maps to its own machine
// (locksmithd -> the reboot manager, kured, zincati), an agent without a machine is refused by
// name, and each descriptor's name is its machine's id (the id the compiled runtime's messages
// name the machine by).

describe('node machine descriptors', () => {
  it('gives locksmithd the reboot manager, kured and Zincati their own machines', () => {
    expect(agentMachine(LOCKSMITHD)).toBe(nodeMachines.rebootManager);
    expect(agentMachine(KURED)).toBe(kuredDescriptor);
    expect(agentMachine(ZINCATI)).toBe(zincatiDescriptor);
    expect(agentMachine(LOCKSMITHD).machine.id).toBe('rebootManager');
  });

  it('refuses an agent that has no machine, naming it and where machines live', () => {
    const stranger: RebootAgent = { ...LOCKSMITHD, name: 'rebootd' };
    expect(assertionFrom(() => agentMachine(stranger)).message).toBe('reboot agent "rebootd" has no machine in sim/model/node/machines.ts');
  });

  it("names every node machine descriptor after its machine's id, also for a machine made with other defaults", () => {
    for (const descriptor of Object.values(nodeMachines)) {
      expect(descriptor.machine.id).toBe(descriptor.name);
      expect(descriptor.create({}).id).toBe(descriptor.name);
    }
    expect(kuredDescriptor.machine.id).toBe(kuredDescriptor.name);
    expect(zincatiDescriptor.machine.id).toBe(zincatiDescriptor.name);
  });
});
