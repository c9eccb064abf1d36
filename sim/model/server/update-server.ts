import { createActor, type Actor } from 'xstate';
import { assert, fail } from '../../engine/assert.ts';
import type { Simulation } from '../../engine/simulation.ts';
import type { Trace } from '../../engine/trace.ts';
import type { Policy, PolicyPatch, PolicySection } from '../../scenario/policy.ts';
import { effectivePolicy } from '../../scenario/policy.ts';
import type { Release } from '../../scenario/release.ts';
import { WeeklySchedule } from '../calendar/weekly-schedule.ts';
import { GroupLedger } from './group-ledger.ts';
import { enforceRolloutPolicy, type PolicyDecision } from './policy.ts';
import { RequestCounter } from './request-counter.ts';
import { rolloutControllerMachine, type RolloutEvent, type RolloutState } from './rollout-controller.ts';
import { Downloads } from './downloads.ts';
import { msUntilThrottleReaches, nodeWariness, throttleAt } from './throttle.ts';
import type { VersionTable } from './versions.ts';
import { CHECK_RESULT, OMAHA_EVENT, OMAHA_RESULT } from '../node/omaha.ts';

/** Why the server answers a check as it does (the policy's reasons, and the steps before it). */
export type DecisionReason = PolicyDecision | 'outage' | 'no-newer-version' | 'in-progress' | 'update-in-progress-on-instance' | 'rollout-stopped' | 'throttled';

/**
 * Nebraska's view of an instance's update while it is in progress (instance_application.status,
 * set by backend/pkg/api/events.go triggerEventConsequences): granted, then Downloading on
 * event 13, Downloaded on event 14. Flatcar's 3/1 (installed) changes nothing (Nebraska's
 * Installed is event 800, which update_engine never sends); 3/2 and 3/0 end the update.
 */
const INSTANCE_STATUS = Object.freeze({ UPDATE_GRANTED: 0, DOWNLOADING: 1, DOWNLOADED: 2 });

/** The answer to a check, and until when the same check would get it. */
export interface Decision {
  /** CHECK_RESULT (sim/model/node/omaha.ts). */
  readonly result: number;
  /** The offered version, -1 with no update. */
  readonly version: number;
  readonly reason: DecisionReason;
  /**
   * The answer holds for this node until then by the passing of time alone (scheduled
   * publications and outages, throttle growth, office hours opening); changes caused by events
   * (an operator action, another node's progress announced by groupMayHaveUpdate) come on top.
   * `nowMs` when nothing can be promised (the answer depends on other nodes' progress).
   */
  readonly validUntilMs: number;
}

/**
 * The update server: Omaha answers with Nebraska's rollout policies (flatcar/nebraska), plus
 * Cincinnati-style throttling (Fedora CoreOS), per-group rollout controllers, and the payload
 * downloads sharing the server's bandwidth.
 *
 * It is a pure model driven by the world: the world calls `check`, `ping`, `report` and
 * `startDownload` for nodes, and learns of finished downloads and of changes that may turn a
 * "noupdate" into an update (so that sleeping nodes are woken) through `ServerListener`.
 *
 * Over 400 lines, knowingly: the answer to a check (`decide`), the actions on it (grants,
 * reports, outages) and the policy changes share the groups' ledgers, controllers and channels;
 * the parts that stand alone are apart (policy.ts, throttle.ts, group-ledger.ts,
 * rollout-controller.ts, and the downloads in flight, downloads.ts).
 */
export interface ServerListener {
  downloadFinished(node: number): void;
  downloadFailed(node: number): void;
  /** Something changed that may give an update to nodes of `group` that got none before. */
  groupMayHaveUpdate(group: number): void;
}

export interface ServerGroup {
  name: string;
  channel: string;
  nodeCount: number;
}

export interface ServerOptions {
  sim: Simulation;
  trace: Trace;
  versions: VersionTable;
  groups: readonly ServerGroup[];
  /** Group index of every node. */
  nodeGroup: Uint16Array;
  policy: PolicySection;
  releases: readonly Release[];
  bandwidthBps: number;
  nodeBandwidthBps: number;
  startEpochMs: number;
  /** Salt for node wariness (Cincinnati throttle). */
  warinessSalt: number;
  /**
   * A node's own rollout wariness (Zincati's identity.rollout_wariness, sent with its graph
   * request), or NaN when it sends none and Cincinnati derives one from its UUID
   * (fcos-policy-engine compute_wariness: nodeWariness). Absent: every node derives.
   */
  configuredWariness?: (node: number) => number;
  /** The run's length (sizes the request counter); 0 when unknown. */
  horizonMs?: number;
  listener: ServerListener;
}

interface GroupState {
  readonly info: ServerGroup;
  policy: Policy;
  officeHours: WeeklySchedule | null;
  readonly ledger: GroupLedger;
  readonly controller: Actor<typeof rolloutControllerMachine>;
  controllerState: RolloutState;
  /** Nodes of the group on each version index. */
  readonly onVersion: Map<number, number>;
  haltedByFailures: boolean;
  /** The server switched the group's updates off (timed-out updates), not its policy. */
  disabledByServer: boolean;
}

interface ChannelState {
  /** Newest published version index on the channel; -1 before any. */
  target: number;
  /** When the target was published (throttle t0). */
  publishedAt: number;
  sizeBytes: number;
  release: Release | null;
  /** Scheduled publications still to come, sorted by time. */
  upcoming: Release[];
}

/** The server's counters in the report (docs/report.md `server`). */
export interface ServerMetrics {
  requests: number;
  peakRequestsPerMinute: number;
  peakConcurrentDownloads: number;
  bytesServed: number;
  grants: number;
  /** The server's view, from the reports it received; the fleet's truth is in `fleet`. */
  view: { updateComplete: number; updateFailed: number; inProgress: number; reset: number; refusedInProgress: number };
}

export class UpdateServer {
  readonly requests: RequestCounter;
  private readonly downloads: Downloads;
  private readonly groups: GroupState[];
  private readonly channels = new Map<string, ChannelState>();
  /** INSTANCE_STATUS of each node's update in progress (meaningful while the ledger has one). */
  private readonly instanceStatus: Uint8Array;
  private outageDepth = 0;
  /** Update grants made (Nebraska: an instance told to update). */
  private grants = 0;
  /** What the server believes: 3/2 (booted the new version) and 3/0 (failed) reports received. */
  private completeReports = 0;
  private failedReports = 0;
  /** Checks refused with ErrUpdateInProgressOnInstance. */
  private refusedInProgress = 0;
  /** In-progress updates ended by a check's 3/2 with an empty previous version. */
  private resets = 0;
  /** Outages in which the server answers nothing at all (connection refused), not HTTP 503. */
  private silentDepth = 0;
  private readonly upcomingOutages: Array<{ start: number; end: number }> = [];
  private firstReleaseAt: number | null = null;

  constructor(private readonly o: ServerOptions) {
    this.requests = new RequestCounter(o.horizonMs);
    const nodeCount = o.nodeGroup.length;
    this.instanceStatus = new Uint8Array(nodeCount);
    this.downloads = new Downloads(o.sim, nodeCount, o.bandwidthBps, o.nodeBandwidthBps, (node) => o.listener.downloadFinished(node));
    this.groups = o.groups.map((info, index) => this.createGroup(info, index));
    for (const release of o.releases) this.channel(release.channel).upcoming.push(release);
    for (const channel of this.channels.values()) channel.upcoming.sort((a, b) => a.at - b.at);
    for (const release of o.releases) {
      o.sim.callAt(release.at, () => this.publish(release));
    }
  }

  // ---- answers to nodes -------------------------------------------------------------------

  /**
   * The server's decision for a check by `node` running `version` at `nowMs`, and until when it
   * holds: the one place that answers "update or not", read by `check` (which then acts on it)
   * and by check elision (which sleeps a node until `validUntilMs`), so that a rule added here
   * cannot be forgotten by the shortcut. Nebraska's order: the channel's package, then the
   * rollout policy (flatcar/nebraska backend/pkg/api/updates.go). No side effect but the group
   * ledger's pointers catching up with `nowMs`.
   */
  decide(node: number, version: number, nowMs: number): Decision {
    // Change points by the passing of time alone: a scheduled outage starting...
    let untilMs = Infinity;
    for (const outage of this.upcomingOutages) {
      if (outage.start > nowMs) {
        untilMs = outage.start;
        break;
      }
    }
    if (this.outageDepth > 0) {
      // In an outage the answer is 5xx until it ends; an announced end is a change point, an
      // unannounced one (injected by hand) arrives through groupMayHaveUpdate.
      for (const outage of this.upcomingOutages) if (outage.end > nowMs) untilMs = Math.min(untilMs, outage.end);
      return decision(CHECK_RESULT.SERVER_ERROR, -1, 'outage', untilMs);
    }
    const group = this.groups[this.o.nodeGroup[node]];
    const channel = this.channel(group.info.channel);
    // ...a scheduled publication.
    if (channel.upcoming.length > 0) untilMs = Math.min(untilMs, channel.upcoming[0].at);
    const target = channel.target;
    if (target < 0 || !this.o.versions.newer(target, version)) {
      return decision(CHECK_RESULT.NO_UPDATE, -1, 'no-newer-version', untilMs);
    }
    // A version that failed on this node is offered to it again: Nebraska keeps no per-instance
    // refusal (flatcar/Flatcar#1924: install -> reboot -> rollback loops). While an update is in
    // progress (backend/pkg/api/updates.go GetUpdatePackage): an instance Nebraska last saw
    // Downloading or Downloaded is refused (ErrUpdateInProgressOnInstance, answered as status
    // "error-internal", which update_engine takes as a failed check without backoff: like
    // noupdate); one still UpdateGranted is offered its grant again. Flatcar's update_engine
    // never meets either: every check carries a 3/2 event that ends an update in progress first
    // (reportNoPreviousVersion); they stand here for Omaha clients that do not.
    if (group.ledger.hasUpdateInProgress(node)) {
      if (this.instanceStatus[node] !== INSTANCE_STATUS.UPDATE_GRANTED) {
        return decision(CHECK_RESULT.NO_UPDATE, -1, 'update-in-progress-on-instance', untilMs);
      }
      return decision(CHECK_RESULT.UPDATE, target, 'in-progress', nowMs);
    }
    if (group.controllerState === 'paused' || group.controllerState === 'halted') {
      return decision(CHECK_RESULT.NO_UPDATE, -1, 'rollout-stopped', untilMs);
    }
    const throttle = group.policy.throttle;
    if (throttle !== null) {
      const configured = this.o.configuredWariness === undefined ? NaN : this.o.configuredWariness(node);
      const wariness = Number.isNaN(configured) ? nodeWariness(node, this.o.warinessSalt) : configured;
      if (wariness > throttleAt(throttle, nowMs - channel.publishedAt)) {
        // The throttle admits the node at a known time, which changes the answer only when
        // updates are enabled.
        const admittedMs = channel.publishedAt + msUntilThrottleReaches(throttle, wariness);
        return decision(CHECK_RESULT.NO_UPDATE, -1, 'throttled', group.policy.updatesEnabled ? Math.min(untilMs, admittedMs) : untilMs);
      }
    }
    const policy = this.policyDecision(group, target, nowMs);
    switch (policy) {
      case 'grant':
        return decision(CHECK_RESULT.UPDATE, target, policy, nowMs);
      case 'updates-disabled':
        return decision(CHECK_RESULT.NO_UPDATE, -1, policy, untilMs);
      case 'outside-office-hours': {
        const hours = group.officeHours;
        assert(hours !== null, 'outside office hours without office hours');
        return decision(CHECK_RESULT.NO_UPDATE, -1, policy, Math.min(untilMs, nowMs + hours.msUntilOpen(this.o.startEpochMs + nowMs)));
      }
      default:
        // Denied by a limit that other nodes' progress lifts: no promise.
        return decision(CHECK_RESULT.NO_UPDATE, -1, policy, nowMs);
    }
  }

  /**
   * An update check from `node` running `version`: counts the request, takes the decision and
   * acts on it (a grant is recorded; too many timed-out updates switch the group's updates off,
   * after which the decision is taken again).
   */
  check(node: number, version: number, nowMs: number): Decision {
    this.requests.add(nowMs);
    const d = this.decide(node, version, nowMs);
    if (d.reason === 'max-timed-out-updates') {
      const group = this.groups[this.o.nodeGroup[node]];
      if (group.policy.updatesEnabled) {
        // Nebraska: too many timed-out updates switch the group's updates off.
        group.policy = { ...group.policy, updatesEnabled: false };
        group.disabledByServer = true;
        this.o.trace.emit(nowMs, 'server.updates-disabled', group.info.name, { reason: d.reason });
        return this.decide(node, version, nowMs);
      }
      return d;
    }
    if (d.reason === 'update-in-progress-on-instance') this.refusedInProgress++;
    if (d.reason !== 'grant') return d;
    const group = this.groups[this.o.nodeGroup[node]];
    group.ledger.grant(node, d.version, nowMs);
    this.instanceStatus[node] = INSTANCE_STATUS.UPDATE_GRANTED;
    this.grants++;
    // GRANTED moves only a waiting rollout (to rolling); elsewhere the machine ignores it, and
    // the actor's interpreter costs more than the rest of the check, once per granted node.
    if (group.controllerState === 'waiting') group.controller.send(GRANTED);
    this.o.trace.emit(nowMs, 'server.grant', node, { version: this.o.versions.name(d.version) });
    return d;
  }

  /**
   * The event every update check of Flatcar's update_engine carries when it has no boot report
   * to send: 3/2 with previousversion "" (update_engine omaha_request_action.cc GetAppBody: the
   * previous-version pref is reset to "" once a check has carried it). Nebraska takes it as
   * "Flatcar event ignored" and, for an instance with an update in progress, sets it Undefined,
   * which ends the update (backend/pkg/api/events.go RegisterEvent): so a node whose failure
   * or boot report was lost is not held "in progress" (and then timed out) for good, and its
   * next check is judged afresh. Part of the same request as the check: no request counted.
   */
  reportNoPreviousVersion(node: number, nowMs: number): void {
    if (this.outageDepth > 0) return;
    const ledger = this.groups[this.o.nodeGroup[node]].ledger;
    if (!ledger.hasUpdateInProgress(node)) return;
    ledger.reset(node);
    this.resets++;
    this.o.trace.emit(nowMs, 'server.update-reset', node, {});
  }

  /** Instances the server sees with an update in progress (granted, downloading, downloaded). */
  private inProgressCount(): number {
    let count = 0;
    for (let node = 0; node < this.instanceStatus.length; node++) {
      if (this.groups[this.o.nodeGroup[node]].ledger.hasUpdateInProgress(node)) count++;
    }
    return count;
  }

  /** A status ping (update_engine while UPDATED_NEED_REBOOT). */
  ping(_node: number, nowMs: number): boolean {
    this.requests.add(nowMs);
    return this.outageDepth === 0;
  }

  /**
   * An Omaha event report (omaha_request_action.h): 13 download started, 14 download finished,
   * 3 update complete with result 1 (installed), 2 (booted the new version) or 0 (error; code
   * 44 for a rollback). Returns false when the server is out and the report was lost.
   */
  report(node: number, eventType: number, result: number, errorCode: number, version: number, nowMs: number): boolean {
    this.requests.add(nowMs);
    if (this.outageDepth > 0) return false;
    const group = this.groups[this.o.nodeGroup[node]];
    // Events of an instance without an update in progress are dropped (events.go RegisterEvent,
    // ErrNoUpdateInProgress).
    if (group.ledger.hasUpdateInProgress(node) && result === OMAHA_RESULT.SUCCESS) {
      if (eventType === OMAHA_EVENT.DOWNLOAD_STARTED) this.instanceStatus[node] = INSTANCE_STATUS.DOWNLOADING;
      else if (eventType === OMAHA_EVENT.DOWNLOAD_FINISHED) this.instanceStatus[node] = INSTANCE_STATUS.DOWNLOADED;
    }
    if (eventType === OMAHA_EVENT.UPDATE_COMPLETE && (result === OMAHA_RESULT.SUCCESS_REBOOT || result === OMAHA_RESULT.ERROR)) {
      const success = result === OMAHA_RESULT.SUCCESS_REBOOT;
      if (success) this.completeReports++;
      else this.failedReports++;
      group.ledger.complete(node, version, success);
      // Keys in sorted order: the trace hash sorts them, and sorting allocates (once per node).
      this.o.trace.emit(nowMs, success ? 'server.update-complete' : 'server.update-failed', node, {
        errorCode,
        version: this.o.versions.name(version),
      });
      if (!success) this.checkFailureRatio(group, version, nowMs);
    }
    return true;
  }

  // ---- downloads --------------------------------------------------------------------------

  /** A node fetches the payload of `version` (downloads.ts); in an outage it fails at once. */
  startDownload(node: number, version: number, nowMs: number): void {
    if (this.outageDepth > 0) {
      this.o.sim.callAt(nowMs, () => this.o.listener.downloadFailed(node));
      return;
    }
    this.downloads.start(node, version, this.channelOfVersion(version).sizeBytes, nowMs);
  }

  abortDownload(node: number, nowMs: number): void {
    this.downloads.abort(node, nowMs);
  }

  get activeDownloads(): number {
    return this.downloads.active;
  }

  // ---- server outages (faults) ------------------------------------------------------------

  /** Announces a scheduled outage, so that sleeping nodes can be woken exactly when it starts. */
  announceOutage(startMs: number, endMs: number): void {
    this.upcomingOutages.push({ start: startMs, end: endMs });
    this.upcomingOutages.sort((a, b) => a.start - b.start);
  }

  /**
   * An outage: HTTP 503 to every request (a proxy in front of a dead Nebraska), or with `silent`
   * no answer at all (connection refused), which update_engine does not back off on.
   */
  beginOutage(nowMs: number, silent = false): void {
    this.outageDepth++;
    if (silent) this.silentDepth++;
    this.o.trace.emit(nowMs, 'server.outage-start', 'server', { depth: this.outageDepth });
    // Downloads in flight fail: the connection is gone.
    for (const node of this.downloads.inFlight()) {
      this.abortDownload(node, nowMs);
      this.o.listener.downloadFailed(node);
    }
    for (let g = 0; g < this.groups.length; g++) this.o.listener.groupMayHaveUpdate(g);
  }

  endOutage(nowMs: number, silent = false): void {
    assert(this.outageDepth > 0, 'an outage ended that never began');
    this.outageDepth--;
    if (silent) {
      assert(this.silentDepth > 0, 'a silent outage ended that never began');
      this.silentDepth--;
    }
    this.o.trace.emit(nowMs, 'server.outage-end', 'server', { depth: this.outageDepth });
    if (this.outageDepth === 0) for (let g = 0; g < this.groups.length; g++) this.o.listener.groupMayHaveUpdate(g);
  }

  get inOutage(): boolean {
    return this.outageDepth > 0;
  }

  /** True while an outage answers nothing: requests get no HTTP response at all. */
  get silent(): boolean {
    return this.silentDepth > 0;
  }

  // ---- operator actions -------------------------------------------------------------------

  pauseRollout(groupName: string, nowMs: number): void {
    const group = this.groupByName(groupName);
    group.controller.send({ type: 'PAUSE' });
    this.o.trace.emit(nowMs, 'operator.pause-rollout', groupName);
  }

  resumeRollout(groupName: string, nowMs: number): void {
    const group = this.groupByName(groupName);
    group.haltedByFailures = false;
    group.controller.send({ type: 'RESUME' });
    this.o.trace.emit(nowMs, 'operator.resume-rollout', groupName);
    this.o.listener.groupMayHaveUpdate(this.groups.indexOf(group));
  }

  setPolicy(groupName: string | 'default', patch: PolicyPatch, nowMs: number): void {
    const targets = groupName === 'default' ? this.groups : [this.groupByName(groupName)];
    for (const group of targets) {
      const merged: Policy = { ...group.policy };
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
      }
      group.policy = merged;
      // An operator who sets updatesEnabled takes the decision back from the server.
      if (patch.updatesEnabled !== undefined) group.disabledByServer = false;
      group.officeHours = merged.officeHours ? WeeklySchedule.officeHours(merged.timezone) : null;
      group.ledger.reconfigure(merged.periodInterval, merged.updateTimeout, nowMs);
      this.o.listener.groupMayHaveUpdate(this.groups.indexOf(group));
    }
    this.o.trace.emit(nowMs, 'operator.set-policy', groupName, patchForTrace(patch));
  }

  /** A release published now (scenario `releases` at their time, or a publish-release action). */
  publish(release: Release): void {
    const nowMs = this.o.sim.now;
    const channel = this.channel(release.channel);
    const index = channel.upcoming.indexOf(release);
    if (index >= 0) channel.upcoming.splice(index, 1);
    const version = this.o.versions.add(release.version);
    if (this.firstReleaseAt === null) this.firstReleaseAt = nowMs;
    this.o.trace.emit(nowMs, 'server.release', release.version, { channel: release.channel, size: release.size });
    if (channel.target >= 0 && !this.o.versions.newer(version, channel.target)) return;
    channel.target = version;
    channel.publishedAt = nowMs;
    channel.sizeBytes = release.size;
    channel.release = release;
    this.groups.forEach((group, g) => {
      if (group.info.channel !== release.channel) return;
      group.controller.send({ type: 'RELEASE', version });
      this.checkCompletion(group);
      this.o.listener.groupMayHaveUpdate(g);
    });
  }

  // ---- the fleet's versions (for rollout completion) --------------------------------------

  nodeVersionChanged(node: number, from: number, to: number): void {
    const group = this.groups[this.o.nodeGroup[node]];
    if (from >= 0) group.onVersion.set(from, (group.onVersion.get(from) ?? 0) - 1);
    group.onVersion.set(to, (group.onVersion.get(to) ?? 0) + 1);
    this.checkCompletion(group);
  }

  // ---- report -----------------------------------------------------------------------------

  get firstReleaseAtMs(): number | null {
    return this.firstReleaseAt;
  }

  /** The newest version published on any channel, -1 before any release. */
  newestVersion(): number {
    let newest = -1;
    for (const channel of this.channels.values()) {
      if (channel.target >= 0 && (newest < 0 || this.o.versions.newer(channel.target, newest))) newest = channel.target;
    }
    return newest;
  }

  /** Target version of a group (its channel's newest release), -1 before any. */
  groupTarget(group: number): number {
    return this.channel(this.groups[group].info.channel).target;
  }

  rolloutStates(): Array<{ group: string; state: RolloutState; haltedByFailures: boolean; updatesEnabled: boolean; disabledByServer: boolean }> {
    return this.groups.map((g) => ({
      group: g.info.name,
      state: g.controllerState,
      haltedByFailures: g.haltedByFailures,
      updatesEnabled: g.policy.updatesEnabled,
      disabledByServer: g.disabledByServer,
    }));
  }

  metrics(nowMs: number): ServerMetrics {
    return {
      requests: this.requests.requests,
      peakRequestsPerMinute: this.requests.peakPerMinute,
      peakConcurrentDownloads: this.downloads.bandwidth.peakActive,
      bytesServed: Math.round(this.downloads.bandwidth.bytesServed(nowMs)),
      grants: this.grants,
      view: { updateComplete: this.completeReports, updateFailed: this.failedReports, inProgress: this.inProgressCount(), reset: this.resets, refusedInProgress: this.refusedInProgress },
    };
  }

  // ---- internals --------------------------------------------------------------------------

  private createGroup(info: ServerGroup, index: number): GroupState {
    const policy = effectivePolicy(this.o.policy, info.name);
    const state: GroupState = {
      info,
      policy,
      officeHours: policy.officeHours ? WeeklySchedule.officeHours(policy.timezone) : null,
      ledger: new GroupLedger(policy.periodInterval, policy.updateTimeout),
      controller: undefined as unknown as Actor<typeof rolloutControllerMachine>,
      controllerState: 'completed',
      onVersion: new Map([[0, info.nodeCount]]),
      haltedByFailures: false,
      disabledByServer: false,
    };
    const controller = createActor(rolloutControllerMachine);
    (state as { controller: Actor<typeof rolloutControllerMachine> }).controller = controller;
    controller.subscribe((snapshot) => {
      const value = snapshot.value as RolloutState;
      if (value === state.controllerState) return;
      state.controllerState = value;
      this.o.trace.emit(this.o.sim.now, 'rollout.state', info.name, { state: value });
    });
    controller.start();
    assert(index >= 0, 'group index');
    return state;
  }

  private policyDecision(group: GroupState, target: number, nowMs: number): PolicyDecision {
    const inOfficeHours = group.officeHours === null || group.officeHours.isOpen(this.o.startEpochMs + nowMs);
    return enforceRolloutPolicy(group.policy, inOfficeHours, () => group.ledger.stats(nowMs, target));
  }

  private checkFailureRatio(group: GroupState, version: number, nowMs: number): void {
    const ratio = group.policy.haltOnFailureRatio;
    if (ratio === null || group.controllerState === 'halted') return;
    const failed = group.ledger.failedFor(version);
    const done = failed + group.ledger.succeededFor(version);
    if (done > 0 && failed / done >= ratio) {
      group.haltedByFailures = true;
      group.controller.send({ type: 'HALT' });
      this.o.trace.emit(nowMs, 'rollout.halted', group.info.name, { failed, completed: done, ratio });
    }
  }

  private checkCompletion(group: GroupState): void {
    const target = this.channel(group.info.channel).target;
    if (target < 0) return;
    if ((group.onVersion.get(target) ?? 0) === group.info.nodeCount) group.controller.send(COMPLETED);
  }

  private channel(name: string): ChannelState {
    let channel = this.channels.get(name);
    if (channel === undefined) {
      channel = { target: -1, publishedAt: 0, sizeBytes: 0, release: null, upcoming: [] };
      this.channels.set(name, channel);
    }
    return channel;
  }

  private channelOfVersion(version: number): ChannelState {
    for (const channel of this.channels.values()) if (channel.target === version) return channel;
    throw new Error(`version ${this.o.versions.name(version)} is no channel's current release`);
  }

  private groupByName(name: string): GroupState {
    const group = this.groups.find((g) => g.info.name === name);
    if (!(group !== undefined)) fail(`unknown group "${name}"`);
    return group;
  }
}

/** Every decision from one place: one hidden class for the world's check path to see. */
function decision(result: number, version: number, reason: DecisionReason, validUntilMs: number): Decision {
  return { result, version, reason, validUntilMs };
}

function patchForTrace(patch: PolicyPatch): { [key: string]: number | string | boolean | null } {
  const out: { [key: string]: number | string | boolean | null } = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    out[key] = typeof value === 'object' && value !== null ? JSON.stringify(value) : (value as number | string | boolean | null);
  }
  return out;
}
const GRANTED: RolloutEvent = Object.freeze({ type: 'GRANTED' });
const COMPLETED: RolloutEvent = Object.freeze({ type: 'COMPLETED' });
