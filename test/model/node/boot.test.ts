import fc from 'fast-check';
import { reach } from '../../reach.ts';
import { describe, expect, it } from 'vitest';
import {
  BOOT_EFFECTS,
  BOOT_KIND,
  BOOT_STATE,
  bootedVersionOf,
  bootReportOf,
  createBootMachine,
  gptTableOf,
  type BootContext,
} from '../../../sim/model/node/boot.ts';
import { isBootable, SLOT_A, SLOT_B, SLOT_NONE } from '../../../sim/model/node/gptprio.ts';
import { BOOT_REPORT } from '../../../sim/model/node/omaha.ts';
import { MachineHarness, SECOND_MS } from './harness.ts';

// The power/boot machine as an xstate actor on the simulation clock: boots through GRUB gptprio,
// the one-try rule of a new partition and its automatic rollback (hang + watchdog, crash, and a
// reboot within markGoodAfter: coreos/bugs#262), crashes in every state, and a property over
// random sequences of REBOOT/CRASH/POWER_ON/POST_INSTALL and timer firings: never unbootable,
// always a known-good partition outside booting.

const BOOT_MS = 3 * SECOND_MS;
const SHUTDOWN_MS = 2 * SECOND_MS;
const MARK_GOOD_MS = 45 * SECOND_MS;
const WATCHDOG_MS = 120 * SECOND_MS;
const reboot = { type: 'REBOOT', drainMs: 0, shutdownMs: SHUTDOWN_MS, bootMs: BOOT_MS };

function node(overrides: Partial<BootContext> = {}): MachineHarness {
  return new MachineHarness(
    createBootMachine({ bootMs: BOOT_MS, shutdownMs: SHUTDOWN_MS, markGoodAfterMs: MARK_GOOD_MS, watchdogMs: WATCHDOG_MS, ...overrides }),
    BOOT_EFFECTS,
  );
}

/** A node up a while on USR-A, version 0. */
function warmNode(overrides: Partial<BootContext> = {}): MachineHarness {
  const h = node(overrides);
  h.send({ type: 'START_WARM' });
  return h;
}

function ctx(h: MachineHarness): BootContext {
  return h.context as BootContext;
}

describe('power and boot (GRUB gptprio, flatcar-setgoodroot)', () => {
  it('starts off; a warm start is running.good on USR-A without booting', () => {
    const h = node();
    expect(h.state).toBe(BOOT_STATE.OFF);
    h.send({ type: 'START_WARM' });
    expect(h.state).toBe(BOOT_STATE.RUNNING_GOOD);
    expect(h.names()).toEqual(['startedWarm']);
    expect(bootedVersionOf(ctx(h))).toBe(0);
  });

  it('a cold start boots USR-A after bootMs, then marks it good after markGoodAfterMs', () => {
    const h = node();
    h.send({ type: 'POWER_ON', bootMs: 4 * SECOND_MS });
    expect(h.state).toBe(BOOT_STATE.BOOTING);
    h.runUntil(4 * SECOND_MS);
    expect(h.state).toBe(BOOT_STATE.RUNNING_FRESH);
    h.runUntil(4 * SECOND_MS + MARK_GOOD_MS);
    expect(h.state).toBe(BOOT_STATE.RUNNING_GOOD);
    expect(h.effects.map((e) => [e.name, e.time])).toEqual([
      ['booted', 4 * SECOND_MS],
      ['markedGood', 4 * SECOND_MS + MARK_GOOD_MS],
    ]);
    expect(h.named('booted')[0].context).toMatchObject({ bootedSlot: SLOT_A, bootKind: BOOT_KIND.NORMAL });
  });

  it('postinstall writes USR-B with one try and the top priority (update_engine postinstall, cgpt)', () => {
    const h = warmNode();
    h.send({ type: 'POST_INSTALL', version: 1, bad: 0 });
    expect(h.state).toBe(BOOT_STATE.RUNNING_GOOD);
    expect(ctx(h)).toMatchObject({
      aPriority: 1, aTries: 0, aSuccessful: 1, aVersion: 0,
      bPriority: 2, bTries: 1, bSuccessful: 0, bVersion: 1, bBad: 0,
      trialSlot: SLOT_B,
    });
  });

  it('reboots into the new partition (a trial boot, reported 3/2), which setgoodroot then marks good', () => {
    const h = warmNode();
    h.send({ type: 'POST_INSTALL', version: 1, bad: 0 });
    h.send(reboot);
    expect(h.state).toBe(BOOT_STATE.SHUTTING_DOWN);
    h.runUntil(SHUTDOWN_MS + BOOT_MS);
    expect(h.state).toBe(BOOT_STATE.RUNNING_FRESH);
    const booted = h.named('booted')[0];
    expect(booted.time).toBe(SHUTDOWN_MS + BOOT_MS);
    expect(booted.context).toMatchObject({ bootedSlot: SLOT_B, bootKind: BOOT_KIND.TRIAL, bTries: 0 });
    expect(bootReportOf(booted.context.bootKind)).toBe(BOOT_REPORT.SUCCESS_REBOOT);
    h.runFor(MARK_GOOD_MS);
    expect(ctx(h)).toMatchObject({ bSuccessful: 1, bTries: 0, trialSlot: SLOT_NONE });
    // The next reboot is an ordinary one on the new version.
    h.send(reboot);
    h.runFor(SHUTDOWN_MS + BOOT_MS);
    expect(h.named('booted')[1].context).toMatchObject({ bootedSlot: SLOT_B, bootKind: BOOT_KIND.NORMAL, bVersion: 1 });
  });

  it('a manual rollback (Flatcar docs "Manual rollbacks": cgpt prioritize the other USR partition, then reboot) boots the previous version as an ordinary boot, with no report', () => {
    const h = warmNode();
    h.send({ type: 'POST_INSTALL', version: 1, bad: 0 });
    h.send(reboot);
    h.runFor(SHUTDOWN_MS + BOOT_MS + MARK_GOOD_MS);
    expect(ctx(h)).toMatchObject({ bootedSlot: SLOT_B, bVersion: 1, aVersion: 0, aSuccessful: 1 });
    h.send({ type: 'PRIORITIZE_OTHER' });
    expect(ctx(h)).toMatchObject({ aPriority: 3, bPriority: 2 });
    h.send(reboot);
    h.runFor(SHUTDOWN_MS + BOOT_MS);
    const booted = h.named('booted')[1].context;
    expect(booted).toMatchObject({ bootedSlot: SLOT_A, bootKind: BOOT_KIND.NORMAL });
    expect(bootedVersionOf(booted as unknown as BootContext)).toBe(0);
    expect(bootReportOf(booted.bootKind)).toBe(BOOT_REPORT.NONE);
  });

  it('a manual rollback is refused when the other partition is not known good: none written yet, or an install waiting for its one try', () => {
    const fresh = warmNode();
    fresh.send({ type: 'PRIORITIZE_OTHER' });
    expect(ctx(fresh)).toMatchObject({ aPriority: 1, bPriority: 0 });
    const pending = warmNode();
    pending.send({ type: 'POST_INSTALL', version: 1, bad: 1 });
    const before = { ...ctx(pending) };
    pending.send({ type: 'PRIORITIZE_OTHER' });
    expect(ctx(pending)).toEqual(before);
  });

  it('a release that hangs on this hardware is rolled back by the watchdog, reported 3/0 error 44', () => {
    const h = warmNode();
    h.send({ type: 'POST_INSTALL', version: 1, bad: 1 });
    h.send(reboot);
    h.runUntil(SHUTDOWN_MS + BOOT_MS);
    expect(h.state).toBe(BOOT_STATE.HUNG);
    expect(h.named('booted')).toEqual([]);
    expect(h.named('hung')[0].context).toMatchObject({ bootedSlot: SLOT_B, bootKind: BOOT_KIND.TRIAL });
    h.runFor(WATCHDOG_MS + BOOT_MS);
    expect(h.state).toBe(BOOT_STATE.RUNNING_FRESH);
    const booted = h.named('booted')[0];
    expect(booted.time).toBe(SHUTDOWN_MS + BOOT_MS + WATCHDOG_MS + BOOT_MS);
    expect(booted.context).toMatchObject({ bootedSlot: SLOT_A, bootKind: BOOT_KIND.ROLLBACK, trialSlot: SLOT_NONE });
    expect(bootReportOf(booted.context.bootKind)).toBe(BOOT_REPORT.ROLLBACK);
    // Reported once: the next boot is ordinary, still on the old version.
    h.runFor(MARK_GOOD_MS);
    h.send(reboot);
    h.runFor(SHUTDOWN_MS + BOOT_MS);
    expect(h.named('booted')[1].context).toMatchObject({ bootedSlot: SLOT_A, bootKind: BOOT_KIND.NORMAL, aVersion: 0 });
  });

  it('without automatic rollback (Fedora CoreOS, coreos/fedora-coreos-tracker#47) a hung boot stays hung past the watchdog and through a power cycle, until the operator boots the previous deployment', () => {
    const h = warmNode({ autoRollback: 0 });
    h.send({ type: 'POST_INSTALL', version: 1, bad: 1 });
    h.send(reboot);
    h.runUntil(SHUTDOWN_MS + BOOT_MS + 10 * WATCHDOG_MS);
    expect(h.state).toBe(BOOT_STATE.HUNG);
    expect(h.named('booted')).toEqual([]);
    // A power cycle boots the same failing deployment again: nothing counted the attempt.
    h.send({ type: 'CRASH' });
    h.send({ type: 'POWER_ON', bootMs: BOOT_MS });
    h.runFor(BOOT_MS + WATCHDOG_MS);
    expect(h.state).toBe(BOOT_STATE.HUNG);
    expect(h.named('hung').map((e) => e.context.bootedSlot)).toEqual([SLOT_B, SLOT_B]);
    // The operator's rollback: the previous deployment boots, reported as a rollback.
    const at = h.sim.now;
    h.send({ type: 'PRIORITIZE_OTHER' });
    h.runFor(BOOT_MS);
    expect(h.state).toBe(BOOT_STATE.RUNNING_FRESH);
    expect(h.named('booted')[0]).toMatchObject({ time: at + BOOT_MS, context: { bootedSlot: SLOT_A, bootKind: BOOT_KIND.ROLLBACK, aVersion: 0 } });
  });

  it('with automatic rollback (Flatcar) the operator cannot act on a hung node: the watchdog does', () => {
    const h = warmNode();
    h.send({ type: 'POST_INSTALL', version: 1, bad: 1 });
    h.send(reboot);
    h.runUntil(SHUTDOWN_MS + BOOT_MS);
    h.send({ type: 'PRIORITIZE_OTHER' });
    expect(h.state).toBe(BOOT_STATE.HUNG);
  });

  it('a reboot within markGoodAfter of booting the new partition rolls back (coreos/bugs#262)', () => {
    const h = warmNode();
    h.send({ type: 'POST_INSTALL', version: 1, bad: 0 });
    h.send(reboot);
    h.runUntil(SHUTDOWN_MS + BOOT_MS + MARK_GOOD_MS - 1);
    expect(h.state).toBe(BOOT_STATE.RUNNING_FRESH);
    h.send(reboot);
    h.runFor(SHUTDOWN_MS + BOOT_MS);
    expect(h.named('markedGood')).toEqual([]);
    expect(h.named('booted').map((e) => [e.context.bootedSlot, e.context.bootKind])).toEqual([
      [SLOT_B, BOOT_KIND.TRIAL],
      [SLOT_A, BOOT_KIND.ROLLBACK],
    ]);
  });

  it('a reboot just after markGoodAfter keeps the new version', () => {
    const h = warmNode();
    h.send({ type: 'POST_INSTALL', version: 1, bad: 0 });
    h.send(reboot);
    h.runUntil(SHUTDOWN_MS + BOOT_MS + MARK_GOOD_MS);
    h.send(reboot);
    h.runFor(SHUTDOWN_MS + BOOT_MS);
    expect(h.named('booted').map((e) => [e.context.bootedSlot, e.context.bootKind])).toEqual([
      [SLOT_B, BOOT_KIND.TRIAL],
      [SLOT_B, BOOT_KIND.NORMAL],
    ]);
  });

  it('a crash (or power loss) of the trial boot rolls back on the next power-on', () => {
    const h = warmNode();
    h.send({ type: 'POST_INSTALL', version: 1, bad: 0 });
    h.send(reboot);
    h.runUntil(SHUTDOWN_MS + BOOT_MS + 10 * SECOND_MS);
    h.send({ type: 'CRASH' });
    expect(h.state).toBe(BOOT_STATE.DOWN);
    h.send({ type: 'POWER_ON', bootMs: BOOT_MS });
    h.runFor(BOOT_MS);
    expect(h.named('booted')[1].context).toMatchObject({ bootedSlot: SLOT_A, bootKind: BOOT_KIND.ROLLBACK });
  });

  it('postinstall during a fresh boot first marks the booted partition good (update_attempter.cc UpdateBootFlags)', () => {
    const h = warmNode();
    h.send({ type: 'POST_INSTALL', version: 1, bad: 0 });
    h.send(reboot);
    h.runUntil(SHUTDOWN_MS + BOOT_MS + SECOND_MS);
    h.send({ type: 'POST_INSTALL', version: 2, bad: 0 });
    expect(h.state).toBe(BOOT_STATE.RUNNING_GOOD);
    expect(h.names().slice(-1)).toEqual(['markedGood']);
    expect(ctx(h)).toMatchObject({
      bSuccessful: 1, bPriority: 1, bVersion: 1,
      aSuccessful: 0, aTries: 1, aPriority: 2, aVersion: 2,
      trialSlot: SLOT_A,
    });
  });

  it('drains for drainMs before shutting down', () => {
    const h = warmNode();
    h.send({ ...reboot, drainMs: 30 * SECOND_MS });
    expect(h.state).toBe(BOOT_STATE.DRAINING);
    h.runUntil(30 * SECOND_MS - 1);
    expect(h.named('shutdownStarted')).toEqual([]);
    h.runUntil(30 * SECOND_MS);
    expect(h.state).toBe(BOOT_STATE.SHUTTING_DOWN);
    expect(h.named('shutdownStarted').map((e) => e.time)).toEqual([30 * SECOND_MS]);
  });

  it('a crash in any state but down goes down at once, cancels the pending timers, and powers on cleanly', () => {
    const reach: [string, (h: MachineHarness) => void][] = [
      [BOOT_STATE.RUNNING_GOOD, () => {}],
      [BOOT_STATE.RUNNING_FRESH, (h) => { h.send(reboot); h.runFor(SHUTDOWN_MS + BOOT_MS); }],
      [BOOT_STATE.DRAINING, (h) => h.send({ ...reboot, drainMs: 10 * SECOND_MS })],
      [BOOT_STATE.SHUTTING_DOWN, (h) => h.send(reboot)],
      [BOOT_STATE.BOOTING, (h) => { h.send(reboot); h.runFor(SHUTDOWN_MS); }],
      [BOOT_STATE.HUNG, (h) => { h.send({ type: 'POST_INSTALL', version: 1, bad: 1 }); h.send(reboot); h.runFor(SHUTDOWN_MS + BOOT_MS); }],
    ];
    for (const [state, script] of reach) {
      const h = warmNode();
      script(h);
      expect(h.state).toBe(state);
      const before = h.effects.length;
      h.send({ type: 'CRASH' });
      expect(h.state).toBe(BOOT_STATE.DOWN);
      expect(h.names().slice(before)).toEqual(['wentDown']);
      h.runFor(24 * 3_600_000);
      expect(h.effects.length, `no timer of ${state} survives the crash`).toBe(before + 1);
      h.send({ type: 'CRASH' });
      expect(h.effects.length, 'a crash while down changes nothing').toBe(before + 1);
      h.send({ type: 'POWER_ON', bootMs: BOOT_MS });
      h.runFor(BOOT_MS + WATCHDOG_MS + BOOT_MS);
      expect(h.state.startsWith('running.'), `boots again after a crash in ${state}`).toBe(true);
    }
  });

  it('ignores REBOOT and POST_INSTALL outside running', () => {
    const h = node();
    h.send(reboot);
    h.send({ type: 'POST_INSTALL', version: 1, bad: 0 });
    expect(h.state).toBe(BOOT_STATE.OFF);
    expect(ctx(h).bVersion).toBe(-1);
  });

  it('after a crash only a real boot brings the node back: no warm start onto an untried partition (differential-test finding)', () => {
    const h = node();
    h.send({ type: 'START_WARM' });
    h.send({ type: 'POST_INSTALL', version: 1, bad: 0 });
    h.send({ type: 'CRASH' });
    expect(h.state).toBe(BOOT_STATE.DOWN);
    h.send({ type: 'START_WARM' });
    expect(h.state).toBe(BOOT_STATE.DOWN);
    h.send({ type: 'POWER_ON', bootMs: SECOND_MS });
    h.runUntil(h.sim.now + SECOND_MS);
    expect(h.state).toBe(BOOT_STATE.RUNNING_FRESH);
    expect(ctx(h).bootedSlot).toBe(1);
  });

  it('rejects an initial partition table with nothing to boot', () => {
    expect(() => createBootMachine({ aSuccessful: 0 })).toThrow(/bootable|marked good/);
  });
});

describe('boot property: never unbootable, always a known-good partition outside booting', () => {
  type Command =
    | { kind: 'reboot'; drainMs: number; shutdownMs: number; bootMs: number }
    | { kind: 'crash' }
    | { kind: 'powerOn'; bootMs: number }
    | { kind: 'postInstall'; version: number; bad: number }
    | { kind: 'prioritizeOther' }
    | { kind: 'advance'; ms: number };

  const durationMs = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10 * SECOND_MS }));
  // Time steps: mostly shorter than markGoodAfter (so that events land inside a trial boot), some
  // exactly on, just before and just after the machine's own delays, some long.
  const advanceMs = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 40 * SECOND_MS }) },
    { weight: 2, arbitrary: fc.constantFrom(1, BOOT_MS, SHUTDOWN_MS, SHUTDOWN_MS + BOOT_MS, MARK_GOOD_MS - 1, MARK_GOOD_MS, MARK_GOOD_MS + 1, WATCHDOG_MS) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 300 * SECOND_MS }) },
  );
  const command: fc.Arbitrary<Command> = fc.oneof(
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('reboot' as const), drainMs: durationMs, shutdownMs: durationMs, bootMs: durationMs }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('powerOn' as const), bootMs: durationMs }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('postInstall' as const), version: fc.integer({ min: 1, max: 50 }), bad: fc.integer({ min: 0, max: 1 }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'prioritizeOther' as const }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: advanceMs }) },
  );

  function checkInvariants(h: MachineHarness): void {
    const c = ctx(h);
    const table = gptTableOf(c);
    const knownGood = table.some((p) => p.successful === 1 && isBootable(p));
    if (h.state !== BOOT_STATE.BOOTING) expect(knownGood, `a known-good partition in ${h.state}: ${JSON.stringify(c)}`).toBe(true);
    if (h.state.startsWith('running.')) {
      expect(c.bootedSlot === SLOT_A ? c.aBad : c.bBad, 'a bad release never runs').toBe(0);
    }
    if (h.state === BOOT_STATE.RUNNING_FRESH && c.bootKind === BOOT_KIND.TRIAL) expect(c.trialSlot).toBe(c.bootedSlot);
    if (h.state === BOOT_STATE.RUNNING_GOOD) expect(table[c.bootedSlot].successful).toBe(1);
  }

  it('holds over random sequences of REBOOT, CRASH, POWER_ON, POST_INSTALL and timer firings, many boots deep', () => {
    // Sized explicitly: fast-check's default size would give about 10 commands; 30-150 commands
    // give cases with several boots (trial boots, fallbacks) in a row (measured: a median of 3
    // boots, up to 8, over 200 cases).
    const boots = reach();
    fc.assert(
      fc.property(fc.boolean(), fc.array(command, { minLength: 30, maxLength: 150 }), (warm, commands) => {
        const h = node();
        h.send(warm ? { type: 'START_WARM' } : { type: 'POWER_ON', bootMs: BOOT_MS });
        checkInvariants(h);
        for (const c of commands) {
          switch (c.kind) {
            case 'reboot':
              h.send({ type: 'REBOOT', drainMs: c.drainMs, shutdownMs: c.shutdownMs, bootMs: c.bootMs });
              break;
            case 'crash':
              h.send({ type: 'CRASH' });
              break;
            case 'powerOn':
              h.send({ type: 'POWER_ON', bootMs: c.bootMs });
              break;
            case 'postInstall':
              h.send({ type: 'POST_INSTALL', version: c.version, bad: c.bad });
              break;
            case 'prioritizeOther':
              h.send({ type: 'PRIORITIZE_OTHER' });
              break;
            case 'advance':
              h.runFor(c.ms);
              break;
          }
          checkInvariants(h);
        }
        boots.record(h.named('booted').length);
        // Liveness: powered on and left alone, the node always ends up running, known good.
        h.send({ type: 'POWER_ON', bootMs: BOOT_MS });
        h.runFor(10 * (BOOT_MS + WATCHDOG_MS) + MARK_GOOD_MS);
        expect(h.state).toBe(BOOT_STATE.RUNNING_GOOD);
        expect(h.named('unbootable')).toEqual([]);
        for (const e of h.named('booted')) {
          const slot = e.context.bootedSlot;
          expect(slot === SLOT_A ? e.context.aBad : e.context.bBad).toBe(0);
        }
      }),
      {
        numRuns: 200,
        examples: [
          // postinstall again during the trial boot of the previous install (UpdateBootFlags).
          [true, [
            { kind: 'postInstall', version: 1, bad: 0 },
            { kind: 'reboot', drainMs: 0, shutdownMs: SHUTDOWN_MS, bootMs: BOOT_MS },
            { kind: 'advance', ms: SHUTDOWN_MS + BOOT_MS },
            { kind: 'postInstall', version: 2, bad: 0 },
            { kind: 'reboot', drainMs: 0, shutdownMs: SHUTDOWN_MS, bootMs: BOOT_MS },
            { kind: 'advance', ms: SHUTDOWN_MS + BOOT_MS },
          ]],
        ],
      },
    );
    const { median, max } = boots.summary();
    expect(median, 'the median case must boot at least 3 times').toBeGreaterThanOrEqual(3);
    expect(max, 'some case must boot at least 6 times').toBeGreaterThanOrEqual(6);
  });
});
