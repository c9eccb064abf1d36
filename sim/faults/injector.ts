import { assert, unreachable } from '../engine/assert.ts';
import type { RandomStream } from '../engine/random.ts';
import type { Simulation } from '../engine/simulation.ts';
import type { Trace, TraceData } from '../engine/trace.ts';
import type { Fault, FaultKind, PartitionMember } from '../scenario/faults.ts';
import type { World } from '../model/world/world.ts';
import { NetworkFaults } from './network-faults.ts';
import { layoutPartition, type PartitionLayout } from './partition.ts';
import { MemberPower, NodePower } from './power.ts';
import { resolveEtcdMember, resolveNodeTarget } from './targets.ts';

/**
 * Faults, applied now: the one interface through which the scenario's timeline, the web UI and
 * the fuzzer inject them (docs/scenario-format.md `faults`, docs/faults.md). A fault with a duration schedules
 * its own repair. The model does not know about faults: the injector drives the world's
 * primitives (crash a node, power it on, take the server down, skew a clock, spoil a disk, cut a
 * node off the server) and the etcd network and cluster (partitions, loss, latency, member
 * processes). Overlapping faults compose: a thing comes back when the last fault holding it
 * heals (power.ts, network-faults.ts).
 *
 * Trace: `fault.<kind>` when a fault fires (subject: how many nodes or which member it hit, or
 * `net`), `fault.healed` {kind} when its repair runs.
 *
 * For the liveness checker the injector records when the last repair ran (or is due) and which
 * faults never heal.
 */
export interface FaultRecord {
  /** Faults applied so far. */
  readonly applied: number;
  /** Time the last repair ran or is scheduled; the time of the last fault without a duration. */
  readonly lastHealMs: number;
  /** Nodes that a fault killed for good (node-crash without duration, lock-holder-dies). */
  readonly deadNodes: ReadonlySet<number>;
  /** Faults that never heal and may keep the rollout from converging, as `kind@timeMs`. */
  readonly unhealed: readonly string[];
}

const UNHEALED_MAX = 1000;
/** Faults listed in the report (a fuzzed or UI session could apply many). */
const FAULT_LIST_MAX = 1000;

/** One fault of the timeline as the report lists it (docs/report.md `faults`). */
export interface FaultReport {
  kind: FaultKind;
  /** ms since the start. */
  at: number;
  /** How many nodes or etcd members it hit; 0 = it found nothing to hit (`note` says why). */
  targets: number;
  note: string;
}

export class FaultInjector implements FaultRecord {
  private readonly nodes: NodePower;
  private readonly members: MemberPower;
  private readonly network: NetworkFaults;
  private appliedCount = 0;
  private lastHeal = 0;
  private readonly dead = new Set<number>();
  private readonly unhealedFaults: string[] = [];
  private readonly reports: FaultReport[] = [];

  constructor(
    private readonly world: World,
    private readonly sim: Simulation,
    private readonly trace: Trace,
    private readonly random: RandomStream,
    /** True when a dead holder's slot frees by itself (reboot.lockTTL > 0) or no lock is used. */
    private readonly deadHolderFrees: boolean = true,
  ) {
    this.nodes = new NodePower(world);
    this.members = new MemberPower(world);
    this.network = new NetworkFaults(world);
  }

  get applied(): number {
    return this.appliedCount;
  }

  get lastHealMs(): number {
    return this.lastHeal;
  }

  get deadNodes(): ReadonlySet<number> {
    return this.dead;
  }

  get unhealed(): readonly string[] {
    return this.unhealedFaults;
  }

  /** Every fault applied, with what it hit (the report's `faults`). */
  get faultReports(): readonly FaultReport[] {
    return this.reports;
  }

  private record(kind: FaultKind, targets: number, note: string): FaultReport {
    const entry: FaultReport = { kind, at: this.sim.now, targets, note };
    if (this.reports.length < FAULT_LIST_MAX) this.reports.push(entry);
    return entry;
  }

  apply(fault: Fault): void {
    const now = this.sim.now;
    this.appliedCount++;
    this.lastHeal = Math.max(this.lastHeal, now);
    switch (fault.kind) {
      case 'node-crash': {
        const nodes = resolveNodeTarget(this.world, fault.target, this.random);
        this.emit('node-crash', nodes.length, { nodes: nodes.slice(0, 100), duration: fault.duration });
        this.record(fault.kind, nodes.length, nodes.length === 0 ? 'no node matched the target' : `${nodes.length} node(s) crashed${fault.duration === null ? ' for good' : ''}`);
        for (const node of nodes) this.nodes.hold(node);
        if (fault.duration !== null) {
          this.after(fault, fault.duration, () => nodes.forEach((node) => this.nodes.release(node)));
        } else {
          for (const node of nodes) this.dead.add(node);
          if (!this.deadHolderFrees) this.markUnhealed(fault.kind, now);
        }
        break;
      }
      case 'power-loss': {
        // Power goes for a whole zone or group at once, and when it returns every node boots
        // together: the reboot storm on etcd and the update server. A whole zone's power also
        // takes the etcd members placed in it (placement: dedicated).
        const nodes = resolveNodeTarget(this.world, fault.target, this.random);
        const members = this.dedicatedMembersOfZone(fault.target);
        this.emit('power-loss', nodes.length, { zone: fault.target.zone ?? null, group: fault.target.group ?? null, members, duration: fault.duration });
        this.record(fault.kind, nodes.length + members.length, nodes.length + members.length === 0 ? 'no node matched the target' : `${nodes.length} node(s) and ${members.length} etcd member(s) lost power`);
        for (const node of nodes) this.nodes.hold(node);
        for (const member of members) this.members.powerOff(member);
        this.after(fault, fault.duration, () => {
          this.trace.emit(this.sim.now, 'fault.power-restored', nodes.length);
          nodes.forEach((node) => this.nodes.release(node));
          members.forEach((member) => this.members.powerOn(member));
        });
        break;
      }
      case 'partition': {
        const layout = layoutPartition(this.world, fault.sides);
        const sides = fault.sides.map((side) => side.map(partitionItemText));
        this.emit('partition', 'net', { sides, leaders: [...layout.leaders], duration: fault.duration });
        this.record(fault.kind, ...partitionTargets(layout));
        const id = this.network.addPartition(layout);
        this.after(fault, fault.duration, () => this.network.removePartition(id));
        break;
      }
      case 'message-loss': {
        this.emit('message-loss', 'net', { probability: fault.probability, scope: fault.scope, duration: fault.duration });
        const lossMembers = this.world.etcd?.cluster.members.length ?? 0;
        const lossNodes = fault.scope === 'all' ? this.world.nodeCount : 0;
        this.record(fault.kind, lossMembers + lossNodes, `${lossMembers} etcd member(s)${fault.scope === 'all' ? ` and ${lossNodes} node(s)' update traffic` : ''} lose ${fault.probability} of their messages`);
        const id = this.network.addLoss(fault.probability, fault.scope);
        this.after(fault, fault.duration, () => this.network.removeLoss(id));
        break;
      }
      case 'latency-spike': {
        // Extra one-way latency on every etcd message (members and zone clients).
        const extraMs = Math.round(this.random.range(fault.extra));
        this.emit('latency-spike', 'net', { extra: extraMs, duration: fault.duration });
        const network = this.world.etcd?.network;
        const spikeMembers = this.world.etcd?.cluster.members.length ?? 0;
        this.record(fault.kind, spikeMembers, network === undefined ? 'no etcd cluster' : `${extraMs} ms more on every etcd message`);
        if (network !== undefined) {
          const id = network.addSpike(extraMs, null);
          this.after(fault, fault.duration, () => network.removeSpike(id));
        }
        break;
      }
      case 'etcd-kill': {
        assert(fault.target.etcd !== undefined, 'etcd-kill needs an etcd target');
        const member = resolveEtcdMember(this.world, fault.target.etcd);
        this.emit('etcd-kill', member, { target: fault.target.etcd, duration: fault.duration });
        this.record(fault.kind, member < 0 ? 0 : 1, member < 0 ? (this.world.etcd === null ? 'no etcd cluster' : 'no leader to kill at this moment') : `member ${member} killed`);
        if (member < 0) break; // no cluster, or no leader to kill at this moment
        this.members.kill(member);
        if (fault.duration !== null) this.after(fault, fault.duration, () => this.members.unkill(member));
        else this.markUnhealed(fault.kind, now);
        break;
      }
      case 'etcd-restart': {
        assert(fault.target.etcd !== undefined, 'etcd-restart needs an etcd target');
        const member = resolveEtcdMember(this.world, fault.target.etcd);
        this.emit('etcd-restart', member, { target: fault.target.etcd });
        this.record(fault.kind, member < 0 ? 0 : 1, member < 0 ? 'no such member' : `member ${member} restarted`);
        if (member >= 0) this.members.restart(member);
        break;
      }
      case 'server-outage': {
        const silent = fault.answer === 'none';
        this.emit('server-outage', 'server', { answer: fault.answer, duration: fault.duration });
        this.record(fault.kind, this.world.nodeCount, silent ? 'the update server answers nothing' : `the update server answers HTTP ${fault.answer}`);
        this.world.server.beginOutage(now, silent);
        this.after(fault, fault.duration, () => this.world.server.endOutage(this.sim.now, silent));
        break;
      }
      case 'clock-skew': {
        const nodes = resolveNodeTarget(this.world, fault.target, this.random);
        this.emit('clock-skew', nodes.length, { nodes: nodes.slice(0, 100), skew: fault.skew });
        this.record(fault.kind, nodes.length, nodes.length === 0 ? 'no node matched the target' : `clocks moved by ${fault.skew} ms`);
        for (const node of nodes) this.world.skewClock(node, fault.skew);
        break;
      }
      case 'bad-disk': {
        const nodes = resolveNodeTarget(this.world, fault.target, this.random);
        this.emit('bad-disk', nodes.length, { nodes: nodes.slice(0, 100), probability: fault.probability });
        this.record(fault.kind, nodes.length, nodes.length === 0 ? 'no node matched the target' : `writes fail with probability ${fault.probability}`);
        for (const node of nodes) this.world.setBadDiskProbability(node, fault.probability);
        break;
      }
      case 'lock-holder-dies': {
        // A node holding a reboot-lock slot dies and never comes back (locksmith's top
        // complaint: the slot stays taken until an operator unlocks it, or a TTL frees it).
        // When nobody holds a slot, the next node to take one dies (what an operator means by
        // "the holder dies"), and the report says so.
        const holders = this.world.lockHolders();
        const victim = holders.length === 0 ? -1 : this.random.pick(holders);
        this.emit('lock-holder-dies', victim, { holders: holders.length });
        if (victim >= 0) {
          this.record(fault.kind, 1, `node ${victim} died holding a slot`);
          this.killHolder(victim, fault.kind, now);
        } else if (!this.world.hasLock) {
          this.record(fault.kind, 0, 'no reboot lock in this scenario');
        } else {
          const entry = this.record(fault.kind, 0, 'nobody held a slot: the next node to take one dies');
          this.world.onNextLockGrant((node) => {
            // After the grant's step: the node took its slot, then dies.
            this.sim.callAfter(0, () => {
              this.trace.emit(this.sim.now, 'fault.lock-holder-dies', node, { holders: this.world.lockHolders().length, deferred: true });
              entry.targets = 1;
              entry.note = `nobody held a slot at ${formatMs(entry.at)}: node ${node}, the next to take one, died at ${formatMs(this.sim.now)}`;
              this.killHolder(node, fault.kind, this.sim.now);
              this.world.flush();
            });
          });
        }
        break;
      }
      default:
        unreachable(fault, 'fault kind');
    }
    this.world.flush();
  }

  private killHolder(node: number, kind: FaultKind, nowMs: number): void {
    this.nodes.hold(node);
    this.dead.add(node);
    if (!this.deadHolderFrees) this.markUnhealed(kind, nowMs);
  }

  /** A whole zone's power-loss (no group, count or node selector) takes its dedicated members. */
  private dedicatedMembersOfZone(target: { zone?: string; group?: string; count?: number; fraction?: number; nodes?: number[] }): number[] {
    const etcd = this.world.etcd;
    if (etcd === null || this.world.memberNode.length > 0 || target.zone === undefined) return [];
    if (target.group !== undefined || target.count !== undefined || target.fraction !== undefined || target.nodes !== undefined) return [];
    const members: number[] = [];
    etcd.memberZones.forEach((zone, member) => {
      if (zone === target.zone) members.push(member);
    });
    return members;
  }

  private emit(kind: FaultKind, subject: string | number, data: TraceData): void {
    this.trace.emit(this.sim.now, `fault.${kind}`, subject, data);
  }

  private markUnhealed(kind: FaultKind, nowMs: number): void {
    if (this.unhealedFaults.length < UNHEALED_MAX) this.unhealedFaults.push(`${kind}@${nowMs}`);
  }

  private after(fault: Fault, delayMs: number, repair: () => void): void {
    assert(delayMs > 0, `a fault's duration must be > 0, got ${delayMs}`);
    this.lastHeal = Math.max(this.lastHeal, this.sim.now + delayMs);
    this.sim.callAfter(delayMs, () => {
      this.trace.emit(this.sim.now, 'fault.healed', fault.kind);
      repair();
      this.world.flush();
    });
  }
}

/** A partition's targets: nodes cut off the update server, members cut off the largest side of the cluster. */
function partitionTargets(layout: PartitionLayout): [number, string] {
  let nodes = 0;
  for (let node = 0; node < layout.nodeSide.length; node++) if (layout.nodeSide[node] !== layout.serverSide) nodes++;
  const perSide = new Map<number, number>();
  for (const side of layout.memberSide) perSide.set(side, (perSide.get(side) ?? 0) + 1);
  const largest = Math.max(0, ...perSide.values());
  const members = layout.memberSide.length - largest;
  return [nodes + members, `${nodes} node(s) cut off the update server, ${members} etcd member(s) cut off the largest side`];
}

/** ms as h:mm:ss for a note. */
function formatMs(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return `${h}h${String(m).padStart(2, '0')}m${String(sec).padStart(2, '0')}s`;
}

function partitionItemText(item: PartitionMember): string {
  switch (item.kind) {
    case 'zone':
      return `zone:${item.zone}`;
    case 'group':
      return `group:${item.group}`;
    case 'node':
      return `node:${item.node}`;
    case 'etcd':
      return `etcd:${item.etcd}`;
    case 'server':
      return 'server';
  }
}
