import { fail } from '../engine/assert.ts';

/**
 * The reboot agents fleetsim models, as one table that every layer reads: the scenario loader
 * (which strategies exist, which need etcd), the world (which machine runs on the nodes, which
 * lock it speaks), the checkers (which runs have a lock to check), the fuzzer (which faults
 * apply) and the web UI. Pure data, below the model: nothing here imports a machine.
 *
 * Adding an agent (docs/architecture.md, "Adding a reboot agent"): its machine under
 * sim/model/node/agents/, a row here, its machine in sim/model/node/machines.ts (AGENT_MACHINES), and its
 * scenario keys if it has any of its own.
 */

/** The lock protocols the world can set up over etcd (sim/model/world/etcd-setup.ts). */
export const LOCK_PROTOCOLS = ['locksmith', 'fleet-lock', 'kured'] as const;
export type LockProtocol = (typeof LOCK_PROTOCOLS)[number];

export interface RebootStrategy {
  /** The scenario's `reboot.strategy` value. */
  readonly name: string;
  /** The code the agent's machine reads from its context (`strategy`). */
  readonly code: number;
  /** The reboot lock it takes before rebooting, or null (reboots without one, or never). */
  readonly lock: LockProtocol | null;
}

export interface RebootAgent {
  readonly name: string;
  readonly strategies: readonly RebootStrategy[];
  /** Lock retry schedule: the first delay after a failure, doubling up to the cap. */
  readonly lockRetryInitialMs: number;
  readonly lockRetryMaxMs: number;
  /**
   * After a denied lock, wait for the next reboot window again (Zincati's periodic strategy,
   * kured) rather than retrying whenever (locksmithd: the window gates the first attempt only).
   */
  readonly rewaitsWindowOnDenial: boolean;
}

/**
 * locksmithd (coreos/locksmith): strategies from its README and locksmithctl/daemon.go, retry
 * schedule from daemon.go (`initialInterval` 5 s, `maxInterval` 5 min, `expBackoff`). runDaemon
 * sleeps until the window once (`period.DurationToStart`), then reboot() -> lockAndReboot loops
 * on the lock and reboots whenever it gets it, also after the window closed (coreos/bugs#1886).
 * `fleet-lock` is the same loop over Fedora CoreOS's FleetLock protocol (coreos/airlock).
 */
export const LOCKSMITHD: RebootAgent = Object.freeze({
  name: 'locksmithd',
  strategies: Object.freeze([
    { name: 'reboot', code: 0, lock: null },
    { name: 'off', code: 1, lock: null },
    { name: 'etcd-lock', code: 2, lock: 'locksmith' },
    { name: 'fleet-lock', code: 3, lock: 'fleet-lock' },
  ] as const),
  lockRetryInitialMs: 5_000,
  lockRetryMaxMs: 5 * 60_000,
  rewaitsWindowOnDenial: false,
});

/**
 * kured (kubereboot/kured cmd/kured/main.go): no strategies of its own ("kured always locks");
 * its one row, `daemonset-lock`, is the lock annotation on its DaemonSet (pkg/daemonsetlock),
 * taken at a period tick and, when full, tried again at the next tick (no backoff: the retry
 * fields are unused; the machine re-reads the window itself at every tick).
 */
export const KURED: RebootAgent = Object.freeze({
  name: 'kured',
  strategies: Object.freeze([{ name: 'daemonset-lock', code: 0, lock: 'kured' }] as const),
  lockRetryInitialMs: 60 * 60_000,
  lockRetryMaxMs: 60 * 60_000,
  rewaitsWindowOnDenial: true,
});

/**
 * Zincati, Fedora CoreOS's update agent (coreos/zincati src/strategy/): `immediate` finalizes as
 * soon as an update is staged, `fleet-lock` asks a FleetLock server (airlock) for a slot first
 * (src/strategy/fleet_lock.rs can_finalize -> POST /v1/pre-reboot), `periodic` finalizes only
 * inside its weekly windows (src/strategy/periodic.rs can_finalize). A denied finalization is
 * tried again at the agent's next refresh tick, DEFAULT_REFRESH_PERIOD_SECS = 300 s plus 0-10 %
 * jitter (src/update_agent/mod.rs get_refresh_delay, actor.rs add_jitter): no backoff; the
 * machine ticks itself, so the retry fields are unused and a denial re-reads nothing.
 */
export const ZINCATI: RebootAgent = Object.freeze({
  name: 'zincati',
  strategies: Object.freeze([
    { name: 'immediate', code: 0, lock: null },
    { name: 'fleet-lock', code: 1, lock: 'fleet-lock' },
    { name: 'periodic', code: 2, lock: null },
  ] as const),
  lockRetryInitialMs: 300_000,
  lockRetryMaxMs: 300_000,
  rewaitsWindowOnDenial: false,
});

/** Every agent. */
export const REBOOT_AGENTS: readonly RebootAgent[] = Object.freeze([LOCKSMITHD, KURED, ZINCATI]);

/** Agent names in the order the scenario schema lists them (`reboot.agent`). */
export const AGENT_NAMES = ['locksmithd', 'kured', 'zincati'] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

/** The agent of a name. */
export function rebootAgent(name: string): RebootAgent {
  const agent = REBOOT_AGENTS.find((a) => a.name === name);
  if (agent === undefined) fail(`unknown reboot agent "${name}" (known: ${AGENT_NAMES.join(', ')})`);
  return agent;
}

/** The strategy a scenario that names none gets: locksmithd `reboot`, another agent its first. */
export function defaultStrategy(agentName: string): StrategyName {
  return (agentName === 'locksmithd' ? 'reboot' : rebootAgent(agentName).strategies[0].name) as StrategyName;
}

/** Strategy names in the order the scenario schema lists them (its enum and JSON schema). */
export const STRATEGY_NAMES = ['etcd-lock', 'fleet-lock', 'reboot', 'off', 'daemonset-lock', 'immediate', 'periodic'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export interface StrategyEntry extends RebootStrategy {
  readonly agent: RebootAgent;
}

/**
 * Strategies by agent and name: a name may belong to two agents (`fleet-lock` is locksmithd's
 * and Zincati's, both speaking FleetLock to the same airlock-like lock), never twice to one.
 */
const BY_AGENT = new Map<string, Map<string, StrategyEntry>>();
const NAMES = new Set<string>();
for (const agent of REBOOT_AGENTS) {
  const own = new Map<string, StrategyEntry>();
  for (const strategy of agent.strategies) {
    if (own.has(strategy.name)) fail(`reboot strategy "${strategy.name}" appears twice in agent ${agent.name}`);
    own.set(strategy.name, { ...strategy, agent });
    NAMES.add(strategy.name);
  }
  BY_AGENT.set(agent.name, own);
}
if (!(NAMES.size === STRATEGY_NAMES.length && STRATEGY_NAMES.every((name) => NAMES.has(name)))) {
  fail(`STRATEGY_NAMES (${STRATEGY_NAMES.join(', ')}) must list every agent's strategies (${[...NAMES].join(', ')})`);
}

/**
 * The row of a strategy of an agent; without an agent, the first agent of the table that has
 * it (locksmithd for `fleet-lock`). A name outside the table is a bug (the schema admits only
 * these).
 */
export function rebootStrategy(name: string, agentName?: string): StrategyEntry {
  const agents = agentName === undefined ? REBOOT_AGENTS.map((a) => a.name) : [rebootAgent(agentName).name];
  for (const agent of agents) {
    const entry = BY_AGENT.get(agent)?.get(name);
    if (entry !== undefined) return entry;
  }
  fail(`unknown reboot strategy "${name}"${agentName === undefined ? '' : ` of agent ${agentName}`} (known: ${STRATEGY_NAMES.join(', ')})`);
}

/** Does this strategy take a reboot lock (and so need etcd)? */
export function takesLock(name: string, agentName?: string): boolean {
  return rebootStrategy(name, agentName).lock !== null;
}
