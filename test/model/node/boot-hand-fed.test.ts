import { describe, expect, it } from 'vitest';
import type { CompiledRuntime } from '../../../sim/model/machine/runtime.ts';
import {
  BOOT_EFFECTS,
  BOOT_KIND,
  BOOT_STATE,
  bootedVersionOf,
  bootReportOf,
  canRollBack,
  createBootMachine,
  BOOT_DEFAULTS,
  type BootContext,
} from '../../../sim/model/node/boot.ts';
import { SLOT_A, SLOT_B } from '../../../sim/model/node/gptprio.ts';
import { nodeMachines } from '../../../sim/model/node/machines.ts';
import { compiledInstance, MachineHarness, SECOND_MS } from './harness.ts';

// Hand-fed cases for the boot machine's edges: the checks on its initial context and on the
// events the world sends (run on the compiled runtime, which throws synchronously, as the world
// runs it), canRollBack on both slots, bootReportOf, and the `unbootable` state, which a table
// whose fallback has priority 0 reaches (GRUB gptprio.c grub_find_next never picks priority 0).

/** The boot machine on the compiled runtime, one instance, with timers and effects ignored. */
function compiledBoot(overrides: Partial<BootContext> = {}): CompiledRuntime {
  return compiledInstance(createBootMachine(overrides), nodeMachines.boot.fields);
}

/** A node found up a while at t = 0: running.good on USR-A, ready for REBOOT and POST_INSTALL. */
function warmCompiledBoot(): CompiledRuntime {
  const runtime = compiledBoot();
  runtime.send(0, { type: 'START_WARM' });
  expect(runtime.stateName(0)).toBe(BOOT_STATE.RUNNING_GOOD);
  return runtime;
}

const reboot = { type: 'REBOOT', drainMs: 0, shutdownMs: 2 * SECOND_MS, bootMs: 3 * SECOND_MS };

describe('bootReportOf: what update_engine reports after each kind of boot', () => {
  it('reports nothing after a normal boot, 3/2 after a trial boot and error 44 after a rollback, and refuses any other kind', () => {
    // omaha.ts: BOOT_REPORT.NONE 0, SUCCESS_REBOOT = Omaha result 2, ROLLBACK = error code 44.
    expect(bootReportOf(BOOT_KIND.NORMAL)).toBe(0);
    expect(bootReportOf(BOOT_KIND.TRIAL)).toBe(2);
    expect(bootReportOf(BOOT_KIND.ROLLBACK)).toBe(44);
    expect(() => bootReportOf(3)).toThrow('unknown bootKind 3');
    expect(() => bootReportOf(-1)).toThrow('unknown bootKind -1');
  });
});

describe('canRollBack: the other partition must hold a version and be known good', () => {
  const base: BootContext = { ...BOOT_DEFAULTS };

  it('booted on USR-A, it reads USR-B: an empty USR-B is no rollback target even with successful = 1', () => {
    // other = B; bVersion -1 (empty) -> false whatever A holds.
    expect(canRollBack({ ...base, bootedSlot: SLOT_A, aVersion: 0, bVersion: -1, bSuccessful: 1, bPriority: 1 })).toBe(false);
    // B holds version 1 and is known good -> true.
    expect(canRollBack({ ...base, bootedSlot: SLOT_A, aVersion: 0, bVersion: 1, bSuccessful: 1, bPriority: 1 })).toBe(true);
    // B holds version 1 but is an install waiting for its try (successful 0) -> false.
    expect(canRollBack({ ...base, bootedSlot: SLOT_A, aVersion: 0, bVersion: 1, bSuccessful: 0, bTries: 1, bPriority: 2 })).toBe(false);
  });

  it('booted on USR-B, it reads USR-A: an empty USR-A is no rollback target, a good one is', () => {
    // other = A; aVersion -1 -> false even though B (the booted one) holds version 1.
    expect(canRollBack({ ...base, bootedSlot: SLOT_B, aVersion: -1, aSuccessful: 1, bVersion: 1, bSuccessful: 1, bPriority: 2 })).toBe(false);
    // A holds version 0 and is known good -> true, even with an empty-looking B record.
    expect(canRollBack({ ...base, bootedSlot: SLOT_B, aVersion: 0, aSuccessful: 1, bVersion: -1, bSuccessful: 1, bPriority: 2 })).toBe(true);
  });
});

describe('createBootMachine checks its initial context', () => {
  it('rejects a table with no bootable partition even when the booted one is marked good (gptprio never picks priority 0)', () => {
    // A: priority 0, successful 1 -> not bootable; B: priority 0 -> not bootable.
    expect(() => createBootMachine({ aPriority: 0 })).toThrow('the initial partition table must have a bootable partition');
  });

  it('rejects a booted slot other than 0 or 1, and accepts USR-B as the booted slot', () => {
    expect(() => createBootMachine({ bootedSlot: 2 })).toThrow('bootedSlot must be 0 or 1, got 2');
    expect(() => createBootMachine({ bootedSlot: -1 })).toThrow('bootedSlot must be 0 or 1, got -1');
    const onB = new MachineHarness(createBootMachine({ bootedSlot: SLOT_B, bPriority: 2, bSuccessful: 1, bVersion: 1 }), BOOT_EFFECTS);
    onB.send({ type: 'START_WARM' });
    expect(onB.state).toBe(BOOT_STATE.RUNNING_GOOD);
    expect(bootedVersionOf(onB.context as BootContext)).toBe(1);
  });

  it('rejects a booted partition not marked good, even when some partition is bootable', () => {
    // A: priority 1, tries 1, successful 0 -> bootable by its try, but not known good.
    expect(() => createBootMachine({ aTries: 1, aSuccessful: 0 })).toThrow('the initially booted partition must be marked good');
  });

  it('rejects every duration that is negative, infinite or not a number, naming the field', () => {
    for (const key of ['drainMs', 'shutdownMs', 'bootMs', 'markGoodAfterMs', 'watchdogMs'] as const) {
      expect(() => createBootMachine({ [key]: -1 })).toThrow(`${key} must be finite and >= 0, got -1`);
      expect(() => createBootMachine({ [key]: Infinity })).toThrow(`${key} must be finite and >= 0, got Infinity`);
      expect(() => createBootMachine({ [key]: NaN })).toThrow(`${key} must be finite and >= 0, got NaN`);
      expect(() => createBootMachine({ [key]: 0 })).not.toThrow();
    }
  });

  it('rejects an autoRollback flag other than 0 or 1', () => {
    expect(() => createBootMachine({ autoRollback: 2 })).toThrow('autoRollback must be 0 or 1');
    expect(() => createBootMachine({ autoRollback: 0 })).not.toThrow();
  });
});

describe('the boot machine checks the events the world sends (compiled runtime)', () => {
  it('REBOOT refuses a negative or infinite duration, naming the field', () => {
    expect(() => warmCompiledBoot().send(0, { ...reboot, drainMs: -1 })).toThrow('REBOOT.drainMs must be finite and >= 0, got -1');
    expect(() => warmCompiledBoot().send(0, { ...reboot, drainMs: Infinity })).toThrow('REBOOT.drainMs must be finite and >= 0, got Infinity');
    expect(() => warmCompiledBoot().send(0, { ...reboot, shutdownMs: -1 })).toThrow('REBOOT.shutdownMs must be finite and >= 0, got -1');
    expect(() => warmCompiledBoot().send(0, { ...reboot, shutdownMs: Infinity })).toThrow('REBOOT.shutdownMs must be finite and >= 0, got Infinity');
    expect(() => warmCompiledBoot().send(0, { ...reboot, bootMs: -1 })).toThrow('REBOOT.bootMs must be finite and >= 0, got -1');
  });

  it('REBOOT with zero drain goes straight to shuttingDown, with the durations it carried', () => {
    const runtime = warmCompiledBoot();
    runtime.send(0, { ...reboot, shutdownMs: 7, bootMs: 11 });
    expect(runtime.stateName(0)).toBe(BOOT_STATE.SHUTTING_DOWN);
    expect(runtime.context(0)).toMatchObject({ drainMs: 0, shutdownMs: 7, bootMs: 11 });
  });

  it('POWER_ON refuses a negative boot time', () => {
    expect(() => compiledBoot().send(0, { type: 'POWER_ON', bootMs: -5 })).toThrow('POWER_ON.bootMs must be finite and >= 0, got -5');
  });

  it('POST_INSTALL refuses a version that is not an index (negative or fractional) and a bad flag other than 0 or 1', () => {
    const postInstall = { type: 'POST_INSTALL', version: 1, bad: 0 };
    expect(() => warmCompiledBoot().send(0, { ...postInstall, version: -1 })).toThrow('POST_INSTALL.version must be a version index, got -1');
    expect(() => warmCompiledBoot().send(0, { ...postInstall, version: 1.5 })).toThrow('POST_INSTALL.version must be a version index, got 1.5');
    expect(() => warmCompiledBoot().send(0, { ...postInstall, bad: 2 })).toThrow('POST_INSTALL.bad must be 0 or 1, got 2');
    // The good cases go through: version 0 is an index, bad 1 a release that hangs here.
    const runtime = warmCompiledBoot();
    runtime.send(0, { ...postInstall, version: 0, bad: 1 });
    expect(runtime.context(0)).toMatchObject({ bVersion: 0, bBad: 1, trialSlot: SLOT_B });
  });
});

describe('unbootable: nothing left for gptprio to pick (gptprio.c grub_find_next)', () => {
  // Booted slot B is known good but has priority 0, so gptprio never picks it; USR-A has one try
  // and nothing else. Boot 1 spends A's try (tries 1 -> 0); a crash before setgoodroot leaves A
  // with tries 0, successful 0 and B with priority 0: no partition qualifies.
  const lastTry: Partial<BootContext> = {
    aPriority: 1, aTries: 1, aSuccessful: 0, aVersion: 1,
    bPriority: 0, bTries: 0, bSuccessful: 1, bVersion: 0,
    bootedSlot: SLOT_B, bootMs: 3 * SECOND_MS, markGoodAfterMs: 45 * SECOND_MS,
  };

  it('after the last try crashes before setgoodroot, the next boot ends unbootable, and only a power cycle leaves it', () => {
    const h = new MachineHarness(createBootMachine(lastTry), BOOT_EFFECTS);
    h.send({ type: 'POWER_ON', bootMs: 3 * SECOND_MS });
    h.runUntil(3 * SECOND_MS);
    expect(h.state).toBe(BOOT_STATE.RUNNING_FRESH);
    expect(h.context).toMatchObject({ bootedSlot: SLOT_A, aTries: 0, aSuccessful: 0 });
    h.runUntil(10 * SECOND_MS);
    h.send({ type: 'CRASH' });
    h.send({ type: 'POWER_ON', bootMs: 3 * SECOND_MS });
    h.runUntil(13 * SECOND_MS);
    expect(h.state).toBe(BOOT_STATE.UNBOOTABLE);
    // The failed boot selected nothing: the context still says the last boot was A's.
    expect(h.context).toMatchObject({ aPriority: 1, aTries: 0, aSuccessful: 0, bPriority: 0, bSuccessful: 1, bootedSlot: SLOT_A });
    // Unbootable stays put however long it waits, and ignores REBOOT and POWER_ON.
    h.runUntil(24 * 3600 * SECOND_MS);
    h.send(reboot);
    h.send({ type: 'POWER_ON', bootMs: 3 * SECOND_MS });
    expect(h.state).toBe(BOOT_STATE.UNBOOTABLE);
    h.send({ type: 'CRASH' });
    expect(h.state).toBe(BOOT_STATE.DOWN);
    expect(h.effects.map((e) => [e.name, e.time])).toEqual([
      ['booted', 3 * SECOND_MS],
      ['wentDown', 10 * SECOND_MS],
      ['unbootable', 13 * SECOND_MS],
      ['wentDown', 24 * 3600 * SECOND_MS],
    ]);
    // Powering on again finds the same table: unbootable again, after bootMs.
    h.send({ type: 'POWER_ON', bootMs: 3 * SECOND_MS });
    h.runFor(3 * SECOND_MS);
    expect(h.state).toBe(BOOT_STATE.UNBOOTABLE);
    expect(h.names().at(-1)).toBe('unbootable');
  });

  it('the compiled runtime reaches the same unbootable state', () => {
    const runtime = compiledBoot(lastTry);
    runtime.send(0, { type: 'POWER_ON', bootMs: 3 * SECOND_MS });
    const bootTimer = runtime.pendingTimers(0)[0];
    runtime.fireTimer(0, bootTimer.timerCode);
    expect(runtime.stateName(0)).toBe(BOOT_STATE.RUNNING_FRESH);
    runtime.send(0, { type: 'CRASH' });
    runtime.send(0, { type: 'POWER_ON', bootMs: 3 * SECOND_MS });
    runtime.fireTimer(0, runtime.pendingTimers(0)[0].timerCode);
    expect(runtime.stateName(0)).toBe(BOOT_STATE.UNBOOTABLE);
    expect(runtime.send(0, { type: 'CRASH' })).toBe(true);
    expect(runtime.stateName(0)).toBe(BOOT_STATE.DOWN);
  });
});
