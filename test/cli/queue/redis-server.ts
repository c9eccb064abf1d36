// A real Redis for the queue tests: Debian's redis-server on a free loopback port (127.0.0.1
// only), with a temporary directory and no persistence, stopped after the tests. Where it is not
// installed the tests are skipped with a message, except in CI (CI=true), where that is a failure:
// .ci/run installs it.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export const REDIS_SERVER = '/usr/bin/redis-server';

/** Whether the queue tests can run here; throws in CI when they cannot (never a silent skip there). */
export function redisAvailable(): boolean {
  if (existsSync(REDIS_SERVER)) return true;
  const message = `${REDIS_SERVER} is absent: the queue tests need Debian's redis-server (apt-get install -y redis-server; .ci/run does it)`;
  if (process.env.CI === 'true') throw new Error(`${message}; in CI this is a failure, not a skip`);
  console.warn(`skipping the queue tests: ${message}`);
  return false;
}

export interface RedisServer {
  port: number;
  url: string;
  /** Keys in the database: the tests check that a finished run leaves nothing behind. */
  keys(pattern: string): Promise<string[]>;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts redis-server and waits (at most 10 s) until it answers PING. */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetsim-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (log = (log + d).slice(-4000)));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (log = (log + d).slice(-4000)));
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await client.connect();
      await client.ping();
      break;
    } catch (error) {
      client.disconnect();
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`redis-server did not start on 127.0.0.1:${port}: ${String(error)}\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    keys: (pattern) => client.keys(pattern),
    flush: async () => {
      await client.flushall();
    },
    stop: async () => {
      client.disconnect();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
