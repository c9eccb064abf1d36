// `--queue redis://HOST:PORT[/DB]`: where the jobs of a distributed run go. Pure parsing; a bad
// URL is bad input (exit 2) naming the flag and the expected form.

import { badInput } from '../exit.ts';

export interface QueueAddress {
  host: string;
  port: number;
  db: number;
  /** The URL as the user wrote it, for messages. */
  text: string;
}

const FORM = 'expected redis://HOST:PORT[/DB], like redis://127.0.0.1:6379 or redis://redis.lan:6379/2';
/** Redis' default `databases 16`: DB indexes 0..15. */
const MAX_DB = 15;

export function parseQueueUrl(text: string, flag = '--queue'): QueueAddress {
  const match = /^redis:\/\/([^:/\s@]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})(?:\/(\d{1,2}))?\/?$/.exec(text.trim());
  if (match === null) throw badInput(`${flag}: ${FORM}, found ${JSON.stringify(text)}`);
  const port = Number(match[2]);
  if (port < 1 || port > 65535) throw badInput(`${flag}: the port must be between 1 and 65535, found ${port}`);
  const db = match[3] === undefined ? 0 : Number(match[3]);
  if (db > MAX_DB) throw badInput(`${flag}: the database must be between 0 and ${MAX_DB}, found ${db}`);
  const host = match[1].startsWith('[') ? match[1].slice(1, -1) : match[1];
  return { host, port, db, text: text.trim() };
}
