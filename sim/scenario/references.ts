// Checks that relate one part of a scenario to another: names that must exist (groups, zones,
// hardware classes), indices that must be in range (nodes, etcd members), a lock strategy that
// needs etcd, events scheduled past the horizon. They take whichever sections parsed, so that a
// file with a typo in one section still gets these errors for the others in the same pass.

import type { Scenario } from './schema.ts';
import type { Target, PartitionMember } from './faults.ts';
import { STRATEGY_NAMES, takesLock } from '../agents/registry.ts';
import { effectiveReboot, fleetTakesLock, lockProtocolOf } from './reboot.ts';
import { checkWorkloadReferences } from './workloads.ts';

const LOCK_STRATEGY_NAMES = STRATEGY_NAMES.filter((name) => takesLock(name));

export type IssuePath = (string | number)[];

export interface ReferenceIssue {
  path: IssuePath;
  message: string;
  /** Point at the mapping key itself (a key that names something that does not exist). */
  atKey?: boolean;
}

type Partial = { [K in keyof Scenario]?: Scenario[K] };

export function checkReferences(s: Partial): ReferenceIssue[] {
  const issues: ReferenceIssue[] = [];
  const push = (path: IssuePath, message: string, atKey = false) => issues.push(atKey ? { path, message, atKey } : { path, message });

  const groups = s.fleet?.groups;
  const groupNames = groups?.map((g) => g.name);
  const zones = groups === undefined ? undefined : [...new Set(groups.flatMap((g) => g.zones))];
  const nodeCount = groups?.reduce((sum, g) => sum + g.nodes, 0);
  const members = s.etcd?.members;
  const list = (names: readonly string[]) => (names.length === 0 ? 'none' : names.join(', '));

  const checkGroup = (path: IssuePath, group: string, atKey = false) => {
    if (groupNames !== undefined && !groupNames.includes(group)) push(path, `expected a group of fleet.groups (${list(groupNames)}), found "${group}"`, atKey);
  };
  const checkZone = (path: IssuePath, zone: string) => {
    if (zones !== undefined && !zones.includes(zone)) push(path, `expected a zone of fleet.groups (${list(zones)}), found "${zone}"`);
  };
  const checkNode = (path: IssuePath, node: number) => {
    if (nodeCount !== undefined && node >= nodeCount) push(path, `expected a node index below the fleet size ${nodeCount}, found ${node}`);
  };
  const checkEtcd = (path: IssuePath, member: number | 'leader') => {
    if (members === undefined) return;
    if (members === 0) push(path, 'expected an etcd cluster (etcd.members >= 1), found etcd.members 0');
    else if (member !== 'leader' && member >= members) push(path, `expected an etcd member index below etcd.members (${members}), found ${member}`);
  };
  const checkTime = (path: IssuePath, atMs: number, what: string) => {
    if (s.duration !== undefined && atMs > s.duration) push(path, `expected ${what} within the horizon (duration ${s.duration}ms), found ${atMs}ms`);
  };

  // A lock strategy with no etcd would leave every node waiting for a lock forever.
  if (s.reboot !== undefined && members !== undefined && members < 1) {
    const reboot = s.reboot;
    // The section's strategy, or the first fleet group's own that takes a lock.
    const locking = takesLock(reboot.strategy, reboot.agent) ? null : (groupNames ?? []).find((g) => reboot.groups?.[g] !== undefined && lockProtocolOf(effectiveReboot(reboot, g)) !== null);
    if (locking === null) push(['etcd', 'members'], `expected etcd.members >= 1 because reboot.strategy is ${reboot.strategy}, found ${members}`);
    else if (locking !== undefined) push(['etcd', 'members'], `expected etcd.members >= 1 because fleet group ${locking} runs ${effectiveReboot(reboot, locking).agent} strategy ${effectiveReboot(reboot, locking).strategy}, found ${members}`);
  }
  if (s.etcd?.placement === 'fleet' && nodeCount !== undefined && members !== undefined && members > nodeCount) {
    push(['etcd', 'members'], `expected at most ${nodeCount} members (the fleet size) with placement: fleet, found ${members}`);
  }

  if (s.policy !== undefined) {
    // A policy for a group that does not exist is the key's fault, so point at the key.
    for (const key of Object.keys(s.policy.groups)) checkGroup(['policy', 'groups', key], key, true);
  }

  // A section parsed without its defaults (as some callers hand it over) has no overrides to check.
  if (s.reboot?.groups !== undefined) {
    const reboot = s.reboot;
    for (const key of Object.keys(reboot.groups)) checkGroup(['reboot', 'groups', key], key, true);
    // One semaphore has one max: fleet groups sharing a lock group must agree on it.
    if (groupNames !== undefined) {
      const first = new Map<string, { fleetGroup: string; max: number }>();
      // One lock group is one semaphore in ONE store: locksmith's etcd key, airlock's key, kured's
      // DaemonSet annotation (docs/agents.md "Per-group agents"). Agents that speak different
      // protocols cannot share it, so a name used under two protocols is an error, not two locks.
      const protocolOf = new Map<string, { fleetGroup: string; protocol: string }>();
      for (const groupName of groupNames) {
        const effective = effectiveReboot(reboot, groupName);
        const protocol = lockProtocolOf(effective);
        const other = protocolOf.get(effective.lockGroup);
        if (protocol !== null && other === undefined) protocolOf.set(effective.lockGroup, { fleetGroup: groupName, protocol });
        else if (protocol !== null && other !== undefined && other.protocol !== protocol) {
          const own = reboot.groups[groupName] ?? {};
          const path: IssuePath = own.lockGroup !== undefined ? ['reboot', 'groups', groupName, 'lockGroup'] : own.agent !== undefined ? ['reboot', 'groups', groupName, 'agent'] : own.strategy !== undefined ? ['reboot', 'groups', groupName, 'strategy'] : ['reboot', 'lockGroup'];
          push(path, `expected one lock protocol per lock group: lock group "${effective.lockGroup}" is a ${other.protocol} lock from fleet group ${other.fleetGroup}, found ${protocol} (${effective.agent} ${effective.strategy}) for fleet group ${groupName}; give it its own lockGroup`);
        }
        const seen = first.get(effective.lockGroup);
        if (seen === undefined) {
          first.set(effective.lockGroup, { fleetGroup: groupName, max: effective.maxConcurrent });
        } else if (seen.max !== effective.maxConcurrent) {
          const own = reboot.groups[groupName] ?? {};
          const path: IssuePath = own.maxConcurrent !== undefined ? ['reboot', 'groups', groupName, 'maxConcurrent'] : own.lockGroup !== undefined ? ['reboot', 'groups', groupName, 'lockGroup'] : ['reboot', 'maxConcurrent'];
          push(path, `expected one maxConcurrent per lock group: lock group "${effective.lockGroup}" has ${seen.max} from fleet group ${seen.fleetGroup}, found ${effective.maxConcurrent} for fleet group ${groupName}`);
        }
      }
    }
  }

  const hardware = groups?.flatMap((g) => (g.hardware === null ? [] : [g.hardware]));
  const checkRelease = (path: IssuePath, release: { bootFailureProbability: Record<string, number>; workloadFailureProbability: Record<string, number> }) => {
    if (hardware === undefined) return;
    for (const key of ['bootFailureProbability', 'workloadFailureProbability'] as const) {
      for (const hwClass of Object.keys(release[key])) {
        if (hwClass !== 'default' && !hardware.includes(hwClass)) {
          push([...path, key, hwClass], `expected a hardware class of fleet.groups (${list([...new Set(hardware)])}) or default, found "${hwClass}"`, true);
        }
      }
    }
  };
  const versions = new Map<string, string>();
  const checkVersion = (path: IssuePath, version: string) => {
    const first = versions.get(version);
    if (first !== undefined) push(path, `expected unique release versions, found "${version}" again (first at ${first})`);
    else versions.set(version, pathText(path));
  };
  s.releases?.forEach((release, i) => {
    checkVersion(['releases', i, 'version'], release.version);
    checkRelease(['releases', i], release);
    checkTime(['releases', i, 'at'], release.at, 'the release');
  });

  const checkTarget = (path: IssuePath, target: Target) => {
    if (target.group !== undefined) checkGroup([...path, 'group'], target.group);
    if (target.zone !== undefined) {
      checkZone([...path, 'zone'], target.zone);
      const group = groups?.find((g) => g.name === target.group);
      if (group !== undefined && zones?.includes(target.zone) && !group.zones.includes(target.zone)) {
        push([...path, 'zone'], `expected a zone of group ${group.name} (${list(group.zones)}), found "${target.zone}"`);
      }
    }
    target.nodes?.forEach((node, j) => checkNode([...path, 'nodes', j], node));
    if (target.count !== undefined && nodeCount !== undefined && target.count > nodeCount) {
      push([...path, 'count'], `expected a count of at most the fleet size ${nodeCount}, found ${target.count}`);
    }
    if (target.etcd !== undefined) checkEtcd([...path, 'etcd'], target.etcd);
  };
  const checkMember = (path: IssuePath, member: PartitionMember) => {
    if (member.kind === 'zone') checkZone(path, member.zone);
    else if (member.kind === 'group') checkGroup(path, member.group);
    else if (member.kind === 'node') checkNode(path, member.node);
    else if (member.kind === 'etcd') checkEtcd(path, member.etcd);
  };

  s.faults?.forEach((fault, i) => {
    const path: IssuePath = ['faults', i];
    checkTime([...path, 'at'], fault.at.max, 'the fault');
    if ('target' in fault) checkTarget([...path, 'target'], fault.target);
    if (fault.kind === 'partition') fault.sides.forEach((side, j) => side.forEach((m, k) => checkMember([...path, 'sides', j, k], m)));
    if (fault.kind === 'message-loss' && fault.scope === 'etcd' && members === 0) {
      push([...path, 'scope'], 'expected an etcd cluster for scope etcd (etcd.members >= 1), found etcd.members 0');
    }
    if (fault.kind === 'lock-holder-dies' && s.reboot !== undefined && !(groupNames === undefined || s.reboot.groups === undefined ? takesLock(s.reboot.strategy, s.reboot.agent) : fleetTakesLock(s.reboot, groupNames))) {
      push([...path, 'kind'], `expected a reboot lock (reboot.strategy ${LOCK_STRATEGY_NAMES.join(' or ')}), found strategy ${s.reboot.strategy}`);
    }
  });

  if (s.workloads !== undefined) checkWorkloadReferences(s.workloads, groupNames, members, (path, message) => push(path, message));

  s.actions?.forEach((action, i) => {
    const path: IssuePath = ['actions', i];
    checkTime([...path, 'at'], action.at, 'the action');
    switch (action.do) {
      case 'pause-rollout':
      case 'resume-rollout':
        checkGroup([...path, 'group'], action.group);
        break;
      case 'unlock':
        if (action.group !== null) checkGroup([...path, 'group'], action.group);
        break;
      case 'set-policy':
        if (action.group !== 'default') checkGroup([...path, 'group'], action.group);
        break;
      case 'publish-release':
        checkVersion([...path, 'release', 'version'], action.release.version);
        checkRelease([...path, 'release'], action.release);
        break;
      case 'rollback':
        checkTarget([...path, 'target'], action.target);
        break;
    }
  });
  return issues;
}

/** ['fleet', 'groups', 1, 'nodes'] -> "fleet.groups[1].nodes". */
export function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(segment))) text += text === '' ? String(segment) : `.${String(segment)}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}
