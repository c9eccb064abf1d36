// The KV client (sim/model/etcd/kv.ts) driven against a hand-fed cluster: a stand-in that logs
// every attempt that reaches a member (which member, when, what) and answers it as the test says
// (an answer, a refusal with a leader hint, or silence until the attempt times out). Times,
// members and results are written out by hand from the client's rules: redirects to a leader
// hint (at most 8 per attempt), retries at the next member after a backoff of
// min(backoffInitialMs * 2^(i-1), backoffMaxMs) before retry i, at most maxAttempts attempts, and
// only reads or failures that certainly did not apply retried (etcd client/v3/retry.go
// isSafeRetryImmutableRPC / isSafeRetryMutableRPC).
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../sim/engine/simulation.ts';
import type { EtcdCluster, KvAnswer, KvRequestWire, KvResponseWire } from '../../../sim/model/etcd/cluster.ts';
import { KvClient, type KvClientOptions, type KvResult } from '../../../sim/model/etcd/kv.ts';
import { Network } from '../../../sim/model/network/network.ts';
import { assertionFrom } from '../../assertion-from.ts';

/** Members' network endpoints start here, so that endpoint 0 is free for a client. */
const MEMBER_ENDPOINT_BASE = 10;

interface Arrival {
  readonly member: number;
  readonly atMs: number;
  readonly requestId: number;
  readonly op: KvRequestWire['op'];
}

/**
 * What KvClient uses of an EtcdCluster, fed by hand: a Simulation, a Network (1 ms one way)
 * with the members attached, request ids, client timeouts as events, and members that log each
 * arrival and answer with `respond` (null: no answer, the attempt times out). Answers go back
 * as the cluster sends them (cluster.ts respond): directly in an event of their own for a
 * colocated client, over the network for a client with an endpoint.
 */
class HandFedCluster {
  readonly sim = new Simulation();
  readonly network = new Network(this.sim, 1, { latencyMs: { min: 1, max: 1 }, interZoneLatencyMs: { min: 1, max: 1 }, lossProbability: 0 });
  readonly members: { readonly id: number; readonly endpoint: number }[];
  readonly fast = null;
  readonly metrics = { requests: 0 };
  readonly arrivals: Arrival[] = [];
  respond: (arrival: Arrival) => KvAnswer | null = () => null;
  private readonly timeoutHandlers: ((attemptId: number) => void)[] = [];
  private nextId = 1;

  constructor(memberCount = 5) {
    this.members = Array.from({ length: memberCount }, (_, id) => ({ id, endpoint: MEMBER_ENDPOINT_BASE + id }));
    for (const m of this.members) this.network.attach(m.endpoint, 'members', (_from, message) => this.receiveRequest(m.id, message as KvRequestWire));
  }

  get asCluster(): EtcdCluster {
    return this as unknown as EtcdCluster;
  }

  nextRequestId(): number {
    return this.nextId++;
  }

  registerClient(onTimeout: (attemptId: number) => void): number {
    this.timeoutHandlers.push(onTimeout);
    return this.timeoutHandlers.length - 1;
  }

  scheduleClientTimeout(delayMs: number, client: number, attemptId: number): number {
    return this.sim.callAfter(delayMs, () => this.timeoutHandlers[client](attemptId));
  }

  /** A timeout event the cluster never sends: for an attempt that is no longer in flight. */
  fireTimeout(client: number, attemptId: number): void {
    this.timeoutHandlers[client](attemptId);
  }

  receiveRequest(member: number, wire: KvRequestWire): void {
    const arrival: Arrival = { member, atMs: this.sim.now, requestId: wire.requestId, op: wire.op };
    this.arrivals.push(arrival);
    const answer = this.respond(arrival);
    if (answer === null) return;
    const response: KvResponseWire = { type: 'kvResponse', requestId: wire.requestId, member, answer };
    if (wire.clientEndpoint < 0) this.sim.callAfter(0, () => wire.reply(response));
    else this.network.send(this.members[member].endpoint, wire.clientEndpoint, response);
  }

  /** [member, time] of every arrival so far. */
  trail(): [number, number][] {
    return this.arrivals.map((a) => [a.member, a.atMs]);
  }
}

const READ_NOTHING: KvAnswer = { ok: true, kind: 'read', revision: 1, kv: null };
const WROTE: KvAnswer = {
  ok: true,
  kind: 'write',
  result: { succeeded: true, revision: 2, kv: { value: 'v', createRevision: 2, modRevision: 2, version: 1, leaseId: 0 }, leaseId: 0 },
};

/** A member's refusal; `definite`: the request certainly did not apply. */
function refusal(reason: string, leaderHint: number, definite = true): KvAnswer {
  return { ok: false, reason, definite, leaderHint };
}

/** Records every answer a client gives, with its time. */
function answers(c: HandFedCluster) {
  const log: { atMs: number; result: KvResult }[] = [];
  return { log, callback: (result: KvResult) => log.push({ atMs: c.sim.now, result }) };
}

function client(c: HandFedCluster, options: KvClientOptions = {}): KvClient {
  return new KvClient(c.asCluster, options);
}

describe('KvClient options', () => {
  it('a request timeout must be > 0 ms: 0 and -5 are assertion failures, 1 ms is accepted', () => {
    const c = new HandFedCluster();
    expect(assertionFrom(() => client(c, { requestTimeoutMs: 0 })).message).toBe('kv: requestTimeoutMs must be > 0');
    expect(assertionFrom(() => client(c, { requestTimeoutMs: -5 })).message).toBe('kv: requestTimeoutMs must be > 0');
    expect(() => client(c, { requestTimeoutMs: 1 })).not.toThrow();
  });

  it('maxAttempts lies in [1, 100]: 0, 101 and NaN are refused with the value in the message, 1 and 100 are accepted', () => {
    const c = new HandFedCluster();
    expect(assertionFrom(() => client(c, { maxAttempts: 0 })).message).toBe('kv: maxAttempts 0 outside [1, 100]');
    expect(assertionFrom(() => client(c, { maxAttempts: 101 })).message).toBe('kv: maxAttempts 101 outside [1, 100]');
    expect(assertionFrom(() => client(c, { maxAttempts: Number.NaN })).message).toBe('kv: maxAttempts NaN outside [1, 100]');
    expect(() => client(c, { maxAttempts: 1 })).not.toThrow();
    expect(() => client(c, { maxAttempts: 100 })).not.toThrow();
  });

  it('a client with an endpoint attaches it to the network in its zone, "default" when it names none', () => {
    const c = new HandFedCluster();
    client(c, { endpoint: 0 });
    client(c, { endpoint: 1, zone: 'far' });
    expect(c.network.zoneOf(0)).toBe('default');
    expect(c.network.zoneOf(1)).toBe('far');
  });
});

describe('KvClient requests on the wire', () => {
  it('get, put, put with a lease, cas and delete each send exactly their own fields (no leaseTtlMs on a put without a lease)', () => {
    const c = new HandFedCluster();
    const kv = client(c);
    const ignore = () => {};
    kv.get('a', ignore);
    kv.put('b', '1', ignore);
    kv.put('c', '2', ignore, 2_000);
    kv.cas('d', '3', { modRevision: 7 }, ignore);
    kv.delete('e', ignore);
    c.sim.runUntil(0);
    expect(c.arrivals.map((a) => a.op)).toStrictEqual([
      { op: 'get', key: 'a' },
      { op: 'put', key: 'b', value: '1' },
      { op: 'put', key: 'c', value: '2', leaseTtlMs: 2_000 },
      { op: 'cas', key: 'd', value: '3', expect: { modRevision: 7 } },
      { op: 'delete', key: 'e' },
    ]);
  });

  it('a colocated client hands its requests to the member directly, in an event at the same time, without the network', () => {
    const c = new HandFedCluster();
    c.respond = () => READ_NOTHING;
    const { log, callback } = answers(c);
    client(c).get('k', callback);
    c.sim.runFor(10);
    expect(c.trail()).toEqual([[0, 0]]);
    expect(c.network.counters.sent).toBe(0);
    expect(log).toEqual([{ atMs: 0, result: { ok: true, succeeded: true, kv: null, revision: 1, leaseId: 0 } }]);
  });

  it('endpoint 0 is a network endpoint like any other: the request and its answer each cross the network (1 ms one way)', () => {
    const c = new HandFedCluster();
    c.respond = () => READ_NOTHING;
    const { log, callback } = answers(c);
    client(c, { endpoint: 0 }).get('k', callback);
    c.sim.runFor(10);
    expect(c.trail()).toEqual([[0, 1]]);
    expect(c.network.counters.sent).toBe(2);
    expect(log).toEqual([{ atMs: 2, result: { ok: true, succeeded: true, kv: null, revision: 1, leaseId: 0 } }]);
  });

  it('inFlight counts the requests not yet answered, a request waiting to be retried included', () => {
    const c = new HandFedCluster();
    // The first arrival is answered, the second refused without a leader (retried 50 ms later).
    c.respond = (a) => [READ_NOTHING, refusal('no-leader', -1), READ_NOTHING][c.arrivals.indexOf(a)];
    const kv = client(c);
    expect(kv.inFlight).toBe(0);
    kv.get('a', () => {});
    kv.get('b', () => {});
    expect(kv.inFlight).toBe(2);
    c.sim.runUntil(0);
    expect(kv.inFlight).toBe(1);
    c.sim.runUntil(50);
    expect(c.trail()).toEqual([[0, 0], [0, 0], [1, 50]]);
    expect(kv.inFlight).toBe(0);
  });

  it('admits a million requests pending and refuses the next with an assertion failure', () => {
    // A cluster into which requests vanish: nothing is scheduled, nothing answers.
    let id = 0;
    const silent = {
      sim: { callAfter: () => 0, cancel: () => false },
      members: [{ id: 0, endpoint: 0 }],
      fast: null,
      metrics: { requests: 0 },
      nextRequestId: () => ++id,
      registerClient: () => 0,
      scheduleClientTimeout: () => 0,
      receiveRequest: () => {},
    } as unknown as EtcdCluster;
    const kv = new KvClient(silent);
    const ignore = () => {};
    for (let i = 0; i < 1_000_000; i++) kv.get('k', ignore);
    expect(kv.inFlight).toBe(1_000_000);
    expect(assertionFrom(() => kv.get('k', ignore)).message).toBe('kv: more than 1000000 requests pending');
    expect(kv.inFlight).toBe(1_000_000);
  });
});

describe('KvClient answers', () => {
  it('a read answer to a write is an assertion failure', () => {
    const c = new HandFedCluster();
    c.respond = () => READ_NOTHING;
    client(c).put('k', 'v', () => {});
    expect(assertionFrom(() => c.sim.runFor(10)).message).toBe('kv: a read answer for a write');
  });

  it('a timeout for an attempt already answered changes nothing: one answer, nothing retried', () => {
    const c = new HandFedCluster();
    c.respond = () => READ_NOTHING;
    const { log, callback } = answers(c);
    const kv = client(c);
    kv.get('k', callback);
    c.sim.runFor(10);
    c.fireTimeout(0, c.arrivals[0].requestId);
    c.sim.runFor(5_000);
    expect(log.map((a) => a.result.ok)).toEqual([true]);
    expect(c.trail()).toEqual([[0, 0]]);
    expect(kv.inFlight).toBe(0);
  });
});

describe('KvClient redirects (a member that knows the leader)', () => {
  it('a certain failure with a leader hint is sent at once to the hinted member, member 0 included', () => {
    const c = new HandFedCluster(5);
    // Member 0 says 2 leads; member 2 (stale) says 0 leads; member 0 answers.
    c.respond = (a) => [refusal('not-leader', 2), refusal('not-leader', 0), WROTE][c.arrivals.indexOf(a)] ?? null;
    const { log, callback } = answers(c);
    client(c).put('k', 'v', callback);
    c.sim.runFor(1_000);
    expect(c.trail()).toEqual([[0, 0], [2, 0], [0, 0]]);
    expect(log.map((a) => [a.atMs, a.result.ok])).toEqual([[0, true]]);
  });

  it('a certain failure without a leader hint (-1) is retried after 50 ms at the next member', () => {
    const c = new HandFedCluster(5);
    c.respond = (a) => (a.atMs === 0 ? refusal('no-leader', -1) : WROTE);
    const { log, callback } = answers(c);
    client(c).put('k', 'v', callback);
    c.sim.runFor(1_000);
    expect(c.trail()).toEqual([[0, 0], [1, 50]]);
    expect(log.map((a) => [a.atMs, a.result.ok])).toEqual([[50, true]]);
  });

  it('a failure whose hint names the member that answered is retried at the next member, not sent back to it', () => {
    const c = new HandFedCluster(5);
    c.respond = (a) => (a.member === 0 ? refusal('proposal-lost', 0) : WROTE);
    const { log, callback } = answers(c);
    client(c).put('k', 'v', callback);
    c.sim.runFor(1_000);
    expect(c.trail()).toEqual([[0, 0], [1, 50]]);
    expect(log.map((a) => [a.atMs, a.result.ok])).toEqual([[50, true]]);
  });

  it('a failure of unknown outcome is never redirected, even with a hint: a write fails at once, a read is retried', () => {
    const c = new HandFedCluster(5);
    c.respond = (a) => (a.atMs === 0 ? refusal('connection-lost', 3, false) : READ_NOTHING);
    const write = answers(c);
    client(c).put('k', 'v', write.callback);
    c.sim.runFor(1_000);
    expect(c.trail()).toEqual([[0, 0]]);
    expect(write.log).toEqual([{ atMs: 0, result: { ok: false, reason: 'connection-lost', definite: false } }]);

    const d = new HandFedCluster(5);
    d.respond = (a) => (a.atMs === 0 ? refusal('connection-lost', 3, false) : READ_NOTHING);
    const read = answers(d);
    client(d).get('k', read.callback);
    d.sim.runFor(1_000);
    expect(d.trail()).toEqual([[0, 0], [1, 50]]);
    expect(read.log.map((a) => [a.atMs, a.result.ok])).toEqual([[50, true]]);
  });

  it('an attempt follows at most 8 redirects; the 9th hint counts as a failure, retried after 50 ms at the next member', () => {
    const c = new HandFedCluster(5);
    // Every member at time 0 points at the next one (a bounded chain: 20 refusals at most).
    c.respond = (a) => (a.atMs === 0 && c.arrivals.length < 20 ? refusal('not-leader', (a.member + 1) % 5) : WROTE);
    const { log, callback } = answers(c);
    client(c).put('k', 'v', callback);
    c.sim.runFor(1_000);
    // The first attempt at 0, 8 redirects (members 1, 2, 3, 4, 0, 1, 2, 3); member 3's hint is the 9th.
    expect(c.trail()).toEqual([[0, 0], [1, 0], [2, 0], [3, 0], [4, 0], [0, 0], [1, 0], [2, 0], [3, 0], [4, 50]]);
    expect(log.map((a) => [a.atMs, a.result.ok])).toEqual([[50, true]]);
  });
});

describe('KvClient retries', () => {
  it('a read whose attempts time out is retried at the next member after 50 then 100 ms, and fails after maxAttempts with timeout', () => {
    const c = new HandFedCluster(5);
    const { log, callback } = answers(c);
    client(c, { requestTimeoutMs: 100, maxAttempts: 3 }).get('k', callback);
    c.sim.runFor(5_000);
    // Attempt 1 at 0 (times out at 100), attempt 2 at 100 + 50, attempt 3 at 250 + 100, the last timeout at 450.
    expect(c.trail()).toEqual([[0, 0], [1, 150], [2, 350]]);
    expect(log).toEqual([{ atMs: 450, result: { ok: false, reason: 'timeout', definite: false } }]);
  });

  it('a write whose attempt times out is not retried (its outcome is unknown): it fails at the first timeout', () => {
    const c = new HandFedCluster(5);
    const { log, callback } = answers(c);
    client(c, { requestTimeoutMs: 100, maxAttempts: 3 }).put('k', 'v', callback);
    c.sim.runFor(5_000);
    expect(c.trail()).toEqual([[0, 0]]);
    expect(log).toEqual([{ atMs: 100, result: { ok: false, reason: 'timeout', definite: false } }]);
  });

  it('a write that certainly did not apply is retried, the backoff doubling from backoffInitialMs up to backoffMaxMs', () => {
    const c = new HandFedCluster(5);
    c.respond = () => refusal('no-leader', -1);
    const { log, callback } = answers(c);
    client(c, { maxAttempts: 5, backoffInitialMs: 10, backoffMaxMs: 30 }).put('k', 'v', callback);
    c.sim.runFor(5_000);
    // Backoffs min(10 * 2^i, 30): 10, 20, 30, 30 (not 40 and 80).
    expect(c.trail()).toEqual([[0, 0], [1, 10], [2, 30], [3, 60], [4, 90]]);
    expect(log).toEqual([{ atMs: 90, result: { ok: false, reason: 'no-leader', definite: true } }]);
  });
});
