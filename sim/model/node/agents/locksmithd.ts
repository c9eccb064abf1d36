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
 * backoff, rebooting, unlockWait, releasing, releaseBackoff, resuming (transient).
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
 * - BOOTED {warm} in stopped: the OS is up. locksmithd starts with it and, under etcd-lock, frees
 *   its slot whether or not it knows it holds one (locksmithctl/daemon.go runDaemon starts
 *   unlockHeldLocks, which calls unlockIfHeld: Unlock, ErrNotExist counting as done), first after
 *   initialInterval (5 s: `time.After(interval)` comes before the first attempt): -> unlockWait.
 *   So a "ghost holder" (a lock CAS that committed but whose answer was lost) that reboots frees
 *   the slot it did not know it held. Other strategies unlock only a slot they know they hold
 *   (holdsLock); otherwise -> idle. warm = 1: the node was up before the run began, its
 *   locksmithd started long ago -> idle (unless it holds a slot).
 * - REBOOT_NEEDED in unlockWait or releaseBackoff: runDaemon's `close(stop)` ends the unlock loop
 *   at its sleep, and the reboot goes ahead as from idle (a slot still held is then re-taken:
 *   locksmith's Lock answers ErrExist, which lockAndReboot counts as success, when the semaphore
 *   has room). In releasing (a request in flight) `wg.Wait()` lets the request finish first:
 *   rebootPending = 1 and the window wait is kept; the answer then goes on through `resuming`.
 * - LOCK_RELEASED {} in releasing (or late, in stopped): holdsLock = 0 -> idle.
 * - RELEASE_FAILED {} in releasing: -> releaseBackoff, retry after the doubled backoffMs
 *   (unlockHeldLocks' expBackoff: 10 s, 20 s ... 5 min).
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
  UNLOCK_WAIT: 'unlockWait',
  RELEASING: 'releasing',
  RELEASE_BACKOFF: 'releaseBackoff',
  RESUMING: 'resuming',
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
  /** 1 while this node is a holder of the reboot semaphore (as far as it knows). */
  holdsLock: number;
  /** 1 when REBOOT_NEEDED came while an unlock request was in flight (waitMs then holds its window wait). */
  rebootPending: number;
};

export type RebootNeededEvent = { type: 'REBOOT_NEEDED'; windowWaitMs: number };
export type LockGrantedEvent = { type: 'LOCK_GRANTED' };
export type LockDeniedEvent = { type: 'LOCK_DENIED'; windowWaitMs: number };
export type BootedEvent = { type: 'BOOTED'; warm?: number };
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
  rebootPending: 0,
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
  // locksmithctl/daemon.go runDaemon: `if strategy == StrategyEtcdLock { go unlockHeldLocks(...) }`.
  unlocksAtStart: guard<Ctx, Ev>(
    (ctx, e) => ctx.holdsLock === 1 || (ctx.strategy === REBOOT_STRATEGY.ETCD_LOCK && (e as BootedEvent).warm !== 1),
  ),
  rebootPending: guard<Ctx, Ev>((ctx) => ctx.rebootPending === 1),
  // `resuming` reads the REBOOT_NEEDED kept while the unlock request was in flight.
  pendingRebootNow: guard<Ctx, Ev>((ctx) => ctx.strategy === REBOOT_STRATEGY.REBOOT && ctx.waitMs === 0),
  pendingWindowOpen: guard<Ctx, Ev>((ctx) => ctx.waitMs === 0),
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
  // unlockHeldLocks: `interval := initialInterval`, then `time.After(interval)` before each try.
  unlockStarted: update<Ctx, Ev>((ctx) => ({ backoffMs: ctx.backoffInitialMs, waitMs: ctx.backoffInitialMs, rebootPending: 0 })),
  rebootDeferred: update<Ctx, Ev>((ctx, e) => {
    const { windowWaitMs } = e as RebootNeededEvent;
    assertWaitMs(windowWaitMs, 'REBOOT_NEEDED.windowWaitMs');
    return { rebootPending: 1, waitMs: windowWaitMs, backoffMs: ctx.backoffInitialMs };
  }),
  rebootResumed: update<Ctx, Ev>(() => ({ rebootPending: 0 })),
  acquireLock: effect<Ctx, Ev>(),
  reboot: effect<Ctx, Ev>(),
  releaseLock: effect<Ctx, Ev>(),
};

const delays = {
  waitMs: delay<Ctx, Ev>((ctx) => ctx.waitMs),
};

const stop = { STOP: { target: 'stopped' } } as const;

/** REBOOT_NEEDED's choices, from idle and from an unlock loop that it ends (runDaemon `close(stop)`). */
const rebootNeeded = [
  { guard: 'strategyOff', target: 'staged' },
  { guard: 'windowOpenRebootNow', target: 'rebooting', actions: 'rebootNeeded' },
  { guard: 'windowOpen', target: 'locking', actions: 'rebootNeeded' },
  { target: 'waitingForWindow', actions: 'rebootNeeded' },
] as const;

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
  if (!(context.rebootPending === 0 || context.rebootPending === 1)) fail(`rebootPending must be 0 or 1, got ${context.rebootPending}`);
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
          BOOTED: [{ guard: 'unlocksAtStart', target: 'unlockWait', actions: 'unlockStarted' }, { target: 'idle' }],
          LOCK_GRANTED: { actions: 'lockGranted' },
          LOCK_RELEASED: { actions: 'lockReleased' },
        },
      },
      idle: {
        on: {
          ...stop,
          REBOOT_NEEDED: rebootNeeded,
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
      unlockWait: {
        on: { ...stop, REBOOT_NEEDED: rebootNeeded, LOCK_GRANTED: { actions: 'lockGranted' } },
        after: { waitMs: { target: 'releasing' } },
      },
      releasing: {
        entry: 'releaseLock',
        on: {
          ...stop,
          REBOOT_NEEDED: { actions: 'rebootDeferred' },
          LOCK_GRANTED: { actions: 'lockGranted' },
          LOCK_RELEASED: [
            { guard: 'rebootPending', target: 'resuming', actions: 'lockReleased' },
            { target: 'idle', actions: 'lockReleased' },
          ],
          RELEASE_FAILED: [{ guard: 'rebootPending', target: 'resuming' }, { target: 'releaseBackoff', actions: 'releaseFailed' }],
        },
      },
      releaseBackoff: {
        on: { ...stop, REBOOT_NEEDED: rebootNeeded, LOCK_GRANTED: { actions: 'lockGranted' } },
        after: { waitMs: { target: 'releasing' } },
      },
      // The REBOOT_NEEDED kept in releasing, taken as idle would have (its window wait in waitMs).
      resuming: {
        always: [
          { guard: 'strategyOff', target: 'staged', actions: 'rebootResumed' },
          { guard: 'pendingRebootNow', target: 'rebooting', actions: 'rebootResumed' },
          { guard: 'pendingWindowOpen', target: 'locking', actions: 'rebootResumed' },
          { target: 'waitingForWindow', actions: 'rebootResumed' },
        ],
      },
    },
  });
}

export const rebootManagerMachine = createRebootManagerMachine();
export type RebootManagerMachine = typeof rebootManagerMachine;
