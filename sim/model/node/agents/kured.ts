import { setup } from 'xstate';
import { assert, fail } from '../../../engine/assert.ts';
import { delay, effect, guard } from '../../machine/define.ts';
import { typedUpdate as update } from '../typed-update.ts';

/**
 * kured, the Kubernetes reboot daemon (kubereboot/kured cmd/kured/main.go rebootAsRequired), on
 * one node. Flatcar's postinstall touches the reboot sentinel (/run/reboot-required) when an
 * update is staged; kured never talks to update_engine, it polls the sentinel:
 *
 * 1. At start (the node booted), a first loop ticks every minute (pkg/delaytick: first tick
 *    uniform in [d/2, 3d/2), then every d): if this node holds the lock (it rebooted holding it),
 *    uncordon and release it (daemonsetlock Release sleeps --lock-release-delay first), then
 *    leave that loop.
 * 2. The main loop ticks every --period (delaytick again, its own first tick in [period/2,
 *    3 period/2)). At each tick, in this order (each `continue`s to the next tick): the window
 *    (--reboot-days, --start-time, --end-time, --time-zone: timewindow.Contains on the node's
 *    clock), the sentinel, the blockers (Prometheus alerts, blocking pods), the lock (an
 *    annotation on kured's DaemonSet changed by compare-and-swap, daemonsetlock Acquire; skipped
 *    when already held). With the lock: cordon and drain (--drain-timeout, 0 = forever). A
 *    drain that fails without --force-reboot releases the lock (after --lock-release-delay) and
 *    waits for the next tick; with --force-reboot (or a drain that succeeded) sleep
 *    --reboot-delay, then reboot.
 *
 * The drain is the world's (World.startDrain(node, timeoutMs)): it answers DRAINED, or
 * DRAIN_TIMED_OUT when --drain-timeout ran out first (until workloads exist a drain takes the
 * fleet group's `reboot.drain`). A release that fails is retried at the next tick (kured logs it
 * and goes on, finding itself still holding at the next tick: the same).
 *
 * States: stopped (initial), startupDraw, startupWait, releaseDelay, startupRelease, loopDraw,
 * sleeping, gating, dormant (fast fidelity: ticks without a sentinel elided), locking, draining,
 * rebootDelay, rebooting, failedReleaseDelay, failedRelease.
 *
 * Events (numeric fields; the world answers every effect later, never synchronously):
 * - BOOTED {}: the OS is up: sentinel = 0 (/run is a tmpfs) -> startupDraw.
 * - REBOOT_NEEDED {windowWaitMs, tickWaitMs}: update_engine staged an update, the sentinel exists
 *   (sentinel = 1; windowWaitMs is not read: kured reads the window at its ticks). In `dormant`,
 *   tickWaitMs is the time to the tick the loop would have come to next.
 * - UNIFORM {u}: the world's uniform draw in [0, 1) for delaytick's first tick.
 * - GATES {windowWaitMs, blocked}: the answer to checkGates at a tick: time until the window
 *   opens (0 = open now, on the node's clock), 1 when a blocker holds reboots.
 * - DRAINED, DRAIN_TIMED_OUT: the end of the drain startDrain began.
 * - LOCK_GRANTED, LOCK_DENIED {windowWaitMs}, LOCK_RELEASED, RELEASE_FAILED: the lock's answers.
 * - STOP {}: the node goes down -> stopped (holdsLock kept: the annotation stays until its TTL,
 *   if any, or until the node is back and releases it).
 *
 * Effects: drawUniform, checkGates, acquireLock, startDrain (cordon + drain begin: the world
 * traces it), releaseLock, reboot (the drain is done here: the world adds none).
 */
export const KURED_STATE = Object.freeze({
  STOPPED: 'stopped',
  SLEEPING: 'sleeping',
  LOCKING: 'locking',
  DRAINING: 'draining',
  REBOOT_DELAY: 'rebootDelay',
  REBOOTING: 'rebooting',
});

/** delaytick.New(source, 1*time.Minute) of rebootAsRequired's first loop. */
export const KURED_STARTUP_TICK_MS = 60_000;

export type KuredContext = {
  /** --period. */
  periodMs: number;
  /** --drain-timeout; 0 = wait for the drain forever. */
  drainTimeoutMs: number;
  /** --force-reboot: 1 = reboot when the drain times out. */
  forceReboot: number;
  /** --reboot-delay. */
  rebootDelayMs: number;
  /** --lock-release-delay. */
  lockReleaseDelayMs: number;
  /** 1 while /run/reboot-required exists. */
  sentinel: number;
  /** 1 while this node is an owner of the DaemonSet lock annotation. */
  holdsLock: number;
  /** 1 when the current reboot goes ahead after a drain timeout (--force-reboot). */
  forced: number;
  /** Delay of the pending timer. */
  waitMs: number;
  /**
   * 1 (fast fidelity): a tick that finds no sentinel puts the loop to rest (`dormant`) instead of
   * arming the next tick, and the sentinel's arrival re-arms it at the tick it would have come to
   * (REBOOT_NEEDED.tickWaitMs, from the world). Such a tick does nothing in kured (the sentinel
   * check `continue`s), so the run is the same; full fidelity ticks every period.
   */
  elideIdleTicks: number;
};

export type KuredEvent =
  | { type: 'BOOTED' }
  | { type: 'REBOOT_NEEDED'; windowWaitMs: number; tickWaitMs: number }
  | { type: 'UNIFORM'; u: number }
  | { type: 'GATES'; windowWaitMs: number; blocked: number }
  | { type: 'DRAINED' }
  | { type: 'DRAIN_TIMED_OUT' }
  | { type: 'LOCK_GRANTED' }
  | { type: 'LOCK_DENIED'; windowWaitMs: number }
  | { type: 'LOCK_RELEASED' }
  | { type: 'RELEASE_FAILED' }
  | { type: 'STOP' };

export const KURED_EFFECTS = Object.freeze(['drawUniform', 'checkGates', 'acquireLock', 'startDrain', 'releaseLock', 'reboot'] as const);

export const KURED_EVENTS = Object.freeze([
  'BOOTED',
  'REBOOT_NEEDED',
  'UNIFORM',
  'GATES',
  'DRAINED',
  'DRAIN_TIMED_OUT',
  'LOCK_GRANTED',
  'LOCK_DENIED',
  'LOCK_RELEASED',
  'RELEASE_FAILED',
  'STOP',
] as const);

/** kured's flag defaults (cmd/kured/main.go flags): --period 60m, every other delay 0. */
export const KURED_DEFAULTS: Readonly<KuredContext> = Object.freeze({
  periodMs: 60 * 60_000,
  drainTimeoutMs: 0,
  forceReboot: 0,
  rebootDelayMs: 0,
  lockReleaseDelayMs: 0,
  sentinel: 0,
  holdsLock: 0,
  forced: 0,
  waitMs: 0,
  elideIdleTicks: 0,
});

type Ctx = KuredContext;
type Ev = KuredEvent;
type Gates = Extract<Ev, { type: 'GATES' }>;

/** delaytick.New: the first tick after a uniform draw in [d/2, 3d/2). */
export function delaytickFirstMs(periodMs: number, u: number): number {
  if (!(u >= 0 && u < 1)) fail(`UNIFORM.u must be in [0, 1), got ${u}`);
  return periodMs / 2 + u * periodMs;
}

const guards = {
  holdsLock: guard<Ctx, Ev>((ctx) => ctx.holdsLock === 1),
  // The tick's checks in rebootAsRequired's order; each failing one waits for the next tick.
  gateClosed: guard<Ctx, Ev>((ctx, e) => (e as Gates).windowWaitMs > 0 || ctx.sentinel === 0 || (e as Gates).blocked === 1),
  forceReboot: guard<Ctx, Ev>((ctx) => ctx.forceReboot === 1),
  // A tick without the sentinel does nothing; in fast fidelity the loop rests until one appears.
  idleTick: guard<Ctx, Ev>((ctx) => ctx.elideIdleTicks === 1 && ctx.sentinel === 0),
};

const actions = {
  booted: update<Ctx, Ev>(() => ({ sentinel: 0, forced: 0 })),
  sentinel: update<Ctx, Ev>(() => ({ sentinel: 1 })),
  startupTick: update<Ctx, Ev>((_ctx, e) => ({ waitMs: delaytickFirstMs(KURED_STARTUP_TICK_MS, (e as { u: number }).u) })),
  periodFirstTick: update<Ctx, Ev>((ctx, e) => ({ waitMs: delaytickFirstMs(ctx.periodMs, (e as { u: number }).u) })),
  nextTick: update<Ctx, Ev>((ctx) => ({ waitMs: ctx.periodMs })),
  resumeTicks: update<Ctx, Ev>((ctx, e) => {
    const { tickWaitMs } = e as Extract<Ev, { type: 'REBOOT_NEEDED' }>;
    if (!(tickWaitMs >= 0 && tickWaitMs <= ctx.periodMs)) fail(`REBOOT_NEEDED.tickWaitMs must be in [0, periodMs], got ${tickWaitMs}`);
    return { sentinel: 1, waitMs: tickWaitMs };
  }),
  startupRetry: update<Ctx, Ev>(() => ({ waitMs: KURED_STARTUP_TICK_MS })),
  gates: update<Ctx, Ev>((_ctx, e) => {
    const { windowWaitMs, blocked } = e as Gates;
    if (!(windowWaitMs >= 0 && windowWaitMs !== Infinity)) fail(`GATES.windowWaitMs must be finite and >= 0, got ${windowWaitMs}`);
    if (!(blocked === 0 || blocked === 1)) fail(`GATES.blocked must be 0 or 1, got ${blocked}`);
    return {};
  }),
  forced: update<Ctx, Ev>(() => ({ forced: 1 })),
  lockGranted: update<Ctx, Ev>(() => ({ holdsLock: 1 })),
  lockReleased: update<Ctx, Ev>(() => ({ holdsLock: 0 })),
  drawUniform: effect<Ctx, Ev>(),
  checkGates: effect<Ctx, Ev>(),
  acquireLock: effect<Ctx, Ev>(),
  startDrain: effect<Ctx, Ev>(),
  releaseLock: effect<Ctx, Ev>(),
  reboot: effect<Ctx, Ev>(),
};

const delays = {
  waitMs: delay<Ctx, Ev>((ctx) => ctx.waitMs),
  rebootDelayMs: delay<Ctx, Ev>((ctx) => ctx.rebootDelayMs),
  lockReleaseDelayMs: delay<Ctx, Ev>((ctx) => ctx.lockReleaseDelayMs),
};

const stop = { STOP: { target: 'stopped' } } as const;
/** The sentinel appears whatever kured is doing (Flatcar's postinstall writes it). */
const sentinel = { REBOOT_NEEDED: { actions: 'sentinel' } } as const;
const running = { ...stop, ...sentinel } as const;

export function createKuredMachine(overrides: Partial<KuredContext> = {}) {
  const context: KuredContext = { ...KURED_DEFAULTS, ...overrides };
  if (!(context.periodMs > 0)) fail(`periodMs must be > 0, got ${context.periodMs}`);
  for (const key of ['drainTimeoutMs', 'rebootDelayMs', 'lockReleaseDelayMs'] as const) {
    if (!(context[key] >= 0 && context[key] !== Infinity)) fail(`${key} must be finite and >= 0, got ${context[key]}`);
  }
  assert(context.forceReboot === 0 || context.forceReboot === 1, 'forceReboot must be 0 or 1');
  return setup({
    types: { context: {} as KuredContext, events: {} as KuredEvent },
    guards,
    actions,
    delays,
  }).createMachine({
    id: 'kured',
    initial: 'stopped',
    context,
    states: {
      stopped: {
        on: {
          BOOTED: { target: 'startupDraw', actions: 'booted' },
          // Answers to requests made before the node went down.
          LOCK_GRANTED: { actions: 'lockGranted' },
          LOCK_RELEASED: { actions: 'lockReleased' },
        },
      },
      // rebootAsRequired's first loop: delaytick(1 min), release a lock held across the reboot.
      startupDraw: {
        entry: 'drawUniform',
        on: { ...running, UNIFORM: { target: 'startupWait', actions: 'startupTick' } },
      },
      startupWait: {
        on: { ...running },
        after: { waitMs: [{ guard: 'holdsLock', target: 'releaseDelay' }, { target: 'loopDraw' }] },
      },
      releaseDelay: {
        on: { ...running },
        after: { lockReleaseDelayMs: { target: 'startupRelease' } },
      },
      startupRelease: {
        entry: 'releaseLock',
        on: {
          ...running,
          LOCK_RELEASED: { target: 'loopDraw', actions: 'lockReleased' },
          // "Error releasing lock, will retry": the next 1-minute tick.
          RELEASE_FAILED: { target: 'startupWait', actions: 'startupRetry' },
        },
      },
      // The main loop: delaytick(period).
      loopDraw: {
        entry: 'drawUniform',
        on: { ...running, UNIFORM: { target: 'sleeping', actions: 'periodFirstTick' } },
      },
      sleeping: {
        on: { ...running },
        after: { waitMs: { target: 'gating' } },
      },
      gating: {
        entry: 'checkGates',
        on: {
          ...running,
          GATES: [
            { guard: 'idleTick', target: 'dormant', actions: 'gates' },
            { guard: 'gateClosed', target: 'sleeping', actions: ['gates', 'nextTick'] },
            // lock.Holding(): a holder (a drain that failed to release, say) does not acquire again.
            { guard: 'holdsLock', target: 'draining', actions: 'gates' },
            { target: 'locking', actions: 'gates' },
          ],
        },
      },
      // Fast fidelity: no tick armed until the sentinel appears (idleTick).
      dormant: {
        on: { ...stop, REBOOT_NEEDED: { target: 'sleeping', actions: 'resumeTicks' } },
      },
      locking: {
        entry: 'acquireLock',
        on: {
          ...running,
          LOCK_GRANTED: { target: 'draining', actions: 'lockGranted' },
          // "Lock already held": wait for the next tick.
          LOCK_DENIED: { target: 'sleeping', actions: 'nextTick' },
        },
      },
      draining: {
        entry: 'startDrain',
        on: {
          ...running,
          DRAINED: { target: 'rebootDelay' },
          // kured's drain error: --force-reboot reboots anyway, else release and retry next tick.
          DRAIN_TIMED_OUT: [{ guard: 'forceReboot', target: 'rebootDelay', actions: 'forced' }, { target: 'failedReleaseDelay' }],
        },
      },
      rebootDelay: {
        on: { ...running },
        after: { rebootDelayMs: { target: 'rebooting' } },
      },
      rebooting: {
        entry: 'reboot',
        on: { ...running },
      },
      // A drain that failed without --force-reboot: release (after the release delay), next tick.
      failedReleaseDelay: {
        on: { ...running },
        after: { lockReleaseDelayMs: { target: 'failedRelease' } },
      },
      failedRelease: {
        entry: 'releaseLock',
        on: {
          ...running,
          LOCK_RELEASED: { target: 'sleeping', actions: ['lockReleased', 'nextTick'] },
          RELEASE_FAILED: { target: 'sleeping', actions: 'nextTick' },
        },
      },
    },
  });
}

export const kuredMachine = createKuredMachine();
export type KuredMachine = typeof kuredMachine;
