/**
 * The boot-partition checker (coreos/grub gptprio.c; docs/sources.md). Mutations:
 * a running node's GPT table zeroed behind the boot machine (both priorities 0), then a power
 * cycle: it finds nothing to boot (`node.unbootable`) and had no bootable partition when it went
 * down; and a `node.boot` that names the other slot. A rollout with a release that hangs on some
 * nodes (rollbacks) keeps it silent.
 */
import { describe, expect, it } from 'vitest';
import { BOOT_PARTITION } from '../../sim/checkers/index.ts';
import { installBootPartitionChecker } from '../../sim/checkers/boot-partition.ts';
import { prepare, rollout, standIn, versionsOf, violationsOf } from './helpers.ts';

describe('boot-partition checker', () => {
  it('fires when a node is left without a bootable partition and then finds none at boot', () => {
    const run = prepare(rollout('reboot'));
    run.runUntil(30 * 60_000);
    const boot = run.world.boot;
    boot.set(7, 'aPriority', 0);
    boot.set(7, 'bPriority', 0);
    run.world.crashNode(7);
    run.world.powerOnNode(7);
    run.runUntil(run.now + 60_000);
    const messages = violationsOf(run, BOOT_PARTITION).map((v) => v.message);
    expect(messages.some((m) => m.startsWith('node 7 has no bootable partition left at node.down'))).toBe(true);
    expect(messages).toContain('node 7 found no bootable partition');
  });

  it('fires when a boot names another slot than the one gptprio selected (a custom emission)', () => {
    const run = prepare(rollout('reboot'));
    run.runUntil(30 * 60_000);
    run.trace.emit(run.now, 'node.boot', 3, { slot: 'B', version: '3760.2.0' });
    const messages = violationsOf(run, BOOT_PARTITION).map((v) => v.message);
    expect(messages).toContain('node 3 reports booting slot B, its boot machine booted A');
  });

  it('stays silent through an update and the rollbacks of a release that hangs on a third of the nodes', () => {
    const run = prepare(rollout('reboot').replace('{version: 3815.2.0, at: 1h}', '{version: 3815.2.0, at: 1h, bootFailureProbability: 0.3}'));
    run.runToEnd();
    const report = run.report();
    expect(report.fleet.rolledBack).toBeGreaterThan(0);
    expect(report.fleet.updated).toBeGreaterThan(0);
    expect(violationsOf(run, BOOT_PARTITION)).toEqual([]);
  });
});

/**
 * The checker on one node's boot machine written by hand: the GPT attributes after the boot
 * (what the boot machine holds when `node.boot` is emitted), the booted slot, the versions on
 * each partition (indices into 3760.2.0, 3815.2.0; -1 empty).
 */
function handBoot(ctx: Partial<Record<'aPriority' | 'aTries' | 'aSuccessful' | 'aVersion' | 'bPriority' | 'bTries' | 'bSuccessful' | 'bVersion' | 'bootedSlot', number>>) {
  const context = { aPriority: 1, aTries: 0, aSuccessful: 1, aVersion: 0, bPriority: 0, bTries: 0, bSuccessful: 0, bVersion: -1, bootedSlot: 0, ...ctx };
  const fed = standIn({ world: { boot: { context: () => context }, versions: versionsOf('3760.2.0', '3815.2.0') } });
  installBootPartitionChecker(fed.run);
  return fed;
}

describe('boot-partition checker, fed by hand (coreos/grub gptprio.c grub_find_next)', () => {
  it('is silent on the first boot of a freshly installed partition: its one try spent, it was what gptprio picked', () => {
    // update_engine postinstall: B priority 2, tries 1, not successful; A dropped to 1. GRUB
    // picks B (higher priority, a try left) and spends the try: after the boot B has tries 0.
    const { trace, messages } = handBoot({ aPriority: 1, aSuccessful: 1, bPriority: 2, bTries: 0, bSuccessful: 0, bVersion: 1, bootedSlot: 1 });
    trace.emit(100, 'node.boot', 0, { slot: 'B', version: '3815.2.0' });
    expect(messages()).toEqual([]);
  });

  it('is silent on the first boot of a freshly installed slot A (the restored try goes back to A, not B)', () => {
    const { trace, messages } = handBoot({ aPriority: 2, aTries: 0, aSuccessful: 0, aVersion: 1, bPriority: 1, bSuccessful: 1, bVersion: 0, bootedSlot: 0 });
    trace.emit(100, 'node.boot', 0, { slot: 'A', version: '3815.2.0' });
    expect(messages()).toEqual([]);
  });

  it('fires when the booted slot is not the one gptprio selects, and describes the table', () => {
    // Both marked good, B of higher priority: gptprio picks B, the node booted A.
    const { trace, messages } = handBoot({ aPriority: 1, aSuccessful: 1, bPriority: 2, bSuccessful: 1, bVersion: 1, bootedSlot: 0 });
    trace.emit(100, 'node.boot', 3, { slot: 'A', version: '3760.2.0' });
    expect(messages()).toEqual(['100 node 3 booted slot A, gptprio selects B (A: priority 1 tries 0 successful 1; B: priority 2 tries 0 successful 1)']);
  });

  it('reads a partition showing 15 tries left (the field maximum) as having had 15, not 16', () => {
    const { trace, messages } = handBoot({ aPriority: 1, aSuccessful: 1, bPriority: 2, bTries: 15, bSuccessful: 0, bVersion: 1, bootedSlot: 1 });
    trace.emit(100, 'node.boot', 0, { slot: 'B', version: '3815.2.0' });
    expect(messages()).toEqual([]);
  });

  it('fires when the boot reports another version than the slot holds, or an empty slot', () => {
    const { trace, messages } = handBoot({});
    trace.emit(100, 'node.boot', 1, { slot: 'A', version: '3815.2.0' });
    expect(messages()).toEqual(['100 node 1 reports version 3815.2.0, slot A holds 3760.2.0']);
    const empty = handBoot({ aVersion: -1 });
    empty.trace.emit(200, 'node.boot', 1, { slot: 'A', version: '3760.2.0' });
    expect(empty.messages()).toEqual(['200 node 1 reports version 3760.2.0, slot A holds an empty partition']);
  });

  it('fires on a node.boot without data (no slot, no version), without throwing', () => {
    const { trace, messages } = handBoot({});
    trace.emit(100, 'node.boot', 2);
    expect(messages()).toEqual(['100 node 2 reports booting slot undefined, its boot machine booted A', '100 node 2 reports version undefined, slot A holds 3760.2.0']);
  });

  it('names a boot machine that booted no slot "none"', () => {
    const { trace, messages } = handBoot({ bootedSlot: -1 });
    trace.emit(100, 'node.boot', 5, { slot: 'B', version: 'an empty partition' });
    expect(messages()).toEqual(['100 node 5 reports booting slot B, its boot machine booted none']);
  });

  it('fires at node.reboot and node.down when no partition qualifies, and ignores other events', () => {
    const { trace, messages } = handBoot({ aPriority: 0, aSuccessful: 1 });
    trace.emit(100, 'node.reboot', 4);
    trace.emit(200, 'node.down', 4);
    trace.emit(300, 'node.update-ready', 4, { version: '3815.2.0' });
    const table = 'A: priority 0 tries 0 successful 1; B: priority 0 tries 0 successful 0';
    expect(messages()).toEqual([`100 node 4 has no bootable partition left at node.reboot (${table})`, `200 node 4 has no bootable partition left at node.down (${table})`]);
  });
});
