// Node state categories for the fleet view, read from the world's compiled machines without
// touching them (reads of state codes and columns only: observing a run must never change it).

import { assert } from '../../sim/engine/assert.ts';
import type { CompiledRuntime } from '../../sim/model/machine/runtime.ts';
import type { World } from '../../sim/model/world/world.ts';
import { NODE_CATEGORY } from '../shared/protocol.ts';
import { ZINCATI_STATE, ZINCATI_STRATEGY } from '../../sim/model/node/agents/zincati.ts';

const NONE = 255;

/** Category per state code of one machine; NONE where the machine does not decide it. */
function tableOf(runtime: CompiledRuntime, byName: Record<string, number>): Uint8Array {
  const names = runtime.machine.stateNames;
  const table = new Uint8Array(names.length).fill(NONE);
  names.forEach((name, code) => {
    // Nested states are named by their path (running.fresh): the top-level state decides.
    const top = name.split('.')[0];
    const category = byName[name] ?? byName[top];
    if (category !== undefined) table[code] = category;
  });
  return table;
}

export class NodeStates {
  readonly category: Uint8Array;
  readonly version: Uint8Array;
  private readonly bootTable: Uint8Array;
  /** Per table: category by the reboot manager's state code (one per agent, and Zincati fleet-lock's). */
  private readonly rebootTables: Uint8Array[];
  /** Per node: its table in rebootTables, and the state codes of its agent's runtime. */
  private readonly nodeRebootTable: Uint8Array;
  private readonly rebootStates: (Uint8Array | Uint16Array)[];
  private readonly updateTable: Uint8Array;

  constructor(private readonly world: World) {
    const n = world.nodeCount;
    this.category = new Uint8Array(n);
    this.version = new Uint8Array(n);
    // boot.ts: down, booting, hung, unbootable, running.{fresh,good}, draining, shuttingDown.
    this.bootTable = tableOf(world.boot, {
      down: NODE_CATEGORY.DOWN,
      hung: NODE_CATEGORY.DOWN,
      unbootable: NODE_CATEGORY.DOWN,
      booting: NODE_CATEGORY.REBOOTING,
      draining: NODE_CATEGORY.REBOOTING,
      shuttingDown: NODE_CATEGORY.REBOOTING,
    });
    // Each node's reboot agent's machine, whichever agent it is (the names of states that mean
    // the same are shared). agents/locksmithd.ts: locking and backoff wait for a semaphore slot.
    // agents/kured.ts: locking is its compare-and-swap on the DaemonSet annotation; draining
    // (cordon + evictions) and rebootDelay are the start of a planned reboot; sleeping between
    // ticks with the sentinel set is update_engine's UPDATED_NEED_REBOOT below.
    const byName = {
      locking: NODE_CATEGORY.WAITING_LOCK,
      backoff: NODE_CATEGORY.WAITING_LOCK,
      draining: NODE_CATEGORY.REBOOTING,
      rebootDelay: NODE_CATEGORY.REBOOTING,
      rebooting: NODE_CATEGORY.REBOOTING,
      waitingForWindow: NODE_CATEGORY.NEEDS_REBOOT,
      staged: NODE_CATEGORY.NEEDS_REBOOT,
    };
    const managers = world.rebootManager;
    this.rebootTables = managers.runtimes.map((runtime) => tableOf(runtime, byName));
    this.rebootStates = managers.runtimes.map((runtime) => runtime.states);
    this.nodeRebootTable = Uint8Array.from(managers.nodeAgent);
    // agents/zincati.ts: a fleet-lock node denied a slot waits for its next tick (finalizeDraw,
    // finalizeWait) to ask again: waiting for the lock, not merely needing a reboot.
    const zincati = managers.agents.findIndex((a) => a.name === 'zincati');
    if (zincati >= 0) {
      const waiting = { ...byName, finalizeDraw: NODE_CATEGORY.WAITING_LOCK, [ZINCATI_STATE.FINALIZE_WAIT]: NODE_CATEGORY.WAITING_LOCK };
      const fleetLockTable = this.rebootTables.push(tableOf(managers.runtimes[zincati], waiting)) - 1;
      for (let node = 0; node < n; node++) {
        if (managers.nodeAgent[node] === zincati && managers.get(node, 'strategy') === ZINCATI_STRATEGY.FLEET_LOCK) this.nodeRebootTable[node] = fleetLockTable;
      }
    }
    // update_attempter.h statuses.
    this.updateTable = tableOf(world.updateEngine, {
      CHECKING_FOR_UPDATE: NODE_CATEGORY.UPDATING,
      UPDATE_AVAILABLE: NODE_CATEGORY.UPDATING,
      DOWNLOADING: NODE_CATEGORY.UPDATING,
      FINALIZING: NODE_CATEGORY.UPDATING,
      REPORTING_ERROR_EVENT: NODE_CATEGORY.UPDATING,
      UPDATED_NEED_REBOOT: NODE_CATEGORY.NEEDS_REBOOT,
    });
  }

  /** Recomputes every node's category and version index (O(nodes), reads only). */
  refresh(): void {
    const w = this.world;
    const n = w.nodeCount;
    const boot = w.boot.states;
    const rebootTables = this.rebootTables;
    const rebootStates = this.rebootStates;
    const nodeAgent = w.rebootManager.nodeAgent;
    const nodeRebootTable = this.nodeRebootTable;
    const update = w.updateEngine.states;
    const metrics = w.metrics;
    const category = this.category;
    const version = this.version;
    const nodeVersion = w.nodeVersion;
    for (let i = 0; i < n; i++) {
      let c = this.bootTable[boot[i]];
      if (c === NONE) c = rebootTables[nodeRebootTable[i]][rebootStates[nodeAgent[i]][i]];
      if (c === NONE) c = this.updateTable[update[i]];
      if (c === NONE) c = metrics.hasRolledBack(i) ? NODE_CATEGORY.ROLLED_BACK : NODE_CATEGORY.RUNNING;
      category[i] = c;
      const v = nodeVersion[i];
      // One byte on the wire: a run with more than 255 versions shows the rest as 255.
      version[i] = v < 0 ? 0 : v > 254 ? 255 : v;
    }
    assert(n === 0 || category[0] < NONE, 'a node without a category');
  }
}
