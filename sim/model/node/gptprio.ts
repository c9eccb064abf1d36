import { assert, fail } from '../../engine/assert.ts';

/**
 * The GPT attributes of the two USR partitions (USR-A, USR-B) and the rules that read and write
 * them. Pure functions; the boot machine's updates (boot.ts) call them.
 *
 * Sources:
 * - coreos/grub `grub-core/commands/gptprio.c` (`grub_find_next`): among the USR partitions, pick
 *   the one with the highest priority that has tries_left > 0 or successful = 1; the comparison is
 *   strict (`priority > old_priority`, starting from 0), so a partition of priority 0 is never
 *   picked and a tie goes to the first partition on disk (USR-A). If the pick has tries_left > 0,
 *   decrement it and write the GPT back, before the kernel even starts.
 * - update_engine postinstall (cgpt): the freshly written partition gets successful = 0,
 *   tries = 1 and the top priority; the running one drops below it.
 * - `flatcar-setgoodroot`, about 45 s after boot: the booted partition gets successful = 1,
 *   tries = 0.
 * A new partition thus gets exactly one try: if that boot is not marked good (hang, crash, or a
 * reboot within ~45 s, coreos/bugs#262), the next boot falls back to the old partition.
 *
 * Invariants (asserted): 0 <= priority <= 15, 0 <= tries <= 15, successful is 0 or 1.
 */
export interface GptPartition {
  readonly priority: number;
  readonly tries: number;
  readonly successful: number;
}

export type GptTable = readonly [GptPartition, GptPartition];

/** Slot indices; the boot machine stores them in `bootedSlot`. */
export const SLOT_A = 0;
export const SLOT_B = 1;
export const SLOT_NONE = -1;
/** Names for assertion messages (built once, not per boot). */
const SLOT_NAMES = ['slot 0', 'slot 1'];

/** GPT attribute field widths (4 bits each for priority and tries, 1 bit for successful). */
export const PRIORITY_MAX = 15;
export const TRIES_MAX = 15;

/** Postinstall: the new partition's priority, the old one's, and the new one's single try. */
export const POSTINSTALL_NEW_PRIORITY = 2;
export const POSTINSTALL_OLD_PRIORITY = 1;
export const POSTINSTALL_TRIES = 1;

export function assertPartition(p: GptPartition, what: string): void {
  if (!(Number.isInteger(p.priority) && p.priority >= 0 && p.priority <= PRIORITY_MAX)) fail(`${what}: priority out of range: ${p.priority}`);
  if (!(Number.isInteger(p.tries) && p.tries >= 0 && p.tries <= TRIES_MAX)) fail(`${what}: tries out of range: ${p.tries}`);
  if (!(p.successful === 0 || p.successful === 1)) fail(`${what}: successful must be 0 or 1, got ${p.successful}`);
}

/** True when gptprio may select this partition (gptprio.c: tries_left || successful, priority > 0). */
export function isBootable(p: GptPartition): boolean {
  return p.priority > 0 && (p.tries > 0 || p.successful === 1);
}

/**
 * The slot gptprio.next selects, or SLOT_NONE when no partition qualifies. Scans in disk order
 * and keeps a later partition only when its priority is strictly higher (gptprio.c).
 */
export function selectBootSlot(table: GptTable): number {
  let found = SLOT_NONE;
  let foundPriority = 0;
  for (let slot = 0; slot < table.length; slot++) {
    const p = table[slot];
    assertPartition(p, SLOT_NAMES[slot]);
    if ((p.tries > 0 || p.successful === 1) && p.priority > foundPriority) {
      found = slot;
      foundPriority = p.priority;
    }
  }
  return found;
}

/** The selected partition after GRUB spent a try on it (gptprio.c decrements when tries_left > 0). */
export function afterBootAttempt(p: GptPartition): GptPartition {
  assertPartition(p, 'boot attempt');
  assert(isBootable(p), 'gptprio never boots a partition without tries, success or priority');
  return { priority: p.priority, tries: p.tries > 0 ? p.tries - 1 : 0, successful: p.successful };
}

/** flatcar-setgoodroot: the booted partition is known good. */
export function markedGood(p: GptPartition): GptPartition {
  assertPartition(p, 'mark good');
  return { priority: p.priority, tries: 0, successful: 1 };
}

/**
 * Postinstall writes the inactive partition: it gets one try and the top priority, the booted one
 * drops to the next priority. The booted partition must already be marked good, otherwise a failed
 * try of the new partition would leave nothing to fall back to (update_engine marks it good before
 * it starts an update: update_attempter.cc, UpdateBootFlags).
 */
export function afterPostInstall(table: GptTable, bootedSlot: number): GptTable {
  if (!(bootedSlot === SLOT_A || bootedSlot === SLOT_B)) fail(`postinstall needs a booted slot, got ${bootedSlot}`);
  const booted = table[bootedSlot];
  assertPartition(booted, 'booted partition');
  assert(booted.successful === 1, 'postinstall requires the booted partition to be marked good');
  const fresh: GptPartition = { priority: POSTINSTALL_NEW_PRIORITY, tries: POSTINSTALL_TRIES, successful: 0 };
  const kept: GptPartition = { priority: POSTINSTALL_OLD_PRIORITY, tries: booted.tries, successful: booted.successful };
  return bootedSlot === SLOT_A ? [kept, fresh] : [fresh, kept];
}

/**
 * `cgpt prioritize` of `slot` (vboot_reference cgpt/cgpt_prioritize.c, CgptPrioritize): the
 * partition gets a priority above every other one (the highest in use plus one, at most 15; at
 * 15 the others are squeezed below it). Its tries and successful bits are untouched: it boots
 * only if it is still bootable. Flatcar's manual rollback runs it on the other USR partition,
 * then reboots (Flatcar docs, "Manual rollbacks").
 */
export function prioritize(table: GptTable, slot: number): GptTable {
  const other = otherSlot(slot);
  const target = table[slot];
  const rest = table[other];
  assertPartition(target, 'prioritized partition');
  assertPartition(rest, 'other partition');
  const priority = Math.min(PRIORITY_MAX, Math.max(target.priority, rest.priority) + 1);
  const lowered: GptPartition = rest.priority >= priority ? { ...rest, priority: priority - 1 } : rest;
  const raised: GptPartition = { ...target, priority };
  return slot === SLOT_A ? [raised, lowered] : [lowered, raised];
}

/** The other slot of the pair. */
export function otherSlot(slot: number): number {
  if (!(slot === SLOT_A || slot === SLOT_B)) fail(`slot must be 0 or 1, got ${slot}`);
  return 1 - slot;
}
