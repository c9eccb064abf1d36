import { setup } from 'xstate';
import { assert, fail } from '../../engine/assert.ts';
import { delay, effect, guard } from '../machine/define.ts';
import { typedUpdate as update } from './typed-update.ts';
import { checkIntervalMs, firstCheckMs, fuzzedIntervalMs, nextNominalIntervalMs, warmStartCheckMs, type CheckSchedule } from './check-schedule.ts';
import { BOOT_REPORT, CHECK_RESULT, ERROR_CODE } from './omaha.ts';

/**
 * update_engine on one node: when it checks, what it downloads, what it reports.
 *
 * States are update_engine's statuses (src/update_engine/update_attempter.h, all prefixed
 * `UPDATE_STATUS_` there) plus OFF, which the real daemon does not need because it simply is not
 * running: the node is down, shutting down or booting.
 *
 *   OFF --START--> IDLE --after nextCheckMs--> CHECKING_FOR_UPDATE
 *   CHECKING_FOR_UPDATE --CHECK_RESPONSE result 0 (noupdate), 2 (HTTP 500/503) or 3 (no answer)--> IDLE
 *   CHECKING_FOR_UPDATE --CHECK_RESPONSE result 1--> UPDATE_AVAILABLE --always--> DOWNLOADING
 *   DOWNLOADING --DOWNLOAD_DONE--> FINALIZING --after verifyMs + finalizeMs--> UPDATED_NEED_REBOOT
 *     (pings only, until the node goes down) | REPORTING_ERROR_EVENT (the payload did not verify)
 *   DOWNLOADING --DOWNLOAD_FAILED--> REPORTING_ERROR_EVENT --ERROR_REPORTED--> IDLE
 *
 * There is no VERIFYING step: update_attempter.h names UPDATE_STATUS_VERIFYING, but
 * update_attempter.cc ActionCompleted goes from the finished DownloadAction straight to
 * UPDATE_STATUS_FINALIZING; the filesystem and kernel verifier actions run inside FINALIZING.
 *   any state but OFF --STOP--> OFF
 *
 * Events (all fields numbers; the world fills randomness and facts about the outside world):
 * - START {u, warm, bootResult}: the OS came up. u: uniform draw in [0, 1) for the first check's
 *   fuzz; warm: 1 when the node has been up a while at the start of the run (its first check is
 *   u * intervalMs away: somewhere in its cycle), 0 after a real boot (firstCheckMs: 7 min +- 5);
 *   bootResult: what the first check after this boot reports, BOOT_REPORT (0 nothing, 2 Omaha 3/2
 *   the new version booted, 44 Omaha 3/0 error 44 rollback); the world maps it from boot.ts
 *   `bootKind` with `bootReportOf`.
 * - STOP {}: the OS goes away (shutdown, crash, power loss).
 * - CHECK_RESPONSE {result, version, u, elidedMs}: the answer to `checkForUpdate`. result:
 *   CHECK_RESULT (0 noupdate, 1 update, 2 HTTP 500/503, 3 no HTTP answer after the fetcher's
 *   retries: partition, loss, refused); version: the
 *   offered version index when result is 1; u: uniform draw for the next interval's fuzz;
 *   elidedMs: the time of idle checks the world skipped in fast fidelity, added to the next
 *   interval (0 in full fidelity).
 * - DOWNLOAD_DONE {verifyOk}: the payload is written to the inactive partition; verifyOk 0 when
 *   the write did not stick (bad disk) and verification will fail.
 * - DOWNLOAD_FAILED {}: the transfer failed (server outage, network).
 * - PING_RESPONSE {u, elidedMs}: the answer to `ping` while a reboot is pending.
 * - ERROR_REPORTED {u}: the answer to `reportError`; u draws the next interval's fuzz.
 * - RESCHEDULE_CHECK {delayMs} in IDLE: the world re-arms the check timer, delayMs from now. In
 *   fast fidelity it pushes idle checks ahead to the first one that can see a change; when an
 *   unforeseen change (an operator action, a slot freed) makes an earlier check matter, it moves
 *   the timer back to that check (sim/model/world/check-elision.ts).
 *
 * Effects (named outputs; the world implements them and answers later with an event, never
 * synchronously). Each sees the context as it is at that point of the step:
 * - checkForUpdate (entry of CHECKING_FOR_UPDATE): send an Omaha update check. If
 *   ctx.pendingReport is not 0, this is the first check after a boot and carries the boot's
 *   report: 2 -> event 3 result 2; 44 -> event 3 result 0 with error code 44. Answer:
 *   CHECK_RESPONSE. pendingReport is cleared as the request is built, whatever its fate
 *   (omaha_request_action.cc GetAppBody resets kPrefsPreviousVersion when it writes the event):
 *   if this request fails, the boot report is lost, never resent.
 * - reportDownloadStarted: Omaha event 13 for ctx.offeredVersion. No answer.
 * - startDownload (entry of DOWNLOADING): transfer ctx.offeredVersion's payload. Answer:
 *   DOWNLOAD_DONE or DOWNLOAD_FAILED.
 * - abortDownload: the node stopped while downloading; cancel the transfer. No answer.
 * - reportDownloadFinished: Omaha event 14. No answer.
 * - postInstall: tell the boot machine POST_INSTALL {version: ctx.offeredVersion, bad}. No answer.
 * - reportUpdateComplete: Omaha event 3 result 1 (installed, reboot pending). No answer.
 * - needReboot: tell the reboot manager REBOOT_NEEDED. No answer.
 * - ping: a status ping while UPDATED_NEED_REBOOT. Answer: PING_RESPONSE.
 * - reportError (entry of REPORTING_ERROR_EVENT): Omaha event 3 result 0 with error code
 *   ctx.errorCode (ERROR_CODE). Answer: ERROR_REPORTED.
 *
 * Behaviour and its sources:
 * - check schedule: check-schedule.ts (update_check_scheduler.cc ComputeNextIntervalAndFuzz):
 *   an HTTP 500/503 doubles the last nominal interval (raised to 45 min, capped at 4 h); no
 *   answer and success wait the regular 45 min +- 5.
 * - while UPDATED_NEED_REBOOT it only pings and never starts a new update (update_attempter.cc:
 *   no update check while a reboot is pending).
 * - UPDATE_AVAILABLE is left at once for DOWNLOADING, as update_engine goes straight from the
 *   Omaha response to the download action; the Omaha event 13 is sent on the way.
 * - the first ping is scheduled like any check, 45 min +- 5 (update_check_scheduler.cc
 *   SetUpdateStatus schedules on UPDATED_NEED_REBOOT with the regular fuzz): the world answers
 *   `needReboot` with RESCHEDULE_CHECK carrying the fuzzed delay.
 */
export const UPDATE_STATUS = Object.freeze({
  OFF: 'OFF',
  IDLE: 'IDLE',
  CHECKING_FOR_UPDATE: 'CHECKING_FOR_UPDATE',
  UPDATE_AVAILABLE: 'UPDATE_AVAILABLE',
  DOWNLOADING: 'DOWNLOADING',
  FINALIZING: 'FINALIZING',
  UPDATED_NEED_REBOOT: 'UPDATED_NEED_REBOOT',
  REPORTING_ERROR_EVENT: 'REPORTING_ERROR_EVENT',
});
export type UpdateStatus = (typeof UPDATE_STATUS)[keyof typeof UPDATE_STATUS];

export type UpdateEngineContext = {
  // Configuration (from the scenario's updateCheck and the node's disk speed).
  firstMs: number;
  intervalMs: number;
  fuzzMs: number;
  backoffMaxMs: number;
  verifyMs: number;
  finalizeMs: number;
  // State.
  /** Nominal interval the last check was scheduled with (update_check_scheduler.cc last_interval_). */
  lastIntervalMs: number;
  /** Delay of the pending check (IDLE) or ping (UPDATED_NEED_REBOOT) timer, from when it was armed. */
  nextCheckMs: number;
  /** Version index of the update being applied; -1 when none. */
  offeredVersion: number;
  /** 1 when the downloaded payload will verify. */
  verifyOk: number;
  /** BOOT_REPORT to send on the first check after a boot (0 none, 2 success, 44 rollback). */
  pendingReport: number;
  /** ERROR_CODE reported by `reportError`; 0 when none. */
  errorCode: number;
};

/** `elidedMs` (fast fidelity, optional): the first check was elided, and so many ms after it come first (check-elision.ts elideFirstCheck). */
export type UpdateEngineStartEvent = { type: 'START'; u: number; warm: number; bootResult: number; elidedMs?: number };
export type UpdateEngineStopEvent = { type: 'STOP' };
export type CheckResponseEvent = { type: 'CHECK_RESPONSE'; result: number; version: number; u: number; elidedMs: number };
export type DownloadDoneEvent = { type: 'DOWNLOAD_DONE'; verifyOk: number };
export type DownloadFailedEvent = { type: 'DOWNLOAD_FAILED' };
export type PingResponseEvent = { type: 'PING_RESPONSE'; u: number; elidedMs: number };
export type ErrorReportedEvent = { type: 'ERROR_REPORTED'; u: number };
export type RescheduleCheckEvent = { type: 'RESCHEDULE_CHECK'; delayMs: number };
export type UpdateEngineEvent =
  | UpdateEngineStartEvent
  | UpdateEngineStopEvent
  | CheckResponseEvent
  | DownloadDoneEvent
  | DownloadFailedEvent
  | PingResponseEvent
  | ErrorReportedEvent
  | RescheduleCheckEvent;

export const UPDATE_ENGINE_EFFECTS = Object.freeze([
  'checkForUpdate',
  'reportDownloadStarted',
  'startDownload',
  'abortDownload',
  'reportDownloadFinished',
  'postInstall',
  'reportUpdateComplete',
  'needReboot',
  'ping',
  'reportError',
] as const);
export type UpdateEngineEffect = (typeof UPDATE_ENGINE_EFFECTS)[number];

export const UPDATE_ENGINE_DEFAULTS: Readonly<UpdateEngineContext> = Object.freeze({
  firstMs: 7 * 60_000,
  intervalMs: 45 * 60_000,
  fuzzMs: 5 * 60_000,
  backoffMaxMs: 4 * 60 * 60_000,
  verifyMs: 10_000,
  finalizeMs: 5_000,
  lastIntervalMs: 0,
  nextCheckMs: 0,
  offeredVersion: -1,
  verifyOk: 0,
  pendingReport: 0,
  errorCode: 0,
});

type Ctx = UpdateEngineContext;
type Ev = UpdateEngineEvent;

function scheduleOf(ctx: Ctx): CheckSchedule {
  return { firstMs: ctx.firstMs, intervalMs: ctx.intervalMs, fuzzMs: ctx.fuzzMs, backoffMaxMs: ctx.backoffMaxMs };
}

function assertElided(elidedMs: number): void {
  if (!(elidedMs >= 0 && elidedMs !== Infinity)) fail(`elidedMs must be finite and >= 0, got ${elidedMs}`);
}

// The implementations, shared by every machine built from createUpdateEngineMachine so that the
// compiler recovers the same functions whatever the initial context.
const guards = {
  responseIsUpdate: guard<Ctx, Ev>((_ctx, e) => (e as CheckResponseEvent).result === CHECK_RESULT.UPDATE),
  responseIsNoUpdate: guard<Ctx, Ev>((_ctx, e) => (e as CheckResponseEvent).result === CHECK_RESULT.NO_UPDATE),
  verifyPassed: guard<Ctx, Ev>((ctx) => ctx.verifyOk === 1),
};

const actions = {
  start: update<Ctx, Ev>((ctx, e) => {
    const { u, warm, bootResult } = e as UpdateEngineStartEvent;
    const elidedMs = (e as UpdateEngineStartEvent).elidedMs ?? 0;
    assertElided(elidedMs);
    if (!(warm === 0 || warm === 1)) fail(`START.warm must be 0 or 1, got ${warm}`);
    assert(
      bootResult === BOOT_REPORT.NONE || bootResult === BOOT_REPORT.SUCCESS_REBOOT || bootResult === BOOT_REPORT.ROLLBACK,
      `START.bootResult must be 0, 2 or 44, got ${bootResult}`,
    );
    const schedule = scheduleOf(ctx);
    return {
      nextCheckMs: (warm === 1 ? warmStartCheckMs(schedule, u) : firstCheckMs(schedule, u)) + elidedMs,
      pendingReport: bootResult,
      lastIntervalMs: warm === 1 ? ctx.intervalMs : ctx.firstMs,
      offeredVersion: -1,
      verifyOk: 0,
      errorCode: 0,
    };
  }),
  clearPendingReport: update<Ctx, Ev>(() => ({ pendingReport: 0 })),
  noUpdate: update<Ctx, Ev>((ctx, e) => {
    const { u, elidedMs } = e as CheckResponseEvent;
    assertElided(elidedMs);
    return { lastIntervalMs: ctx.intervalMs, nextCheckMs: elidedMs + checkIntervalMs(scheduleOf(ctx), u) };
  }),
  serverError: update<Ctx, Ev>((ctx, e) => {
    const { result, u, elidedMs } = e as CheckResponseEvent;
    if (!(result === CHECK_RESULT.SERVER_ERROR || result === CHECK_RESULT.NO_ANSWER)) fail(`CHECK_RESPONSE.result must be 0, 1, 2 or 3, got ${result}`);
    assertElided(elidedMs);
    const schedule = scheduleOf(ctx);
    const nominalMs = nextNominalIntervalMs(schedule, ctx.lastIntervalMs, result === CHECK_RESULT.SERVER_ERROR);
    return { lastIntervalMs: nominalMs, nextCheckMs: elidedMs + fuzzedIntervalMs(schedule, nominalMs, u) };
  }),
  acceptUpdate: update<Ctx, Ev>((_ctx, e) => {
    const { version } = e as CheckResponseEvent;
    if (!(Number.isInteger(version) && version >= 0)) fail(`an offered update needs a version index, got ${version}`);
    return { offeredVersion: version };
  }),
  downloadDone: update<Ctx, Ev>((_ctx, e) => {
    const { verifyOk } = e as DownloadDoneEvent;
    if (!(verifyOk === 0 || verifyOk === 1)) fail(`DOWNLOAD_DONE.verifyOk must be 0 or 1, got ${verifyOk}`);
    return { verifyOk };
  }),
  downloadFailed: update<Ctx, Ev>(() => ({ errorCode: ERROR_CODE.DOWNLOAD_TRANSFER })),
  verifyFailed: update<Ctx, Ev>(() => ({ errorCode: ERROR_CODE.NEW_ROOTFS_VERIFICATION })),
  armFirstPing: update<Ctx, Ev>((ctx) => ({ nextCheckMs: ctx.intervalMs, lastIntervalMs: ctx.intervalMs })),
  rescheduleCheck: update<Ctx, Ev>((_ctx, e) => {
    const { delayMs } = e as RescheduleCheckEvent;
    assertElided(delayMs);
    return { nextCheckMs: delayMs };
  }),
  pingAnswered: update<Ctx, Ev>((ctx, e) => {
    const { u, elidedMs } = e as PingResponseEvent;
    assertElided(elidedMs);
    return { lastIntervalMs: ctx.intervalMs, nextCheckMs: elidedMs + checkIntervalMs(scheduleOf(ctx), u) };
  }),
  errorReported: update<Ctx, Ev>((ctx, e) => {
    const { u } = e as ErrorReportedEvent;
    return {
      lastIntervalMs: ctx.intervalMs,
      nextCheckMs: checkIntervalMs(scheduleOf(ctx), u),
      offeredVersion: -1,
      verifyOk: 0,
      errorCode: 0,
    };
  }),
  checkForUpdate: effect<Ctx, Ev>(),
  reportDownloadStarted: effect<Ctx, Ev>(),
  startDownload: effect<Ctx, Ev>(),
  abortDownload: effect<Ctx, Ev>(),
  reportDownloadFinished: effect<Ctx, Ev>(),
  postInstall: effect<Ctx, Ev>(),
  reportUpdateComplete: effect<Ctx, Ev>(),
  needReboot: effect<Ctx, Ev>(),
  ping: effect<Ctx, Ev>(),
  reportError: effect<Ctx, Ev>(),
};

const delays = {
  nextCheckMs: delay<Ctx, Ev>((ctx) => ctx.nextCheckMs),
  finalizeMs: delay<Ctx, Ev>((ctx) => ctx.verifyMs + ctx.finalizeMs),
};

const stop = { STOP: { target: 'OFF' } } as const;

/** The machine with an initial context: defaults, then `overrides` (the scenario's values). */
export function createUpdateEngineMachine(overrides: Partial<UpdateEngineContext> = {}) {
  const context: UpdateEngineContext = { ...UPDATE_ENGINE_DEFAULTS, ...overrides };
  if (!(context.verifyMs >= 0)) fail(`verifyMs must be >= 0, got ${context.verifyMs}`);
  if (!(context.finalizeMs >= 0)) fail(`finalizeMs must be >= 0, got ${context.finalizeMs}`);
  scheduleOf(context); // shape only; the schedule functions assert the values when they run
  return setup({
    types: { context: {} as UpdateEngineContext, events: {} as UpdateEngineEvent },
    guards,
    actions,
    delays,
  }).createMachine({
    id: 'updateEngine',
    initial: 'OFF',
    context,
    states: {
      OFF: {
        on: { START: { target: 'IDLE', actions: 'start' } },
      },
      IDLE: {
        on: {
          ...stop,
          // The world moves a check it had pushed far ahead (fast fidelity) back to the first
          // check that can see a change: same state, new timer.
          RESCHEDULE_CHECK: { target: 'IDLE', reenter: true, actions: 'rescheduleCheck' },
        },
        after: { nextCheckMs: { target: 'CHECKING_FOR_UPDATE' } },
      },
      CHECKING_FOR_UPDATE: {
        // The boot report rides on this request and is forgotten as it is built (item of
        // omaha_request_action.cc GetAppBody): lost if the request fails.
        entry: ['checkForUpdate', 'clearPendingReport'],
        on: {
          ...stop,
          CHECK_RESPONSE: [
            { guard: 'responseIsUpdate', target: 'UPDATE_AVAILABLE', actions: 'acceptUpdate' },
            { guard: 'responseIsNoUpdate', target: 'IDLE', actions: 'noUpdate' },
            { target: 'IDLE', actions: 'serverError' },
          ],
        },
      },
      UPDATE_AVAILABLE: {
        always: { target: 'DOWNLOADING', actions: 'reportDownloadStarted' },
      },
      DOWNLOADING: {
        entry: 'startDownload',
        on: {
          STOP: { target: 'OFF', actions: 'abortDownload' },
          DOWNLOAD_DONE: { target: 'FINALIZING', actions: ['downloadDone', 'reportDownloadFinished'] },
          DOWNLOAD_FAILED: { target: 'REPORTING_ERROR_EVENT', actions: 'downloadFailed' },
        },
      },
      FINALIZING: {
        on: { ...stop },
        after: {
          finalizeMs: [
            {
              guard: 'verifyPassed',
              target: 'UPDATED_NEED_REBOOT',
              actions: ['postInstall', 'reportUpdateComplete', 'armFirstPing', 'needReboot'],
            },
            { target: 'REPORTING_ERROR_EVENT', actions: 'verifyFailed' },
          ],
        },
      },
      UPDATED_NEED_REBOOT: {
        on: {
          ...stop,
          // The world schedules the first ping with the regular fuzz (the draw is its).
          RESCHEDULE_CHECK: { target: 'UPDATED_NEED_REBOOT', reenter: true, actions: 'rescheduleCheck' },
          // Re-entering re-arms the ping timer with the new nextCheckMs.
          PING_RESPONSE: { target: 'UPDATED_NEED_REBOOT', reenter: true, actions: 'pingAnswered' },
        },
        // Targetless: the timer is spent until PING_RESPONSE re-arms it.
        after: { nextCheckMs: { actions: 'ping' } },
      },
      REPORTING_ERROR_EVENT: {
        entry: 'reportError',
        on: {
          ...stop,
          ERROR_REPORTED: { target: 'IDLE', actions: 'errorReported' },
        },
      },
    },
  });
}

export const updateEngineMachine = createUpdateEngineMachine();
export type UpdateEngineMachine = typeof updateEngineMachine;
