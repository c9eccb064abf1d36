import { fail } from '../../engine/assert.ts';
import type { RandomColumn } from '../../engine/random.ts';
import type { Simulation } from '../../engine/simulation.ts';
import type { Trace } from '../../engine/trace.ts';
import type { MachineEvent } from '../machine/define.ts';
import type { Release } from '../../scenario/release.ts';
import { bootFailureProbabilityFor, workloadFailureProbabilityFor } from '../../scenario/release.ts';
import { otherSlot } from '../node/gptprio.ts';
import { checkIntervalMs, firstCheckMs, warmStartCheckMs, type CheckSchedule } from '../node/check-schedule.ts';
import { BOOT_REPORT, CHECK_RESULT, ERROR_CODE, OMAHA_EVENT, OMAHA_RESULT } from '../node/omaha.ts';
import type { UpdateEngineContext } from '../node/update-engine.ts';
import type { UpdateServer } from '../server/update-server.ts';
import type { VersionTable } from '../server/versions.ts';
import { SLEEP_CHECK, SLEEP_NONE, type CheckElision } from './check-elision.ts';
import type { FleetMetrics } from './fleet-metrics.ts';
import { bind, type EffectHandler } from './machine-host.ts';
import * as events from './node-event.ts';
import { BOOT, UE } from './outbox.ts';
import type { ServerLink } from './server-link.ts';
import type { WorkloadHealth } from './workload-health.ts';

/** libcurl_http_fetcher.cc: an update check with no HTTP answer is tried again 3 times, 10 s apart. */
const FETCHER_NO_NETWORK_RETRIES = 3;
const FETCHER_NO_NETWORK_RETRY_MS = 10_000;

/** What update_engine's effects need from the world. */
export interface UpdateEngineHost {
  readonly sim: Simulation;
  readonly trace: Trace;
  readonly server: UpdateServer;
  readonly link: ServerLink;
  readonly elision: CheckElision | null;
  readonly metrics: FleetMetrics;
  readonly versions: VersionTable;
  readonly nodeVersion: Int16Array;
  /** Probability that writing the inactive partition fails verification (bad-disk faults). */
  readonly badDiskProbability: Float32Array;
  readonly workloadHealth: WorkloadHealth;
  /** The node's update-check schedule, the one its update engine is initialised with. */
  scheduleOf(node: number): CheckSchedule;
  readonly horizonMs: number;
  /** `node.check`: the check schedule's fuzz (fast and full fidelity draw identically). */
  readonly checkRandom: RandomColumn;
  /** `node.misc`: bad disks and boot failures. */
  readonly miscRandom: RandomColumn;
  releaseOf(version: number): Release | undefined;
  /** The node's hardware label, null when it has none. */
  hardwareOf(node: number): string | null;
  /** The slot the node runs (its boot machine's `bootedSlot`). */
  bootedSlot(node: number): number;
  /** The node has installed an update: its reboot manager learns it needs a reboot. */
  rebootNeeded(node: number): void;
  post(machine: number, node: number, event: MachineEvent): void;
}

/**
 * update_engine's effects: its update checks (with their boot reports and the fetcher's retries),
 * its Omaha event reports, its download and postinstall, and its start at boot, with the first
 * check elided in fast fidelity when nothing can change its answer before it.
 */
export class UpdateEngineEffects {
  /** Identifies a node's current update check; its fetcher's pending tries carry it. */
  private readonly checkToken: Int32Array;
  /** Version each node last downloaded (for its rollback report). */
  private readonly installingVersion: Int16Array;
  /** When the node's download started, and how many were running then (for the trace). */
  private readonly downloadStartMs: Float64Array;
  private readonly downloadConcurrency: Uint32Array;

  constructor(
    private readonly host: UpdateEngineHost,
    nodeCount: number,
  ) {
    this.checkToken = new Int32Array(nodeCount);
    this.installingVersion = new Int16Array(nodeCount).fill(-1);
    this.downloadStartMs = new Float64Array(nodeCount);
    this.downloadConcurrency = new Uint32Array(nodeCount);
  }

  handlers(names: readonly string[]): EffectHandler[] {
    const host = this.host;
    const report = (node: number, eventType: number, result: number, c: Readonly<UpdateEngineContext>): void => {
      if (host.link.answers(node)) host.server.report(node, eventType, result, 0, c.offeredVersion, host.sim.now);
    };
    const handlers: Record<string, EffectHandler> = {
      checkForUpdate: (node, c) => this.checkForUpdate(node, c as UpdateEngineContext),
      reportDownloadStarted: (node, c) => report(node, OMAHA_EVENT.DOWNLOAD_STARTED, OMAHA_RESULT.SUCCESS, c as UpdateEngineContext),
      startDownload: (node, c) => {
        const version = (c as UpdateEngineContext).offeredVersion;
        this.installingVersion[node] = version;
        this.downloadStartMs[node] = host.sim.now;
        // A partition fails the transfer; message loss only slows a TCP download down.
        this.downloadConcurrency[node] = host.server.activeDownloads + 1;
        if (host.link.reaches(node)) host.server.startDownload(node, version, host.sim.now);
        else host.sim.callAfter(0, () => host.post(UE, node, events.DOWNLOAD_FAILED));
      },
      abortDownload: (node) => host.server.abortDownload(node, host.sim.now),
      reportDownloadFinished: (node, c) => report(node, OMAHA_EVENT.DOWNLOAD_FINISHED, OMAHA_RESULT.SUCCESS, c as UpdateEngineContext),
      postInstall: (node, c) => {
        const version = (c as UpdateEngineContext).offeredVersion;
        const release = host.releaseOf(version);
        if (!(release !== undefined)) fail(`no release for version index ${version}`);
        const hardware = host.hardwareOf(node);
        const bad = host.miscRandom.chance(node, bootFailureProbabilityFor(release, hardware)) ? 1 : 0;
        // Postinstall writes the partition the node is not running.
        host.workloadHealth.installed(node, otherSlot(host.bootedSlot(node)), workloadFailureProbabilityFor(release, hardware));
        host.post(BOOT, node, events.postInstall(version, bad));
      },
      reportUpdateComplete: (node, c) => report(node, OMAHA_EVENT.UPDATE_COMPLETE, OMAHA_RESULT.SUCCESS, c as UpdateEngineContext),
      needReboot: (node) => {
        host.trace.emit(host.sim.now, 'node.update-ready', node, { version: host.versions.name(this.installingVersion[node]) });
        // The first ping is scheduled like every check, with the regular fuzz
        // (update_check_scheduler.cc SetUpdateStatus on UPDATED_NEED_REBOOT).
        host.post(UE, node, events.rescheduleCheck(checkIntervalMs(host.scheduleOf(node), host.checkRandom.next(node))));
        host.rebootNeeded(node);
      },
      ping: (node) => {
        const now = host.sim.now;
        host.server.ping(node, now);
        const answer = host.elision !== null ? host.elision.answerPing(node, now, host.horizonMs) : { u: host.checkRandom.next(node), elidedMs: 0 };
        host.post(UE, node, events.pingResponse(answer.u, answer.elidedMs));
      },
      reportError: (node, c) => {
        const ctx = c as UpdateEngineContext;
        if (host.link.answers(node)) host.server.report(node, OMAHA_EVENT.UPDATE_COMPLETE, OMAHA_RESULT.ERROR, ctx.errorCode, ctx.offeredVersion, host.sim.now);
        host.metrics.nodeFailed(node);
        host.trace.emit(host.sim.now, 'node.update-error', node, { errorCode: ctx.errorCode });
        host.post(UE, node, events.errorReported(host.checkRandom.next(node)));
      },
    };
    return bind(names, handlers, 'updateEngine');
  }

  /** The server's notice that a node's download finished: the payload verifies unless the disk is bad. */
  downloadFinished(node: number): void {
    const host = this.host;
    host.trace.emit(host.sim.now, 'node.downloaded', node, {
      // Keys in sorted order: the trace hash sorts them, and sorting allocates.
      concurrentAtStart: this.downloadConcurrency[node],
      durationMs: host.sim.now - this.downloadStartMs[node],
    });
    const verifyOk = host.miscRandom.chance(node, host.badDiskProbability[node]) ? 0 : 1;
    host.post(UE, node, events.downloadDone(verifyOk));
  }

  downloadFailed(node: number): void {
    this.host.post(UE, node, events.DOWNLOAD_FAILED);
  }

  /** update_engine stops (shutdown, crash): its check's pending tries die, a sleeping node is settled. */
  stopping(node: number): void {
    this.checkToken[node]++;
    const elision = this.host.elision;
    if (elision !== null && elision.sleepKind[node] !== SLEEP_NONE) elision.settle(node, this.host.sim.now);
  }

  /**
   * Starts a node's update_engine. Its first check is elided too (fast fidelity) when nothing
   * can change its answer before it happens and it carries no boot report: counted at its time,
   * with the checks after it (CheckElision.elideFirstCheck), and START tells the machine how long
   * after that first check its first real one comes (`elidedMs`).
   */
  start(node: number, warm: number, bootResult: number): void {
    const u = this.host.checkRandom.next(node);
    this.host.post(UE, node, events.start(u, warm, bootResult, this.elideFirstCheck(node, warm, bootResult, u)));
  }

  /** elidedMs for START: 0 when the first check is not elided. */
  private elideFirstCheck(node: number, warm: number, bootResult: number, u: number): number {
    const host = this.host;
    if (host.elision === null || bootResult !== BOOT_REPORT.NONE || !host.link.lossless || !host.link.reaches(node)) return 0;
    const now = host.sim.now;
    const schedule = host.scheduleOf(node);
    // The delay the machine computes from the same draw (update-engine.ts, action start).
    const checkAtMs = now + (warm === 1 ? warmStartCheckMs(schedule, u) : firstCheckMs(schedule, u));
    // Only a "no newer version" answer: nothing is consulted, so nothing but the request count
    // happens at the first check (a policy could act on it, an outage fails it).
    const decision = host.server.decide(node, host.nodeVersion[node], now);
    if (decision.reason !== 'no-newer-version') return 0;
    const changeMs = Math.min(decision.validUntilMs, host.horizonMs);
    if (!(changeMs > checkAtMs)) return 0;
    return now + host.elision.elideFirstCheck(node, now, checkAtMs, changeMs) - checkAtMs;
  }

  private checkForUpdate(node: number, ctx: UpdateEngineContext): void {
    const elision = this.host.elision;
    if (elision !== null && elision.sleepKind[node] === SLEEP_CHECK) {
      // The real check after the skipped ones: they all lie in the past now.
      elision.sleepKind[node] = SLEEP_NONE;
    }
    const token = ++this.checkToken[node];
    this.sendCheck(node, ctx.pendingReport, token, 0);
  }

  /**
   * One try of an update check request, carrying the boot report built into it (`report`,
   * BOOT_REPORT). Without an HTTP answer the fetcher tries again, 10 s apart, 3 times
   * (libcurl_http_fetcher.cc CurlPerformOnce, no_network_max_retries_ = 3 set by
   * update_attempter.cc BuildUpdateActions, kNoNetworkRetrySeconds = 10); then update_engine
   * gets NO_ANSWER and the report, built once, is lost. `token` ties the tries to one check:
   * the node stopping or checking anew makes the pending tries stale.
   */
  private sendCheck(node: number, report: number, token: number, retries: number): void {
    const host = this.host;
    const now = host.sim.now;
    const version = host.nodeVersion[node];
    if (!host.link.answers(node)) {
      if (retries < FETCHER_NO_NETWORK_RETRIES) {
        host.trace.emit(now, 'node.check-retry', node, { retry: retries + 1 });
        host.sim.callAfter(FETCHER_NO_NETWORK_RETRY_MS, () => {
          if (this.checkToken[node] === token) this.sendCheck(node, report, token, retries + 1);
        });
        return;
      }
      if (report !== BOOT_REPORT.NONE) host.metrics.bootReportLost(node);
      host.trace.emit(now, 'node.check-no-answer', node, { bootReportLost: report });
      host.post(UE, node, events.checkResponse(CHECK_RESULT.NO_ANSWER, -1, host.checkRandom.next(node), 0));
      return;
    }
    if (report !== BOOT_REPORT.NONE && host.server.inOutage) host.metrics.bootReportLost(node);
    if (report === BOOT_REPORT.SUCCESS_REBOOT) {
      host.server.report(node, OMAHA_EVENT.UPDATE_COMPLETE, OMAHA_RESULT.SUCCESS_REBOOT, 0, version, now);
    } else if (report === BOOT_REPORT.ROLLBACK) {
      host.server.report(node, OMAHA_EVENT.UPDATE_COMPLETE, OMAHA_RESULT.ERROR, ERROR_CODE.ROLLBACK, this.installingVersion[node], now);
    } else {
      host.server.reportNoPreviousVersion(node, now);
    }
    const answer = host.server.check(node, version, now);
    let u: number;
    let elidedMs = 0;
    if (host.elision !== null && answer.result === CHECK_RESULT.NO_UPDATE && host.link.lossless) {
      // The decision says until when the answer holds: the checks before then are elided.
      const changeMs = Math.min(answer.validUntilMs, host.horizonMs);
      const elided = changeMs > now ? host.elision.answerCheck(node, now, changeMs) : { u: host.checkRandom.next(node), elidedMs: 0 };
      u = elided.u;
      elidedMs = elided.elidedMs;
    } else {
      u = host.checkRandom.next(node);
    }
    host.post(UE, node, events.checkResponse(answer.result, answer.version, u, elidedMs));
  }
}
