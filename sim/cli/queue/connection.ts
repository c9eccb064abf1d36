// Connecting to the Redis behind `--queue`. Before BullMQ starts (it reconnects forever, which is
// right for a worker riding out a Redis restart), one PING with a deadline turns a wrong address
// into a clear error instead of a silent hang.

import { Redis } from 'ioredis';
import { CliError, EXIT_BAD_INPUT } from '../exit.ts';
import type { QueueAddress } from './url.ts';

/** How long the first PING may take before the address is declared unreachable. */
const PREFLIGHT_TIMEOUT_MS = 5000;

/** Options for BullMQ's Queue, Worker and QueueEvents (each opens its own connection from them). */
export function connectionOptions(address: QueueAddress) {
  // maxRetriesPerRequest: null is what BullMQ's blocking commands require.
  return { host: address.host, port: address.port, db: address.db, maxRetriesPerRequest: null };
}

export async function assertReachable(address: QueueAddress): Promise<void> {
  const client = new Redis({
    host: address.host,
    port: address.port,
    db: address.db,
    lazyConnect: true,
    connectTimeout: PREFLIGHT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {
    // Reported by the failing connect() below; without a listener ioredis would print it too.
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new CliError([`--queue ${address.text}: cannot reach Redis (${error instanceof Error ? error.message : String(error)}); is redis-server running there?`], EXIT_BAD_INPUT);
  } finally {
    client.disconnect();
  }
}
