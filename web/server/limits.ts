// The server's bounds: every session, message and burst is capped so that one browser cannot
// take the machine (2 cores shared with everything else) or another session's share.

import type { Limits } from '../shared/protocol.ts';

export interface ServerLimits extends Limits {
  /** Wall ms of model CPU all sessions together may use per tick (one Node thread runs them all). */
  cpuMsPerTickTotal: number;
  /** Wall ms of model CPU per tick while a seek is on its way (someone waits on the page; split between busy sessions). */
  cpuMsPerTickSeeking: number;
  /** Bytes queued on a socket above which node frames wait for the next tick. */
  sendBufferBytesMax: number;
  /** Estimated memory one session's seek checkpoints may hold (web/server/checkpoints.ts). */
  checkpointBytesPerSession: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  // A command is a small JSON object; inline scenario YAML is the largest thing a browser sends.
  maxPayloadBytes: 64 * 1024,
  maxSessions: 8,
  // 40% of a core per session at most...
  cpuMsPerSecond: 400,
  tickMs: 100,
  // ...and 70% of a core for all of them, so the HTTP side and the OS keep some.
  cpuMsPerTickTotal: 70,
  // A seek is a person waiting for one answer: it may take 90% of the tick, still leaving the
  // socket and the HTTP side 10 ms of each 100.
  cpuMsPerTickSeeking: 90,
  sendBufferBytesMax: 4 * 1024 * 1024,
  // Ten checkpoints of a 100k-node fleet (~50 MB each), the cap of 16 for smaller fleets.
  checkpointBytesPerSession: 512 * 1024 * 1024,
};

/** The CPU budget of one session for one tick when `active` sessions are playing. */
export function tickBudgetMs(limits: ServerLimits, active: number): number {
  const perSession = (limits.cpuMsPerSecond * limits.tickMs) / 1000;
  return active <= 0 ? perSession : Math.min(perSession, limits.cpuMsPerTickTotal / active);
}
