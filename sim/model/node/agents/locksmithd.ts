import { setup } from 'xstate';
import { assert, fail } from '../../../engine/assert.ts';
import { delay, effect, guard } from '../../machine/define.ts';
import { typedUpdate as update } from '../typed-update.ts';
import { LOCKSMITHD } from '../../../agents/registry.ts';

/**
 * The reboot manager of one node, after locksmithd (coreos/locksmith): once update_engine reports
 * UPDATED_NEED_REBOOT, wait for the reboot window, take the cluster's reboot lock, reboot, and
 * release the lock after the node is back.
 *
 * Strategies (locksmith README; `fleet-lock` is Fedora CoreOS's airlock protocol, the same steps
 * over HTTP POST /v1/pre-reboot and /v1/steady-state):
 * - 0 reboot: reboot without a lock (in the reboot window when one is configured: locksmith
 *   follows every strategy "immediately after an update, or during the next available reboot
 *   window").
 * - 1 off: locksmithd does nothing; the update stays staged until something else reboots the node.
 * - 2 etcd-lock: the semaphore `coreos.com/updateengine/rebootlock/semaphore` (locksmith
 *   lock/semaphore.go), changed by compare-and-swap, NO TTL.
 * - 3 fleet-lock: the same for this machine; the world speaks the other protocol.
 *
 * States: stopped (initial: the node is not running), idle, staged, waitingForWindow, locking,
 * backoff, rebooting, releasing, releaseBackoff.
 *
 * Events (numeric fields):
 * - REBOOT_NEEDED {windowWaitMs} in idle: update_engine finished an update (locksmith's
 *   updateengine client sees UPDATE_STATUS_UPDATED_NEED_REBOOT). windowWaitMs: time until the
 *   node's reboot window opens, on the node's own (possibly skewed) clock; 0 when there is no
 *   window or it is open.
 *   off -> staged; window open: reboot -> rebooting, lock strategies -> locking; otherwise ->
 *   waitingForWindow, then the same after windowWaitMs. The lock backoff restarts at its initial
 *   value.
 * - LOCK_GRANTED {} in locking or backoff: holdsLock = 1 -> rebooting. The world may hold an
 *   acquire request open while the semaphore is full instead of denying it each time, so a grant
 *   may come late, in any of these states. A grant in stopped records the hold (the semaphore
 *   counts it); a grant in idle (the node rebooted meanwhile) holds a slot nobody needs: release it.
 * - LOCK_DENIED {windowWaitMs} in locking: backoffMs doubles (up to backoffMaxMs), then ->
 *   backoff, retry after max(backoffMs, windowWaitMs): locksmithd's lock retry, 10 s, 20 s ...
 *   5 min (daemon.go doubles before it sleeps). windowWaitMs is 0 for locksmithd, whose window
 *   gates the first attempt only (registry `rewaitsWindowOnDenial`); an agent that waits for the
 *   next window again (Zincati's periodic strategy, kured) passes its wait.
 * - BOOTED {} in stopped: the OS is up again. holdsLock -> releasing, else -> idle.
 * - LOCK_RELEASED {} in releasing (or late, in stopped): holdsLock = 0 -> idle.
 * - RELEASE_FAILED {} in releasing: -> releaseBackoff, retry after the doubled backoffMs.
 * - STOP {} in any state but stopped: the node shuts down or goes down -> stopped. holdsLock is
 *   kept: a node that never returns keeps its slot of the semaphore (locksmith has no TTL; an
 *   operator runs `locksmithctl unlock`).
 *
 * Effects (the world answers later with an event, never synchronously):
 * - acquireLock (entry of locking): ask for a slot. Answer LOCK_GRANTED or LOCK_DENIED.
 * - reboot (entry of rebooting): send REBOOT to the boot machine. Its `shutdownStarted` comes
 *   back here as STOP.
 * - releaseLock (entry of releasing): give the slot back. Answer LOCK_RELEASED or RELEASE_FAILED.
 */
/** Strategy codes of the context's `strategy`: the registry's (sim/agents/registry.ts). */
function strategyCode(name: string): number {
  const row = LOCKSMITHD.strategies.find((s) => s.name === name);
  if (row === undefined) fail(`locksmithd has no strategy "${name}"`);
  return row.code;
}
export const REBOOT_STRATEGY = Object.freeze({
  REBOOT: strategyCode('reboot'),
  OFF: strategyCode('off'),
  ETCD_LOCK: strategyCode('etcd-lock'),
  FLEET_LOCK: strategyCode('fleet-lock'),
});

export const REBOOT_MANAGER_STATE = Object.freeze({
  STOPPED: 'stopped',
  IDLE: 'idle',
  STAGED: 'staged',
  WAITING_FOR_WINDOW: 'waitingForWindow',
  LOCKING: 'locking',
  BACKOFF: 'backoff',
  REBOOTING: 'rebooting',
  RELEASING: 'releasing',
  RELEASE_BACKOFF: 'releaseBackoff',
});

export type RebootManagerContext = {
  /** REBOOT_STRATEGY */
  strategy: number;
  /** Next lock (or release) retry delay before doubling. */
  backoffMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Delay of the pending window or retry timer. */
  waitMs: number;
  /** 1 while this node is a holder of the reboot semaphore. */
  holdsLock: number;
};

export type RebootNeededEvent = { type: 'REBOOT_NEEDED'; windowWaitMs: number };
export type LockGrantedEvent = { type: 'LOCK_GRANTED' };
export type LockDeniedEvent = { type: 'LOCK_DENIED'; windowWaitMs: number };
export type BootedEvent = { type: 'BOOTED' };
export type LockReleasedEvent = { type: 'LOCK_RELEASED' };
export type ReleaseFailedEvent = { type: 'RELEASE_FAILED' };
export type RebootManagerStopEvent = { type: 'STOP' };
export type RebootManagerEvent =
  | RebootNeededEvent
  | LockGrantedEvent
  | LockDeniedEvent
  | BootedEvent
  | LockReleasedEvent
  | ReleaseFailedEvent
  | RebootManagerStopEvent;

export const REBOOT_MANAGER_EFFECTS = Object.freeze(['acquireLock', 'reboot', 'releaseLock'] as const);
export type RebootManagerEffect = (typeof REBOOT_MANAGER_EFFECTS)[number];

export const REBOOT_MANAGER_DEFAULTS: Readonly<RebootManagerContext> = Object.freeze({
  strategy: REBOOT_STRATEGY.ETCD_LOCK,
  backoffMs: LOCKSMITHD.lockRetryInitialMs,
  backoffInitialMs: LOCKSMITHD.lockRetryInitialMs,
  backoffMaxMs: LOCKSMITHD.lockRetryMaxMs,
  waitMs: 0,
  holdsLock: 0,
});

type Ctx = RebootManagerContext;
type Ev = RebootManagerEvent;

function assertWaitMs(waitMs: number, what: string): void {
  if (!(waitMs >= 0 && waitMs !== Infinity)) fail(`${what} must be finite and >= 0, got ${waitMs}`);
}

const guards = {
  strategyOff: guard<Ctx, Ev>((ctx) => ctx.strategy === REBOOT_STRATEGY.OFF),
  strategyReboot: guard<Ctx, Ev>((ctx) => ctx.strategy === REBOOT_STRATEGY.REBOOT),
  windowOpenRebootNow: guard<Ctx, Ev>(
    (ctx, e) => ctx.strategy === REBOOT_STRATEGY.REBOOT && (e as RebootNeededEvent).windowWaitMs === 0,
  ),
  windowOpen: guard<Ctx, Ev>((_ctx, e) => (e as RebootNeededEvent).windowWaitMs === 0),
  holdsLock: guard<Ctx, Ev>((ctx) => ctx.holdsLock === 1),
};

const actions = {
  rebootNeeded: update<Ctx, Ev>((ctx, e) => {
    const { windowWaitMs } = e as RebootNeededEvent;
    assertWaitMs(windowWaitMs, 'REBOOT_NEEDED.windowWaitMs');
    return { waitMs: windowWaitMs, backoffMs: ctx.backoffInitialMs };
  }),
  lockGranted: update<Ctx, Ev>(() => ({ holdsLock: 1 })),
  // locksmithctl/daemon.go lockAndReboot and unlockHeldLocks: `interval = expBackoff(interval)`
  // comes before the sleep, so the first retry waits 2 x 5 s = 10 s.
  lockDenied: update<Ctx, Ev>((ctx, e) => {
    const { windowWaitMs } = e as LockDeniedEvent;
    assertWaitMs(windowWaitMs, 'LOCK_DENIED.windowWaitMs');
    const backoffMs = Math.min(2 * ctx.backoffMs, ctx.backoffMaxMs);
    return { waitMs: Math.max(backoffMs, windowWaitMs), backoffMs };
  }),
  releaseFailed: update<Ctx, Ev>((ctx) => {
    const backoffMs = Math.min(2 * ctx.backoffMs, ctx.backoffMaxMs);
    return { waitMs: backoffMs, backoffMs };
  }),
  lockReleased: update<Ctx, Ev>(() => ({ holdsLock: 0 })),
  releaseStarted: update<Ctx, Ev>((ctx) => ({ backoffMs: ctx.backoffInitialMs })),
  acquireLock: effect<Ctx, Ev>(),
  reboot: effect<Ctx, Ev>(),
  releaseLock: effect<Ctx, Ev>(),
};

const delays = {
  waitMs: delay<Ctx, Ev>((ctx) => ctx.waitMs),
};

const stop = { STOP: { target: 'stopped' } } as const;

/** The machine with an initial context: defaults, then `overrides` (the scenario's strategy). */
export function createRebootManagerMachine(overrides: Partial<RebootManagerContext> = {}) {
  const context: RebootManagerContext = { ...REBOOT_MANAGER_DEFAULTS, ...overrides };
  assert(
    LOCKSMITHD.strategies.some((s) => s.code === context.strategy),
    `strategy must be one of locksmithd's codes (${LOCKSMITHD.strategies.map((s) => s.code).join(', ')}), got ${context.strategy}`,
  );
  if (!(context.backoffInitialMs > 0)) fail(`backoffInitialMs must be > 0, got ${context.backoffInitialMs}`);
  assert(context.backoffMaxMs >= context.backoffInitialMs, 'backoffMaxMs must be >= backoffInitialMs');
  if (!(context.holdsLock === 0 || context.holdsLock === 1)) fail(`holdsLock must be 0 or 1, got ${context.holdsLock}`);
  return setup({
    types: { context: {} as RebootManagerContext, events: {} as RebootManagerEvent },
    guards,
    actions,
    delays,
  }).createMachine({
    id: 'rebootManager',
    initial: 'stopped',
    context,
    states: {
      stopped: {
        on: {
          BOOTED: [
            { guard: 'holdsLock', target: 'releasing', actions: 'releaseStarted' },
            { target: 'idle' },
          ],
          LOCK_GRANTED: { actions: 'lockGranted' },
          LOCK_RELEASED: { actions: 'lockReleased' },
        },
      },
      idle: {
        on: {
          ...stop,
          REBOOT_NEEDED: [
            { guard: 'strategyOff', target: 'staged' },
            { guard: 'windowOpenRebootNow', target: 'rebooting', actions: 'rebootNeeded' },
            { guard: 'windowOpen', target: 'locking', actions: 'rebootNeeded' },
            { target: 'waitingForWindow', actions: 'rebootNeeded' },
          ],
          LOCK_GRANTED: { target: 'releasing', actions: ['lockGranted', 'releaseStarted'] },
        },
      },
      staged: {
        on: { ...stop },
      },
      waitingForWindow: {
        on: { ...stop },
        after: {
          waitMs: [{ guard: 'strategyReboot', target: 'rebooting' }, { target: 'locking' }],
        },
      },
      locking: {
        entry: 'acquireLock',
        on: {
          ...stop,
          LOCK_GRANTED: { target: 'rebooting', actions: 'lockGranted' },
          LOCK_DENIED: { target: 'backoff', actions: 'lockDenied' },
        },
      },
      backoff: {
        on: {
          ...stop,
          LOCK_GRANTED: { target: 'rebooting', actions: 'lockGranted' },
        },
        after: { waitMs: { target: 'locking' } },
      },
      rebooting: {
        entry: 'reboot',
        on: { ...stop },
      },
      releasing: {
        entry: 'releaseLock',
        on: {
          ...stop,
          LOCK_RELEASED: { target: 'idle', actions: 'lockReleased' },
          RELEASE_FAILED: { target: 'releaseBackoff', actions: 'releaseFailed' },
        },
      },
      releaseBackoff: {
        on: { ...stop },
        after: { waitMs: { target: 'releasing' } },
      },
    },
  });
}

export const rebootManagerMachine = createRebootManagerMachine();
export type RebootManagerMachine = typeof rebootManagerMachine;
