import { describe, expect, it } from 'vitest';
import type { CompiledRuntime } from '../../../sim/model/machine/runtime.ts';
import { nodeMachines } from '../../../sim/model/node/machines.ts';
import { CHECK_RESULT } from '../../../sim/model/node/omaha.ts';
import {
  UPDATE_ENGINE_EFFECTS,
  UPDATE_STATUS,
  createUpdateEngineMachine,
  type UpdateEngineContext,
} from '../../../sim/model/node/update-engine.ts';
import { compiledInstance, MachineHarness, MINUTE_MS, SECOND_MS } from './harness.ts';

// Hand-fed edges of update_engine: the checks on the events the world sends (run on the compiled
// runtime, which throws synchronously, as the world runs it), the schedule after a warm start,
// and the first ping when the world does not reschedule it.

function compiledEngine(overrides: Partial<UpdateEngineContext> = {}): CompiledRuntime {
  return compiledInstance(createUpdateEngineMachine(overrides), nodeMachines.updateEngine.fields);
}

const start = { type: 'START', u: 0.5, warm: 0, bootResult: 0 };
const noUpdate = { type: 'CHECK_RESPONSE', result: CHECK_RESULT.NO_UPDATE, version: -1, u: 0.5, elidedMs: 0 };
const offer = (version: number) => ({ ...noUpdate, result: CHECK_RESULT.UPDATE, version });

/** An engine in CHECKING_FOR_UPDATE: started, its first check timer fired. */
function checking(): CompiledRuntime {
  const runtime = compiledEngine();
  runtime.send(0, start);
  runtime.fireTimer(0, runtime.pendingTimers(0)[0].timerCode);
  expect(runtime.stateName(0)).toBe(UPDATE_STATUS.CHECKING_FOR_UPDATE);
  return runtime;
}

describe('createUpdateEngineMachine checks its durations', () => {
  it('rejects a negative or NaN verify or finalize time, and accepts 0', () => {
    expect(() => createUpdateEngineMachine({ verifyMs: -1 })).toThrow('verifyMs must be >= 0, got -1');
    expect(() => createUpdateEngineMachine({ verifyMs: NaN })).toThrow('verifyMs must be >= 0, got NaN');
    expect(() => createUpdateEngineMachine({ finalizeMs: -1 })).toThrow('finalizeMs must be >= 0, got -1');
    expect(() => createUpdateEngineMachine({ finalizeMs: NaN })).toThrow('finalizeMs must be >= 0, got NaN');
    expect(() => createUpdateEngineMachine({ verifyMs: 0, finalizeMs: 0 })).not.toThrow();
  });

  it('the compiled machine is named updateEngine, and its errors say so', () => {
    expect(() => compiledEngine().get(0, 'nope')).toThrow("unknown context field 'nope' of machine updateEngine");
  });
});

describe('START checks what the booting OS hands update_engine (compiled runtime)', () => {
  it('refuses elided time that is negative or infinite, and takes 0', () => {
    expect(() => compiledEngine().send(0, { ...start, elidedMs: -1 })).toThrow('elidedMs must be finite and >= 0, got -1');
    expect(() => compiledEngine().send(0, { ...start, elidedMs: Infinity })).toThrow('elidedMs must be finite and >= 0, got Infinity');
    const runtime = compiledEngine();
    runtime.send(0, { ...start, elidedMs: 0 });
    // firstCheckMs at u = 0.5: 7 min + (2 * 0.5 - 1) * 5 min = 7 min.
    expect(runtime.get(0, 'nextCheckMs')).toBe(7 * MINUTE_MS);
  });

  it('refuses a warm flag other than 0 or 1', () => {
    expect(() => compiledEngine().send(0, { ...start, warm: 2 })).toThrow('START.warm must be 0 or 1, got 2');
  });

  it('refuses a boot result other than 0, 2 or 44 (omaha.ts BOOT_REPORT)', () => {
    expect(() => compiledEngine().send(0, { ...start, bootResult: 1 })).toThrow('START.bootResult must be 0, 2 or 44, got 1');
    for (const bootResult of [0, 2, 44]) {
      const runtime = compiledEngine();
      runtime.send(0, { ...start, bootResult });
      expect(runtime.get(0, 'pendingReport')).toBe(bootResult);
    }
  });
});

describe('CHECK_RESPONSE, DOWNLOAD_DONE and PING_RESPONSE fields are checked (compiled runtime)', () => {
  it('a check result outside 0..3 is refused rather than read as a server error', () => {
    expect(() => checking().send(0, { ...noUpdate, result: 5 })).toThrow('CHECK_RESPONSE.result must be 0, 1, 2 or 3, got 5');
    expect(() => checking().send(0, { ...noUpdate, result: -1 })).toThrow('CHECK_RESPONSE.result must be 0, 1, 2 or 3, got -1');
  });

  it('both failed-check results back to IDLE: 2 (HTTP 500/503) and 3 (no answer)', () => {
    for (const result of [CHECK_RESULT.SERVER_ERROR, CHECK_RESULT.NO_ANSWER]) {
      const runtime = checking();
      runtime.send(0, { ...noUpdate, result });
      expect(runtime.stateName(0)).toBe(UPDATE_STATUS.IDLE);
    }
  });

  it('an offered update needs a version index: not negative, not fractional; version 0 is one', () => {
    expect(() => checking().send(0, offer(-1))).toThrow('an offered update needs a version index, got -1');
    expect(() => checking().send(0, offer(1.5))).toThrow('an offered update needs a version index, got 1.5');
    const runtime = checking();
    runtime.send(0, offer(0));
    expect(runtime.stateName(0)).toBe(UPDATE_STATUS.DOWNLOADING);
    expect(runtime.get(0, 'offeredVersion')).toBe(0);
  });

  it('an idle check answer refuses negative or infinite elided time', () => {
    expect(() => checking().send(0, { ...noUpdate, elidedMs: -1 })).toThrow('elidedMs must be finite and >= 0, got -1');
    expect(() => checking().send(0, { ...noUpdate, elidedMs: Infinity })).toThrow('elidedMs must be finite and >= 0, got Infinity');
  });

  it('DOWNLOAD_DONE refuses a verify flag other than 0 or 1', () => {
    const downloading = () => {
      const runtime = checking();
      runtime.send(0, offer(3));
      return runtime;
    };
    expect(() => downloading().send(0, { type: 'DOWNLOAD_DONE', verifyOk: 2 })).toThrow('DOWNLOAD_DONE.verifyOk must be 0 or 1, got 2');
    const runtime = downloading();
    runtime.send(0, { type: 'DOWNLOAD_DONE', verifyOk: 1 });
    expect(runtime.stateName(0)).toBe(UPDATE_STATUS.FINALIZING);
  });
});

describe('schedules a hand-computed check schedule gives (update_check_scheduler.cc ComputeNextIntervalAndFuzz)', () => {
  it('a node up a while at the start doubles the regular 45 min after an HTTP 500: its next check is 90 min later', () => {
    // A warm node has been checking every 45 min, so its last nominal interval is 45 min.
    // Warm first check at u = 0.5: 0.5 * 45 min = 22.5 min. HTTP 500/503 doubles: 2 * 45 = 90 min
    // (under the 4 h cap); fuzz at u = 0.5 is (2 * 0.5 - 1) * 45 min = 0 -> next check at 112.5 min.
    const h = new MachineHarness(createUpdateEngineMachine(), UPDATE_ENGINE_EFFECTS)
      .on('checkForUpdate', (_r, w) => w.sendAfter(0, { ...noUpdate, result: CHECK_RESULT.SERVER_ERROR }));
    h.send({ ...start, warm: 1 });
    h.runUntil(113 * MINUTE_MS);
    expect(h.named('checkForUpdate').map((e) => e.time)).toEqual([22.5 * MINUTE_MS, 112.5 * MINUTE_MS]);
    expect(h.named('checkForUpdate')[1].context.lastIntervalMs).toBe(90 * MINUTE_MS);
    // The second check fails too: 2 * 90 min = 180 min, still under the 4 h cap.
    expect(h.context.lastIntervalMs).toBe(180 * MINUTE_MS);
  });

  it('after an update, without a reschedule from the world the first ping comes one regular interval (45 min) later', () => {
    // Cold start u = 0.5: check at 7 min, offer and download answered at once, then
    // verifyMs + finalizeMs = 10 s + 5 s: UPDATED_NEED_REBOOT at 7 min 15 s; ping 45 min after.
    const h = new MachineHarness(createUpdateEngineMachine({ verifyMs: 10 * SECOND_MS, finalizeMs: 5 * SECOND_MS }), UPDATE_ENGINE_EFFECTS)
      .on('checkForUpdate', (_r, w) => w.sendAfter(0, offer(1)))
      .on('startDownload', (_r, w) => w.sendAfter(0, { type: 'DOWNLOAD_DONE', verifyOk: 1 }));
    h.send(start);
    const doneAt = 7 * MINUTE_MS + 15 * SECOND_MS;
    h.runUntil(doneAt + 45 * MINUTE_MS);
    expect(h.state).toBe(UPDATE_STATUS.UPDATED_NEED_REBOOT);
    expect(h.effects.filter((e) => e.time >= doneAt).map((e) => [e.name, e.time])).toEqual([
      ['postInstall', doneAt],
      ['reportUpdateComplete', doneAt],
      ['needReboot', doneAt],
      ['ping', doneAt + 45 * MINUTE_MS],
    ]);
    expect(h.named('needReboot')[0].context).toMatchObject({ nextCheckMs: 45 * MINUTE_MS, lastIntervalMs: 45 * MINUTE_MS });
  });
});
