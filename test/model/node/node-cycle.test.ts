import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine/simulation.ts';
import {
  BOOT_EFFECTS,
  BOOT_STATE,
  bootedVersionOf,
  bootReportOf,
  createBootMachine,
  type BootContext,
} from '../../../sim/model/node/boot.ts';
import { BOOT_REPORT } from '../../../sim/model/node/omaha.ts';
import { REBOOT_MANAGER_EFFECTS, REBOOT_MANAGER_STATE, createRebootManagerMachine } from '../../../sim/model/node/agents/locksmithd.ts';
import { UPDATE_ENGINE_EFFECTS, UPDATE_STATUS, createUpdateEngineMachine } from '../../../sim/model/node/update-engine.ts';
import { CHECK_RESULT } from '../../../sim/model/node/omaha.ts';
import { HOUR_MS, MachineHarness, MINUTE_MS, SECOND_MS } from './harness.ts';

// One node's three machines wired together by a minimal world, as the fleet world wires them
// (effects become events of the other machines, always as separate simulation events): a good
// release is installed, rebooted into under the lock, marked good and reported 3/2; a release
// that hangs on this hardware rolls back through the watchdog and is reported 3/0 error 44.
// This is also the reference for the wiring contract documented in the machine files.

interface NodeRun {
  boot: MachineHarness;
  engine: MachineHarness;
  manager: MachineHarness;
  /** pendingReport carried by each update check, with its time. */
  checks: { time: number; pendingReport: number }[];
}

function runNode(options: { bad: number; releaseAtMs: number; untilMs: number }): NodeRun {
  const sim = new Simulation({ maxEvents: 1_000_000 });
  const boot = new MachineHarness(createBootMachine(), BOOT_EFFECTS, sim);
  const engine = new MachineHarness(createUpdateEngineMachine(), UPDATE_ENGINE_EFFECTS, sim);
  const manager = new MachineHarness(createRebootManagerMachine(), REBOOT_MANAGER_EFFECTS, sim);
  const checks: NodeRun['checks'] = [];
  let rolledBack = false;

  boot
    .on('startedWarm', () => {
      engine.sendAfter(0, { type: 'START', u: 0.5, warm: 1, bootResult: BOOT_REPORT.NONE });
      manager.sendAfter(0, { type: 'BOOTED', warm: 1 });
    })
    .on('booted', (r) => {
      engine.sendAfter(0, { type: 'START', u: 0.5, warm: 0, bootResult: bootReportOf(r.context.bootKind) });
      manager.sendAfter(0, { type: 'BOOTED' });
    })
    .on('shutdownStarted', () => {
      engine.sendAfter(0, { type: 'STOP' });
      manager.sendAfter(0, { type: 'STOP' });
    })
    .on('wentDown', () => {
      engine.sendAfter(0, { type: 'STOP' });
      manager.sendAfter(0, { type: 'STOP' });
    });

  engine
    .on('checkForUpdate', (r) => {
      checks.push({ time: r.time, pendingReport: r.context.pendingReport });
      if (r.context.pendingReport === BOOT_REPORT.ROLLBACK) rolledBack = true;
      const running = bootedVersionOf(boot.context as BootContext);
      // The server offers version 1 once it is published, and stops offering it after a rollback
      // (as a rollout halted on failures would).
      const offer = r.time >= options.releaseAtMs && running < 1 && !rolledBack;
      engine.sendAfter(100, {
        type: 'CHECK_RESPONSE',
        result: offer ? CHECK_RESULT.UPDATE : CHECK_RESULT.NO_UPDATE,
        version: offer ? 1 : -1,
        u: 0.5,
        elidedMs: 0,
      });
    })
    .on('startDownload', () => engine.sendAfter(60 * SECOND_MS, { type: 'DOWNLOAD_DONE', verifyOk: 1 }))
    .on('postInstall', (r) => boot.sendAfter(0, { type: 'POST_INSTALL', version: r.context.offeredVersion, bad: options.bad }))
    .on('needReboot', () => manager.sendAfter(0, { type: 'REBOOT_NEEDED', windowWaitMs: 0 }))
    .on('ping', () => engine.sendAfter(100, { type: 'PING_RESPONSE', u: 0.5, elidedMs: 0 }))
    .on('reportError', () => engine.sendAfter(100, { type: 'ERROR_REPORTED', u: 0.5 }));

  manager
    .on('acquireLock', () => manager.sendAfter(10, { type: 'LOCK_GRANTED' }))
    .on('reboot', () => boot.sendAfter(0, { type: 'REBOOT', drainMs: 0, shutdownMs: 2 * SECOND_MS, bootMs: 3 * SECOND_MS }))
    .on('releaseLock', () => manager.sendAfter(10, { type: 'LOCK_RELEASED' }));

  boot.send({ type: 'START_WARM' });
  sim.runUntil(options.untilMs);
  return { boot, engine, manager, checks };
}

describe('one node, three machines, a minimal world', () => {
  it('installs a good release, reboots under the lock into it, marks it good and reports 3/2', () => {
    const run = runNode({ bad: 0, releaseAtMs: HOUR_MS, untilMs: 4 * HOUR_MS });
    const boot = run.boot.context as BootContext;
    expect(run.boot.state).toBe(BOOT_STATE.RUNNING_GOOD);
    expect(bootedVersionOf(boot)).toBe(1);
    expect(boot).toMatchObject({ bootedSlot: 1, bSuccessful: 1, aPriority: 1, bPriority: 2 });
    expect(run.engine.state).toBe(UPDATE_STATUS.IDLE);
    expect(run.manager.state).toBe(REBOOT_MANAGER_STATE.IDLE);
    expect(run.manager.context.holdsLock).toBe(0);
    expect(run.checks.filter((c) => c.pendingReport !== 0).map((c) => c.pendingReport)).toEqual([BOOT_REPORT.SUCCESS_REBOOT]);
    // Exactly one reboot: shutdown, boot, setgoodroot.
    expect(run.boot.names()).toEqual(['startedWarm', 'shutdownStarted', 'booted', 'markedGood']);
    expect(run.manager.names()).toEqual(['acquireLock', 'reboot', 'releaseLock']);
  });

  it('a release that hangs on this hardware rolls back by the watchdog and reports 3/0 error 44', () => {
    const run = runNode({ bad: 1, releaseAtMs: HOUR_MS, untilMs: 6 * HOUR_MS });
    const boot = run.boot.context as BootContext;
    expect(run.boot.state).toBe(BOOT_STATE.RUNNING_GOOD);
    expect(bootedVersionOf(boot)).toBe(0);
    expect(boot.bootedSlot).toBe(0);
    expect(run.boot.names()).toEqual(['startedWarm', 'shutdownStarted', 'hung', 'booted', 'markedGood']);
    expect(run.checks.filter((c) => c.pendingReport !== 0).map((c) => c.pendingReport)).toEqual([BOOT_REPORT.ROLLBACK]);
    // The lock taken for the reboot is released once the node is back, on the old version.
    expect(run.manager.names()).toEqual(['acquireLock', 'reboot', 'releaseLock']);
    expect(run.manager.context.holdsLock).toBe(0);
    expect(run.engine.state).toBe(UPDATE_STATUS.IDLE);
  });

  it('checks keep their 45-minute rhythm before the release and stay quiet while the node reboots', () => {
    const run = runNode({ bad: 0, releaseAtMs: 100 * HOUR_MS, untilMs: 3 * HOUR_MS });
    const times = run.checks.map((c) => c.time);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(new Set(gaps)).toEqual(new Set([45 * MINUTE_MS + 100]));
    expect(run.boot.names()).toEqual(['startedWarm']);
  });
});
