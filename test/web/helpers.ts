// Helpers for the web tests: a server on 127.0.0.1 with an ephemeral port (no client build), a
// WebSocket client that queues frames and waits for one matching a predicate, and small
// scenarios that play in well under a second.

import { WebSocket } from 'ws';
import { startServer, type RunningServer } from '../../web/server/index.ts';
import type { ServerLimits } from '../../web/server/limits.ts';
import type { Frame } from '../../web/shared/protocol.ts';

export const SMALL_SCENARIO = `# a small fleet for the web tests
name: web-small
seed: 3
duration: 1d
fleet:
  groups:
    - {name: canary, nodes: 20, zones: [a]}
    - {name: prod, nodes: 180, zones: [a, b, c]}
etcd:
  members: 3
releases:
  - {version: 2.0.0, channel: stable, at: 1h, size: 100MB}
policy:
  default: {maxUpdatesPerPeriod: 100, periodInterval: 1h}
reboot:
  strategy: etcd-lock
  maxConcurrent: 2
actions:
  - {at: 3h, do: pause-rollout, group: canary}
`;

export async function startTestServer(limits: Partial<ServerLimits> = {}): Promise<RunningServer> {
  return startServer({ port: 0, host: '127.0.0.1', scenarioPath: null, buildClient: false, limits, log: () => {} });
}

export interface TestClient {
  socket: WebSocket;
  frames: Frame[];
  binaries: Uint8Array[];
  send(payload: unknown): void;
  sendRaw(text: string | Buffer): void;
  /** The first frame (queued or coming) that matches; removes it and those before it. */
  next<T extends Frame['type']>(type: T, match?: (frame: Extract<Frame, { type: T }>) => boolean, timeoutMs?: number): Promise<Extract<Frame, { type: T }>>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export async function connect(server: RunningServer): Promise<TestClient> {
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
  const frames: Frame[] = [];
  const binaries: Uint8Array[] = [];
  let wake: (() => void) | null = null;
  socket.on('message', (data, isBinary) => {
    if (isBinary) binaries.push(new Uint8Array(data as Buffer));
    else frames.push(JSON.parse(String(data)) as Frame);
    wake?.();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const client: TestClient = {
    socket,
    frames,
    binaries,
    closed,
    send: (payload) => socket.send(JSON.stringify(payload)),
    sendRaw: (text) => socket.send(text),
    next: async (type, match, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = frames.findIndex((f) => f.type === type && (match === undefined || match(f as never)));
        if (index >= 0) return frames.splice(0, index + 1)[index] as never;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no ${type} frame within ${timeoutMs} ms; got ${frames.map((f) => f.type).join(', ')}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.min(left, 200));
        });
        wake = null;
      }
    },
    close: () => socket.close(),
  };
  return client;
}
