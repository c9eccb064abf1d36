// The node's three machines as graphs for the inspector's state diagrams, walked from the very
// xstate definitions the engine compiles and runs (sim/model/node/machines.ts `nodeMachines`):
// one vertex per atomic state (named as the compiled runtime names it, `running.fresh`), one edge
// per transition a state can take, its own or an ancestor's, with the state it leads to as the
// compiler computes it (sim/model/machine/semantics.ts: exit set, entry set, resulting atomic);
// a transition without a target (actions only, e.g. POST_INSTALL writing the partition table) is a
// self-loop.
// Nothing is copied by hand: a state added to a machine shows up here.

import { agentMachine, nodeMachines } from '../../sim/model/node/machines.ts';
import { rebootAgent } from '../../sim/agents/registry.ts';
import { activeChain, entrySet, exitSet, initialAtomic, resultingAtomic } from '../../sim/model/machine/semantics.ts';
import { pathName, type XMachine, type XNode, type XTransition } from '../../sim/model/machine/xstate-node.ts';
import type { MachineGraph } from '../shared/protocol.ts';

/** The label of a transition: its event (`after nextCheckMs` for timers, `always`) and guard. */
function label(t: XTransition, eventType: string): string {
  let event = eventType;
  const after = /^xstate\.after\.(.+)\.[^.]+(?:\.[^.]+)*$/.exec(eventType);
  if (after !== null) {
    const delay = (t as XTransition & { delay?: unknown }).delay;
    event = `after ${typeof delay === 'string' || typeof delay === 'number' ? String(delay) : after[1].split('.')[0]}`;
  }
  const guard = t.guard as { type?: string } | string | undefined;
  const guardName = typeof guard === 'string' ? guard : guard?.type;
  return guardName === undefined ? event : `${event} [${guardName}]`;
}

function collect(node: XNode, into: XNode[]): void {
  into.push(node);
  for (const child of Object.values(node.states)) collect(child, into);
}

export function machineGraph(name: string, title: string, machine: XMachine): MachineGraph {
  const nodes: XNode[] = [];
  collect(machine.root, nodes);
  const atomics = nodes.filter((n) => n.type === 'atomic');
  const edges: MachineGraph['edges'] = [];
  const seen = new Set<string>();
  for (const atomic of atomics) {
    const chain = activeChain(atomic);
    for (const source of chain) {
      const transitions: [string, XTransition][] = [];
      for (const [eventType, list] of source.transitions) for (const t of list) transitions.push([eventType, t]);
      for (const t of source.always ?? []) transitions.push(['always', t]);
      for (const [eventType, t] of transitions) {
        // A transition without a target runs its actions and stays (a self-loop on the diagram).
        const to = t.target === undefined || t.target.length === 0 ? atomic : resultingAtomic(chain, exitSet(t, chain), entrySet(t));
        const edge = { from: pathName(atomic), to: pathName(to), label: label(t, eventType) };
        const key = `${edge.from}\u0000${edge.to}\u0000${edge.label}`;
        if (seen.has(key)) continue;
        seen.add(key);
        edges.push(edge);
      }
    }
  }
  return {
    name,
    title,
    initial: pathName(initialAtomic(machine.root)),
    states: atomics.map((n) => ({ name: pathName(n), parent: n.parent !== undefined && n.parent !== machine.root ? pathName(n.parent) : null })),
    edges,
  };
}

const cached = new Map<string, MachineGraph[]>();

/** The reboot agent `agent`'s machine as a graph (a node's own, in a fleet of several agents). */
export function agentMachineGraph(agent: string): MachineGraph {
  return nodeMachineGraphs(agent).find((g) => g.name === 'rebootManager') as MachineGraph;
}

/**
 * The three node machines' graphs for nodes running reboot agent `agent` (sim/agents/registry.ts;
 * the reboot agent's machine is that agent's: kured's loop, not locksmithd's). Computed once per
 * agent: the definitions do not change.
 */
export function nodeMachineGraphs(agent = 'locksmithd'): MachineGraph[] {
  let graphs = cached.get(agent);
  if (graphs === undefined) {
    const descriptor = agentMachine(rebootAgent(agent));
    graphs = [
      machineGraph('updateEngine', 'update_engine', nodeMachines.updateEngine.machine as unknown as XMachine),
      machineGraph('boot', 'boot / partitions (GRUB gptprio)', nodeMachines.boot.machine as unknown as XMachine),
      machineGraph('rebootManager', `reboot agent (${agent})`, descriptor.machine as unknown as XMachine),
    ];
    cached.set(agent, graphs);
  }
  return graphs;
}
