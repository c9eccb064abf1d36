import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import {
  REBOOT_MANAGER_DEFAULTS,
  REBOOT_MANAGER_STATE,
  REBOOT_STRATEGY,
  createRebootManagerMachine,
  type RebootManagerContext,
  type RebootManagerEvent,
} from '../../../../sim/model/node/agents/locksmithd.ts';
import { assertionFrom } from '../../../assertion-from.ts';
import { HOUR_MS, SECOND_MS } from '../harness.ts';

// Hand-fed checks of what the reboot manager accepts: its initial context (strategy codes of the
// registry, 0 < backoffInitialMs <= backoffMaxMs, flags 0 or 1) and the window waits its events
// carry (finite, >= 0). Events go through xstate's pure `transition`, which throws the
// AssertionError of a rejected payload synchronously (an actor would swallow it into its error
// status).

type Machine = ReturnType<typeof createRebootManagerMachine>;

/** The snapshot after `events`, from the machine's initial state. */
function after(machine: Machine, events: readonly RebootManagerEvent[]): AnyMachineSnapshot {
  let [snapshot] = initialTransition(machine);
  for (const event of events) [snapshot] = transition(machine, snapshot, event);
  return snapshot as AnyMachineSnapshot;
}

function creationError(overrides: Partial<RebootManagerContext>): string {
  return assertionFrom(() => createRebootManagerMachine(overrides)).message;
}

const etcd = () => createRebootManagerMachine({ strategy: REBOOT_STRATEGY.ETCD_LOCK });
const idle: RebootManagerEvent[] = [{ type: 'BOOTED', warm: 1 }];

describe('reboot manager inputs (hand-fed)', () => {
  it("accepts each of locksmithd's four strategy codes (README: reboot 0, off 1, etcd-lock 2, fleet-lock 3) and refuses any other, listing them", () => {
    for (const strategy of [0, 1, 2, 3]) expect(createRebootManagerMachine({ strategy }).config.context).toMatchObject({ strategy });
    expect(creationError({ strategy: 4 })).toBe("strategy must be one of locksmithd's codes (0, 1, 2, 3), got 4");
    expect(creationError({ strategy: -1 })).toBe("strategy must be one of locksmithd's codes (0, 1, 2, 3), got -1");
  });

  it('refuses a lock retry that starts at 0 ms (expBackoff of 0 would retry in a busy loop)', () => {
    expect(creationError({ backoffInitialMs: 0 })).toBe('backoffInitialMs must be > 0, got 0');
    expect(creationError({ backoffInitialMs: -5 })).toBe('backoffInitialMs must be > 0, got -5');
  });

  it('refuses a retry cap below the first retry, and accepts a cap equal to it (a constant retry, as kured ticks)', () => {
    expect(creationError({ backoffInitialMs: 10 * SECOND_MS, backoffMaxMs: 9 * SECOND_MS })).toBe('backoffMaxMs must be >= backoffInitialMs');
    const flat = createRebootManagerMachine({ strategy: REBOOT_STRATEGY.ETCD_LOCK, backoffMs: HOUR_MS, backoffInitialMs: HOUR_MS, backoffMaxMs: HOUR_MS });
    // A denial: min(2 x 1 h, 1 h) = 1 h, the cap.
    const s = after(flat, [...idle, { type: 'REBOOT_NEEDED', windowWaitMs: 0 }, { type: 'LOCK_DENIED', windowWaitMs: 0 }]);
    expect(s.value).toBe(REBOOT_MANAGER_STATE.BACKOFF);
    expect(s.context).toMatchObject({ backoffMs: HOUR_MS, waitMs: HOUR_MS });
  });

  it('takes holdsLock and rebootPending of 0 or 1 and refuses other values, naming the field', () => {
    expect(createRebootManagerMachine({ holdsLock: 1 }).config.context).toMatchObject({ holdsLock: 1 });
    expect(createRebootManagerMachine({ holdsLock: 0 }).config.context).toMatchObject({ holdsLock: 0 });
    expect(createRebootManagerMachine({ rebootPending: 1 }).config.context).toMatchObject({ rebootPending: 1 });
    expect(createRebootManagerMachine({ rebootPending: 0 }).config.context).toMatchObject({ rebootPending: 0 });
    expect(creationError({ holdsLock: 2 })).toBe('holdsLock must be 0 or 1, got 2');
    expect(creationError({ holdsLock: -1 })).toBe('holdsLock must be 0 or 1, got -1');
    expect(creationError({ rebootPending: 2 })).toBe('rebootPending must be 0 or 1, got 2');
  });

  it('starts from the registry defaults: etcd-lock, retry 5 s up to 5 min, no lock held (locksmithctl/daemon.go initialInterval, maxInterval)', () => {
    expect(etcd().config.context).toEqual({ ...REBOOT_MANAGER_DEFAULTS });
    expect(REBOOT_MANAGER_DEFAULTS).toEqual({
      strategy: 2,
      backoffMs: 5_000,
      backoffInitialMs: 5_000,
      backoffMaxMs: 300_000,
      waitMs: 0,
      holdsLock: 0,
      rebootPending: 0,
    });
  });

  it('refuses an update whose window wait is negative or infinite, in idle, naming the event', () => {
    for (const [wait, shown] of [[-1, '-1'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'], [Number.NaN, 'NaN']] as const) {
      expect(assertionFrom(() => after(etcd(), [...idle, { type: 'REBOOT_NEEDED', windowWaitMs: wait }])).message).toBe(
        `REBOOT_NEEDED.windowWaitMs must be finite and >= 0, got ${shown}`,
      );
    }
  });

  it('refuses a denial whose window wait is negative or infinite, naming LOCK_DENIED', () => {
    const locking: RebootManagerEvent[] = [...idle, { type: 'REBOOT_NEEDED', windowWaitMs: 0 }];
    expect(after(etcd(), locking).value).toBe(REBOOT_MANAGER_STATE.LOCKING);
    expect(assertionFrom(() => after(etcd(), [...locking, { type: 'LOCK_DENIED', windowWaitMs: -2 }])).message).toBe(
      'LOCK_DENIED.windowWaitMs must be finite and >= 0, got -2',
    );
    expect(assertionFrom(() => after(etcd(), [...locking, { type: 'LOCK_DENIED', windowWaitMs: Infinity }])).message).toBe(
      'LOCK_DENIED.windowWaitMs must be finite and >= 0, got Infinity',
    );
  });

  it('refuses a bad window wait also when the update comes while an unlock request is in flight (releasing)', () => {
    // Cold boot under etcd-lock: unlockWait, its 5 s timer would lead to releasing; a grant in
    // idle leads there at once (the slot is released).
    const releasing: RebootManagerEvent[] = [...idle, { type: 'LOCK_GRANTED' }];
    expect(after(etcd(), releasing).value).toBe(REBOOT_MANAGER_STATE.RELEASING);
    expect(assertionFrom(() => after(etcd(), [...releasing, { type: 'REBOOT_NEEDED', windowWaitMs: -3 }])).message).toBe(
      'REBOOT_NEEDED.windowWaitMs must be finite and >= 0, got -3',
    );
    expect(assertionFrom(() => after(etcd(), [...releasing, { type: 'REBOOT_NEEDED', windowWaitMs: Infinity }])).message).toBe(
      'REBOOT_NEEDED.windowWaitMs must be finite and >= 0, got Infinity',
    );
  });

  it('accepts a window wait of exactly 0 (window open) and a large finite one', () => {
    expect(after(etcd(), [...idle, { type: 'REBOOT_NEEDED', windowWaitMs: 0 }]).value).toBe(REBOOT_MANAGER_STATE.LOCKING);
    const waiting = after(etcd(), [...idle, { type: 'REBOOT_NEEDED', windowWaitMs: 7 * 24 * HOUR_MS }]);
    expect(waiting.value).toBe(REBOOT_MANAGER_STATE.WAITING_FOR_WINDOW);
    expect(waiting.context.waitMs).toBe(7 * 24 * HOUR_MS);
  });
});
