/**
 * The version-change checker: a node's version changes only by booting what update_engine
 * installed, or by a rollback. Mutation: a newer version written to a node's inactive partition
 * behind update_engine (and given GRUB's top priority), then a power cycle: the node boots a
 * version it never installed. Updates and rollbacks keep it silent.
 */
import { describe, expect, it } from 'vitest';
import { VERSION_CHANGE } from '../../sim/checkers/index.ts';
import { prepare, rollout, violationsOf } from './helpers.ts';

describe('version-change checker', () => {
  it('fires when a node boots a version update_engine never installed', () => {
    // The release exists (version index 1) but is published long after the mutation.
    const run = prepare(rollout('reboot').replace('at: 1h}', 'at: 20h}'));
    run.runUntil(30 * 60_000);
    const boot = run.world.boot;
    boot.set(4, 'bVersion', 1);
    boot.set(4, 'bPriority', 2);
    boot.set(4, 'bTries', 1);
    run.world.crashNode(4);
    run.world.powerOnNode(4);
    run.runUntil(run.now + 60_000);
    const found = violationsOf(run, VERSION_CHANGE);
    expect(found.map((v) => v.message)).toEqual(['node 4 went from 3760.2.0 to 3815.2.0: 3815.2.0 was never installed (last install: none)']);
  });

  it('stays silent through updates and rollbacks (a release that hangs on half of the nodes)', () => {
    const run = prepare(rollout('reboot').replace('{version: 3815.2.0, at: 1h}', '{version: 3815.2.0, at: 1h, bootFailureProbability: 0.5}'));
    run.runToEnd();
    const report = run.report();
    expect(report.fleet.rolledBack).toBeGreaterThan(0);
    expect(report.fleet.updated).toBeGreaterThan(0);
    expect(violationsOf(run, VERSION_CHANGE)).toEqual([]);
  });
});
