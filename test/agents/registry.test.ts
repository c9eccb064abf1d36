/**
 * The reboot-agent registry is the one answer to "which strategies exist, which agent runs them,
 * which lock they take": the schema admits exactly its strategies, the loader asks etcd for
 * exactly its lock strategies, every agent has a machine, and a run sets up the lock its row
 * names (and none for the others). Expected values come from the rows, read independently here.
 */
import { describe, expect, it } from 'vitest';
import { LOCKSMITHD, REBOOT_AGENTS, STRATEGY_NAMES, ZINCATI, rebootStrategy, takesLock } from '../../sim/agents/registry.ts';
import { ZINCATI_STRATEGY } from '../../sim/model/node/agents/zincati.ts';
import { agentMachine } from '../../sim/model/node/machines.ts';
import { REBOOT_STRATEGY, REBOOT_MANAGER_DEFAULTS } from '../../sim/model/node/agents/locksmithd.ts';
import { LOCKSMITH_RETRY_INITIAL_MS, LOCKSMITH_RETRY_MAX_MS } from '../../sim/model/etcd/locks/backoff.ts';
import { scenarioJsonSchema } from '../../sim/scenario/json-schema.ts';
import { checkReferences } from '../../sim/scenario/references.ts';
import { FleetRun } from '../../sim/run/fleet-run.ts';
import { scenarioFrom } from '../run/helpers.ts';

const SMALL = (agent: string, strategy: string, members: number) => `
name: registry
duration: 1h
fleet:
  version: 1.0.0
  groups: [{name: g, nodes: 3, zones: [a]}]
etcd: {members: ${members}}
reboot: {agent: ${agent}, strategy: ${strategy}, window: {days: [Mon], start: "00:00", length: 1h}}
`;

/** Every (agent, strategy) row of the table. */
const ROWS = REBOOT_AGENTS.flatMap((a) => a.strategies.map((s) => ({ agent: a.name, strategy: s.name, lock: s.lock })));

describe('the reboot-agent registry', () => {
  it('lists each strategy once per agent, with codes unique within the agent; a name two agents share takes the same lock', () => {
    for (const agent of REBOOT_AGENTS) {
      const names = agent.strategies.map((s) => s.name);
      expect(new Set(names).size).toBe(names.length);
      const codes = agent.strategies.map((s) => s.code);
      expect(new Set(codes).size).toBe(codes.length);
    }
    expect([...new Set(ROWS.map((r) => r.strategy))].sort()).toEqual([...STRATEGY_NAMES].sort());
    for (const name of STRATEGY_NAMES) expect(new Set(ROWS.filter((r) => r.strategy === name).map((r) => r.lock)).size).toBe(1);
  });

  it('is what the scenario schema admits for reboot.strategy', () => {
    const schema = scenarioJsonSchema() as { properties: { reboot: { properties: { strategy: { enum: string[] } } } } };
    expect(schema.properties.reboot.properties.strategy.enum).toEqual([...STRATEGY_NAMES]);
  });

  it('gives locksmithd its strategies, retry schedule (5 s doubling to 5 min, locksmithctl/daemon.go) and machine', () => {
    expect(rebootStrategy('etcd-lock')).toMatchObject({ agent: LOCKSMITHD, lock: 'locksmith', code: REBOOT_STRATEGY.ETCD_LOCK });
    expect(rebootStrategy('fleet-lock')).toMatchObject({ agent: LOCKSMITHD, lock: 'fleet-lock', code: REBOOT_STRATEGY.FLEET_LOCK });
    expect(rebootStrategy('reboot')).toMatchObject({ lock: null, code: REBOOT_STRATEGY.REBOOT });
    expect(rebootStrategy('off')).toMatchObject({ lock: null, code: REBOOT_STRATEGY.OFF });
    expect([LOCKSMITH_RETRY_INITIAL_MS, LOCKSMITH_RETRY_MAX_MS]).toEqual([5_000, 300_000]);
    expect([REBOOT_MANAGER_DEFAULTS.backoffInitialMs, REBOOT_MANAGER_DEFAULTS.backoffMaxMs]).toEqual([5_000, 300_000]);
    expect(agentMachine(LOCKSMITHD).effects).toEqual(['acquireLock', 'reboot', 'releaseLock']);
    // kured (cmd/kured/main.go rebootAsRequired) adds delaytick's draw, the tick's gates, the drain.
    expect(agentMachine(REBOOT_AGENTS[1]).effects).toEqual(['drawUniform', 'checkGates', 'acquireLock', 'startDrain', 'releaseLock', 'reboot']);
  });

  it('gives Zincati immediate, fleet-lock (FleetLock, src/strategy/fleet_lock.rs) and periodic, with its machine\'s codes', () => {
    expect(rebootStrategy('immediate', 'zincati')).toMatchObject({ agent: ZINCATI, lock: null, code: ZINCATI_STRATEGY.IMMEDIATE });
    expect(rebootStrategy('fleet-lock', 'zincati')).toMatchObject({ agent: ZINCATI, lock: 'fleet-lock', code: ZINCATI_STRATEGY.FLEET_LOCK });
    expect(rebootStrategy('periodic', 'zincati')).toMatchObject({ agent: ZINCATI, lock: null, code: ZINCATI_STRATEGY.PERIODIC });
    expect(agentMachine(ZINCATI).effects).toEqual(['drawUniform', 'checkGates', 'acquireLock', 'releaseLock', 'reboot']);
  });

  it('fails loudly on a strategy outside the table, or outside its agent', () => {
    expect(() => rebootStrategy('best-effort')).toThrow(/unknown reboot strategy "best-effort"/);
    expect(() => rebootStrategy('etcd-lock', 'zincati')).toThrow(/unknown reboot strategy "etcd-lock" of agent zincati/);
  });

  it('decides which strategies need etcd in the loader', () => {
    for (const name of STRATEGY_NAMES) {
      const issues = checkReferences({ reboot: { strategy: name } as never, etcd: { members: 0 } as never });
      expect(issues.length > 0).toBe(takesLock(name));
    }
  });

  it('sets up the lock of the row in a run, and none for strategies without one', () => {
    for (const { agent, strategy, lock: protocol } of ROWS) {
      const run = new FleetRun(scenarioFrom(SMALL(agent, strategy, 3)));
      expect(run.world.etcd?.lock?.kind ?? null).toBe(protocol);
      if (protocol === null) expect(() => run.world.lock.acquire(0, 'default', () => {})).toThrow(/takes no lock/);
    }
  });
});
