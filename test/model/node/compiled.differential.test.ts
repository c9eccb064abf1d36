/**
 * The node's three machines run the same under the compiled runtime as under xstate's own
 * interpreter (test/model/machine/differential.ts): after every command of random sequences
 * (events with payloads inside their documented ranges, timer firings, clock advances), the same
 * state, full context, effects in the same order and pending timers, with the storage types the
 * world uses (nodeMachines[*].fields). 660 sequences times FLEETSIM_DIFF_SCALE (default 3).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { MachineEvent } from '../../../sim/model/machine/define.ts';
import { kuredDescriptor, nodeMachines, zincatiDescriptor } from '../../../sim/model/node/machines.ts';
import { BOOT_REPORT } from '../../../sim/model/node/omaha.ts';
import { REBOOT_STRATEGY, createRebootManagerMachine } from '../../../sim/model/node/agents/locksmithd.ts';
import { assertCompiledMatchesXstate } from '../machine/differential.ts';

const HOUR_MS = 3_600_000;
// 3 x 660 = 1,980 sequences by default (about 6 s); `FLEETSIM_DIFF_SCALE=30 npx vitest run
// test/model/node/compiled.differential.test.ts` runs ten times more.
const SCALE = Math.max(1, Number(process.env.FLEETSIM_DIFF_SCALE ?? 3) || 3);

// A uniform draw as the world makes it, on a grid so that both sides see plain numbers.
const u = fc.integer({ min: 0, max: 999 }).map((n) => n / 1000);
const flag = fc.integer({ min: 0, max: 1 });
const durationMs = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60_000 }));
const waitMs = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2 * HOUR_MS }));

function event<T extends Record<string, fc.Arbitrary<number>>>(type: string, fields: T): fc.Arbitrary<MachineEvent> {
  return fc.record(fields).map((values) => ({ type, ...values }) as MachineEvent);
}

const updateEngineEvents = [
  event('START', { u, warm: flag, bootResult: fc.constantFrom(BOOT_REPORT.NONE, BOOT_REPORT.SUCCESS_REBOOT, BOOT_REPORT.ROLLBACK) }),
  event('START', { u, warm: flag, bootResult: fc.constant(BOOT_REPORT.NONE), elidedMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10 * HOUR_MS })) }),
  event('STOP', {}),
  event('CHECK_RESPONSE', {
    result: fc.integer({ min: 0, max: 2 }),
    version: fc.integer({ min: 0, max: 20 }),
    u,
    elidedMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10 * HOUR_MS })),
  }),
  event('DOWNLOAD_DONE', { verifyOk: flag }),
  event('DOWNLOAD_FAILED', {}),
  event('PING_RESPONSE', { u, elidedMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: HOUR_MS })) }),
  event('ERROR_REPORTED', { u }),
  event('RESCHEDULE_CHECK', { delayMs: fc.integer({ min: 0, max: 10 * HOUR_MS }) }),
];

const bootEvents = [
  event('REBOOT', { drainMs: durationMs, shutdownMs: durationMs, bootMs: durationMs }),
  event('CRASH', {}),
  event('POWER_ON', { bootMs: durationMs }),
  event('START_WARM', {}),
  event('POST_INSTALL', { version: fc.integer({ min: 0, max: 100 }), bad: flag }),
  event('PRIORITIZE_OTHER', {}),
];

const rebootManagerEvents = [
  event('REBOOT_NEEDED', { windowWaitMs: waitMs }),
  event('LOCK_GRANTED', {}),
  event('LOCK_DENIED', { windowWaitMs: waitMs }),
  event('BOOTED', {}),
  event('LOCK_RELEASED', {}),
  event('RELEASE_FAILED', {}),
  event('STOP', {}),
];

describe('node machines: compiled runtime matches xstate (differential)', () => {
  it('update_engine (update_attempter.h statuses, update_check_scheduler.cc intervals) behaves as under xstate', () => {
    const d = nodeMachines.updateEngine;
    assertCompiledMatchesXstate(d.machine, updateEngineEvents, {
      numRuns: 150 * SCALE,
      maxAdvanceMs: HOUR_MS,
      compileOptions: { fields: d.fields },
    });
  });

  it('power and boot (gptprio, setgoodroot, watchdog rollback) behaves as under xstate', () => {
    const d = nodeMachines.boot;
    assertCompiledMatchesXstate(d.machine, bootEvents, {
      numRuns: 150 * SCALE,
      maxAdvanceMs: 200_000,
      compileOptions: { fields: d.fields },
    });
  });

  it('power and boot without automatic rollback (Fedora CoreOS, coreos/fedora-coreos-tracker#47) behaves as under xstate', () => {
    const d = nodeMachines.boot;
    assertCompiledMatchesXstate(d.create({ autoRollback: 0 }), bootEvents, {
      numRuns: 100 * SCALE,
      maxAdvanceMs: 200_000,
      compileOptions: { fields: d.fields },
    });
  });

  it('the reboot manager behaves as under xstate for every strategy (reboot, off, etcd-lock, fleet-lock)', () => {
    for (const strategy of Object.values(REBOOT_STRATEGY)) {
      assertCompiledMatchesXstate(createRebootManagerMachine({ strategy }), rebootManagerEvents, {
        numRuns: 50 * SCALE,
        maxAdvanceMs: HOUR_MS,
        compileOptions: { fields: nodeMachines.rebootManager.fields },
      });
    }
  });

  it('kured (kubereboot/kured cmd/kured/main.go rebootAsRequired, pkg/delaytick) behaves as under xstate, with and without drain timeout and --force-reboot', () => {
    const kuredEvents = [
      event('BOOTED', {}),
      event('REBOOT_NEEDED', { windowWaitMs: waitMs }),
      event('UNIFORM', { u }),
      event('GATES', { windowWaitMs: waitMs, blocked: flag }),
      event('DRAINED', {}),
      event('DRAIN_TIMED_OUT', {}),
      event('LOCK_GRANTED', {}),
      event('LOCK_DENIED', { windowWaitMs: waitMs }),
      event('LOCK_RELEASED', {}),
      event('RELEASE_FAILED', {}),
      event('STOP', {}),
    ];
    const configs = [
      {},
      { drainTimeoutMs: 30 * 60_000, forceReboot: 0, rebootDelayMs: 60_000, lockReleaseDelayMs: 120_000 },
      { drainTimeoutMs: 30 * 60_000, forceReboot: 1, periodMs: 10 * 60_000 },
    ];
    for (const config of configs) {
      assertCompiledMatchesXstate(kuredDescriptor.create(config), kuredEvents, {
        numRuns: 50 * SCALE,
        maxAdvanceMs: 2 * HOUR_MS,
        compileOptions: { fields: kuredDescriptor.fields },
      });
    }
  });

  it('Zincati (coreos/zincati src/update_agent/actor.rs, src/strategy/) behaves as under xstate, for each strategy', () => {
    const zincatiEvents = [
      event('BOOTED', {}),
      event('REBOOT_NEEDED', { windowWaitMs: waitMs }),
      event('UNIFORM', { u }),
      event('GATES', { windowWaitMs: waitMs, blocked: flag }),
      event('LOCK_GRANTED', {}),
      event('LOCK_DENIED', { windowWaitMs: waitMs }),
      event('LOCK_RELEASED', {}),
      event('RELEASE_FAILED', {}),
      event('STOP', {}),
    ];
    for (const strategy of [0, 1, 2]) {
      assertCompiledMatchesXstate(zincatiDescriptor.create({ strategy }), zincatiEvents, {
        numRuns: 50 * SCALE,
        maxAdvanceMs: HOUR_MS,
        compileOptions: { fields: zincatiDescriptor.fields },
      });
    }
  });

  it('lazy timers (stale on firing, never cancelled) give the same node runs', () => {
    assertCompiledMatchesXstate(nodeMachines.updateEngine.machine, updateEngineEvents, {
      numRuns: 80 * SCALE,
      maxAdvanceMs: HOUR_MS,
      timers: 'lazy',
      compileOptions: { fields: nodeMachines.updateEngine.fields },
    });
    assertCompiledMatchesXstate(nodeMachines.boot.machine, bootEvents, {
      numRuns: 80 * SCALE,
      maxAdvanceMs: 200_000,
      timers: 'lazy',
      compileOptions: { fields: nodeMachines.boot.fields },
    });
  });
});
