import { asDoubleFields } from '../../engine/representation.ts';
import type { MachineEvent } from '../machine/define.ts';

/**
 * The events the world sends to a node's machines (update_engine, boot, reboot manager), all of
 * one shape: every field of every event type, the unused ones at their defaults.
 *
 * Why one shape: each event reaches the compiled runtime's dispatch, the machines' guards and
 * updates, and the world's outbox. With a literal per event type those sites saw ten hidden
 * classes, and V8 deoptimized them (and recompiled them) each time another one showed up, well
 * into a run. The constructors below say which fields an event type carries; the machines read
 * only those (the event types in sim/model/node/*.ts).
 *
 * Events are never changed after they are made; the constant ones are shared.
 */
export class NodeEvent implements MachineEvent {
  [field: string]: number | string;
  /** A uniform draw for the update engine's next check (update-engine.ts). */
  u = 0;
  /** START, BOOTED: 1 when the node was already up (a warm start). */
  warm = 0;
  /** START: the boot report to send with the first check (BOOT_REPORT). */
  bootResult = 0;
  /** CHECK_RESPONSE: a CHECK_RESULT (omaha.ts). */
  result = 0;
  /** CHECK_RESPONSE, POST_INSTALL: a version index. */
  version = -1;
  /** START, CHECK_RESPONSE, PING_RESPONSE: time covered by elided checks (check-elision.ts). */
  elidedMs = 0;
  /** DOWNLOAD_DONE: 1 when the payload verifies. */
  verifyOk = 0;
  /** RESCHEDULE_CHECK: delay to the next check. */
  delayMs = 0;
  /** REBOOT: drain, shutdown and boot times. */
  drainMs = 0;
  shutdownMs = 0;
  /** REBOOT, POWER_ON. */
  bootMs = 0;
  /** POST_INSTALL: 1 when the new version will not boot on this node. */
  bad = 0;
  /** REBOOT_NEEDED, LOCK_DENIED, GATES: time until the reboot window opens. */
  windowWaitMs = 0;
  /** GATES (kured): 1 when a blocker (alert, blocking pod) holds the reboot. */
  blocked = 0;
  /** REBOOT_NEEDED (kured, fast fidelity): time until the next tick of a node whose ticks were elided. */
  tickWaitMs = 0;

  constructor(readonly type: string) {}
}

// Fractional from the first event on (engine/representation.ts): done once on one instance, the
// fields of every later one are doubles too (they share the hidden class).
asDoubleFields(new NodeEvent('xstate.prime'), 'u', 'elidedMs', 'delayMs', 'drainMs', 'shutdownMs', 'bootMs', 'windowWaitMs', 'tickWaitMs');

function event(type: string): NodeEvent {
  return new NodeEvent(type);
}

// The events without fields, shared.
export const STOP = event('STOP');
export const BOOTED = event('BOOTED');
/** BOOTED of a node found up when the run starts: its agent started long before (locksmithd's start unlock is past). */
export const BOOTED_WARM = event('BOOTED');
BOOTED_WARM.warm = 1;
export const CRASH = event('CRASH');
export const PRIORITIZE_OTHER = event('PRIORITIZE_OTHER');
export const START_WARM = event('START_WARM');
export const DOWNLOAD_FAILED = event('DOWNLOAD_FAILED');
export const LOCK_GRANTED = event('LOCK_GRANTED');
export const LOCK_RELEASED = event('LOCK_RELEASED');
export const RELEASE_FAILED = event('RELEASE_FAILED');
/** kured: the drain World.startDrain began ended, evicted or timed out. */
export const DRAINED = event('DRAINED');
export const DRAIN_TIMED_OUT = event('DRAIN_TIMED_OUT');

/** kured: a uniform draw in [0, 1) for delaytick's first tick. */
export function uniform(u: number): NodeEvent {
  const e = event('UNIFORM');
  e.u = u;
  return e;
}

/** kured: the answer to checkGates at a tick. */
export function gates(windowWaitMs: number, blocked: number): NodeEvent {
  const e = event('GATES');
  e.windowWaitMs = windowWaitMs;
  e.blocked = blocked;
  return e;
}

export function powerOn(bootMs: number): NodeEvent {
  const e = event('POWER_ON');
  e.bootMs = bootMs;
  return e;
}

export function start(u: number, warm: number, bootResult: number, elidedMs: number): NodeEvent {
  const e = event('START');
  e.u = u;
  e.warm = warm;
  e.bootResult = bootResult;
  e.elidedMs = elidedMs;
  return e;
}

export function checkResponse(result: number, version: number, u: number, elidedMs: number): NodeEvent {
  const e = event('CHECK_RESPONSE');
  e.result = result;
  e.version = version;
  e.u = u;
  e.elidedMs = elidedMs;
  return e;
}

export function pingResponse(u: number, elidedMs: number): NodeEvent {
  const e = event('PING_RESPONSE');
  e.u = u;
  e.elidedMs = elidedMs;
  return e;
}

export function errorReported(u: number): NodeEvent {
  const e = event('ERROR_REPORTED');
  e.u = u;
  return e;
}

export function downloadDone(verifyOk: number): NodeEvent {
  const e = event('DOWNLOAD_DONE');
  e.verifyOk = verifyOk;
  return e;
}

export function rescheduleCheck(delayMs: number): NodeEvent {
  const e = event('RESCHEDULE_CHECK');
  e.delayMs = delayMs;
  return e;
}

export function postInstall(version: number, bad: number): NodeEvent {
  const e = event('POST_INSTALL');
  e.version = version;
  e.bad = bad;
  return e;
}

export function reboot(drainMs: number, shutdownMs: number, bootMs: number): NodeEvent {
  const e = event('REBOOT');
  e.drainMs = drainMs;
  e.shutdownMs = shutdownMs;
  e.bootMs = bootMs;
  return e;
}

export function rebootNeeded(windowWaitMs: number, tickWaitMs = 0): NodeEvent {
  const e = event('REBOOT_NEEDED');
  e.windowWaitMs = windowWaitMs;
  e.tickWaitMs = tickWaitMs;
  return e;
}

export function lockDenied(windowWaitMs: number): NodeEvent {
  const e = event('LOCK_DENIED');
  e.windowWaitMs = windowWaitMs;
  return e;
}
