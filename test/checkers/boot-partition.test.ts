/**
 * The boot-partition checker (coreos/grub gptprio.c; docs/sources.md). Mutations:
 * a running node's GPT table zeroed behind the boot machine (both priorities 0), then a power
 * cycle: it finds nothing to boot (`node.unbootable`) and had no bootable partition when it went
 * down; and a `node.boot` that names the other slot. A rollout with a release that hangs on some
 * nodes (rollbacks) keeps it silent.
 */
import { describe, expect, it } from 'vitest';
import { BOOT_PARTITION } from '../../sim/checkers/index.ts';
import { prepare, rollout, violationsOf } from './helpers.ts';

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
