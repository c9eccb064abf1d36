import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SLOT_A,
  SLOT_B,
  SLOT_NONE,
  afterBootAttempt,
  afterPostInstall,
  isBootable,
  markedGood,
  prioritize,
  selectBootSlot,
  type GptPartition,
  type GptTable,
} from '../../../sim/model/node/gptprio.ts';

// The GPT priority rules of the two USR partitions: GRUB's selection and try counting
// (coreos/grub grub-core/commands/gptprio.c, grub_find_next), postinstall (cgpt) and
// flatcar-setgoodroot. Unit tests per rule, then a property over random tables.

const part = (priority: number, tries: number, successful: number): GptPartition => ({ priority, tries, successful });
const INITIAL: GptTable = [part(1, 0, 1), part(0, 0, 0)];

describe('gptprio (coreos/grub gptprio.c)', () => {
  it('gptprio boots USR-A on a fresh install: priority 1, successful, while USR-B has priority 0', () => {
    expect(selectBootSlot(INITIAL)).toBe(SLOT_A);
  });

  it('gptprio prefers the higher-priority partition that still has a try (gptprio.c grub_find_next)', () => {
    expect(selectBootSlot([part(1, 0, 1), part(2, 1, 0)])).toBe(SLOT_B);
  });

  it('gptprio boots the successful partition when the new one has no tries left (coreos/grub gptprio.c)', () => {
    expect(selectBootSlot([part(1, 0, 1), part(2, 0, 0)])).toBe(SLOT_A);
  });

  it('gptprio never selects priority 0, even a successful partition (strict priority > old_priority from 0)', () => {
    expect(selectBootSlot([part(0, 0, 1), part(0, 3, 0)])).toBe(SLOT_NONE);
    expect(isBootable(part(0, 0, 1))).toBe(false);
  });

  it('gptprio breaks a priority tie in favour of the first partition on disk', () => {
    expect(selectBootSlot([part(2, 0, 1), part(2, 1, 0)])).toBe(SLOT_A);
  });

  it('gptprio finds nothing when no partition has tries left or success', () => {
    expect(selectBootSlot([part(2, 0, 0), part(1, 0, 0)])).toBe(SLOT_NONE);
  });

  it('gptprio spends a try only when one is left (gptprio.c grub_gptprio_set_tries_left)', () => {
    expect(afterBootAttempt(part(2, 1, 0))).toEqual(part(2, 0, 0));
    expect(afterBootAttempt(part(1, 0, 1))).toEqual(part(1, 0, 1));
    expect(afterBootAttempt(part(3, 7, 0))).toEqual(part(3, 6, 0));
  });

  it('gptprio refuses to boot a partition it would not have selected', () => {
    expect(() => afterBootAttempt(part(2, 0, 0))).toThrow(/never boots/);
  });

  it('flatcar-setgoodroot marks the booted partition successful with no tries left', () => {
    expect(markedGood(part(2, 0, 0))).toEqual(part(2, 0, 1));
  });

  it('postinstall gives the new partition one try and the top priority, the booted one the next (cgpt)', () => {
    expect(afterPostInstall(INITIAL, SLOT_A)).toEqual([part(1, 0, 1), part(2, 1, 0)]);
    expect(afterPostInstall([part(1, 0, 1), part(2, 0, 1)], SLOT_B)).toEqual([part(2, 1, 0), part(1, 0, 1)]);
  });

  it('postinstall refuses to install next to a booted partition not yet marked good (update_attempter.cc UpdateBootFlags)', () => {
    expect(() => afterPostInstall([part(1, 0, 1), part(2, 0, 0)], SLOT_B)).toThrow(/marked good/);
  });

  it('a new partition gets exactly one try: without setgoodroot the second boot falls back (coreos/bugs#262)', () => {
    let table = afterPostInstall(INITIAL, SLOT_A);
    const first = selectBootSlot(table);
    expect(first).toBe(SLOT_B);
    table = [table[0], afterBootAttempt(table[1])];
    expect(selectBootSlot(table)).toBe(SLOT_A);
  });

  it('a new partition marked good keeps booting after that', () => {
    let table = afterPostInstall(INITIAL, SLOT_A);
    table = [table[0], markedGood(afterBootAttempt(table[1]))];
    expect(selectBootSlot(table)).toBe(SLOT_B);
    table = [table[0], afterBootAttempt(table[1])];
    expect(selectBootSlot(table)).toBe(SLOT_B);
  });

  it('cgpt prioritize (vboot_reference cgpt_prioritize.c) puts the partition above the other, keeping its tries and successful bits', () => {
    expect(prioritize([part(2, 0, 1), part(1, 0, 1)], SLOT_B)).toEqual([part(2, 0, 1), part(3, 0, 1)]);
    expect(prioritize([part(1, 0, 1), part(2, 0, 1)], SLOT_B)).toEqual([part(1, 0, 1), part(3, 0, 1)]);
    // At the 4-bit ceiling the other partition is squeezed below.
    expect(prioritize([part(15, 0, 1), part(1, 0, 1)], SLOT_B)).toEqual([part(14, 0, 1), part(15, 0, 1)]);
    const table: GptTable = [part(1, 0, 1), part(5, 0, 1)];
    expect(selectBootSlot(prioritize(table, SLOT_A))).toBe(SLOT_A);
  });

  it('rejects attributes outside their GPT bit widths', () => {
    expect(() => selectBootSlot([part(16, 0, 1), part(0, 0, 0)])).toThrow(/priority/);
    expect(() => selectBootSlot([part(1, -1, 1), part(0, 0, 0)])).toThrow(/tries/);
    expect(() => selectBootSlot([part(1, 0, 2), part(0, 0, 0)])).toThrow(/successful/);
  });

  it('selects a bootable partition of the highest bootable priority, first on disk among equals (property)', () => {
    const attrs = fc.record({
      priority: fc.integer({ min: 0, max: 15 }),
      tries: fc.integer({ min: 0, max: 15 }),
      successful: fc.integer({ min: 0, max: 1 }),
    });
    fc.assert(
      fc.property(attrs, attrs, (a, b) => {
        const table: GptTable = [a, b];
        const slot = selectBootSlot(table);
        const bootable = table.map(isBootable);
        if (!bootable[0] && !bootable[1]) return slot === SLOT_NONE;
        if (slot === SLOT_NONE || !bootable[slot]) return false;
        const best = Math.max(...table.filter(isBootable).map((p) => p.priority));
        return table[slot].priority === best && (slot === SLOT_A || !bootable[0] || a.priority < best);
      }),
    );
  });
});
