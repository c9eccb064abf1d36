import type { AnyStateMachine } from 'xstate';
import { fail } from '../../engine/assert.ts';
import type { RebootAgent } from '../../agents/registry.ts';
import {
  BOOT_DEFAULTS,
  BOOT_EFFECTS,
  bootMachine,
  createBootMachine,
  type BootContext,
  type BootEvent,
} from './boot.ts';
import {
  REBOOT_MANAGER_DEFAULTS,
  REBOOT_MANAGER_EFFECTS,
  createRebootManagerMachine,
  rebootManagerMachine,
  type RebootManagerContext,
  type RebootManagerEvent,
} from './agents/locksmithd.ts';
import { KURED_DEFAULTS, KURED_EFFECTS, KURED_EVENTS, createKuredMachine, kuredMachine, type KuredContext, type KuredEvent } from './agents/kured.ts';
import { ZINCATI_DEFAULTS, ZINCATI_EFFECTS, ZINCATI_EVENTS, createZincatiMachine, zincatiMachine, type ZincatiContext, type ZincatiEvent } from './agents/zincati.ts';
import {
  UPDATE_ENGINE_DEFAULTS,
  UPDATE_ENGINE_EFFECTS,
  createUpdateEngineMachine,
  updateEngineMachine,
  type UpdateEngineContext,
  type UpdateEngineEvent,
} from './update-engine.ts';

/**
 * What the world needs to run the node's three machines, compiled or as xstate actors: the
 * machine, a factory for other initial contexts, the effect names it must implement, the event
 * types it may send, and a storage type per context field for the compiler's columns
 * (sim/model/machine/storage.ts `StorageType`; repeated here as a literal union so that this
 * module does not depend on the compiler).
 *
 * Storage choices: flags and small enums u8; slots i8 (-1 none); version indices i16 (-1 none;
 * 32k releases is far beyond any scenario); counters u16; every duration f64 (ms, exact).
 */
export type FieldStorage = 'f64' | 'i32' | 'u32' | 'i16' | 'u16' | 'i8' | 'u8';

export interface NodeMachineDescriptor<M, C extends Record<string, number>, E extends { type: string }> {
  readonly name: string;
  readonly machine: M;
  readonly create: (overrides?: Partial<C>) => M;
  readonly defaults: Readonly<C>;
  readonly fields: Readonly<Record<keyof C, FieldStorage>>;
  readonly effects: readonly string[];
  readonly events: readonly E['type'][];
}

const updateEngineFields: Record<keyof UpdateEngineContext, FieldStorage> = {
  firstMs: 'f64',
  intervalMs: 'f64',
  fuzzMs: 'f64',
  backoffMaxMs: 'f64',
  verifyMs: 'f64',
  finalizeMs: 'f64',
  lastIntervalMs: 'f64',
  nextCheckMs: 'f64',
  offeredVersion: 'i16',
  verifyOk: 'u8',
  pendingReport: 'u8',
  errorCode: 'u8',
};

const bootFields: Record<keyof BootContext, FieldStorage> = {
  aPriority: 'u8',
  aTries: 'u8',
  aSuccessful: 'u8',
  aVersion: 'i16',
  aBad: 'u8',
  bPriority: 'u8',
  bTries: 'u8',
  bSuccessful: 'u8',
  bVersion: 'i16',
  bBad: 'u8',
  bootedSlot: 'u8',
  bootKind: 'u8',
  trialSlot: 'i8',
  drainMs: 'f64',
  shutdownMs: 'f64',
  bootMs: 'f64',
  markGoodAfterMs: 'f64',
  watchdogMs: 'f64',
  autoRollback: 'u8',
};

const rebootManagerFields: Record<keyof RebootManagerContext, FieldStorage> = {
  strategy: 'u8',
  backoffMs: 'f64',
  backoffInitialMs: 'f64',
  backoffMaxMs: 'f64',
  waitMs: 'f64',
  holdsLock: 'u8',
  rebootPending: 'u8',
};

const kuredFields: Record<keyof KuredContext, FieldStorage> = {
  periodMs: 'f64',
  drainTimeoutMs: 'f64',
  forceReboot: 'u8',
  rebootDelayMs: 'f64',
  lockReleaseDelayMs: 'f64',
  sentinel: 'u8',
  holdsLock: 'u8',
  forced: 'u8',
  waitMs: 'f64',
  elideIdleTicks: 'u8',
};

/** kured's machine (agents/kured.ts). */
export const kuredDescriptor = Object.freeze({
  name: 'kured',
  machine: kuredMachine,
  create: createKuredMachine,
  defaults: KURED_DEFAULTS,
  fields: kuredFields,
  effects: KURED_EFFECTS,
  events: KURED_EVENTS,
} satisfies NodeMachineDescriptor<typeof kuredMachine, KuredContext, KuredEvent>);

const zincatiFields: Record<keyof ZincatiContext, FieldStorage> = {
  strategy: 'u8',
  staged: 'u8',
  holdsLock: 'u8',
  waitMs: 'f64',
};

/** Zincati's machine (agents/zincati.ts). */
export const zincatiDescriptor = Object.freeze({
  name: 'zincati',
  machine: zincatiMachine,
  create: createZincatiMachine,
  defaults: ZINCATI_DEFAULTS,
  fields: zincatiFields,
  effects: ZINCATI_EFFECTS,
  events: ZINCATI_EVENTS,
} satisfies NodeMachineDescriptor<typeof zincatiMachine, ZincatiContext, ZincatiEvent>);

export const nodeMachines = Object.freeze({
  updateEngine: {
    name: 'updateEngine',
    machine: updateEngineMachine,
    create: createUpdateEngineMachine,
    defaults: UPDATE_ENGINE_DEFAULTS,
    fields: updateEngineFields,
    effects: UPDATE_ENGINE_EFFECTS,
    events: ['START', 'STOP', 'CHECK_RESPONSE', 'DOWNLOAD_DONE', 'DOWNLOAD_FAILED', 'PING_RESPONSE', 'ERROR_REPORTED', 'RESCHEDULE_CHECK'],
  } satisfies NodeMachineDescriptor<typeof updateEngineMachine, UpdateEngineContext, UpdateEngineEvent>,
  boot: {
    name: 'boot',
    machine: bootMachine,
    create: createBootMachine,
    defaults: BOOT_DEFAULTS,
    fields: bootFields,
    effects: BOOT_EFFECTS,
    events: ['REBOOT', 'CRASH', 'POWER_ON', 'START_WARM', 'POST_INSTALL', 'PRIORITIZE_OTHER'],
  } satisfies NodeMachineDescriptor<typeof bootMachine, BootContext, BootEvent>,
  rebootManager: {
    name: 'rebootManager',
    machine: rebootManagerMachine,
    create: createRebootManagerMachine,
    defaults: REBOOT_MANAGER_DEFAULTS,
    fields: rebootManagerFields,
    effects: REBOOT_MANAGER_EFFECTS,
    events: ['REBOOT_NEEDED', 'LOCK_GRANTED', 'LOCK_DENIED', 'BOOTED', 'LOCK_RELEASED', 'RELEASE_FAILED', 'STOP'],
  } satisfies NodeMachineDescriptor<typeof rebootManagerMachine, RebootManagerContext, RebootManagerEvent>,
});

/**
 * The machine of each reboot agent of the registry (sim/agents/registry.ts), by agent name. An
 * agent's machine takes the reboot manager's events (REBOOT_NEEDED, LOCK_GRANTED, LOCK_DENIED,
 * BOOTED, LOCK_RELEASED, RELEASE_FAILED, STOP); its effects are listed in `effects` (the reboot
 * manager's acquireLock, reboot and releaseLock, and an agent's own, such as kured's drawUniform,
 * checkGates and startDrain), and the world implements each: that is the contract for every agent.
 */
export interface AgentMachineDescriptor {
  readonly name: string;
  readonly machine: AnyStateMachine;
  readonly fields: Readonly<Record<string, FieldStorage>>;
  readonly effects: readonly string[];
}

const AGENT_MACHINES: Readonly<Record<string, AgentMachineDescriptor>> = Object.freeze({
  locksmithd: nodeMachines.rebootManager,
  kured: kuredDescriptor,
  zincati: zincatiDescriptor,
});

export function agentMachine(agent: RebootAgent): AgentMachineDescriptor {
  const descriptor = AGENT_MACHINES[agent.name];
  if (descriptor === undefined) fail(`reboot agent "${agent.name}" has no machine in sim/model/node/machines.ts`);
  return descriptor;
}
