/**
 * The checkers on a fleet with a reboot agent per group (reboot.groups.<g>.agent): silent on the
 * shipped mixed scenario, and each still firing when the mixed model is broken — lock-holders
 * when a lock group's nodes take the semaphore of another protocol, reboot-window when a Zincati
 * periodic node of a mixed fleet finalizes without asking its window, liveness when the Zincati
 * workers' lock never grants.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIVENESS, LOCK_HOLDERS, REBOOT_WINDOW } from '../../sim/checkers/index.ts';
import { ZINCATI_STRATEGY } from '../../sim/model/node/agents/zincati.ts';
import type { RebootLock } from '../../sim/model/etcd/locks/types.ts';
import { ProtocolLocks } from '../../sim/model/world/protocol-locks.ts';
import type { FleetRun } from '../../sim/run/fleet-run.ts';
import { prepare, violationsOf } from './helpers.ts';

const SHIPPED = readFileSync(new URL('../../scenarios/mixed-flatcar-fcos.yaml', import.meta.url), 'utf8');
const HOUR_MS = 3_600_000;

describe('checkers on a mixed Flatcar (locksmithd) + Fedora CoreOS (Zincati) fleet', () => {
  it('stay silent on scenarios/mixed-flatcar-fcos.yaml', () => {
    const run = prepare(SHIPPED);
    run.runToEnd();
    expect(run.report().invariants).toEqual({ violations: 0, list: [], excused: [] });
  });

  it("lock-holders fires when the Zincati workers' lock group is wired to locksmith's semaphore (a broken protocol map)", () => {
    const run = prepare(SHIPPED);
    const locks = run.world.etcd!.lock as ProtocolLocks;
    expect(locks).toBeInstanceOf(ProtocolLocks);
    // The mutation: the workers' slots come from the etcd hosts' locksmith lock.
    const locksmith = locks.lockOf('etcd');
    (locks as unknown as { lockOfGroup: Map<string, RebootLock> }).lockOfGroup.set('workers', locksmith);
    run.runToEnd();
    const found = violationsOf(run, LOCK_HOLDERS).map((v) => v.message);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toBe('coreos.com/updateengine/rebootlock/groups/workers/semaphore: a locksmith semaphore of lock group workers, whose agents speak fleet-lock');
  });

  const periodicMixed = `
name: periodic-mixed
duration: 8d
fleet:
  groups:
    - {name: flatcar, nodes: 4, zones: [a]}
    - {name: fcos, nodes: 8, zones: [a]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h}
reboot:
  strategy: etcd-lock
  groups:
    fcos: {agent: zincati, strategy: periodic, window: {days: [Sat], start: "02:00", length: 2h}, lockGroup: fcos}
`;

  it('reboot-window checks only the Zincati periodic group: silent as is (the Flatcar nodes reboot on Monday, outside any window of theirs)', () => {
    const run = prepare(periodicMixed);
    run.runToEnd();
    const report = run.report();
    expect(report.fleet.updated).toBe(12);
    expect(violationsOf(run, REBOOT_WINDOW)).toEqual([]);
  });

  it('reboot-window fires when a Zincati periodic node of the mixed fleet finalizes as immediate', () => {
    const run = prepare(periodicMixed);
    run.world.rebootManager.set(6, 'strategy', ZINCATI_STRATEGY.IMMEDIATE);
    run.runToEnd();
    const found = violationsOf(run, REBOOT_WINDOW);
    expect(found.map((v) => v.message)).toEqual(['node 6 (zincati periodic) started a reboot outside its window, on its clock']);
    expect(found[0].time).toBeLessThan(2 * HOUR_MS);
  });

  it("liveness fires when the Zincati workers' lock never grants after a fault healed, naming a stuck worker", () => {
    const run = prepare(SHIPPED.replace('liveness: {bound: 1d}', 'liveness: {bound: 6h}\nfaults:\n  - {at: 1h, kind: server-outage, duration: 1m}'));
    neverGrantWorkers(run);
    run.runToEnd();
    const found = violationsOf(run, LIVENESS);
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/40 nodes neither on target nor failed, e\.g\. 3 \(workers, 3760\.2\.0, running\.good\/UPDATED_NEED_REBOOT\/finalize/);
  });
});

/** The mutation: every lock request of the workers' lock group is answered `full`. */
function neverGrantWorkers(run: FleetRun): void {
  const locks = run.world.etcd!.lock as ProtocolLocks;
  const lock = locks.lockOf('workers') as unknown as { acquire: (n: number, g: string, cb: (r: unknown) => void) => void };
  lock.acquire = (_node, _group, callback) => run.sim.callAfter(5, () => callback({ ok: false, outcome: 'full', holders: 5 }));
}
