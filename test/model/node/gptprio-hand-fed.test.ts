import { describe, expect, it } from 'vitest';
import {
  SLOT_A,
  SLOT_B,
  afterBootAttempt,
  afterPostInstall,
  assertPartition,
  markedGood,
  otherSlot,
  prioritize,
  type GptPartition,
} from '../../../sim/model/node/gptprio.ts';

// Hand-fed edges of the GPT attribute rules: the 4-bit priority and tries fields (0..15) and the
// 1-bit successful flag of coreos/grub gptprio.c, the slot arguments, and which operation an
// out-of-range attribute is reported against.

const part = (priority: number, tries: number, successful: number): GptPartition => ({ priority, tries, successful });
const GOOD = part(1, 0, 1);

describe('GPT attribute bit widths (gptprio.c: 4-bit priority, 4-bit tries_left, 1-bit successful)', () => {
  it('accepts the ends of each field: priority and tries 0 and 15', () => {
    for (const p of [part(0, 0, 0), part(15, 15, 1), part(0, 15, 0), part(15, 0, 1)]) {
      expect(() => assertPartition(p, 'p')).not.toThrow();
    }
  });

  it('rejects a negative or fractional priority, and one above 15', () => {
    expect(() => assertPartition(part(-1, 0, 1), 'p')).toThrow('p: priority out of range: -1');
    expect(() => assertPartition(part(1.5, 0, 1), 'p')).toThrow('p: priority out of range: 1.5');
    expect(() => assertPartition(part(16, 0, 1), 'p')).toThrow('p: priority out of range: 16');
  });

  it('rejects a negative or fractional tries count, and one above 15', () => {
    expect(() => assertPartition(part(1, -1, 1), 'p')).toThrow('p: tries out of range: -1');
    expect(() => assertPartition(part(1, 0.5, 1), 'p')).toThrow('p: tries out of range: 0.5');
    expect(() => assertPartition(part(1, 16, 1), 'p')).toThrow('p: tries out of range: 16');
  });
});

describe('each rule names the partition it found out of range', () => {
  it('a boot attempt (gptprio.next) and flatcar-setgoodroot', () => {
    expect(() => afterBootAttempt(part(16, 1, 0))).toThrow('boot attempt: priority out of range: 16');
    expect(() => markedGood(part(1, 16, 0))).toThrow('mark good: tries out of range: 16');
  });

  it('postinstall checks the booted partition', () => {
    expect(() => afterPostInstall([part(16, 0, 1), part(0, 0, 0)], SLOT_A)).toThrow('booted partition: priority out of range: 16');
    expect(() => afterPostInstall([part(0, 0, 0), part(1, 16, 1)], SLOT_B)).toThrow('booted partition: tries out of range: 16');
  });

  it('cgpt prioritize checks the partition it raises and the other one', () => {
    expect(() => prioritize([part(16, 0, 1), GOOD], SLOT_A)).toThrow('prioritized partition: priority out of range: 16');
    expect(() => prioritize([part(16, 0, 1), GOOD], SLOT_B)).toThrow('other partition: priority out of range: 16');
  });
});

describe('slot arguments are 0 (USR-A) or 1 (USR-B)', () => {
  it('otherSlot pairs A with B and refuses anything else', () => {
    expect(otherSlot(SLOT_A)).toBe(SLOT_B);
    expect(otherSlot(SLOT_B)).toBe(SLOT_A);
    expect(() => otherSlot(2)).toThrow('slot must be 0 or 1, got 2');
    expect(() => otherSlot(-1)).toThrow('slot must be 0 or 1, got -1');
  });

  it('postinstall needs a booted slot, and installs next to USR-B too', () => {
    expect(() => afterPostInstall([GOOD, part(0, 0, 0)], 2)).toThrow('postinstall needs a booted slot, got 2');
    expect(() => afterPostInstall([GOOD, part(0, 0, 0)], -1)).toThrow('postinstall needs a booted slot, got -1');
    // Booted B (priority 1, successful): A becomes the new one (2, 1 try, 0), B keeps priority 1.
    expect(afterPostInstall([part(0, 0, 0), part(1, 0, 1)], SLOT_B)).toEqual([part(2, 1, 0), part(1, 0, 1)]);
  });

  it('cgpt prioritize refuses a slot outside the pair', () => {
    expect(() => prioritize([GOOD, GOOD], 2)).toThrow('slot must be 0 or 1, got 2');
  });
});
