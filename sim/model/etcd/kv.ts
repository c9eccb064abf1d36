import { assert, fail } from '../../engine/assert.ts';
import { NO_EVENT, type EventHandle } from '../../engine/event-queue.ts';
import type { EtcdCluster, KvAnswer, KvRequestWire, KvResponseWire } from './cluster.ts';
import type { CasExpect, KeyValue } from './store.ts';

/**
 * A linearizable key-value client on the etcd cluster (the subset of etcd clientv3 the reboot
 * locks use): get, put (optionally with a lease TTL), compare-and-swap, delete.
 *
 * - Writes are proposed at the leader and answered once committed by a majority and applied;
 *   reads use ReadIndex (raft/read-index.ts). Both are linearizable.
 * - The client learns the leader: it sends to the member it believes leads; a member that is not
 *   the leader answers with its leader hint and the client redirects (etcd forwards internally;
 *   the cost, one extra hop, is the same).
 * - Every attempt has a timeout (`requestTimeoutMs`). A request fails with a reason while there
 *   is no leader or no quorum; the client retries with exponential backoff, at most
 *   `maxAttempts` times. Only failures that certainly did not apply are retried for writes
 *   (etcd clientv3 likewise never retries a non-idempotent request whose outcome is unknown);
 *   a write that timed out fails with `definite: false` and the caller must read to find out.
 * - Answers arrive asynchronously on the simulation, exactly once per call.
 *
 * With `endpoint` set, requests and answers cross the Network (latency, loss, partitions between
 * the client's zone and the members); without, the client sits next to the cluster (zero
 * latency, never partitioned).
 */
export type KvRequest =
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'put'; readonly key: string; readonly value: string; readonly leaseTtlMs?: number }
  | { readonly op: 'cas'; readonly key: string; readonly value: string; readonly expect: CasExpect }
  | { readonly op: 'delete'; readonly key: string };

export type KvResult =
  | {
      readonly ok: true;
      /** False only for a CAS whose comparison failed (or a delete of an absent key). */
      readonly succeeded: boolean;
      /** The key after the request (get: as read; failed CAS: as found). */
      readonly kv: KeyValue | null;
      /** The store's revision when the request took effect. */
      readonly revision: number;
      readonly leaseId: number;
    }
  | {
      readonly ok: false;
      readonly reason: string;
      /** True when the request certainly had no effect. */
      readonly definite: boolean;
    };

export interface KvClientOptions {
  /** Network endpoint of the client (attached by the client); omit for a colocated client. */
  readonly endpoint?: number;
  readonly zone?: string;
  /** Per attempt; default 2 s. */
  readonly requestTimeoutMs?: number;
  /** Attempts per request, redirects not counted; default 5. */
  readonly maxAttempts?: number;
  /** Backoff before retry i (0-based): min(initial * 2^i, max); defaults 50 ms and 1 s. */
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
}

/** Redirects a request may follow (more than the largest cluster, so a stale hint ends). */
const REDIRECTS_MAX = 8;
const PENDING_MAX = 1_000_000;

interface Pending {
  readonly request: KvRequest;
  readonly callback: (result: KvResult) => void;
  attempts: number;
  redirects: number;
  /** requestId of the attempt in flight, 0 while waiting to retry. */
  attemptId: number;
  timeout: EventHandle;
}

export class KvClient {
  /** The requests with an attempt in flight, by attempt id (one map lookup per answer). */
  private readonly attempts = new Map<number, Pending>();
  /** Requests not yet answered (in flight or waiting to retry). */
  private pendingCount = 0;
  private leaderGuess = 0;
  private readonly endpoint: number;
  private readonly requestTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  /** This client's number at the cluster (its request timeouts are numeric events). */
  private readonly clientIndex: number;
  /** One answer function for every attempt (no closure per request). */
  private readonly reply = (response: KvResponseWire): void => this.onResponse(response);

  constructor(
    private readonly cluster: EtcdCluster,
    options: KvClientOptions = {},
  ) {
    this.endpoint = options.endpoint ?? -1;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 2000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoffInitialMs = options.backoffInitialMs ?? 50;
    this.backoffMaxMs = options.backoffMaxMs ?? 1000;
    assert(this.requestTimeoutMs > 0, 'kv: requestTimeoutMs must be > 0');
    if (!(this.maxAttempts >= 1 && this.maxAttempts <= 100)) fail(`kv: maxAttempts ${this.maxAttempts} outside [1, 100]`);
    this.clientIndex = cluster.registerClient((attemptId) => this.onTimeout(attemptId));
    if (this.endpoint >= 0) {
      cluster.network.attach(this.endpoint, options.zone ?? 'default', (_from, message) => this.onResponse(message as KvResponseWire));
    }
  }

  /** Requests not yet answered. */
  get inFlight(): number {
    return this.pendingCount;
  }

  get(key: string, callback: (result: KvResult) => void): void {
    this.request({ op: 'get', key }, callback);
  }

  put(key: string, value: string, callback: (result: KvResult) => void, leaseTtlMs?: number): void {
    this.request(leaseTtlMs === undefined ? { op: 'put', key, value } : { op: 'put', key, value, leaseTtlMs }, callback);
  }

  cas(key: string, value: string, expect: CasExpect, callback: (result: KvResult) => void): void {
    this.request({ op: 'cas', key, value, expect }, callback);
  }

  delete(key: string, callback: (result: KvResult) => void): void {
    this.request({ op: 'delete', key }, callback);
  }

  request(request: KvRequest, callback: (result: KvResult) => void): void {
    if (!(this.pendingCount < PENDING_MAX)) fail(`kv: more than ${PENDING_MAX} requests pending`);
    this.pendingCount++;
    this.attempt({ request, callback, attempts: 0, redirects: 0, attemptId: 0, timeout: NO_EVENT });
  }

  private attempt(p: Pending): void {
    const attemptId = this.cluster.nextRequestId();
    p.attemptId = attemptId;
    this.attempts.set(attemptId, p);
    const member = this.leaderGuess;
    const wire: KvRequestWire = {
      type: 'kvRequest',
      requestId: attemptId,
      op: p.request,
      clientEndpoint: this.endpoint,
      reply: this.reply,
    };
    this.cluster.metrics.requests++;
    const sim = this.cluster.sim;
    p.timeout = this.cluster.scheduleClientTimeout(this.requestTimeoutMs, this.clientIndex, attemptId);
    if (this.endpoint < 0) {
      sim.callAfter(0, () => this.cluster.receiveRequest(member, wire));
      return;
    }
    // A read to the leader of a quiescent cluster starts its ReadIndex round at its arrival
    // without an arrival event (fast-requests.ts foldRead); everything else travels.
    const fast = this.cluster.fast;
    if (fast === null || !fast.foldRead(member, this.endpoint, wire)) {
      this.cluster.network.send(this.endpoint, this.cluster.members[member].endpoint, wire);
    }
  }

  private onResponse(response: KvResponseWire): void {
    const p = this.attempts.get(response.requestId);
    if (p === undefined) return; // an attempt that already timed out
    this.attempts.delete(response.requestId);
    assert(p.attemptId === response.requestId, 'kv: an answer to a request\'s earlier attempt');
    this.cluster.sim.cancel(p.timeout);
    p.attemptId = 0;
    const answer: KvAnswer = response.answer;
    if (answer.ok) {
      this.leaderGuess = response.member;
      this.finish(p, this.resultOf(p.request, answer));
      return;
    }
    // A member that knows the leader sends us there at once (a redirect, not a retry).
    if (answer.definite && answer.leaderHint >= 0 && answer.leaderHint !== response.member && p.redirects < REDIRECTS_MAX) {
      p.redirects++;
      this.leaderGuess = answer.leaderHint;
      this.attempt(p);
      return;
    }
    this.retryOrFail(p, answer.reason, answer.definite);
  }

  private onTimeout(attemptId: number): void {
    const p = this.attempts.get(attemptId);
    if (p === undefined) return;
    this.attempts.delete(attemptId);
    p.attemptId = 0;
    this.retryOrFail(p, 'timeout', false);
  }

  private retryOrFail(p: Pending, reason: string, definite: boolean): void {
    p.attempts++;
    // The member we tried may be down or cut off: try the next one.
    this.leaderGuess = (this.leaderGuess + 1) % this.cluster.members.length;
    const safeToRetry = p.request.op === 'get' || definite;
    if (!safeToRetry || p.attempts >= this.maxAttempts) {
      this.finish(p, { ok: false, reason, definite });
      return;
    }
    p.redirects = 0;
    const backoffMs = Math.min(this.backoffInitialMs * 2 ** (p.attempts - 1), this.backoffMaxMs);
    this.cluster.sim.callAfter(backoffMs, () => this.attempt(p));
  }

  private resultOf(request: KvRequest, answer: KvAnswer & { ok: true }): KvResult {
    if (answer.kind === 'read') {
      assert(request.op === 'get', 'kv: a read answer for a write');
      return { ok: true, succeeded: true, kv: answer.kv, revision: answer.revision, leaseId: 0 };
    }
    const r = answer.result;
    return { ok: true, succeeded: r.succeeded, kv: r.kv, revision: r.revision, leaseId: r.leaseId };
  }

  private finish(p: Pending, result: KvResult): void {
    this.pendingCount--;
    p.callback(result);
  }
}
