// The session's JSON frames that are pure reads of a run: etcd's state, the scenario's info (with
// its timeline marks, the node machines' graphs and the lock groups) and one node's details for
// the inspector. Reading never changes the run.

import type { EtcdFrame, NodeDetails, ScenarioInfo, TimelineMark } from '../shared/protocol.ts';
import type { LiveRun } from './live-run.ts';
import { nodeMachineGraphs } from './machine-graph.ts';

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
    lockGroups: live.run.world.rebootGroups.lockGroups.map((l) => l.name),
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
    // One lock group today (locksmith's default semaphore; lock groups come with fleet-lock).
    lock: { group: 'default', holders: [...world.lock.holders('default')], max: world.lock.max },
  };
}
