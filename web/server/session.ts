// One browser session: its commands (protocol.ts) and the frames it receives. The transport
// (ws-server.ts) hands it parsed commands and calls tick() on a fixed period with a CPU budget;
// the session plays its LiveRun in bursts paced to the chosen speed and sends what changed.

import { encodeDelta, encodeFull } from '../shared/node-frames.ts';
import { SPEED_MAX, SPEED_MIN, type Command, type Frame, type ScenarioInfo, type StatusFrame } from '../shared/protocol.ts';
import { caption, formatClock, timelineMarks } from './caption.ts';
import { exportFileName } from './export.ts';
import { etcdFrame, nodeDetails, scenarioInfo } from './frames.ts';
import { CheckpointLadder, checkpointCount, CostCurve, planFor } from './checkpoints.ts';
import { LiveRun, type ScenarioSource } from './live-run.ts';
import type { ScenarioFiles } from './scenario-files.ts';

export interface SessionTransport {
  send(frame: Frame): void;
  sendBinary(bytes: Uint8Array): void;
  /** False while the socket's send buffer is full: node frames wait (their deltas stay exact). */
  canSendBulk(): boolean;
}

/** A delta naming more than this share of the fleet is sent as a full frame (it is smaller). */
const DELTA_SHARE_MAX = 1 / 3;
/** Effective speed is smoothed over about this many ticks. */
const SPEED_SMOOTHING_TICKS = 10;
/** Checkpoint memory per session by default (limits.ts sets the server's). */
export const DEFAULT_CHECKPOINT_BYTES = 256 * 1024 * 1024;
/** Steps a quiet stretch may skip per tick (each is one timestamp of events). */
const QUIET_STEPS_PER_TICK_MAX = 5_000;
/** Background work starts only with at least this much of the tick's budget left. */
const BACKGROUND_MIN_MS = 2;

export class Session {
  private live: LiveRun | null = null;
  private playing = false;
  private speed = 60;
  private seekingTo: number | null = null;
  /** The fraction of a simulated millisecond played but not yet run (play runs whole ms). */
  private playCarryMs = 0;
  private playAfterSeek = false;
  private crashed: string | null = null;
  private lastTickWallMs: number | null = null;
  private effectiveSpeed = 0;
  private sentCategory = new Uint8Array(0);
  private sentVersion = new Uint8Array(0);
  private needFullFrame = true;
  private samplesSent = 0;
  private lastEtcd = '';
  private dirty = true;
  /** Checkpoints for seeks (checkpoints.ts), built lazily for the loaded run. */
  private ladder: CheckpointLadder | null = null;
  /** Wall ms the run took to reach each simulated time (spaces the checkpoints). */
  private cost = new CostCurve();
  private costSpentSeen = 0;
  private seekStartedWallMs: number | null = null;
  private seekFrom = 0;
  private lastSeek: { fromMs: number; toMs: number; wallMs: number } | null = null;
  /** Playing jumps over stretches where nothing drawn changes (on by default: a newcomer sees the rollout at once). */
  private skipQuiet = true;
  private marks: ScenarioInfo['marks'] = [];

  constructor(
    private readonly scenarios: ScenarioFiles,
    private readonly transport: SessionTransport,
    private readonly wallMs: () => number,
    /** Memory the session's checkpoints may hold (estimated, checkpoints.ts). */
    private readonly checkpointBytes = DEFAULT_CHECKPOINT_BYTES,
  ) {}

  /** True while a seek is on its way (someone is waiting for it). */
  get seeking(): boolean {
    return this.live !== null && this.crashed === null && this.seekingTo !== null;
  }

  /** True when the session has background work (checkpoints to build) for idle CPU. */
  get wantsBackgroundWork(): boolean {
    const live = this.live;
    return live !== null && this.crashed === null && this.ladder !== null && (this.ladder.building || this.ladder.wantedMs(this.cost) !== null);
  }

  get active(): boolean {
    return this.live !== null && this.crashed === null && (this.playing || this.seekingTo !== null);
  }

  /** The run being played (tests and the server's diagnostics read it). */
  get current(): LiveRun | null {
    return this.live;
  }

  handle(command: Command): void {
    const id = command.id;
    if (command.type === 'load') {
      const source = this.sourceOf(command);
      if (source === null) return this.error(command, `no scenario named "${command.scenario}" (see GET /api/scenarios)`);
      return this.load(source, command.seed ?? null, id);
    }
    const live = this.live;
    if (live === null) return this.error(command, 'no scenario loaded: send {"type": "load", "scenario": "default"} first');
    if (this.crashed !== null && command.type !== 'export' && command.type !== 'restart' && command.type !== 'seek') {
      return this.error(command, `the run crashed (${this.crashed}); export it to reproduce, seek back or restart`);
    }
    this.dirty = true;
    switch (command.type) {
      case 'play':
        if (live.done) return this.error(command, 'the run has reached its horizon: seek back or restart');
        if (this.seekingTo !== null) this.playAfterSeek = true;
        else this.playing = true;
        this.lastTickWallMs = this.wallMs();
        return this.ack(command);
      case 'pause':
        this.playing = false;
        this.playAfterSeek = false;
        return this.ack(command);
      case 'step':
        if (this.seekingTo !== null) return this.error(command, 'a seek is in progress');
        this.playing = false;
        {
          const before = live.now;
          this.guard(() => live.step());
          this.noteCost(live, before);
        }
        this.flush();
        return this.ack(command);
      case 'speed':
        this.speed = Math.min(SPEED_MAX, Math.max(SPEED_MIN, command.x));
        return this.ack(command);
      case 'skip-quiet':
        this.skipQuiet = command.on;
        return this.ack(command);
      case 'seek':
        return this.seek(live, command.timeMs, command);
      case 'restart':
        return this.load(live.source, command.seed ?? live.seed, id);
      case 'inject':
      case 'action': {
        if (this.seekingTo !== null) return this.error(command, 'a seek is in progress; inject when it is done');
        const kind = command.type === 'inject' ? 'fault' : 'action';
        const result = live.inject(kind, command.type === 'inject' ? command.fault : command.action, this.wallMs);
        if (!result.ok) {
          if (result.crashed === true) this.crashed = result.message;
          return this.transport.send({ type: 'error', id, command: command.type, message: result.message, details: result.details });
        }
        this.flush();
        return this.ack(command, result.note);
      }
      case 'export':
        return this.transport.send({ type: 'export', id, yaml: live.exportText(), fileName: exportFileName(live.base.name, live.seed, live.now) });
      case 'report':
        return this.transport.send({ type: 'report', id, report: live.run.report() });
      case 'inspect':
        if (command.node >= live.run.world.nodeCount) return this.error(command, `node ${command.node} does not exist (the fleet has ${live.run.world.nodeCount})`);
        return this.transport.send(nodeDetails(live, command.node, id));
    }
  }

  /**
   * One period of the pacer: advance by speed x elapsed wall time (or toward a seek's target)
   * until `budgetMs` of CPU is spent, then send what changed.
   */
  tick(budgetMs: number): void {
    const live = this.live;
    if (live === null) return;
    const nowWall = this.wallMs();
    const elapsedMs = this.lastTickWallMs === null ? 0 : Math.max(0, nowWall - this.lastTickWallMs);
    this.lastTickWallMs = nowWall;
    const deadline = nowWall + budgetMs;
    const seekingBefore = this.seekingTo;
    if (this.crashed === null && (this.playing || this.seekingTo !== null)) {
      const before = live.now;
      this.guard(() => {
        if (this.seekingTo !== null) {
          if (live.advance(this.seekingTo, deadline, this.wallMs)) this.finishSeek(live);
        } else {
          live.notable.pending = 0;
          // Simulated time moves in whole milliseconds (a scenario's times are whole, and so is
          // a seek's target); the fraction of a millisecond is carried to the next tick.
          const targetMs = live.now + this.speed * elapsedMs + this.playCarryMs;
          const wholeMs = Math.floor(targetMs);
          this.playCarryMs = targetMs - wholeMs;
          live.advance(wholeMs, deadline, this.wallMs);
          if (this.skipQuiet) this.skipQuietStretch(live, deadline);
          if (live.done) this.playing = false;
        }
      });
      this.noteCost(live, before);
      const achieved = elapsedMs > 0 ? (live.now - before) / elapsedMs : 0;
      this.effectiveSpeed += (achieved - this.effectiveSpeed) / SPEED_SMOOTHING_TICKS;
      this.dirty = true;
    }
    // What is left of the budget builds checkpoints: never while a seek is on its way, nor in
    // the tick that finished one (someone is waiting for its frames, and starting a rung builds
    // a whole world at once: ~0.5 s at 100k nodes, which delayed the seek's answer by as much).
    const seekJustFinished = seekingBefore !== null && this.seekingTo === null;
    if (this.crashed === null && this.seekingTo === null && !seekJustFinished && deadline - this.wallMs() >= BACKGROUND_MIN_MS) {
      const ladder = this.ladderFor(live);
      try {
        if (ladder.work(live.allInjected, this.cost, deadline, this.wallMs)) this.dirty = true;
      } catch (error) {
        // A checkpoint is a run of the same session: if it fails, the live run will too; drop it.
        ladder.clear();
      }
    }
    if (this.dirty) this.flush();
  }

  close(): void {
    this.live = null;
    this.playing = false;
    this.ladder?.clear();
    this.ladder = null;
  }

  /**
   * Skip-quiet: when the burst changed nothing the page draws (node colours, a notable event),
   * run on event by event (as a debugger steps over) until something does or the budget is spent.
   * The speed applies again from there; a quiet hour before a release passes in one tick.
   */
  private skipQuietStretch(live: LiveRun, deadlineMs: number): void {
    if (live.notable.pending > 0 || this.drawnChanged(live)) return;
    for (let k = 0; k < QUIET_STEPS_PER_TICK_MAX && !live.done && this.wallMs() < deadlineMs; k++) {
      live.step();
      if (live.notable.pending > 0 || this.drawnChanged(live)) return;
    }
  }

  /** True when a node's colour or version differs from what the browser was sent. */
  private drawnChanged(live: LiveRun): boolean {
    const states = live.states;
    states.refresh();
    const category = states.category;
    const version = states.version;
    const sentCategory = this.sentCategory;
    const sentVersion = this.sentVersion;
    for (let i = 0; i < category.length; i++) if (category[i] !== sentCategory[i] || version[i] !== sentVersion[i]) return true;
    return false;
  }

  private noteCost(live: LiveRun, beforeMs: number): void {
    this.cost.note(beforeMs, live.now, live.spentMs - this.costSpentSeen);
    this.costSpentSeen = live.spentMs;
  }

  // ---- commands -------------------------------------------------------------------------------

  private sourceOf(command: Extract<Command, { type: 'load' }>): ScenarioSource | null {
    if (command.yaml !== undefined) return { name: 'inline', text: command.yaml };
    const file = this.scenarios.read(command.scenario ?? '');
    return file === null ? null : { name: file.name, text: file.text };
  }

  private load(source: ScenarioSource, seed: number | null, id: number | undefined): void {
    let started;
    try {
      started = LiveRun.start(source, seed);
    } catch (error) {
      return this.transport.send({ type: 'error', id, command: 'load', message: `the model could not be built: ${(error as Error).message}` });
    }
    if (!started.ok) {
      return this.transport.send({ type: 'error', id, command: 'load', message: `invalid scenario: ${started.errors[0]}`, details: started.errors });
    }
    const live = started.live;
    this.live = live;
    this.ladder?.clear();
    this.ladder = new CheckpointLadder(live.source, live.seed, checkpointCount(live.run.world.nodeCount, this.checkpointBytes));
    this.cost = new CostCurve();
    this.costSpentSeen = 0;
    this.lastSeek = null;
    this.playing = false;
    this.seekingTo = null;
    this.playAfterSeek = false;
    this.crashed = null;
    this.effectiveSpeed = 0;
    this.resetNodeFrames(live);
    this.samplesSent = live.sampler.samples.length;
    this.lastEtcd = '';
    this.marks = timelineMarks(live.base);
    this.transport.send({ type: 'loaded', id, scenario: scenarioInfo(live, this.marks), seed: live.seed, samples: [...live.sampler.samples] });
    this.flush();
  }

  private seek(live: LiveRun, requestedMs: number, command: Command): void {
    const target = Math.min(Math.max(0, Math.round(requestedMs)), live.run.horizonMs);
    const wasPlaying = this.playing || this.playAfterSeek;
    this.playing = false;
    this.seekStartedWallMs = this.wallMs();
    const session = live.allInjected;
    const back = target < live.now || this.crashed !== null;
    // The injections after a target in the past are dropped; the rest stand.
    const kept = back ? session.filter((item) => item.at <= target) : session;
    const ladder = this.ladderFor(live);
    // The closest checkpoint below the target (back), or between here and the target (forward).
    const rung = ladder.take(target, back ? -1 : live.now, kept);
    let from: LiveRun | null = rung;
    if (from === null && back) {
      const started = LiveRun.start(live.source, live.seed, [], { silent: true });
      if (!started.ok) return this.error(command, `seek failed: ${started.errors[0]}`);
      from = started.live;
      planFor(from, kept);
    }
    if (from !== null) {
      // The run left behind is a checkpoint for a later seek forward (when nothing was dropped).
      if (this.crashed === null) ladder.offer(live, kept, this.cost);
      // The replay is exact, so the samples up to the target stand.
      const samples = live.sampler.samples.filter((s) => s.t <= target);
      from.sampler.samples.length = 0;
      from.sampler.samples.push(...samples);
      from.log.logging = false;
      this.live = from;
      this.costSpentSeen = from.spentMs;
      this.crashed = null;
      this.resetNodeFrames(from);
      this.samplesSent = from.sampler.samples.length;
      if (back) this.transport.send({ type: 'samples', samples: [], reset: false, truncateAfter: target });
    }
    this.seekFrom = from === null ? live.now : from.now;
    const dropped = session.length - kept.length;
    this.seekingTo = target;
    this.playAfterSeek = wasPlaying;
    this.ack(command, dropped > 0 ? `${dropped} injection(s) after the target were dropped` : undefined);
    this.tick(0);
  }

  private finishSeek(live: LiveRun): void {
    this.seekingTo = null;
    live.log.logging = true;
    live.sampler.rebase(live.run);
    this.playing = this.playAfterSeek && !live.done;
    this.playAfterSeek = false;
    if (this.seekStartedWallMs !== null) {
      this.lastSeek = { fromMs: this.seekFrom, toMs: live.now, wallMs: this.wallMs() - this.seekStartedWallMs };
      this.seekStartedWallMs = null;
    }
  }

  private ladderFor(live: LiveRun): CheckpointLadder {
    if (this.ladder === null) {
      this.ladder = new CheckpointLadder(live.source, live.seed, checkpointCount(live.run.world.nodeCount, this.checkpointBytes));
    }
    return this.ladder;
  }

  // ---- frames ---------------------------------------------------------------------------------

  private flush(): void {
    const live = this.live;
    if (live === null) return;
    this.dirty = false;
    // While a seek is on its way the page keeps what it shows (and the clock says "seeking"):
    // intermediate node frames and chart points would only cost both sides CPU.
    if (this.seekingTo !== null) {
      this.transport.send(this.status(live));
      return;
    }
    this.sendNodeFrame(live);
    const samples = live.sampler.samples;
    if (samples.length > this.samplesSent) {
      this.transport.send({ type: 'samples', samples: samples.slice(this.samplesSent), reset: false });
      this.samplesSent = samples.length;
    }
    const events = live.log.take();
    if (events !== null) this.transport.send({ type: 'events', events: events.events, dropped: events.dropped });
    const etcd = etcdFrame(live);
    if (etcd !== null) {
      const key = JSON.stringify({ ...etcd, timeMs: 0 });
      if (key !== this.lastEtcd) {
        this.lastEtcd = key;
        this.transport.send(etcd);
      }
    }
    this.transport.send(this.status(live));
  }

  private resetNodeFrames(live: LiveRun): void {
    const n = live.run.world.nodeCount;
    this.sentCategory = new Uint8Array(n);
    this.sentVersion = new Uint8Array(n);
    this.needFullFrame = true;
  }

  private sendNodeFrame(live: LiveRun): void {
    if (!this.transport.canSendBulk()) return;
    const states = live.states;
    states.refresh();
    if (!this.needFullFrame) {
      const delta = encodeDelta(states.category, states.version, this.sentCategory, this.sentVersion, live.now, Math.floor(states.category.length * DELTA_SHARE_MAX));
      if (delta !== null) {
        if (delta.length > 16) this.transport.sendBinary(delta);
        return;
      }
    }
    this.transport.sendBinary(encodeFull(states.category, states.version, live.now));
    this.sentCategory.set(states.category);
    this.sentVersion.set(states.version);
    this.needFullFrame = false;
  }

  private status(live: LiveRun): StatusFrame {
    const run = live.run;
    const versions: string[] = [];
    for (let i = 0; i < run.world.metrics.versionCounts.length; i++) versions.push(run.world.versions.name(i));
    return {
      type: 'status',
      timeMs: run.now,
      horizonMs: run.horizonMs,
      playing: this.playing,
      done: run.done,
      speed: this.speed,
      effectiveSpeed: Math.round(this.effectiveSpeed * 10) / 10,
      seekingTo: this.seekingTo,
      events: run.sim.eventsExecuted,
      traceHash: run.trace.traceHash,
      versions,
      live: live.sampler.read(run),
      injected: live.allInjected,
      crashed: this.crashed,
      checkpoints: this.ladder?.times ?? [],
      checkpointsBuilding: this.wantsBackgroundWork,
      lastSeek: this.lastSeek,
      caption: this.seekingTo === null ? caption(run.world, live.states, run.now, live.notable.last, this.marks) : `seeking to ${formatClock(this.seekingTo)}`,
      skipQuiet: this.skipQuiet,
    };
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** Runs model code; an exception is a crash of the run (the session keeps serving). */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.crashed = `${(error as Error).name}: ${(error as Error).message} at ${this.live?.now ?? 0} ms`;
      this.playing = false;
      this.seekingTo = null;
      this.transport.send({ type: 'error', message: `the run crashed: ${this.crashed}` });
    }
  }

  private ack(command: Command, note?: string): void {
    const frame: Frame = { type: 'ack', id: command.id, command: command.type, timeMs: this.live?.now ?? 0 };
    if (note !== undefined) frame.note = note;
    this.transport.send(frame);
  }

  private error(command: Command, message: string): void {
    this.transport.send({ type: 'error', id: command.id, command: command.type, message });
  }
}
