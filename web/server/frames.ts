// The session's JSON frames that are pure reads of a run: etcd's state, the scenario's info (with
// its timeline marks, the node machines' graphs and the lock groups) and one node's details for
// the inspector. Reading never changes the run.

import type { EtcdFrame, InstanceLine, NodeDetails, ScenarioInfo, TimelineMark, WorkloadInfo } from '../shared/protocol.ts';
import type { LiveRun } from './live-run.ts';
import { agentMachineGraph, nodeMachineGraphs } from './machine-graph.ts';
import { effectiveReboot } from '../../sim/scenario/reboot.ts';

export function etcdFrame(live: LiveRun): EtcdFrame | null {
  const world = live.run.world;
  const etcd = world.etcd;
  const holders = [...world.lock.holders('default')];
  if (etcd === null) {
    return { type: 'etcd', timeMs: live.now, members: [], leader: -1, quorum: 0, hasQuorum: false, lockHolders: holders, lockMax: world.lock.max };
  }
  const cluster = etcd.cluster;
  const count = etcd.memberZones.length;
  return {
    type: 'etcd',
    timeMs: live.now,
    members: etcd.memberZones.map((zone, m) => ({ id: m, zone, role: cluster.role(m), term: cluster.term(m), up: cluster.isUp(m) })),
    leader: cluster.leader(),
    quorum: Math.floor(count / 2) + 1,
    hasQuorum: cluster.hasLiveMajority,
    lockHolders: holders,
    lockMax: world.lock.max,
  };
}

export function scenarioInfo(live: LiveRun, marks: TimelineMark[]): ScenarioInfo {
  const s = live.run.scenario;
  return {
    name: s.name,
    description: s.description ?? null,
    seed: live.seed,
    horizonMs: live.run.horizonMs,
    nodeCount: live.run.world.nodeCount,
    groups: s.fleet.groups.map((g) => ({ name: g.name, nodes: g.nodes, zones: [...g.zones] })),
    zones: [...live.run.world.zoneNames],
    etcdMembers: s.etcd.members,
    strategy: s.reboot.strategy,
    sampleIntervalMs: live.sampler.intervalMs,
    yaml: live.source.text,
    marks,
    machines: nodeMachineGraphs(s.reboot.agent),
    agents: agentsOf(live),
    lockGroups: live.run.world.rebootGroups.lockGroups.map((l) => l.name),
    workloads: workloadInfo(live),
  };
}

export function nodeDetails(live: LiveRun, node: number, id: number | undefined): NodeDetails {
  const world = live.run.world;
  const snapshot = world.nodeSnapshot(node);
  const p = snapshot.partitions;
  const versionName = (index: number) => (index >= 0 ? world.versions.name(index) : null);
  return {
    type: 'node',
    id,
    node,
    group: snapshot.group,
    zone: snapshot.zone,
    version: snapshot.version,
    updateStatus: snapshot.updateStatus,
    power: snapshot.power,
    rebootManager: snapshot.rebootManager,
    agent: world.rebootManager.agentOf(node).name,
    agentMachine: agentMachineGraph(world.rebootManager.agentOf(node).name),
    down: world.nodeIsDown(node),
    rolledBack: world.metrics.hasRolledBack(node),
    holdsLock: world.rebootManager.get(node, 'holdsLock') === 1,
    partitions: [
      { slot: 'USR-A', version: versionName(p.aVersion), priority: p.aPriority, tries: p.aTries, successful: p.aSuccessful, booted: p.bootedSlot === 0 },
      { slot: 'USR-B', version: versionName(p.bVersion), priority: p.bPriority, tries: p.bTries, successful: p.bSuccessful, booted: p.bootedSlot === 1 },
    ],
    updateEngine: world.updateEngine.context(node),
    lastEvents: live.log.recentFor(node),
    machines: {
      updateEngine: world.updateEngine.stateName(node),
      boot: world.boot.stateName(node),
      rebootManager: world.rebootManager.stateName(node),
    },
    transitions: live.transitions.recentFor(node),
    lock: lockOf(live, node),
    instances: instancesOn(live, node),
  };
}

/** The node's reboot-lock group (reboot.lockGroup): its holders and slots. */
function lockOf(live: LiveRun, node: number): NodeDetails['lock'] {
  const groups = live.run.world.rebootGroups;
  const name = groups.lockGroupOf(node);
  const group = groups.lockGroups.find((l) => l.name === name)!;
  return { group: name, holders: [...live.run.world.lock.holders(name)], max: group.max };
}

/** The fleet's agents, each with its fleet groups and their strategies, in file order. */
function agentsOf(live: LiveRun): ScenarioInfo['agents'] {
  const s = live.run.scenario;
  const agents: ScenarioInfo['agents'] = [];
  for (const g of s.fleet.groups) {
    const effective = effectiveReboot(s.reboot, g.name);
    let entry = agents.find((a) => a.agent === effective.agent);
    if (entry === undefined) agents.push((entry = { agent: effective.agent, groups: [] }));
    entry.groups.push({ name: g.name, strategy: effective.strategy });
  }
  return agents;
}

function workloadInfo(live: LiveRun): WorkloadInfo[] {
  const port = live.run.world.workloads;
  if (port === null) return [];
  const w = port.workloads;
  return w.specs.map((spec, i) => ({ name: spec.name, replicas: spec.replicas, minReady: w.desiredHealthy(i), quorum: spec.quorum }));
}

const INSTANCE_STATES: InstanceLine['state'][] = ['pending', 'stopped', 'starting', 'ready'];

/** The workloads' instances on `node` (workloads.ts InstanceTable: state codes 0..3). */
export function instancesOn(live: LiveRun, node: number): InstanceLine[] {
  const port = live.run.world.workloads;
  if (port === null) return [];
  const w = port.workloads;
  return w.table.instancesOn(node).map((i) => ({
    workload: w.specs[w.table.workload[i]].name,
    state: INSTANCE_STATES[w.table.state[i]],
    serving: w.serves(i),
  }));
}
