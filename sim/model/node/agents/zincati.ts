import { setup } from 'xstate';
import { assert, fail } from '../../../engine/assert.ts';
import { effect, delay, guard } from '../../machine/define.ts';
import { typedUpdate as update } from '../typed-update.ts';

/**
 * Zincati, Fedora CoreOS's update agent (coreos/zincati src/update_agent/), its finalization
 * side on one node. Zincati's refresh loop (actor.rs RefreshTick) walks StartState ->
 * Initialized -> ReportedSteady -> NoNewUpdate/UpdateAvailable -> UpdateStaged ->
 * UpdateFinalized, ticking again at once after a change of state (should_tick_immediately) and
 * otherwise after get_refresh_delay plus add_jitter. Its Cincinnati checks and the staging of
 * the update (rpm-ostree deploy) are the node's update checks (the world gives a Zincati node
 * Zincati's check timing, sim/model/node/zincati-timing.ts); this machine starts where the
 * update is staged (REBOOT_NEEDED), and at boot:
 *
 * 1. At start (the node booted): tick_report_steady. `fleet-lock` reports steady state to the
 *    FleetLock server (src/strategy/fleet_lock.rs report_steady -> POST /v1/steady-state,
 *    airlock's UnlockIfHeld: a node that holds no slot gets OK too), so a node that rebooted
 *    holding the lock releases it here. A failure is tried again at the next tick
 *    (DEFAULT_REFRESH_PERIOD_SECS = 300 s + jitter). `immediate` and `periodic` are steady at
 *    once (their report_steady is `true`).
 * 2. Once steady and an update is staged: tick_finalize_update asks the strategy's
 *    can_finalize, in the same instant the update got staged (a change of state ticks at once):
 *    - immediate (src/strategy/immediate.rs): always yes;
 *    - fleet-lock: POST /v1/pre-reboot (airlock RecursiveLock: a holder asking again gets OK);
 *    - periodic (src/strategy/periodic.rs): is now inside one of the weekly windows, read on the
 *      node's clock in its time zone (UTC unless set)?
 *    Yes: finalize (rpm-ostree finalize-deployment reboots the node). No (or an error): stay
 *    UpdateStaged and ask again at the next tick, 300 s + jitter later (get_refresh_delay for
 *    UpdateStaged: DEFAULT_REFRESH_PERIOD_SECS). Never a backoff, never a queue.
 *
 * Not modelled: interactive user sessions postponing a finalization (usersessions_can_finalize;
 * a fleet's nodes have no logged-in users), the end state after a finalization that did not
 * reboot.
 *
 * States: stopped (initial), reportSteady, unlocking, unlockDraw, unlockWait, steady,
 * finalizing, gating, locking, finalizeDraw, finalizeWait, rebooting.
 *
 * Events (numeric fields; the world answers every effect later, never synchronously):
 * - BOOTED {}: the OS is up (staged = 0: the update it staged is the one it booted).
 * - REBOOT_NEEDED {windowWaitMs}: an update is staged (windowWaitMs not read: periodic reads
 *   the window at its ticks).
 * - UNIFORM {u}: the world's uniform draw in [0, 1) for add_jitter.
 * - GATES {windowWaitMs, blocked}: the answer to checkGates: time until the window opens (0 =
 *   open now, on the node's clock); `blocked` is kured's and not read.
 * - LOCK_GRANTED, LOCK_DENIED {windowWaitMs}, LOCK_RELEASED, RELEASE_FAILED: the FleetLock
 *   server's answers (windowWaitMs not read).
 * - STOP {}: the node goes down -> stopped (holdsLock kept: the slot stays the node's until it
 *   is back and reports steady, or an operator clears it).
 *
 * Effects: drawUniform, checkGates, acquireLock (pre-reboot), releaseLock (steady-state),
 * reboot (finalize).
 */
export const ZINCATI_STATE = Object.freeze({
  STOPPED: 'stopped',
  STEADY: 'steady',
  UNLOCK_WAIT: 'unlockWait',
  LOCKING: 'locking',
  FINALIZE_WAIT: 'finalizeWait',
  REBOOTING: 'rebooting',
});

/** The strategy codes of the registry's Zincati row (sim/agents/registry.ts ZINCATI). */
export const ZINCATI_STRATEGY = Object.freeze({ IMMEDIATE: 0, FLEET_LOCK: 1, PERIODIC: 2 });

/** src/update_agent/mod.rs DEFAULT_REFRESH_PERIOD_SECS: the tick of every state but the steady ones. */
export const ZINCATI_REFRESH_PERIOD_MS = 300_000;

export type ZincatiContext = {
  /** ZINCATI_STRATEGY. */
  strategy: number;
  /** 1 while an update is staged and not yet finalized. */
  staged: number;
  /** 1 while this node holds a FleetLock slot. */
  holdsLock: number;
  /** Delay of the pending tick. */
  waitMs: number;
};

export type ZincatiEvent =
  | { type: 'BOOTED' }
  | { type: 'REBOOT_NEEDED'; windowWaitMs: number }
  | { type: 'UNIFORM'; u: number }
  | { type: 'GATES'; windowWaitMs: number; blocked: number }
  | { type: 'LOCK_GRANTED' }
  | { type: 'LOCK_DENIED'; windowWaitMs: number }
  | { type: 'LOCK_RELEASED' }
  | { type: 'RELEASE_FAILED' }
  | { type: 'STOP' };

export const ZINCATI_EFFECTS = Object.freeze(['drawUniform', 'checkGates', 'acquireLock', 'releaseLock', 'reboot'] as const);

export const ZINCATI_EVENTS = Object.freeze(['BOOTED', 'REBOOT_NEEDED', 'UNIFORM', 'GATES', 'LOCK_GRANTED', 'LOCK_DENIED', 'LOCK_RELEASED', 'RELEASE_FAILED', 'STOP'] as const);

export const ZINCATI_DEFAULTS: Readonly<ZincatiContext> = Object.freeze({
  strategy: ZINCATI_STRATEGY.IMMEDIATE,
  staged: 0,
  holdsLock: 0,
  waitMs: 0,
});

/**
 * src/update_agent/actor.rs add_jitter: `secs + max(secs / 100, 1) * r` with r uniform in
 * 0..=10 (whole seconds: 300 s gives 300, 303, ... 330 s), r drawn from `u` in [0, 1).
 */
export function zincatiJitteredMs(periodMs: number, u: number): number {
  if (!(u >= 0 && u < 1)) fail(`UNIFORM.u must be in [0, 1), got ${u}`);
  const secs = Math.floor(periodMs / 1000);
  const r = Math.floor(u * 11);
  return (secs + Math.max(Math.floor(secs / 100), 1) * r) * 1000;
}

type Ctx = ZincatiContext;
type Ev = ZincatiEvent;

const guards = {
  fleetLock: guard<Ctx, Ev>((ctx) => ctx.strategy === ZINCATI_STRATEGY.FLEET_LOCK),
  immediate: guard<Ctx, Ev>((ctx) => ctx.strategy === ZINCATI_STRATEGY.IMMEDIATE),
  staged: guard<Ctx, Ev>((ctx) => ctx.staged === 1),
  windowOpen: guard<Ctx, Ev>((_ctx, e) => (e as Extract<Ev, { type: 'GATES' }>).windowWaitMs === 0),
};

const actions = {
  booted: update<Ctx, Ev>(() => ({ staged: 0 })),
  staged: update<Ctx, Ev>(() => ({ staged: 1 })),
  nextTick: update<Ctx, Ev>((_ctx, e) => ({ waitMs: zincatiJitteredMs(ZINCATI_REFRESH_PERIOD_MS, (e as { u: number }).u) })),
  gates: update<Ctx, Ev>((_ctx, e) => {
    const { windowWaitMs } = e as Extract<Ev, { type: 'GATES' }>;
    if (!(windowWaitMs >= 0 && windowWaitMs !== Infinity)) fail(`GATES.windowWaitMs must be finite and >= 0, got ${windowWaitMs}`);
    return {};
  }),
  lockGranted: update<Ctx, Ev>(() => ({ holdsLock: 1 })),
  lockReleased: update<Ctx, Ev>(() => ({ holdsLock: 0 })),
  drawUniform: effect<Ctx, Ev>(),
  checkGates: effect<Ctx, Ev>(),
  acquireLock: effect<Ctx, Ev>(),
  releaseLock: effect<Ctx, Ev>(),
  reboot: effect<Ctx, Ev>(),
};

const delays = {
  waitMs: delay<Ctx, Ev>((ctx) => ctx.waitMs),
};

const stop = { STOP: { target: 'stopped' } } as const;
/** rpm-ostree stages the update whatever the finalization side is doing. */
const staged = { REBOOT_NEEDED: { actions: 'staged' } } as const;
/** A pre-reboot answered after the node went down and came back: the slot is the node's. */
const lateGrant = { LOCK_GRANTED: { actions: 'lockGranted' } } as const;
const running = { ...stop, ...staged, ...lateGrant } as const;

export function createZincatiMachine(overrides: Partial<ZincatiContext> = {}) {
  const context: ZincatiContext = { ...ZINCATI_DEFAULTS, ...overrides };
  assert((Object.values(ZINCATI_STRATEGY) as number[]).includes(context.strategy), `strategy must be a ZINCATI_STRATEGY code, got ${context.strategy}`);
  return setup({
    types: { context: {} as ZincatiContext, events: {} as ZincatiEvent },
    guards,
    actions,
    delays,
  }).createMachine({
    id: 'zincati',
    initial: 'stopped',
    context,
    states: {
      stopped: {
        on: {
          BOOTED: { target: 'reportSteady', actions: 'booted' },
          // Answers to requests made before the node went down.
          LOCK_GRANTED: { actions: 'lockGranted' },
          LOCK_RELEASED: { actions: 'lockReleased' },
        },
      },
      // tick_report_steady: only fleet-lock has something to report.
      reportSteady: {
        on: { ...running },
        always: [{ guard: 'fleetLock', target: 'unlocking' }, { target: 'steady' }],
      },
      unlocking: {
        entry: 'releaseLock',
        on: {
          ...running,
          LOCK_RELEASED: { target: 'steady', actions: 'lockReleased' },
          RELEASE_FAILED: { target: 'unlockDraw' },
        },
      },
      unlockDraw: {
        entry: 'drawUniform',
        on: { ...running, UNIFORM: { target: 'unlockWait', actions: 'nextTick' } },
      },
      unlockWait: {
        on: { ...running },
        after: { waitMs: { target: 'unlocking' } },
      },
      // ReportedSteady / NoNewUpdate: the update checks run; a staged update finalizes at once.
      steady: {
        on: { ...stop, ...lateGrant, REBOOT_NEEDED: { target: 'finalizing', actions: 'staged' } },
        always: { guard: 'staged', target: 'finalizing' },
      },
      // tick_finalize_update: the strategy's can_finalize.
      finalizing: {
        on: { ...running },
        always: [{ guard: 'immediate', target: 'rebooting' }, { guard: 'fleetLock', target: 'locking' }, { target: 'gating' }],
      },
      gating: {
        entry: 'checkGates',
        on: {
          ...running,
          GATES: [
            { guard: 'windowOpen', target: 'rebooting', actions: 'gates' },
            { target: 'finalizeDraw', actions: 'gates' },
          ],
        },
      },
      locking: {
        entry: 'acquireLock',
        on: {
          ...running,
          LOCK_GRANTED: { target: 'rebooting', actions: 'lockGranted' },
          LOCK_DENIED: { target: 'finalizeDraw' },
        },
      },
      finalizeDraw: {
        entry: 'drawUniform',
        on: { ...running, UNIFORM: { target: 'finalizeWait', actions: 'nextTick' } },
      },
      finalizeWait: {
        on: { ...running },
        after: { waitMs: { target: 'finalizing' } },
      },
      rebooting: {
        entry: 'reboot',
        on: { ...running },
      },
    },
  });
}

export const zincatiMachine = createZincatiMachine();
export type ZincatiMachine = typeof zincatiMachine;
