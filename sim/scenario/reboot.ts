// The reboot section: which agent strategy reboots the nodes, and the lock it shares. A fleet
// group's reboot settings are the section's overlaid with `reboot.groups.<fleet group>` (like
// policy.groups): an override carries only the keys it changes, so its schema has no defaults.
//
// Lock groups: nodes with the same `lockGroup` share one semaphore with its own `maxConcurrent`
// (locksmith's GROUP, coreos/locksmith README "Groups" and lock/etcd.go NewEtcdLockClient: key
// `coreos.com/updateengine/rebootlock/groups/<group>/semaphore`; airlock's `[[lock.groups]]`
// with their own `max_semaphore`). So "etcd hosts one at a time, workers five at a time" is one
// scenario.

import { z } from 'zod';
import { durationMs, int, name, positiveDurationMs, strict } from './fields.ts';
import { windowSchema } from './window.ts';
import { AGENT_NAMES, STRATEGY_NAMES, defaultStrategy, rebootAgent, rebootStrategy, type AgentName, type LockProtocol } from '../agents/registry.ts';

/** The lock group of nodes that name none (locksmith's "" group: its plain semaphore key). */
export const DEFAULT_LOCK_GROUP = 'default';

// Each field once; the section gives each its default, the override schema none.
const rebootFields = {
  // A fleet group's own agent (issue 15: "a fleet group chooses its OS/agent"): Flatcar nodes
  // under locksmithd and Fedora CoreOS nodes under Zincati in one scenario.
  agent: () => z.enum(AGENT_NAMES),
  strategy: () => z.enum(STRATEGY_NAMES),
  maxConcurrent: () => int(1, 1_000_000),
  lockGroup: () => name('lock group name'),
  window: () => windowSchema().nullable(),
  drain: () => durationMs(),
  // The settle gate (docs/workloads.md): `ready` releases the lock after a reboot only once the
  // node's workload instances are ready again; `none` releases it as the agent does.
  lockReleaseGate: () => z.enum(['none', 'ready']),
  // Zincati's identity.rollout_wariness (coreos/zincati src/identity/mod.rs): 0 (eager) .. 1
  // (wary); null = unset, Zincati sends none and Cincinnati derives one from the node's UUID
  // (coreos/fedora-coreos-cincinnati fcos-policy-engine compute_wariness).
  rolloutWariness: () => z.number().min(0).max(1).nullable(),
};

/** The keys a fleet group may override (the others are one per run for now). */
export const REBOOT_GROUP_KEYS = Object.keys(rebootFields) as (keyof typeof rebootFields)[];

export const rebootPatchSchema = () =>
  strict({
    agent: rebootFields.agent().optional(),
    strategy: rebootFields.strategy().optional(),
    maxConcurrent: rebootFields.maxConcurrent().optional(),
    lockGroup: rebootFields.lockGroup().optional(),
    window: rebootFields.window().optional(),
    drain: rebootFields.drain().optional(),
    lockReleaseGate: rebootFields.lockReleaseGate().optional(),
    rolloutWariness: rebootFields.rolloutWariness().optional(),
  });

/**
 * A kured blocker (cmd/kured/main.go rebootBlocked at each tick): a Prometheus alert
 * (--prometheus-url, --alert-filter-regexp) or pods matching --blocking-pod-selector on the
 * node, present from `at` for `duration`, again every `every` when set (a flapping alert).
 * `group` (blocking pods only) limits it to one fleet group's nodes; an alert holds every node.
 */
const blockerSchema = () =>
  strict({
    at: durationMs().prefault(0),
    duration: positiveDurationMs(),
    every: positiveDurationMs().nullable().prefault(null),
    group: name('fleet group name').nullable().prefault(null),
  }).check((ctx) => {
    const b = ctx.value;
    if (b.every !== null && b.duration >= b.every) {
      ctx.issues.push({ code: 'custom', message: `expected duration < every (${b.every}ms) for a blocker that stops, found ${b.duration}ms`, input: b.duration, path: ['duration'] });
    }
  });

export type Blocker = z.output<ReturnType<typeof blockerSchema>>;

/** Is a blocker present at `tMs` (ms since the start)? */
export function blockerActive(blocker: Blocker, tMs: number): boolean {
  if (tMs < blocker.at) return false;
  const sinceMs = tMs - blocker.at;
  return blocker.every === null ? sinceMs < blocker.duration : sinceMs % blocker.every < blocker.duration;
}

const rebootSectionSchema = () =>
  strict({
    // locksmithd (Flatcar's default) | kured (Kubernetes) | zincati (Fedora CoreOS): sim/agents/registry.ts.
    agent: rebootFields.agent().prefault('locksmithd'),
    // The agent's strategy; absent: locksmithd `reboot`, kured its only one (`daemonset-lock`),
    // zincati `immediate` (Zincati's default, dist/config.d/30-updates-strategy.toml).
    strategy: rebootFields.strategy().optional(),
    maxConcurrent: rebootFields.maxConcurrent().prefault(1),
    lockGroup: rebootFields.lockGroup().prefault(DEFAULT_LOCK_GROUP),
    // 0 = no TTL (locksmith): a holder that never returns keeps its slot until an unlock.
    lockTTL: durationMs().prefault(0),
    window: rebootFields.window().prefault(null),
    drain: rebootFields.drain().prefault(0),
    lockReleaseGate: rebootFields.lockReleaseGate().prefault('none'),
    // kured's flags (kubereboot/kured cmd/kured/main.go flag defaults): --period 60m,
    // --drain-timeout 0 (forever), --force-reboot false, --reboot-delay 0, --lock-release-delay 0.
    period: positiveDurationMs().prefault('1h'),
    drainTimeout: durationMs().prefault(0),
    forceReboot: z.boolean().prefault(false),
    rebootDelay: durationMs().prefault(0),
    lockReleaseDelay: durationMs().prefault(0),
    // kured's blockers: Prometheus alerts (every node) and blocking pods (a fleet group's nodes).
    alerts: z.array(blockerSchema()).prefault([]),
    blockingPods: z.array(blockerSchema()).prefault([]),
    rolloutWariness: rebootFields.rolloutWariness().prefault(null),
    // Zincati's agent.timing.steady_interval_secs (src/update_agent/mod.rs
    // DEFAULT_STEADY_INTERVAL_SECS = 300): the pause between two update checks in steady state.
    steadyInterval: positiveDurationMs().prefault('5m'),
    groups: z.record(z.string(), rebootPatchSchema()).prefault({}),
  });

export const rebootSchema = () =>
  rebootSectionSchema()
    .check((ctx) => {
      const { agent, strategy } = ctx.value;
      if (strategy !== undefined) {
        const issue = strategyIssue(agent, strategy);
        if (issue !== null) ctx.issues.push({ code: 'custom', message: issue, input: strategy, path: ['strategy'] });
      }
      // A fleet group's agent and strategy, as it runs them (effectiveReboot): a group that
      // names another agent and no strategy gets that agent's default, never the section's.
      for (const [group, patch] of Object.entries(ctx.value.groups)) {
        if (patch.agent === undefined && patch.strategy === undefined) continue;
        const groupAgent = patch.agent ?? agent;
        const groupStrategy = patch.strategy ?? (groupAgent === agent ? strategy : undefined);
        if (groupStrategy === undefined) continue;
        const issue = strategyIssue(groupAgent, groupStrategy);
        if (issue === null) continue;
        const key = patch.strategy !== undefined ? 'strategy' : 'agent';
        ctx.issues.push({ code: 'custom', message: issue, input: patch[key], path: ['groups', group, key] });
      }
    })
    .check((ctx) => {
      // Zincati refuses a periodic strategy whose weekly calendar is empty (src/strategy/periodic.rs
      // StrategyPeriodic::new: "weekly calendar length is zero"), per fleet group.
      const r = ctx.value;
      const periodic = (patch: RebootPatch | null): boolean => {
        const agent = patch?.agent ?? r.agent;
        const strategy = patch?.strategy ?? (agent === r.agent ? r.strategy : undefined);
        return agent === 'zincati' && strategy === 'periodic';
      };
      if (periodic(null) && r.window === null) {
        ctx.issues.push({ code: 'custom', message: 'expected a reboot window for zincati strategy periodic (its updates.periodic.window), found none', input: r.window, path: ['window'] });
      }
      for (const [group, patch] of Object.entries(r.groups)) {
        if (!periodic(patch)) continue;
        const window = patch.window === undefined ? r.window : patch.window;
        if (window !== null) continue;
        const path = patch.window === null ? ['groups', group, 'window'] : patch.strategy !== undefined ? ['groups', group, 'strategy'] : ['groups', group, 'agent'];
        ctx.issues.push({ code: 'custom', message: `expected a reboot window for zincati strategy periodic, found ${patch.window === null ? 'null' : 'none'}`, input: null, path });
      }
    })
    .transform((r) => ({ ...r, strategy: r.strategy ?? defaultStrategy(r.agent) }));

/** What is wrong with `strategy` under `agent`, or null when the agent has it. */
function strategyIssue(agent: AgentName, strategy: string): string | null {
  const own = rebootAgent(agent).strategies.map((s) => s.name);
  if (own.includes(strategy)) return null;
  const hint = agent === 'kured' ? ' (kured always locks: leave strategy out)' : '';
  return `expected a strategy of agent ${agent} (${own.join(', ')})${hint}, found "${strategy}"`;
}

export type RebootSection = z.output<ReturnType<typeof rebootSchema>>;
export type RebootPatch = z.output<ReturnType<typeof rebootPatchSchema>>;
/** One fleet group's reboot settings: the section with the group's override applied. */
export type GroupReboot = Omit<RebootSection, 'groups'>;

/** The reboot settings a fleet group runs under. */
export function effectiveReboot(reboot: RebootSection, groupName: string): GroupReboot {
  const { groups, ...base } = reboot;
  const merged: GroupReboot = { ...base };
  const patch = groups[groupName] ?? {};
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  // Another agent without a strategy of its own runs that agent's default, not the section's.
  if (patch.agent !== undefined && patch.agent !== base.agent && patch.strategy === undefined) merged.strategy = defaultStrategy(patch.agent);
  return merged;
}

/** The lock protocol a fleet group's nodes speak (sim/agents/registry.ts), or null for none. */
export function lockProtocolOf(reboot: GroupReboot): LockProtocol | null {
  return rebootStrategy(reboot.strategy, reboot.agent).lock;
}

/** The agents a fleet runs, in the order their first fleet group appears (the section's when it has no group). */
export function fleetAgents(reboot: RebootSection, fleetGroupNames: readonly string[]): AgentName[] {
  const agents = [...new Set(fleetGroupNames.map((g) => effectiveReboot(reboot, g).agent))];
  return agents.length === 0 ? [reboot.agent] : agents;
}

/** Does any fleet group take a reboot lock (and so need etcd)? Without groups: the section's strategy. */
export function fleetTakesLock(reboot: RebootSection, fleetGroupNames: readonly string[]): boolean {
  if (fleetGroupNames.length === 0) return rebootStrategy(reboot.strategy, reboot.agent).lock !== null;
  return fleetGroupNames.some((g) => lockProtocolOf(effectiveReboot(reboot, g)) !== null);
}

export interface LockGroup {
  readonly name: string;
  /** Slots of its semaphore. */
  readonly max: number;
  /** The fleet groups whose nodes share it, in file order. */
  readonly fleetGroups: readonly string[];
  /**
   * The lock protocol its nodes speak (the first fleet group that takes a lock decides; the
   * scenario's references check rejects two protocols under one name), null when none locks.
   */
  readonly protocol: LockProtocol | null;
  /** The agents of its fleet groups, in file order, each once. */
  readonly agents: readonly AgentName[];
}

/**
 * The lock groups of a fleet, in the order their first fleet group appears. Fleet groups that
 * share a lock group must agree on its max (a semaphore has one; the scenario's references
 * check says so with the key at fault); here the first one wins.
 */
export function lockGroups(reboot: RebootSection, fleetGroupNames: readonly string[]): LockGroup[] {
  const byName = new Map<string, { name: string; max: number; fleetGroups: string[]; protocol: LockProtocol | null; agents: AgentName[] }>();
  for (const groupName of fleetGroupNames) {
    const effective = effectiveReboot(reboot, groupName);
    const protocol = lockProtocolOf(effective);
    const existing = byName.get(effective.lockGroup);
    if (existing === undefined) {
      byName.set(effective.lockGroup, { name: effective.lockGroup, max: effective.maxConcurrent, fleetGroups: [groupName], protocol, agents: [effective.agent] });
      continue;
    }
    existing.fleetGroups.push(groupName);
    existing.protocol ??= protocol;
    if (!existing.agents.includes(effective.agent)) existing.agents.push(effective.agent);
  }
  return [...byName.values()];
}
