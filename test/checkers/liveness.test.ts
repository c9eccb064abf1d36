/**
 * The liveness checker (TigerBeetle's VOPR liveness phase): after the last fault healed, the
 * rollout settles within `liveness.bound`. Mutation: a reboot lock that never grants, so the
 * rollout stalls; with a fault in the run it fires once, at the deadline. It does not judge runs
 * without faults, runs whose horizon ends before the deadline, or runs with a fault that never
 * heals; and it accepts a group halted by policy or nodes that failed the release.
 */
import { describe, expect, it } from 'vitest';
import { LIVENESS } from '../../sim/checkers/index.ts';
import type { FleetRun } from '../../sim/run/fleet-run.ts';
import { installLivenessChecker } from '../../sim/checkers/liveness.ts';
import { prepare, rollout, standIn, versionsOf, violationsOf } from './helpers.ts';

const OUTAGE = 'faults:\n  - {at: 1h, kind: server-outage, duration: 1m}';

/** The mutation: every lock request is answered `full`. */
function neverGrant(run: FleetRun): void {
  const lock = run.world.rebootGroups.clientOf(0).lock as unknown as { acquire: (n: number, g: string, cb: (r: unknown) => void) => void };
  lock.acquire = (_node, _group, callback) => run.sim.callAfter(5, () => callback({ ok: false, outcome: 'full', holders: 1 }));
}

describe('liveness checker', () => {
  it('fires at the deadline when the rollout stalls after the faults healed', () => {
    const run = prepare(rollout('etcd-lock', `${OUTAGE}\nliveness: {bound: 6h}`));
    neverGrant(run);
    run.runToEnd();
    const found = violationsOf(run, LIVENESS);
    expect(found).toHaveLength(1);
    expect(found[0].time).toBe(3_600_000 + 60_000 + 6 * 3_600_000);
    expect(found[0].message).toMatch(/^the rollout did not settle .*: 30 nodes neither on target nor failed, e.g. 0 \(prod, 3760.2.0, running.good\/UPDATED_NEED_REBOOT\/locking\)/);
  });

  it('does not judge a run without faults, a horizon before the deadline, or a fault that never heals', () => {
    const cases = [
      rollout('etcd-lock', 'liveness: {bound: 6h}'),
      rollout('etcd-lock', `${OUTAGE}\nliveness: {bound: 30h}`),
      rollout('etcd-lock', 'faults:\n  - {at: 1h, kind: etcd-kill, target: {etcd: 1}}\nliveness: {bound: 6h}'),
    ];
    for (const yaml of cases) {
      const run = prepare(yaml);
      neverGrant(run);
      run.runToEnd();
      expect(violationsOf(run, LIVENESS)).toEqual([]);
    }
  });

  it('accepts nodes that failed the release and groups halted by policy', () => {
    const failing = prepare(rollout('reboot', `${OUTAGE}\nliveness: {bound: 6h}`).replace('{version: 3815.2.0, at: 1h}', '{version: 3815.2.0, at: 1h, bootFailureProbability: 1}'));
    failing.runToEnd();
    const report = failing.report();
    expect(report.rollout.completed).toBe(false);
    expect(report.fleet.rolledBack + (report.rollout.halted ? 1 : 0)).toBeGreaterThan(0);
    expect(violationsOf(failing, LIVENESS)).toEqual([]);
  });
});

/** A kured fleet (kured cmd/kured/main.go rebootAsRequired) with a server outage as its fault. */
const kured = (alert: string) => `
name: kured-liveness
duration: 4d
liveness: {bound: 1d}
fleet:
  groups:
    - {name: workers, nodes: 30, zones: [a, b]}
etcd: {members: 3}
releases:
  - {version: 3815.2.0, at: 1h}
reboot:
  agent: kured
  maxConcurrent: 3
  period: 1h
  drain: 1m
  alerts:
    - ${alert}
${OUTAGE}
`;

describe('liveness checker and kured blockers (kured pkg/blockers, pkg/delaytick)', () => {
  it('excuses the nodes an alert flapping in phase with --period held at every tick, and only those', () => {
    // 20 minutes of every hour, --period 1h: the nodes whose tick falls in it are held for good.
    const run = prepare(kured('{at: 0s, duration: 20m, every: 1h}'));
    run.runToEnd();
    const report = run.report();
    expect(report.rollout.completed).toBe(false);
    const held = run.world.kuredTicks!;
    const heldNodes = Array.from({ length: 30 }, (_, node) => node).filter((node) => held.heldSince(node, 3_600_000 + 60_000));
    // Every node not updated is one of the held ones, and every held one is not updated.
    expect(heldNodes.length).toBe(30 - report.fleet.updated);
    expect(heldNodes.length).toBeGreaterThan(3);
    expect(violationsOf(run, LIVENESS)).toEqual([]);
  });

  it('still fires when the alert lets some ticks through but the rollout stalls for another reason', () => {
    // The alert fires 20 minutes of every 170: every node gets unblocked ticks; the lock never grants.
    const run = prepare(kured('{at: 0s, duration: 20m, every: 170m}'));
    neverGrant(run);
    run.runToEnd();
    const found = violationsOf(run, LIVENESS);
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/30 nodes neither on target nor failed/);
  });
});

/**
 * The checker on a fleet of six nodes written by hand: nodes 0-3 in group prod, 4-5 in canary,
 * all on 3760.2.0 (index 0), both groups targeting 3815.2.0 (index 1) and rolling; one fault
 * healed at 1,000 ms; liveness.bound 10,000 ms, so the deadline is 11,000 ms unless a release
 * comes later. The test sets versions, targets and rollout states, emits the progress events and
 * calls finish.
 */
function handFleet() {
  const nodeVersion = new Uint16Array(6);
  const targets = [1, 1];
  const rollouts = [
    { group: 'prod', state: 'rolling', updatesEnabled: true },
    { group: 'canary', state: 'rolling', updatesEnabled: true },
  ];
  const world = {
    nodeCount: 6,
    nodeGroup: Uint8Array.from([0, 0, 0, 0, 1, 1]),
    nodeVersion,
    versions: versionsOf('3760.2.0', '3815.2.0'),
    kuredTicks: null,
    nodeIsDown: () => false,
    server: { rolloutStates: () => rollouts, groupTarget: (group: number) => targets[group] },
    boot: { stateName: () => 'running' },
    updateEngine: { stateName: () => 'IDLE' },
    rebootManager: { stateName: () => 'idle' },
  };
  const faults = { applied: 1, unhealed: [], lastHealMs: 1_000, deadNodes: new Set<number>() };
  const fed = standIn({ world, faults, scenario: { liveness: { bound: 10_000 } } });
  const checker = installLivenessChecker(fed.run);
  return { ...fed, nodeVersion, targets, rollouts, finish: (nowMs: number) => checker.finish(nowMs) };
}

const LOCKSMITH_DEFAULT = 'coreos.com/updateengine/rebootlock/semaphore';

/**
 * The hand fleet as locksmithd nodes (prod in lock group `default`, canary in `canaries`) with a
 * committed-store stand-in the test writes locksmith semaphore values into, and each node's
 * locksmithd state and holdsLock set by hand.
 */
function handLocksmithFleet() {
  const nodeVersion = new Uint16Array(6);
  const states = ['locking', 'locking', 'locking', 'locking', 'idle', 'idle'];
  const holdsLock = new Uint8Array(6);
  const down = new Set<number>();
  let observer: (key: string, kv: { value: string } | null) => void = () => {};
  const world = {
    nodeCount: 6,
    nodeGroup: Uint8Array.from([0, 0, 0, 0, 1, 1]),
    nodeVersion,
    versions: versionsOf('3760.2.0', '3815.2.0'),
    kuredTicks: null,
    nodeIsDown: (node: number) => down.has(node),
    etcd: { cluster: { store: { observe: (fn: typeof observer) => (observer = fn) } } },
    server: {
      rolloutStates: () => [
        { group: 'prod', state: 'rolling', updatesEnabled: true },
        { group: 'canary', state: 'rolling', updatesEnabled: true },
      ],
      groupTarget: () => 1,
    },
    boot: { stateName: () => 'running' },
    updateEngine: { stateName: () => 'UPDATED_NEED_REBOOT' },
    rebootGroups: { lockGroupOf: (node: number) => (node < 4 ? 'default' : 'canaries') },
    rebootManager: {
      agentOf: () => ({ name: 'locksmithd' }),
      stateName: (node: number) => states[node],
      get: (node: number, field: string) => (field === 'holdsLock' ? holdsLock[node] : 0),
    },
  };
  const faults = { applied: 1, unhealed: [], lastHealMs: 1_000, deadNodes: new Set<number>() };
  const fed = standIn({ world, faults, scenario: { liveness: { bound: 10_000 } } });
  const checker = installLivenessChecker(fed.run);
  nodeVersion.set([0, 0, 0, 0, 1, 1]); // canary settled, prod waits for the lock
  const semaphore = (key: string, free: number, holders: number[]) =>
    observer(key, { value: `{"semaphore":${free},"max":${free + holders.length},"holders":[${holders.map((h) => `"${h}"`).join(',')}]}` });
  return { ...fed, states, holdsLock, down, semaphore, excused: () => fed.run.violations.excused.map((v) => `${v.time} ${v.message}`), finish: (nowMs: number) => checker.finish(nowMs) };
}

describe('liveness checker and locksmith ghost holders (locksmith lock/semaphore.go Semaphore.Lock, locksmithctl/daemon.go lockAndReboot)', () => {
  it('excuses the nodes waiting behind a full semaphore whose every holder is a ghost, and says so', () => {
    const f = handLocksmithFleet();
    f.semaphore(LOCKSMITH_DEFAULT, 0, [0]); // node 0's CAS committed, its answer lost: it still asks
    f.finish(11_000);
    expect(f.messages()).toEqual([]);
    expect(f.excused()).toHaveLength(1);
    expect(f.excused()[0]).toMatch(/^11000 lock group default: 4 nodes wait for good behind locksmith ghost holders \[0\] .*Semaphore\.Lock.*\(1000ms\), bound 10000ms$/);
  });

  it('still fires when a holder knows it holds the lock, is down, or is not asking, or when a slot is free', () => {
    const cases: Array<[string, (f: ReturnType<typeof handLocksmithFleet>) => void]> = [
      ['holder knows', (f) => { f.holdsLock[0] = 1; f.semaphore(LOCKSMITH_DEFAULT, 0, [0]); }],
      ['holder down', (f) => { f.down.add(0); f.semaphore(LOCKSMITH_DEFAULT, 0, [0]); }],
      ['holder idle', (f) => { f.states[0] = 'idle'; f.semaphore(LOCKSMITH_DEFAULT, 0, [0]); }],
      ['one of two holders real', (f) => { f.holdsLock[1] = 1; f.semaphore(LOCKSMITH_DEFAULT, 0, [0, 1]); }],
      ['a slot free', (f) => f.semaphore(LOCKSMITH_DEFAULT, 1, [0])],
      ['ghost freed later', (f) => { f.semaphore(LOCKSMITH_DEFAULT, 0, [0]); f.semaphore(LOCKSMITH_DEFAULT, 1, []); }],
      ['ghost in another lock group', (f) => f.semaphore('coreos.com/updateengine/rebootlock/groups/canaries/semaphore', 0, [4])],
    ];
    for (const [what, arrange] of cases) {
      const f = handLocksmithFleet();
      arrange(f);
      f.finish(11_000);
      expect(f.excused(), what).toEqual([]);
      expect(f.messages(), what).toHaveLength(1);
      expect(f.messages()[0], what).toMatch(/nodes neither on target nor failed/);
    }
  });

  it('excuses only the nodes of the ghost-locked group that wait for the lock', () => {
    const f = handLocksmithFleet();
    f.states[3] = 'idle'; // node 3 is not asking: something else holds it back
    f.semaphore(LOCKSMITH_DEFAULT, 0, [0]);
    f.finish(11_000);
    expect(f.excused()[0]).toMatch(/3 nodes wait for good/);
    expect(f.messages()).toEqual([`11000 ${NOT_SETTLED}: 1 nodes neither on target nor failed, e.g. 3 (prod, 3760.2.0, running/UPDATED_NEED_REBOOT/idle)`]);
  });
});

const NOT_SETTLED = 'the rollout did not settle after the last fault healed or release came (1000ms), bound 10000ms';

describe('liveness checker, fed by hand', () => {
  it('judges at the deadline itself, once, listing three of the stuck nodes', () => {
    const f = handFleet();
    f.nodeVersion.set([0, 0, 0, 0, 1, 1]);
    f.finish(11_000);
    f.finish(20_000);
    expect(f.messages()).toEqual([
      `11000 ${NOT_SETTLED}: 4 nodes neither on target nor failed, e.g. 0 (prod, 3760.2.0, running/IDLE/idle); 1 (prod, 3760.2.0, running/IDLE/idle); 2 (prod, 3760.2.0, running/IDLE/idle)`,
    ]);
  });

  it('counts the deadline from the last release when it came after the last fault healed', () => {
    const early = handFleet();
    early.trace.emit(5_000, 'server.release', 'stable', { version: '3815.2.0' });
    early.finish(14_999);
    expect(early.messages()).toEqual([]);
    const atDeadline = handFleet();
    atDeadline.trace.emit(5_000, 'server.release', 'stable', { version: '3815.2.0' });
    atDeadline.finish(15_000);
    expect(atDeadline.messages()).toEqual([
      `15000 the rollout did not settle after the last fault healed or release came (5000ms), bound 10000ms: 6 nodes neither on target nor failed, e.g. 0 (prod, 3760.2.0, running/IDLE/idle); 1 (prod, 3760.2.0, running/IDLE/idle); 2 (prod, 3760.2.0, running/IDLE/idle)`,
    ]);
  });

  it('excuses a group halted, paused or with updates switched off, and one with no target yet; judges each group by its own nodes', () => {
    const excuses: Array<[string, (f: ReturnType<typeof handFleet>) => void]> = [
      ['halted', (f) => (f.rollouts[0].state = 'halted')],
      ['paused', (f) => (f.rollouts[0].state = 'paused')],
      ['updates off', (f) => (f.rollouts[0].updatesEnabled = false)],
      ['no target', (f) => (f.targets[0] = -1)],
    ];
    for (const [what, excuse] of excuses) {
      const f = handFleet();
      f.nodeVersion.set([0, 0, 0, 0, 1, 1]); // canary settled, prod stuck
      excuse(f);
      f.finish(11_000);
      expect(f.messages(), what).toEqual([]);
    }
  });

  it('judges a group whose target is the initial version (index 0)', () => {
    const f = handFleet();
    f.targets[0] = 0;
    f.nodeVersion.set([0, 0, 1, 0, 1, 1]);
    f.finish(11_000);
    expect(f.messages()).toEqual([`11000 ${NOT_SETTLED}: 1 nodes neither on target nor failed, e.g. 2 (prod, 3815.2.0, running/IDLE/idle)`]);
  });

  it('fires when the rollout settled, but only after the deadline: a boot, a halt, a completion or a first failure', () => {
    const progress: Array<[string, string | number, object | undefined]> = [
      ['node.boot', 3, { slot: 'B', version: '3815.2.0' }],
      ['rollout.halted', 'prod', undefined],
      ['server.update-complete', 3, undefined],
      ['server.update-failed', 3, { version: '3900.0.0' }],
    ];
    for (const [kind, subject, data] of progress) {
      const f = handFleet();
      f.nodeVersion.fill(1);
      f.trace.emit(12_000, kind, subject, data as never);
      f.finish(20_000);
      expect(f.messages(), kind).toEqual([`11000 the rollout settled only at 12000ms, after the last fault healed or release came (1000ms), bound 10000ms`]);
    }
  });

  it('takes progress at the deadline itself as in time, and a failing node\'s loops (boots, the same failure again) as no progress', () => {
    const inTime = handFleet();
    inTime.nodeVersion.fill(1);
    inTime.trace.emit(11_000, 'node.boot', 0, { slot: 'B', version: '3815.2.0' });
    inTime.finish(20_000);
    expect(inTime.messages()).toEqual([]);
    const looping = handFleet();
    looping.nodeVersion.set([1, 1, 1, 0, 1, 1]);
    looping.trace.emit(5_000, 'server.update-failed', 3, { version: '3815.2.0' });
    looping.trace.emit(12_000, 'node.boot', 3, { slot: 'A', version: '3760.2.0' });
    looping.trace.emit(13_000, 'server.update-failed', 3, { version: '3815.2.0' });
    looping.finish(20_000);
    expect(looping.messages()).toEqual([]);
  });

  it('reads a failure without data without throwing', () => {
    const f = handFleet();
    f.nodeVersion.fill(1);
    f.trace.emit(5_000, 'server.update-failed', 3);
    f.finish(20_000);
    expect(f.messages()).toEqual([]);
  });
});
