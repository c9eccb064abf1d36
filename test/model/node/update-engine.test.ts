import { describe, expect, it } from 'vitest';
import { checkIntervalMs, DEFAULT_CHECK_SCHEDULE } from '../../../sim/model/node/check-schedule.ts';
import { BOOT_REPORT, CHECK_RESULT, ERROR_CODE } from '../../../sim/model/node/omaha.ts';
import {
  UPDATE_ENGINE_EFFECTS,
  UPDATE_STATUS,
  createUpdateEngineMachine,
  updateEngineMachine,
} from '../../../sim/model/node/update-engine.ts';
import { HOUR_MS, MachineHarness, MINUTE_MS, SECOND_MS } from './harness.ts';

// The update_engine machine driven as an xstate actor on the simulation clock, with a scripted
// world answering its effects as separate events. Each test follows one path of
// update_attempter.h's statuses and checks the times and order of the effects.

function engine(overrides = {}) {
  return new MachineHarness(createUpdateEngineMachine(overrides), UPDATE_ENGINE_EFFECTS);
}

const noUpdate = { type: 'CHECK_RESPONSE', result: CHECK_RESULT.NO_UPDATE, version: -1, u: 0.5, elidedMs: 0 };
const serverError = { ...noUpdate, result: CHECK_RESULT.SERVER_ERROR };
const offer = (version: number) => ({ ...noUpdate, result: CHECK_RESULT.UPDATE, version });

describe('update_engine (update_attempter.h statuses)', () => {
  it('stays OFF until the OS starts it, whatever time passes', () => {
    const h = engine();
    h.runUntil(7 * 24 * HOUR_MS);
    expect(h.state).toBe(UPDATE_STATUS.OFF);
    expect(h.effects).toEqual([]);
  });

  it('checks first 7 min after a boot at u = 0.5, then every 45 min (update_check_scheduler.cc)', () => {
    const h = engine().on('checkForUpdate', (_r, w) => w.sendAfter(100, noUpdate));
    h.send({ type: 'START', u: 0.5, warm: 0, bootResult: BOOT_REPORT.NONE });
    expect(h.state).toBe(UPDATE_STATUS.IDLE);
    h.runUntil(3 * HOUR_MS);
    const times = h.named('checkForUpdate').map((e) => e.time);
    // Each answer takes 100 ms and the next interval starts from the answer.
    expect(times).toEqual([7, 52, 97, 142].map((m, i) => m * MINUTE_MS + i * 100));
  });

  it('a node up a while at the start checks after u * 45 min (somewhere in its cycle)', () => {
    const h = engine().on('checkForUpdate', (_r, w) => w.sendAfter(0, noUpdate));
    h.send({ type: 'START', u: 0.2, warm: 1, bootResult: BOOT_REPORT.NONE });
    h.runUntil(10 * MINUTE_MS);
    expect(h.named('checkForUpdate').map((e) => e.time)).toEqual([9 * MINUTE_MS]);
  });

  it('adds the world\'s elided idle time to the next interval (fast fidelity)', () => {
    const h = engine().on('checkForUpdate', (_r, w) => w.sendAfter(0, { ...noUpdate, elidedMs: 10 * HOUR_MS }));
    h.send({ type: 'START', u: 0.5, warm: 0, bootResult: 0 });
    h.runUntil(11 * HOUR_MS);
    expect(h.named('checkForUpdate').map((e) => e.time)).toEqual([7 * MINUTE_MS, 7 * MINUTE_MS + 10 * HOUR_MS + 45 * MINUTE_MS]);
  });

  it('update_check_scheduler.cc ComputeNextIntervalAndFuzz: after HTTP 500/503 a failed first check retries at 45 min (2 x 7 min raised to 45), then 90 min, 3 h, the 4 h cap; a success resets', () => {
    let answers = 0;
    const h = engine().on('checkForUpdate', (_r, w) => w.sendAfter(0, answers++ < 5 ? serverError : noUpdate));
    h.send({ type: 'START', u: 0.5, warm: 0, bootResult: 0 });
    h.runUntil(16 * HOUR_MS);
    const times = h.named('checkForUpdate').map((e) => e.time);
    const gaps = times.slice(1).map((t, i) => (t - times[i]) / MINUTE_MS);
    expect(gaps.slice(0, 6)).toEqual([45, 90, 180, 240, 240, 45]);
    expect(h.context.lastIntervalMs).toBe(45 * MINUTE_MS);
  });

  it('update_check_scheduler.cc ComputeNextIntervalAndFuzz: a check with no HTTP answer at all does not back off; the next check comes after the regular 45 min', () => {
    const h = engine().on('checkForUpdate', (_r, w) => w.sendAfter(0, { ...noUpdate, result: CHECK_RESULT.NO_ANSWER }));
    h.send({ type: 'START', u: 0.5, warm: 0, bootResult: 0 });
    h.runUntil(5 * HOUR_MS);
    const times = h.named('checkForUpdate').map((e) => e.time);
    expect(times.slice(1).map((t, i) => (t - times[i]) / MINUTE_MS)).toEqual([45, 45, 45, 45, 45, 45]);
  });

  it('omaha_request_action.cc GetAppBody: the boot report is built into the first check once; if that check fails, the next check carries no report', () => {
    const h = engine().on('checkForUpdate', (_r, w) => w.sendAfter(0, serverError));
    h.send({ type: 'START', u: 0.5, warm: 0, bootResult: BOOT_REPORT.SUCCESS_REBOOT });
    h.runUntil(2 * HOUR_MS);
    const reports = h.named('checkForUpdate').map((e) => e.context.pendingReport);
    expect(reports).toEqual([BOOT_REPORT.SUCCESS_REBOOT, BOOT_REPORT.NONE]);
    expect(h.context.pendingReport).toBe(BOOT_REPORT.NONE);
  });

  it('update_attempter.cc ActionCompleted: a finished download goes straight to FINALIZING (no VERIFYING status)', () => {
    const h = engine({ verifyMs: 10 * SECOND_MS, finalizeMs: 5 * SECOND_MS })
      .on('checkForUpdate', (_r, w) => w.sendAfter(0, offer(1)))
      .on('startDownload', (_r, w) => w.sendAfter(1_000, { type: 'DOWNLOAD_DONE', verifyOk: 1 }));
    h.send({ type: 'START', u: 0.5, warm: 0, bootResult: 0 });
    h.runUntil(7 * MINUTE_MS + 1_000);
    expect(h.state).toBe(UPDATE_STATUS.FINALIZING);
    expect(Object.values(UPDATE_STATUS)).not.toContain('VERIFYING');
  });

  it('runs an update end to end: 13 DownloadStarted, download, 14, verify, finalize, postinstall, 3/1, need reboot', () => {
    const h = engine({ verifyMs: 10 * SECOND_MS, finalizeMs: 5 * SECOND_MS })
      .on('checkForUpdate', (_r, w) => w.sendAfter(200, offer(3)))
      .on('startDownload', (_r, w) => w.sendAfter(60 * SECOND_MS, { type: 'DOWNLOAD_DONE', verifyOk: 1 }));
    h.send({ type: 'START', u: 0.5, warm: 0, bootResult: 0 });
    h.runUntil(7 * MINUTE_MS + 75_199);
    expect(h.state).toBe(UPDATE_STATUS.FINALIZING);
    h.runUntil(7 * MINUTE_MS + 75_200);
    expect(h.state).toBe(UPDATE_STATUS.UPDATED_NEED_REBOOT);
    const t0 = 7 * MINUTE_MS;
    expect(h.effects.map((e) => [e.name, e.time - t0])).toEqual([
      ['checkForUpdate', 0],
      ['reportDownloadStarted', 200],
      ['startDownload', 200],
      ['reportDownloadFinished', 60_200],
      ['postInstall', 75_200],
      ['reportUpdateComplete', 75_200],
      ['needReboot', 75_200],
    ]);
    expect(h.named('startDownload')[0].context.offeredVersion).toBe(3);
    expect(h.named('postInstall')[0].context.offeredVersion).toBe(3);
  });

  it('while UPDATED_NEED_REBOOT it only pings and never starts another update (update_attempter.cc)', () => {
    const h = engine()
      .on('checkForUpdate', (_r, w) => w.sendAfter(0, offer(1)))
      .on('startDownload', (_r, w) => w.sendAfter(0, { type: 'DOWNLOAD_DONE', verifyOk: 1 }))
      .on('ping', (_r, w) => w.sendAfter(50, { type: 'PING_RESPONSE', u: 0.5, elidedMs: 0 }));
    h.send({ type: 'START', u: 0.5, warm: 0, bootResult: 0 });
    h.runUntil(3 * 24 * HOUR_MS);
    expect(h.state).toBe(UPDATE_STATUS.UPDATED_NEED_REBOOT);
    expect(h.named('checkForUpdate')).toHaveLength(1);
    expect(h.named('startDownload')).toHaveLength(1);
    const pings = h.named('ping').map((e) => e.time);
    expect(pings.length).toBeGreaterThan(90);
    const gaps = pings.slice(1).map((t, i) => t - pings[i]);
    expect(new Set(gaps)).toEqual(new Set([45 * MINUTE_MS + 50]));
  });

  it('a payload that does not verify (bad disk) reports error 15 and goes back to IDLE', () => {
    const h = engine()
      .on('checkForUpdate', (_r, w) => w.sendAfter(0, offer(2)))
      .on('startDownload', (_r, w) => w.sendAfter(1_000, { type: 'DOWNLOAD_DONE', verifyOk: 0 }))
      .on('reportError', (_r, w) => w.sendAfter(100, { type: 'ERROR_REPORTED', u: 0.5 }));
    h.send({ type: 'START', u: 0.5, warm: 0, bootResult: 0 });
    h.runUntil(8 * MINUTE_MS);
    expect(h.state).toBe(UPDATE_STATUS.IDLE);
    expect(h.named('reportError').map((e) => e.context.errorCode)).toEqual([ERROR_CODE.NEW_ROOTFS_VERIFICATION]);
    expect(h.named('postInstall')).toEqual([]);
    expect(h.context.offeredVersion).toBe(-1);
    expect(h.context.nextCheckMs).toBe(checkIntervalMs(DEFAULT_CHECK_SCHEDULE, 0.5));
  });

  it('a failed transfer reports error 9 and the next check comes 45 min later', () => {
    let offered = false;
    const h = engine()
      .on('checkForUpdate', (_r, w) => w.sendAfter(0, offered ? noUpdate : ((offered = true), offer(2))))
      .on('startDownload', (_r, w) => w.sendAfter(1_000, { type: 'DOWNLOAD_FAILED' }))
      .on('reportError', (_r, w) => w.sendAfter(0, { type: 'ERROR_REPORTED', u: 0.5 }));
    h.send({ type: 'START', u: 0.5, warm: 0, bootResult: 0 });
    h.runUntil(HOUR_MS);
    expect(h.named('reportError').map((e) => e.context.errorCode)).toEqual([ERROR_CODE.DOWNLOAD_TRANSFER]);
    expect(h.named('checkForUpdate').map((e) => e.time)).toEqual([7 * MINUTE_MS, 7 * MINUTE_MS + 1_000 + 45 * MINUTE_MS]);
  });

  it('carries the boot report to the first check only: 3/0 error 44 after a rollback', () => {
    const h = engine().on('checkForUpdate', (_r, w) => w.sendAfter(0, noUpdate));
    h.send({ type: 'START', u: 0.5, warm: 0, bootResult: BOOT_REPORT.ROLLBACK });
    h.runUntil(2 * HOUR_MS);
    expect(h.named('checkForUpdate').map((e) => e.context.pendingReport)).toEqual([BOOT_REPORT.ROLLBACK, 0, 0]);
  });

  it('update_check_scheduler.cc SetUpdateStatus: the first ping after an update is scheduled with the regular fuzz (the world sends the fuzzed delay as RESCHEDULE_CHECK)', () => {
    const h = engine({ verifyMs: 0, finalizeMs: 0 })
      .on('checkForUpdate', (_r, w) => w.sendAfter(0, offer(1)))
      .on('startDownload', (_r, w) => w.sendAfter(0, { type: 'DOWNLOAD_DONE', verifyOk: 1 }))
      // The world's answer: 45 min + (2u - 1) * 5 min with u = 0.1 -> 41 min.
      .on('needReboot', (_r, w) => w.sendAfter(0, { type: 'RESCHEDULE_CHECK', delayMs: checkIntervalMs(DEFAULT_CHECK_SCHEDULE, 0.1) }))
      .on('ping', (_r, w) => w.sendAfter(0, { type: 'PING_RESPONSE', u: 0.5, elidedMs: 0 }));
    h.send({ type: 'START', u: 0.5, warm: 0, bootResult: 0 });
    h.runUntil(3 * HOUR_MS);
    const pings = h.named('ping').map((e) => e.time);
    expect(pings[0] - 7 * MINUTE_MS).toBe(41 * MINUTE_MS);
    expect(pings[1] - pings[0]).toBe(45 * MINUTE_MS);
  });

  it('RESCHEDULE_CHECK in IDLE moves the pending check to delayMs from now', () => {
    const h = engine().on('checkForUpdate', (_r, w) => w.sendAfter(0, { ...noUpdate, elidedMs: 10 * HOUR_MS }));
    h.send({ type: 'START', u: 0.5, warm: 0, bootResult: 0 });
    h.runUntil(HOUR_MS);
    h.send({ type: 'RESCHEDULE_CHECK', delayMs: 5 * MINUTE_MS });
    h.runUntil(2 * HOUR_MS);
    expect(h.named('checkForUpdate').map((e) => e.time)).toEqual([7 * MINUTE_MS, HOUR_MS + 5 * MINUTE_MS]);
  });

  it('STOP while downloading aborts the transfer; late answers to an OFF engine are ignored', () => {
    const h = engine()
      .on('checkForUpdate', (_r, w) => w.sendAfter(0, offer(1)))
      .on('startDownload', (_r, w) => {
        w.sendAfter(10 * SECOND_MS, { type: 'STOP' });
        w.sendAfter(20 * SECOND_MS, { type: 'DOWNLOAD_DONE', verifyOk: 1 });
      });
    h.send({ type: 'START', u: 0.5, warm: 0, bootResult: 0 });
    h.runUntil(HOUR_MS);
    expect(h.state).toBe(UPDATE_STATUS.OFF);
    expect(h.names()).toEqual(['checkForUpdate', 'reportDownloadStarted', 'startDownload', 'abortDownload']);
  });

  it('STOP from every status reaches OFF and cancels its timers; START afterwards begins a fresh cycle', () => {
    // [status to stop in, the world's behaviour that holds the engine there]
    const paths: [string, (h: MachineHarness) => void][] = [
      [UPDATE_STATUS.IDLE, () => {}],
      [UPDATE_STATUS.CHECKING_FOR_UPDATE, () => {}],
      [UPDATE_STATUS.DOWNLOADING, (h) => h.on('checkForUpdate', (_r, w) => w.sendAfter(0, offer(1)))],
      [
        UPDATE_STATUS.FINALIZING,
        (h) =>
          h
            .on('checkForUpdate', (_r, w) => w.sendAfter(0, offer(1)))
            .on('startDownload', (_r, w) => w.sendAfter(0, { type: 'DOWNLOAD_DONE', verifyOk: 1 })),
      ],
      [UPDATE_STATUS.UPDATED_NEED_REBOOT, (h) =>
        h
          .on('checkForUpdate', (_r, w) => w.sendAfter(0, offer(1)))
          .on('startDownload', (_r, w) => w.sendAfter(0, { type: 'DOWNLOAD_DONE', verifyOk: 1 }))],
      [UPDATE_STATUS.REPORTING_ERROR_EVENT, (h) =>
        h
          .on('checkForUpdate', (_r, w) => w.sendAfter(0, offer(1)))
          .on('startDownload', (_r, w) => w.sendAfter(0, { type: 'DOWNLOAD_FAILED' }))],
    ];
    for (const [status, script] of paths) {
      const h = engine({ verifyMs: 60 * SECOND_MS });
      script(h);
      h.send({ type: 'START', u: 0.5, warm: 0, bootResult: 0 });
      const stopAtMs = status === UPDATE_STATUS.IDLE ? MINUTE_MS : status === UPDATE_STATUS.UPDATED_NEED_REBOOT ? 10 * MINUTE_MS : 7 * MINUTE_MS + 30 * SECOND_MS;
      h.runUntil(stopAtMs);
      expect(h.state, status).toBe(status);
      h.send({ type: 'STOP' });
      expect(h.state).toBe(UPDATE_STATUS.OFF);
      const effectsAtStop = h.effects.length;
      h.runUntil(stopAtMs + 24 * HOUR_MS);
      expect(h.effects.length, `no effect after STOP in ${status}`).toBe(effectsAtStop);
      h.send({ type: 'START', u: 0.5, warm: 0, bootResult: 0 });
      expect(h.state).toBe(UPDATE_STATUS.IDLE);
      expect(h.context.offeredVersion).toBe(-1);
    }
  });

  it('exports the machine built from the defaults', () => {
    expect(updateEngineMachine.config.context).toMatchObject({ intervalMs: 45 * MINUTE_MS, offeredVersion: -1 });
  });
});
