import type { TraceEvent } from '../engine/trace.ts';
import { gptTableOf, type BootContext } from '../model/node/boot.ts';
import { SLOT_A, SLOT_NONE, selectBootSlot, type GptPartition, type GptTable } from '../model/node/gptprio.ts';
import type { CheckedRun } from './context.ts';

/**
 * A node boots only a bootable partition, the one GRUB's gptprio would pick, and is never left
 * without one (coreos/grub grub-core/commands/gptprio.c `grub_find_next`; docs/sources.md):
 * - `node.unbootable` never fires (the boot machine found no partition to boot);
 * - at `node.boot`, the booted slot is the one selectBootSlot picks from the table as it was
 *   before GRUB spent the try (rebuilt from the table after it: a partition that was not yet
 *   successful, or still had tries, had one more), the trace names that slot, and the version it
 *   reports is the one written on that slot;
 * - at `node.boot`, `node.reboot` and `node.down`, some partition qualifies for the next boot.
 */
export const BOOT_PARTITION = 'boot-partition';

export function installBootPartitionChecker(run: CheckedRun): void {
  const { world, violations } = run;
  run.trace.subscribe((event: TraceEvent) => {
    const kind = event.kind;
    if (kind !== 'node.boot' && kind !== 'node.reboot' && kind !== 'node.down' && kind !== 'node.unbootable') return;
    const node = event.subject as number;
    if (kind === 'node.unbootable') {
      violations.record(event.time, BOOT_PARTITION, `node ${node} found no bootable partition`);
      return;
    }
    const ctx = world.boot.context(node) as BootContext;
    const table = gptTableOf(ctx);
    if (selectBootSlot(table) === SLOT_NONE) {
      violations.record(event.time, BOOT_PARTITION, `node ${node} has no bootable partition left at ${kind} (${describe(table)})`);
    }
    if (kind !== 'node.boot') return;
    const booted = ctx.bootedSlot;
    const before = tableBeforeAttempt(table, booted);
    const expected = before === null ? SLOT_NONE : selectBootSlot(before);
    if (expected !== booted) {
      violations.record(event.time, BOOT_PARTITION, `node ${node} booted slot ${slotName(booted)}, gptprio selects ${slotName(expected)} (${describe(table)})`);
    }
    const traced = event.data?.slot;
    if (traced !== slotName(booted)) {
      violations.record(event.time, BOOT_PARTITION, `node ${node} reports booting slot ${String(traced)}, its boot machine booted ${slotName(booted)}`);
    }
    const version = booted === SLOT_A ? ctx.aVersion : ctx.bVersion;
    const versionName = version >= 0 ? world.versions.name(version) : 'an empty partition';
    if (event.data?.version !== versionName) {
      violations.record(event.time, BOOT_PARTITION, `node ${node} reports version ${String(event.data?.version)}, slot ${slotName(booted)} holds ${versionName}`);
    }
  });
}

/** The table before gptprio spent its try on `booted` (null when `booted` is no slot). */
function tableBeforeAttempt(after: GptTable, booted: number): GptTable | null {
  if (booted !== 0 && booted !== 1) return null;
  const p = after[booted];
  // afterBootAttempt decrements tries when > 0; a partition booted while not successful must
  // have had a try. successful=1 with tries 0 may have had 0 or 1: both select the same.
  const triesBefore = p.successful === 0 || p.tries > 0 ? p.tries + 1 : p.tries;
  const restored: GptPartition = { priority: p.priority, tries: Math.min(triesBefore, 15), successful: p.successful };
  return booted === 0 ? [restored, after[1]] : [after[0], restored];
}

function slotName(slot: number): string {
  return slot === 0 ? 'A' : slot === 1 ? 'B' : 'none';
}

function describe(table: GptTable): string {
  return table.map((p, slot) => `${slotName(slot)}: priority ${p.priority} tries ${p.tries} successful ${p.successful}`).join('; ');
}
