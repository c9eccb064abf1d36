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

/** Every agent. */
export const REBOOT_AGENTS: readonly RebootAgent[] = Object.freeze([LOCKSMITHD, KURED]);

/** Agent names in the order the scenario schema lists them (`reboot.agent`). */
export const AGENT_NAMES = ['locksmithd', 'kured'] as const;
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
export const STRATEGY_NAMES = ['etcd-lock', 'fleet-lock', 'reboot', 'off', 'daemonset-lock'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export interface StrategyEntry extends RebootStrategy {
  readonly agent: RebootAgent;
}

const BY_NAME = new Map<string, StrategyEntry>();
for (const agent of REBOOT_AGENTS) {
  for (const strategy of agent.strategies) {
    if (BY_NAME.has(strategy.name)) fail(`reboot strategy "${strategy.name}" belongs to two agents`);
    BY_NAME.set(strategy.name, { ...strategy, agent });
  }
}
if (!(BY_NAME.size === STRATEGY_NAMES.length && STRATEGY_NAMES.every((name) => BY_NAME.has(name)))) {
  fail(`STRATEGY_NAMES (${STRATEGY_NAMES.join(', ')}) must list every agent's strategies (${[...BY_NAME.keys()].join(', ')})`);
}

/** The row of a strategy; a name outside the table is a bug (the schema admits only these). */
export function rebootStrategy(name: string): StrategyEntry {
  const entry = BY_NAME.get(name);
  if (entry === undefined) fail(`unknown reboot strategy "${name}" (known: ${STRATEGY_NAMES.join(', ')})`);
  return entry;
}

/** Does this strategy take a reboot lock (and so need etcd)? */
export function takesLock(name: string): boolean {
  return rebootStrategy(name).lock !== null;
}
