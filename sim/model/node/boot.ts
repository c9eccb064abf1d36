import { setup } from 'xstate';
import { assert, fail } from '../../engine/assert.ts';
import { delay, effect, guard } from '../machine/define.ts';
import {
  SLOT_A,
  SLOT_B,
  SLOT_NONE,
  afterBootAttempt,
  afterPostInstall,
  markedGood,
  otherSlot,
  prioritize,
  selectBootSlot,
  type GptPartition,
  type GptTable,
} from './gptprio.ts';
import { BOOT_REPORT } from './omaha.ts';
import { typedUpdate as update } from './typed-update.ts';

/**
 * Power and boot of one node, with its two USR partitions (USR-A, USR-B) and their GPT
 * attributes. The partition rules live in gptprio.ts; this machine sequences them in time.
 *
 * Over 400 lines, knowingly: one machine, with its contract (states, events, effects: about a
 * hundred lines of this header that the world and the tests read) next to its definition.
 *
 * States:
 * - off (initial): before the run starts. A cold start powers every node on (POWER_ON); a warm
 *   start (nodes up a while at t=0) jumps to running.good (START_WARM).
 * - down: powered off or crashed; only POWER_ON brings it back (a real boot).
 * - booting: firmware + GRUB + kernel, bootMs. At its end GRUB's gptprio.next picks a partition
 *   (coreos/grub gptprio.c) and spends a try on it, then:
 *   -> running.fresh (effect `booted`) when the partition's release works on this hardware,
 *   -> hung (effect `hung`) when it does not (the partition's `bad` flag),
 *   -> unbootable (effect `unbootable`) when no partition qualifies. Must never happen: the
 *      invariant checkers flag the effect.
 * - hung: the new release hangs at boot; after watchdogMs the watchdog resets the node ->
 *   booting. The new partition's single try is spent, so GRUB now picks the old one: the
 *   automatic rollback. Without automatic rollback (autoRollback = 0: Fedora CoreOS, whose
 *   GRUB boots the newest ostree deployment every time; automatic rollback is still an open
 *   question there, coreos/fedora-coreos-tracker#47 "Determine how to handle automatic
 *   rollback": "Ostree currently does not support automatic rollback") no try is spent and no
 *   reset helps: the node stays hung until an operator picks the previous deployment
 *   (PRIORITIZE_OTHER in hung -> booting), and a power cycle boots the failing one again.
 * - running.fresh: up, not yet known good. After markGoodAfterMs, flatcar-setgoodroot marks the
 *   booted partition successful=1, tries=0 -> running.good (effect `markedGood`).
 * - running.good: up and known good.
 * - draining: workloads drain before the shutdown (kured, the Flatcar update operator), drainMs.
 * - shuttingDown: systemd stops the OS, shutdownMs; entry effect `shutdownStarted`.
 * - unbootable: stays until power is cycled (CRASH, then POWER_ON).
 *
 * Events (numeric fields):
 * - REBOOT {drainMs, shutdownMs, bootMs} in running.*: -> draining, or straight to shuttingDown
 *   when drainMs is 0. The durations are drawn by the world per reboot.
 * - CRASH {} in any state but off and down: -> down (effect `wentDown`). Covers power loss.
 * - POWER_ON {bootMs} in down: -> booting.
 * - START_WARM {} in off: the node has been up a while when the run starts -> running.good
 *   (effect `startedWarm`), without a boot.
 * - POST_INSTALL {version, bad} in running.*: update_engine postinstall wrote `version` to the
 *   inactive partition; `bad` 1 when that release fails on this node's hardware (drawn by the
 *   world). The inactive partition gets successful=0, tries=1, priority 2, the booted one
 *   priority 1 (cgpt, gptprio.ts). In running.fresh the booted partition is first marked good,
 *   as update_engine does before it starts an update (update_attempter.cc UpdateBootFlags: never
 *   install next to a partition that is not known good, or a failed try would leave nothing to
 *   fall back to); that transition also emits `markedGood`. Ignored in other states (it cannot
 *   happen: update_engine only runs while the OS does).
 *
 * - PRIORITIZE_OTHER {} in hung, only without automatic rollback: the operator boots the
 *   previous deployment (`rpm-ostree rollback`, or picking it in the GRUB menu): -> booting on
 *   the other partition, a ROLLBACK boot.
 * - PRIORITIZE_OTHER {} in running.good: an operator's manual rollback (Flatcar docs, "Manual
 *   rollbacks": `cgpt prioritize` the other USR partition, then reboot; the world sends the
 *   REBOOT). Taken only when the other partition holds a version known good (successful = 1):
 *   canRollBack(ctx). The next boot is a NORMAL one (no trial, no report): update_engine then
 *   runs the older version, and the server may offer the newer one again.
 *
 * Effects (the world implements them; no answer is expected unless said):
 * - startedWarm: start update_engine with START {warm: 1, bootResult: 0} and tell the reboot
 *   manager BOOTED.
 * - booted: the OS is up. Start update_engine with START {warm: 0, bootResult:
 *   bootReportOf(ctx.bootKind)} and tell the reboot manager BOOTED. The booted version is
 *   bootedVersionOf(ctx).
 * - markedGood: the booted partition is now successful=1 (trace; the update is complete here).
 * - shutdownStarted: stop update_engine (STOP) and the reboot manager (STOP).
 * - wentDown: same as shutdownStarted, plus whatever the world does for a dead node.
 * - hung: trace; the node is down for the world (update_engine never started).
 * - unbootable: an invariant violation for the checkers.
 *
 * bootKind (set at every boot, read by `booted` and `hung`):
 * - 0 NORMAL: no installed-but-untried partition.
 * - 1 TRIAL: first (and only) try of the partition postinstall wrote (ctx.trialSlot). The first
 *   update check after this boot reports Omaha 3/2 (success after reboot).
 * - 2 ROLLBACK: GRUB picked the old partition while a newer install was still untried and
 *   unconfirmed: the trial hung, crashed, or was rebooted within markGoodAfterMs
 *   (coreos/bugs#262). The first update check reports 3/0 with error 44, once: the trial is
 *   forgotten (trialSlot = -1).
 * trialSlot is set by POST_INSTALL and cleared when that partition is marked good or when a
 * rollback boot reports it. Limitation: the report rides on update_engine's first check after the
 * boot; if the node goes down before that check, the report is lost (the real daemon keeps it in
 * its prefs).
 *
 * Invariant (tested by a property): outside booting, some partition has successful=1 and a
 * priority > 0, so the next boot always finds one.
 */
export const BOOT_KIND = Object.freeze({ NORMAL: 0, TRIAL: 1, ROLLBACK: 2 });

export const BOOT_STATE = Object.freeze({
  OFF: 'off',
  DOWN: 'down',
  BOOTING: 'booting',
  HUNG: 'hung',
  UNBOOTABLE: 'unbootable',
  RUNNING_FRESH: 'running.fresh',
  RUNNING_GOOD: 'running.good',
  DRAINING: 'draining',
  SHUTTING_DOWN: 'shuttingDown',
});

export type BootContext = {
  // USR-A GPT attributes and contents.
  aPriority: number;
  aTries: number;
  aSuccessful: number;
  /** Version index written on USR-A; -1 empty. */
  aVersion: number;
  /** 1 when USR-A's release fails to boot on this node's hardware. */
  aBad: number;
  // USR-B, the same.
  bPriority: number;
  bTries: number;
  bSuccessful: number;
  bVersion: number;
  bBad: number;
  /** Slot of the last boot (0 A, 1 B): the running partition while running. */
  bootedSlot: number;
  /** BOOT_KIND of the last boot. */
  bootKind: number;
  /** Slot written by postinstall and not yet confirmed good nor rolled back; -1 none. */
  trialSlot: number;
  // Durations.
  drainMs: number;
  shutdownMs: number;
  bootMs: number;
  markGoodAfterMs: number;
  watchdogMs: number;
  /** 1: GRUB's gptprio spends a try per boot and falls back (Flatcar); 0: no automatic rollback (Fedora CoreOS). */
  autoRollback: number;
};

export type RebootEvent = { type: 'REBOOT'; drainMs: number; shutdownMs: number; bootMs: number };
export type CrashEvent = { type: 'CRASH' };
export type PowerOnEvent = { type: 'POWER_ON'; bootMs: number };
export type StartWarmEvent = { type: 'START_WARM' };
export type PostInstallEvent = { type: 'POST_INSTALL'; version: number; bad: number };
export type PrioritizeOtherEvent = { type: 'PRIORITIZE_OTHER' };
export type BootEvent = RebootEvent | CrashEvent | PowerOnEvent | StartWarmEvent | PostInstallEvent | PrioritizeOtherEvent;

export const BOOT_EFFECTS = Object.freeze([
  'startedWarm',
  'booted',
  'markedGood',
  'shutdownStarted',
  'wentDown',
  'hung',
  'unbootable',
] as const);
export type BootEffect = (typeof BOOT_EFFECTS)[number];

export const BOOT_DEFAULTS: Readonly<BootContext> = Object.freeze({
  aPriority: 1,
  aTries: 0,
  aSuccessful: 1,
  aVersion: 0,
  aBad: 0,
  bPriority: 0,
  bTries: 0,
  bSuccessful: 0,
  bVersion: -1,
  bBad: 0,
  bootedSlot: SLOT_A,
  bootKind: BOOT_KIND.NORMAL,
  trialSlot: SLOT_NONE,
  drainMs: 0,
  shutdownMs: 2_000,
  bootMs: 3_000,
  markGoodAfterMs: 45_000,
  watchdogMs: 120_000,
  autoRollback: 1,
});

type Ctx = BootContext;
type Ev = BootEvent;

export function gptTableOf(ctx: BootContext): GptTable {
  return [
    { priority: ctx.aPriority, tries: ctx.aTries, successful: ctx.aSuccessful },
    { priority: ctx.bPriority, tries: ctx.bTries, successful: ctx.bSuccessful },
  ];
}

/**
 * True when a manual rollback can go to the other partition: it holds a version and is known
 * good (successful = 1; a partition written by postinstall and not yet booted is not: its one
 * try is the update's own). The boot machine's guard and the world's rollback action share it.
 */
export function canRollBack(ctx: BootContext): boolean {
  const other = otherSlot(ctx.bootedSlot);
  const version = other === SLOT_A ? ctx.aVersion : ctx.bVersion;
  return version >= 0 && gptTableOf(ctx)[other].successful === 1;
}

// Updates build their partial contexts as plain literals with the fields in one order: object
// spreads of partials of different shapes were the slowest part of a boot (megamorphic clones).
function withPartition(out: Partial<BootContext>, slot: number, p: GptPartition): Partial<BootContext> {
  if (slot === SLOT_A) {
    out.aPriority = p.priority;
    out.aTries = p.tries;
    out.aSuccessful = p.successful;
  } else {
    out.bPriority = p.priority;
    out.bTries = p.tries;
    out.bSuccessful = p.successful;
  }
  return out;
}

function badOf(ctx: BootContext, slot: number): number {
  return slot === SLOT_A ? ctx.aBad : ctx.bBad;
}

/** Version index on the booted partition (meaningful while running). */
export function bootedVersionOf(ctx: BootContext): number {
  return ctx.bootedSlot === SLOT_A ? ctx.aVersion : ctx.bVersion;
}

/** What update_engine reports on its first check after a boot of this kind (START.bootResult). */
export function bootReportOf(bootKind: number): number {
  switch (bootKind) {
    case BOOT_KIND.NORMAL:
      return BOOT_REPORT.NONE;
    case BOOT_KIND.TRIAL:
      return BOOT_REPORT.SUCCESS_REBOOT;
    case BOOT_KIND.ROLLBACK:
      return BOOT_REPORT.ROLLBACK;
    default:
      throw new Error(`unknown bootKind ${bootKind}`);
  }
}

function assertDurationMs(value: number, what: string): void {
  if (!(value >= 0 && value !== Infinity)) fail(`${what} must be finite and >= 0, got ${value}`);
}

const guards = {
  noBootablePartition: guard<Ctx, Ev>((ctx) => selectBootSlot(gptTableOf(ctx)) === SLOT_NONE),
  selectedPartitionIsBad: guard<Ctx, Ev>((ctx) => badOf(ctx, selectBootSlot(gptTableOf(ctx))) === 1),
  rebootWithoutDrain: guard<Ctx, Ev>((_ctx, e) => (e as RebootEvent).drainMs === 0),
  otherKnownGood: guard<Ctx, Ev>((ctx) => canRollBack(ctx)),
  autoRollback: guard<Ctx, Ev>((ctx) => ctx.autoRollback === 1),
  manualRollbackOnly: guard<Ctx, Ev>((ctx) => ctx.autoRollback === 0 && canRollBack(ctx)),
};

const actions = {
  /** GRUB gptprio.next: pick, spend a try, classify the boot. */
  bootSelected: update<Ctx, Ev>((ctx) => {
    const table = gptTableOf(ctx);
    const slot = selectBootSlot(table);
    assert(slot !== SLOT_NONE, 'bootSelected runs only when a partition qualifies');
    let bootKind: number = BOOT_KIND.NORMAL;
    let trialSlot = ctx.trialSlot;
    if (trialSlot !== SLOT_NONE) {
      if (slot === trialSlot) {
        bootKind = BOOT_KIND.TRIAL;
      } else {
        bootKind = BOOT_KIND.ROLLBACK;
        trialSlot = SLOT_NONE;
      }
    }
    // Without automatic rollback nothing counts the attempts: the same deployment boots again.
    return withPartition({ bootedSlot: slot, bootKind, trialSlot }, slot, ctx.autoRollback === 1 ? afterBootAttempt(table[slot]) : table[slot]);
  }),
  /** flatcar-setgoodroot (also update_attempter.cc UpdateBootFlags before an install). */
  markBootedGood: update<Ctx, Ev>((ctx) => {
    const slot = ctx.bootedSlot;
    const table = gptTableOf(ctx);
    return withPartition({ trialSlot: ctx.trialSlot === slot ? SLOT_NONE : ctx.trialSlot }, slot, markedGood(table[slot]));
  }),
  /** cgpt prioritize of the other USR partition (manual rollback). */
  prioritizeOther: update<Ctx, Ev>((ctx) => {
    const table = prioritize(gptTableOf(ctx), otherSlot(ctx.bootedSlot));
    return withPartition(withPartition({}, SLOT_A, table[SLOT_A]), SLOT_B, table[SLOT_B]);
  }),
  installToInactive: update<Ctx, Ev>((ctx, e) => {
    const { version, bad } = e as PostInstallEvent;
    if (!(Number.isInteger(version) && version >= 0)) fail(`POST_INSTALL.version must be a version index, got ${version}`);
    if (!(bad === 0 || bad === 1)) fail(`POST_INSTALL.bad must be 0 or 1, got ${bad}`);
    const inactive = otherSlot(ctx.bootedSlot);
    const table = afterPostInstall(gptTableOf(ctx), ctx.bootedSlot);
    const a = table[SLOT_A];
    const b = table[SLOT_B];
    const out: Partial<BootContext> = {
      aPriority: a.priority,
      aTries: a.tries,
      aSuccessful: a.successful,
      bPriority: b.priority,
      bTries: b.tries,
      bSuccessful: b.successful,
      trialSlot: inactive,
    };
    if (inactive === SLOT_A) {
      out.aVersion = version;
      out.aBad = bad;
    } else {
      out.bVersion = version;
      out.bBad = bad;
    }
    return out;
  }),
  rebootDurations: update<Ctx, Ev>((_ctx, e) => {
    const { drainMs, shutdownMs, bootMs } = e as RebootEvent;
    assertDurationMs(drainMs, 'REBOOT.drainMs');
    assertDurationMs(shutdownMs, 'REBOOT.shutdownMs');
    assertDurationMs(bootMs, 'REBOOT.bootMs');
    return { drainMs, shutdownMs, bootMs };
  }),
  powerOnDuration: update<Ctx, Ev>((_ctx, e) => {
    const { bootMs } = e as PowerOnEvent;
    assertDurationMs(bootMs, 'POWER_ON.bootMs');
    return { bootMs };
  }),
  startedWarm: effect<Ctx, Ev>(),
  booted: effect<Ctx, Ev>(),
  markedGood: effect<Ctx, Ev>(),
  shutdownStarted: effect<Ctx, Ev>(),
  wentDown: effect<Ctx, Ev>(),
  hung: effect<Ctx, Ev>(),
  unbootable: effect<Ctx, Ev>(),
};

const delays = {
  drainMs: delay<Ctx, Ev>((ctx) => ctx.drainMs),
  shutdownMs: delay<Ctx, Ev>((ctx) => ctx.shutdownMs),
  bootMs: delay<Ctx, Ev>((ctx) => ctx.bootMs),
  markGoodAfterMs: delay<Ctx, Ev>((ctx) => ctx.markGoodAfterMs),
  watchdogMs: delay<Ctx, Ev>((ctx) => ctx.watchdogMs),
};

const crash = { CRASH: { target: '#boot.down', actions: 'wentDown' } } as const;

/** The machine with an initial context: defaults, then `overrides` (initial version, durations). */
export function createBootMachine(overrides: Partial<BootContext> = {}) {
  const context: BootContext = { ...BOOT_DEFAULTS, ...overrides };
  const table = gptTableOf(context);
  assert(selectBootSlot(table) !== SLOT_NONE, 'the initial partition table must have a bootable partition');
  if (!(context.bootedSlot === SLOT_A || context.bootedSlot === SLOT_B)) fail(`bootedSlot must be 0 or 1, got ${context.bootedSlot}`);
  assert(table[context.bootedSlot].successful === 1, 'the initially booted partition must be marked good');
  for (const key of ['drainMs', 'shutdownMs', 'bootMs', 'markGoodAfterMs', 'watchdogMs'] as const) {
    assertDurationMs(context[key], key);
  }
  assert(context.autoRollback === 0 || context.autoRollback === 1, 'autoRollback must be 0 or 1');
  return setup({
    types: { context: {} as BootContext, events: {} as BootEvent },
    guards,
    actions,
    delays,
  }).createMachine({
    id: 'boot',
    initial: 'off',
    context,
    states: {
      // Before the run starts: powered on cold (POWER_ON) or found up a while (START_WARM). Only
      // here may a warm start happen: after a crash the node must really boot (the differential
      // test found START_WARM after a crash landing on an untried partition as if it were good).
      off: {
        on: {
          POWER_ON: { target: 'booting', actions: 'powerOnDuration' },
          START_WARM: { target: '#boot.running.good', actions: 'startedWarm' },
        },
      },
      down: {
        on: {
          POWER_ON: { target: 'booting', actions: 'powerOnDuration' },
        },
      },
      booting: {
        on: { ...crash },
        after: {
          bootMs: [
            { guard: 'noBootablePartition', target: 'unbootable' },
            { guard: 'selectedPartitionIsBad', target: 'hung', actions: 'bootSelected' },
            { target: '#boot.running.fresh', actions: 'bootSelected' },
          ],
        },
      },
      hung: {
        entry: 'hung',
        on: { ...crash, PRIORITIZE_OTHER: { guard: 'manualRollbackOnly', target: 'booting', actions: 'prioritizeOther' } },
        after: { watchdogMs: { guard: 'autoRollback', target: 'booting' } },
      },
      unbootable: {
        entry: 'unbootable',
        on: { ...crash },
      },
      running: {
        initial: 'fresh',
        on: {
          ...crash,
          REBOOT: [
            { guard: 'rebootWithoutDrain', target: 'shuttingDown', actions: 'rebootDurations' },
            { target: 'draining', actions: 'rebootDurations' },
          ],
        },
        states: {
          fresh: {
            entry: 'booted',
            on: {
              POST_INSTALL: { target: 'good', actions: ['markBootedGood', 'markedGood', 'installToInactive'] },
            },
            after: { markGoodAfterMs: { target: 'good', actions: ['markBootedGood', 'markedGood'] } },
          },
          good: {
            on: {
              POST_INSTALL: { actions: 'installToInactive' },
              PRIORITIZE_OTHER: { guard: 'otherKnownGood', actions: 'prioritizeOther' },
            },
          },
        },
      },
      draining: {
        on: { ...crash },
        after: { drainMs: { target: 'shuttingDown' } },
      },
      shuttingDown: {
        entry: 'shutdownStarted',
        on: { ...crash },
        after: { shutdownMs: { target: 'booting' } },
      },
    },
  });
}

export const bootMachine = createBootMachine();
export type BootMachine = typeof bootMachine;
