// The web UI's wire protocol, shared by the server (web/server) and the browser (web/client).
// One WebSocket per session. The browser sends commands as JSON text; the server answers with
// JSON text frames and, for node states, binary frames (node-frames.ts). Pure TypeScript: no
// Node or DOM imports, so both sides compile it.

/** Bumped when a frame or command changes shape. */
export const PROTOCOL_VERSION = 2;

// ---- commands: browser -> server --------------------------------------------------------------

/** Every command may carry an `id`, echoed in its answer (`ack`, `error`, `export`, ...). */
export type Command = { id?: number } & (
  | { type: 'load'; scenario?: string; yaml?: string; seed?: number }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'speed'; x: number }
  | { type: 'seek'; timeMs: number }
  | { type: 'restart'; seed?: number }
  | { type: 'inject'; fault: Record<string, unknown> }
  | { type: 'action'; action: Record<string, unknown> }
  | { type: 'export' }
  | { type: 'report' }
  | { type: 'inspect'; node: number }
  | { type: 'skip-quiet'; on: boolean }
);

export type CommandType = Command['type'];

export const COMMAND_TYPES: readonly CommandType[] = [
  'load', 'play', 'pause', 'step', 'speed', 'seek', 'restart', 'inject', 'action', 'export', 'report', 'inspect', 'skip-quiet',
];

/** Speeds are simulated ms per wall ms: real time (1) up to a million times faster. */
export const SPEED_MIN = 1;
export const SPEED_MAX = 1_000_000;

// ---- frames: server -> browser ----------------------------------------------------------------

export interface Limits {
  maxPayloadBytes: number;
  maxSessions: number;
  cpuMsPerSecond: number;
  tickMs: number;
}

export interface GroupInfo {
  name: string;
  nodes: number;
  zones: string[];
}

export interface ScenarioInfo {
  name: string;
  description: string | null;
  seed: number;
  horizonMs: number;
  nodeCount: number;
  /** Groups in file order: nodes are numbered group by group, zones round-robin within a group. */
  groups: GroupInfo[];
  zones: string[];
  etcdMembers: number;
  strategy: string;
  sampleIntervalMs: number;
  /** The scenario text the session plays (what export starts from). */
  yaml: string;
  /** Releases, faults and actions of the scenario, for the time slider. */
  marks: TimelineMark[];
  /**
   * The node's three machines as state diagrams (web/server/machine-graph.ts), the reboot agent's
   * that of the scenario's section agent; a node of another agent carries its own (NodeDetails.agentMachine).
   */
  machines: MachineGraph[];
  /** Each reboot agent the fleet runs, with its fleet groups and their strategies (reboot.groups.<g>.agent). */
  agents: { agent: string; groups: { name: string; strategy: string }[] }[];
  /** The scenario's reboot-lock groups (reboot.lockGroup), in the order their first fleet group appears. */
  lockGroups: string[];
  /** The scenario's workloads (empty without a `workloads` section). */
  workloads: WorkloadInfo[];
}

export interface TimelineMark {
  atMs: number;
  /** A fault drawn from a range: the range's end. */
  untilMs?: number;
  kind: 'release' | 'fault' | 'action';
  label: string;
}

/** One machine's states and transitions, walked from its xstate definition. */
export interface MachineGraph {
  name: string;
  title: string;
  initial: string;
  /** Atomic states, named as the compiled runtime names them (`running.fresh`). */
  states: { name: string; parent: string | null }[];
  edges: { from: string; to: string; label: string }[];
}

/** A transition one of a node's machines took. */
export interface TransitionLine {
  timeMs: number;
  machine: string;
  from: string;
  to: string;
  event: string;
}

/** One point of the time series (charts). */
export interface Sample {
  /** Simulated ms. */
  t: number;
  /** Nodes on each version, by version index (versions[i] names it). */
  versions: number[];
  down: number;
  rebooting: number;
  lockHolders: number;
  /** Update-server requests per simulated minute over the last sample interval. */
  requestsPerMin: number;
  downloads: number;
  /** 1 while etcd has no leader at the sample's time (0 without etcd). */
  leaderless: number;
  /** Per workload (ScenarioInfo.workloads order): instances serving (ready, and registered with discovery). */
  workloads: number[];
}

/** A workload of the scenario, for its availability chart. */
export interface WorkloadInfo {
  name: string;
  replicas: number;
  /** The availability target (minAvailable as a count: its PDB's desiredHealthy). */
  minReady: number;
  /** Below this many serving the service is down; null: not a quorum service. */
  quorum: number | null;
}

/** One instance on the inspected node. */
export interface InstanceLine {
  workload: string;
  state: 'pending' | 'stopped' | 'starting' | 'ready';
  /** Counted as available (ready, and registered in etcd when the workload uses discovery). */
  serving: boolean;
}

export interface StatusFrame {
  type: 'status';
  timeMs: number;
  horizonMs: number;
  playing: boolean;
  done: boolean;
  speed: number;
  /** Simulated ms per wall ms actually achieved over the last second (CPU-bounded). */
  effectiveSpeed: number;
  /** A seek in progress: its target. */
  seekingTo: number | null;
  events: number;
  traceHash: string;
  /** Version names by index (grows when a release is published). */
  versions: string[];
  /** The latest values, also between two stored samples. */
  live: Sample;
  /** Faults and actions injected in this session, in order. */
  injected: InjectedItem[];
  crashed: string | null;
  /** Times of the paused runs kept for seeks (web/server/checkpoints.ts), ascending. */
  checkpoints: number[];
  /** True while the session builds checkpoints with its idle CPU. */
  checkpointsBuilding: boolean;
  /** One line on what is happening now (web/server/caption.ts). */
  caption: string;
  /** Playing jumps over stretches where nothing drawn changes. */
  skipQuiet: boolean;
  /** The last finished seek: where its replay started, where it ended, wall ms it took. */
  lastSeek: { fromMs: number; toMs: number; wallMs: number } | null;
}

export interface InjectedItem {
  at: number;
  kind: 'fault' | 'action';
  /** The item as the browser sent it (scenario syntax), without `at`. */
  item: Record<string, unknown>;
}

export interface EtcdMemberInfo {
  id: number;
  zone: string;
  role: string;
  term: number;
  up: boolean;
}

export interface EtcdFrame {
  type: 'etcd';
  timeMs: number;
  members: EtcdMemberInfo[];
  leader: number;
  /** Members needed for a majority. */
  quorum: number;
  hasQuorum: boolean;
  lockHolders: number[];
  lockMax: number;
}

export interface TraceLine {
  time: number;
  kind: string;
  subject: string | number;
  data?: unknown;
}

export interface NodeDetails {
  type: 'node';
  id?: number;
  node: number;
  group: string;
  zone: string;
  version: string;
  updateStatus: string;
  power: string;
  rebootManager: string;
  /** The node's reboot agent (its fleet group's) and that agent's machine as a state diagram. */
  agent: string;
  agentMachine: MachineGraph;
  down: boolean;
  rolledBack: boolean;
  holdsLock: boolean;
  partitions: { slot: 'USR-A' | 'USR-B'; version: string | null; priority: number; tries: number; successful: number; booted: boolean }[];
  updateEngine: Record<string, number>;
  lastEvents: TraceLine[];
  /** The current state of each machine (MachineGraph.name -> state name). */
  machines: Record<string, string>;
  /** The node's last transitions, oldest first. */
  transitions: TransitionLine[];
  /** The reboot lock of the node's lock group: its holders and size. */
  lock: { group: string; holders: number[]; max: number };
  /** The workloads' instances on this node. */
  instances: InstanceLine[];
}

export type Frame =
  | { type: 'hello'; protocol: number; limits: Limits; scenarios: string[] }
  | { type: 'loaded'; id?: number; scenario: ScenarioInfo; seed: number; samples: Sample[] }
  | StatusFrame
  | { type: 'samples'; samples: Sample[]; reset: boolean; truncateAfter?: number }
  | EtcdFrame
  | { type: 'events'; events: TraceLine[]; dropped: number }
  | { type: 'ack'; id?: number; command: CommandType; timeMs: number; note?: string }
  | { type: 'error'; id?: number; command?: string; message: string; details?: string[] }
  | { type: 'export'; id?: number; yaml: string; fileName: string }
  | { type: 'report'; id?: number; report: unknown }
  | NodeDetails;

// ---- node state categories (binary node frames) ----------------------------------------------

/**
 * What the fleet view colours a node by, derived from its three machines (update_engine status,
 * power/boot state, reboot manager state) with this precedence: down > rebooting > waiting for
 * the lock > needs reboot > updating > rolled back > running.
 */
export const NODE_CATEGORY = {
  RUNNING: 0,
  /** CHECKING_FOR_UPDATE, UPDATE_AVAILABLE, DOWNLOADING, FINALIZING, REPORTING_ERROR_EVENT. */
  UPDATING: 1,
  /** UPDATED_NEED_REBOOT, waiting for its reboot window (or strategy off: staged). */
  NEEDS_REBOOT: 2,
  /** The reboot manager asks for the lock (locking, backoff). */
  WAITING_LOCK: 3,
  /** draining, shuttingDown, booting (a planned reboot, or power back after a loss). */
  REBOOTING: 4,
  /** Crashed, powered off, hung on a bad release, unbootable. */
  DOWN: 5,
  /** Up, after an automatic rollback to the previous partition. */
  ROLLED_BACK: 6,
} as const;

export const CATEGORY_NAMES = ['running', 'checking/downloading', 'needs reboot', 'waiting for lock', 'rebooting', 'down', 'rolled back'] as const;
export const CATEGORY_COUNT = CATEGORY_NAMES.length;
