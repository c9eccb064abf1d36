import { assert, fail } from '../../engine/assert.ts';
import type { MachineContext, MachineEvent } from '../machine/define.ts';
import type { CompiledMachine } from '../machine/compiled.ts';
import type { CompiledRuntime, PendingTimer, RuntimeHost } from '../machine/runtime.ts';
import { CompiledRuntime as Runtime } from '../machine/runtime.ts';
import { rebootAgent, type AgentName, type RebootAgent } from '../../agents/registry.ts';
import { compiledNodeMachines } from './compiled-machines.ts';

/**
 * The reboot managers of a fleet whose groups may run different agents (reboot.groups.<g>.agent):
 * one compiled runtime per agent present, each over every node index (so a node keeps its index
 * everywhere: effects, timers, the lock), a node driven only by the runtime of its own agent.
 * The other runtimes leave its instance in their initial, inert state (an `off` state that runs
 * nothing until REBOOT_NEEDED, which only its own runtime is sent).
 *
 * Reads by node (stateName, get, context) go to the node's runtime, so the checkers, the web UI
 * and the world read "the node's reboot manager" whatever its agent. A fleet of one agent has one
 * runtime and the same calls it always had (`single`).
 */
export class RebootManagers {
  /** The agents present, in the order their first fleet group appears. */
  readonly agents: readonly RebootAgent[];
  /** One runtime per agent, in `agents` order. */
  readonly runtimes: readonly CompiledRuntime[];
  /** Index into `agents` of each node's agent. */
  readonly nodeAgent: Uint8Array;
  /** The one runtime of a one-agent fleet, null for a mixed one. */
  readonly single: CompiledRuntime | null;

  /**
   * `agentNames`: the agent of each fleet group, indexed by group (or one name for a fleet without
   * groups); `host(agent, index, machine)`: the runtime host of an agent's machine.
   */
  constructor(
    groupAgents: readonly AgentName[],
    nodeGroup: Uint16Array,
    host: (agent: RebootAgent, index: number, machine: CompiledMachine) => RuntimeHost,
  ) {
    assert(groupAgents.length >= 1, 'a fleet has at least one reboot agent');
    const names = [...new Set(groupAgents)];
    this.agents = names.map((name) => rebootAgent(name));
    const n = nodeGroup.length;
    this.nodeAgent = new Uint8Array(n);
    const indexOfGroup = groupAgents.map((name) => names.indexOf(name));
    for (let node = 0; node < n; node++) this.nodeAgent[node] = indexOfGroup[nodeGroup[node]];
    this.runtimes = this.agents.map((agent, index) => {
      const machine = compiledNodeMachines(agent).rebootManager;
      return new Runtime(machine, n, host(agent, index, machine));
    });
    this.single = this.runtimes.length === 1 ? this.runtimes[0] : null;
  }

  /** The runtime that drives `node`. */
  runtimeOf(node: number): CompiledRuntime {
    return this.single ?? this.runtimes[this.nodeAgent[node]];
  }

  agentOf(node: number): RebootAgent {
    return this.agents[this.nodeAgent[node]];
  }

  /** Does any node run `agent`? */
  has(agent: string): boolean {
    return this.agents.some((a) => a.name === agent);
  }

  send(node: number, event: MachineEvent): boolean {
    return this.runtimeOf(node).send(node, event);
  }

  stateName(node: number): string {
    return this.runtimeOf(node).stateName(node);
  }

  get(node: number, field: string): number {
    return this.runtimeOf(node).get(node, field);
  }

  set(node: number, field: string, value: number): void {
    this.runtimeOf(node).set(node, field, value);
  }

  context(node: number): MachineContext {
    return this.runtimeOf(node).context(node);
  }

  pendingTimers(node: number): PendingTimer[] {
    return this.runtimeOf(node).pendingTimers(node);
  }

  /** A context field of `node` when its agent's machine has one (kured's `periodMs`), else `fallback`. */
  getOr(node: number, field: string, fallback: number): number {
    const runtime = this.runtimeOf(node);
    return runtime.machine.fields.some((f) => f.name === field) ? runtime.get(node, field) : fallback;
  }

  /** Transitions taken by every agent's runtime. */
  get transitions(): number {
    let sum = 0;
    for (const runtime of this.runtimes) sum += runtime.transitions;
    return sum;
  }

  /** Bytes per node: every runtime holds an instance per node. */
  get bytesPerInstance(): number {
    let sum = 0;
    for (const runtime of this.runtimes) sum += runtime.bytesPerInstance;
    return sum;
  }

  /** Initialises every node's instance in its agent's runtime with the overrides of its agent. */
  initAll(overrides: (agent: RebootAgent) => Readonly<Partial<MachineContext>>): void {
    this.runtimes.forEach((runtime, index) => runtime.initAll(overrides(this.agents[index])));
  }

  /** The agent index of a name, for callers that pass the name around (web, tests). */
  indexOf(agent: string): number {
    const index = this.agents.findIndex((a) => a.name === agent);
    if (index < 0) fail(`no node of this fleet runs agent ${agent}`);
    return index;
  }
}
