// WebSocket side: one Session per connection, a cap on sessions, a cap on message size, and one
// pacer that ticks every session in turn with its share of the CPU budget. A malformed,
// oversized or unknown message gets an error frame and the connection keeps serving; nothing a
// browser sends reaches another session.

import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { PROTOCOL_VERSION, type Frame } from '../shared/protocol.ts';
import { parseCommand } from './commands.ts';
import { tickBudgetMs, type ServerLimits } from './limits.ts';
import type { ScenarioFiles } from './scenario-files.ts';
import { Session } from './session.ts';

export const WS_PATH = '/ws';
/**
 * ws closes a connection whose message exceeds its maxPayload (close code 1009). Our own limit
 * (limits.maxPayloadBytes) answers with an error frame instead; ws's hard cap stays above it,
 * only as the last line against a client that floods one message.
 */
const HARD_PAYLOAD_FACTOR = 16;
/** Close code for "the server is at its session cap; try again later" (RFC 6455 1013). */
export const CLOSE_TRY_AGAIN_LATER = 1013;

export interface SessionServer {
  readonly sessions: ReadonlySet<Session>;
  close(): Promise<void>;
}

export function attachSessions(httpServer: Server, scenarios: ScenarioFiles, limits: ServerLimits, log: (line: string) => void): SessionServer {
  const wss = new WebSocketServer({ server: httpServer, path: WS_PATH, maxPayload: limits.maxPayloadBytes * HARD_PAYLOAD_FACTOR });
  const sessions = new Set<Session>();
  let order: Session[] = [];

  wss.on('connection', (socket: WebSocket) => {
    const send = (frame: Frame) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
    };
    if (sessions.size >= limits.maxSessions) {
      send({ type: 'error', message: `the server already runs ${limits.maxSessions} sessions (its limit); close a tab or try again later` });
      socket.close(CLOSE_TRY_AGAIN_LATER, 'session limit');
      return;
    }
    const session = new Session(
      scenarios,
      {
        send,
        sendBinary: (bytes) => {
          if (socket.readyState === WebSocket.OPEN) socket.send(bytes, { binary: true });
        },
        canSendBulk: () => socket.bufferedAmount < limits.sendBufferBytesMax,
      },
      () => performance.now(),
      limits.checkpointBytesPerSession,
    );
    sessions.add(session);
    order.push(session);
    send({ type: 'hello', protocol: PROTOCOL_VERSION, limits: { maxPayloadBytes: limits.maxPayloadBytes, maxSessions: limits.maxSessions, cpuMsPerSecond: limits.cpuMsPerSecond, tickMs: limits.tickMs }, scenarios: scenarios.list().map((f) => f.name) });

    socket.on('message', (data: RawData, isBinary: boolean) => {
      const size = byteLength(data);
      if (size > limits.maxPayloadBytes) {
        send({ type: 'error', message: `message of ${size} bytes is over the limit of ${limits.maxPayloadBytes} bytes; ignored` });
        return;
      }
      if (isBinary) {
        send({ type: 'error', message: 'commands are JSON text messages, not binary' });
        return;
      }
      const parsed = parseCommand(rawText(data));
      if (!parsed.ok) {
        send({ type: 'error', id: parsed.id, command: parsed.command, message: parsed.message });
        return;
      }
      try {
        session.handle(parsed.command);
      } catch (error) {
        // A bug of ours in one command must not end the session or the server.
        log(`session command ${parsed.command.type} failed: ${(error as Error).stack ?? String(error)}`);
        send({ type: 'error', id: parsed.command.id, command: parsed.command.type, message: `internal error: ${(error as Error).message}` });
      }
    });
    const drop = () => {
      session.close();
      sessions.delete(session);
      order = order.filter((s) => s !== session);
    };
    socket.on('close', drop);
    socket.on('error', (error) => {
      log(`websocket error: ${error.message}`);
      drop();
    });
  });

  // The pacer: each tick, every session in turn (rotating who goes first, for fairness).
  let rotation = 0;
  const timer = setInterval(() => {
    if (order.length === 0) return;
    // Sessions playing or seeking share the budget; idle ones use it to build checkpoints.
    const active = order.filter((s) => s.active || s.wantsBackgroundWork).length;
    const budget = tickBudgetMs(limits, active);
    // A seek is someone waiting on the page: it may use the whole shared budget (its share of it).
    const seekBudget = limits.cpuMsPerTickSeeking / Math.max(1, active);
    rotation = (rotation + 1) % order.length;
    for (let k = 0; k < order.length; k++) {
      const session = order[(rotation + k) % order.length];
      try {
        session.tick(session.seeking ? seekBudget : session.active || session.wantsBackgroundWork ? budget : 0);
      } catch (error) {
        log(`session tick failed: ${(error as Error).stack ?? String(error)}`);
      }
    }
  }, limits.tickMs);
  timer.unref();

  return {
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, b) => sum + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return data instanceof ArrayBuffer ? Buffer.from(data).toString('utf8') : data.toString('utf8');
}
