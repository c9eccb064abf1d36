/**
 * The version-change checker: a node's version changes only by booting what update_engine
 * installed, or by a rollback. Mutation: a newer version written to a node's inactive partition
 * behind update_engine (and given GRUB's top priority), then a power cycle: the node boots a
 * version it never installed. Updates and rollbacks keep it silent.
 */
import { describe, expect, it } from 'vitest';
import { VERSION_CHANGE } from '../../sim/checkers/index.ts';
import { installVersionChangeChecker } from '../../sim/checkers/version-change.ts';
import { prepare, rollout, standIn, versionsOf, violationsOf } from './helpers.ts';

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

/** Two nodes running 3760.2.0 (index 0); the test emits their update, rollback and boot events. */
function handFleet() {
  const fed = standIn({ world: { nodeCount: 2, nodeVersion: new Uint16Array(2), versions: versionsOf('3760.2.0', '3815.2.0', '3900.0.0') } });
  installVersionChangeChecker(fed.run);
  const emit = (time: number, kind: string, version?: string) => fed.trace.emit(time, kind, 0, version === undefined ? undefined : { version });
  return { ...fed, emit };
}

describe('version-change checker, fed by hand', () => {
  it('is silent through an update, a rollback at the next boot, and the same version booted again', () => {
    const { emit, messages } = handFleet();
    emit(100, 'node.update-ready', '3815.2.0');
    emit(200, 'node.boot', '3815.2.0');
    emit(300, 'node.rollback');
    emit(300, 'node.boot', '3760.2.0');
    emit(400, 'node.boot', '3760.2.0');
    expect(messages()).toEqual([]);
  });

  it('reads a rollback only at a boot of its own time: a later boot back to the old version fires', () => {
    const { emit, messages } = handFleet();
    emit(100, 'node.update-ready', '3815.2.0');
    emit(200, 'node.boot', '3815.2.0');
    emit(300, 'node.rollback');
    emit(301, 'node.boot', '3760.2.0');
    expect(messages()).toEqual(['301 node 0 went from 3815.2.0 to 3760.2.0: 3760.2.0 was never installed (last install: 3815.2.0)']);
  });

  it('reads a rollback once: the installed version booted a millisecond after a rollback at time 0 is an update again', () => {
    const { emit, messages } = handFleet();
    emit(0, 'node.update-ready', '3815.2.0');
    emit(0, 'node.boot', '3815.2.0');
    emit(0, 'node.rollback');
    emit(0, 'node.boot', '3760.2.0');
    emit(1, 'node.boot', '3815.2.0');
    expect(messages()).toEqual([]);
  });

  it('fires on a rollback to a version the node did not run before its update', () => {
    const { emit, messages } = handFleet();
    emit(300, 'node.rollback');
    emit(300, 'node.boot', '3815.2.0');
    emit(400, 'node.update-ready', '3900.0.0');
    emit(500, 'node.boot', '3900.0.0');
    emit(600, 'node.rollback');
    emit(600, 'node.boot', '3760.2.0');
    expect(messages()).toEqual([
      '300 node 0 went from 3760.2.0 to 3815.2.0: a rollback to 3815.2.0, but it ran nothing else before its update',
      '600 node 0 went from 3900.0.0 to 3760.2.0: a rollback to 3760.2.0, but it ran 3815.2.0 before its update',
    ]);
  });

  it('does not take a boot at time 1 for a rollback (no rollback was ever seen)', () => {
    const { emit, messages } = handFleet();
    emit(1, 'node.boot', '3815.2.0');
    expect(messages()).toEqual(['1 node 0 went from 3760.2.0 to 3815.2.0: 3815.2.0 was never installed (last install: none)']);
  });

  it('is silent through manual rollbacks (the operator swaps the partitions, twice) and a plain reboot after one', () => {
    const { emit, messages } = handFleet();
    emit(100, 'node.update-ready', '3815.2.0');
    emit(200, 'node.boot', '3815.2.0');
    emit(300, 'node.manual-rollback');
    emit(310, 'node.boot', '3760.2.0');
    emit(400, 'node.boot', '3760.2.0');
    emit(500, 'node.manual-rollback');
    emit(510, 'node.boot', '3815.2.0');
    expect(messages()).toEqual([]);
  });

  it('fires on a boot back to the previous version without any rollback, and on a manual rollback to a third version', () => {
    const { emit, messages } = handFleet();
    emit(100, 'node.update-ready', '3815.2.0');
    emit(200, 'node.boot', '3815.2.0');
    emit(300, 'node.boot', '3760.2.0');
    expect(messages()).toEqual(['300 node 0 went from 3815.2.0 to 3760.2.0: 3760.2.0 was never installed (last install: 3815.2.0)']);
    const other = handFleet();
    other.emit(100, 'node.update-ready', '3815.2.0');
    other.emit(200, 'node.boot', '3815.2.0');
    other.emit(300, 'node.manual-rollback');
    other.emit(310, 'node.boot', '3900.0.0');
    expect(other.messages()).toEqual(['310 node 0 went from 3815.2.0 to 3900.0.0: 3900.0.0 was never installed (last install: 3815.2.0)']);
  });

  it('reads events missing their data without throwing', () => {
    const { emit, messages } = handFleet();
    emit(100, 'node.update-ready');
    emit(200, 'node.boot');
    expect(messages()).toEqual([]);
  });
});
