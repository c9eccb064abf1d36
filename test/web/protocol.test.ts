// The session protocol over a real WebSocket, without a browser: bad input gets error frames and
// the connection keeps serving; one session's garbage never reaches another; the session cap
// holds; a played session's trace hash equals a headless run of the same scenario and seed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetRun } from '../../sim/run/fleet-run.ts';
import { parseScenario } from '../../sim/scenario/index.ts';
import type { RunningServer } from '../../web/server/index.ts';
import { CLOSE_TRY_AGAIN_LATER } from '../../web/server/ws-server.ts';
import { connect, SMALL_SCENARIO, startTestServer } from './helpers.ts';

describe('web session protocol', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ maxSessions: 3, maxPayloadBytes: 4096 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('greets a new session with the protocol version, its limits and the scenario names', async () => {
    const client = await connect(server);
    const hello = await client.next('hello');
    expect(hello.protocol).toBe(2);
    expect(hello.limits.maxPayloadBytes).toBe(4096);
    expect(hello.scenarios).toContain('default');
    client.close();
  });

  it('answers malformed JSON, an unknown command and a bad field with error frames, and keeps serving', async () => {
    const client = await connect(server);
    await client.next('hello');
    client.sendRaw('{"type": "play"');
    expect((await client.next('error')).message).toMatch(/malformed JSON/);
    client.send({ type: 'fly', id: 7 });
    const unknown = await client.next('error');
    expect(unknown.message).toMatch(/unknown command "fly"/);
    expect(unknown.id).toBe(7);
    client.send({ type: 'speed', x: 1e9, id: 8 });
    const bad = await client.next('error');
    expect(bad.id).toBe(8);
    expect(bad.message).toMatch(/bad speed command: x/);
    client.send([1, 2]);
    expect((await client.next('error')).message).toMatch(/expected a JSON object/);
    client.send({ type: 'play', id: 9 });
    expect((await client.next('error', (f) => f.id === 9)).message).toMatch(/no scenario loaded/);
    // Still serving: a load works.
    client.send({ type: 'load', yaml: SMALL_SCENARIO, id: 10 });
    const loaded = await client.next('loaded');
    expect(loaded.id).toBe(10);
    expect(loaded.scenario.nodeCount).toBe(200);
    client.close();
  });

  it('answers an oversized message with an error frame instead of closing the connection', async () => {
    const client = await connect(server);
    await client.next('hello');
    client.sendRaw(JSON.stringify({ type: 'load', yaml: 'x'.repeat(10_000) }));
    expect((await client.next('error')).message).toMatch(/over the limit of 4096 bytes/);
    client.sendRaw(Buffer.from([1, 2, 3]));
    expect((await client.next('error')).message).toMatch(/JSON text/);
    client.send({ type: 'load', scenario: 'nope' });
    expect((await client.next('error')).message).toMatch(/no scenario named "nope"/);
    client.send({ type: 'load', scenario: '../etc/passwd' });
    expect((await client.next('error')).message).toMatch(/bad load command/);
    client.send({ type: 'load', yaml: SMALL_SCENARIO });
    await client.next('loaded');
    client.close();
  });

  it('reports an invalid scenario and an invalid fault with the schema\'s messages', async () => {
    const client = await connect(server);
    await client.next('hello');
    client.send({ type: 'load', yaml: 'name: x\nduration: 1d\nfleet: {groups: [{name: g, nodes: -1}]}\n' });
    const invalid = await client.next('error');
    expect(invalid.message).toMatch(/invalid scenario: .*fleet\.groups\[0\]\.nodes/);
    client.send({ type: 'load', yaml: SMALL_SCENARIO });
    await client.next('loaded');
    client.send({ type: 'inject', fault: { kind: 'power-loss', target: { zone: 'mars' }, duration: '5m' }, id: 3 });
    const fault = await client.next('error', (f) => f.id === 3);
    expect(fault.message).toMatch(/fault\.target\.zone: expected a zone of fleet\.groups \(a, b, c\), found "mars"/);
    client.send({ type: 'inject', fault: { kind: 'meteor' }, id: 4 });
    expect((await client.next('error', (f) => f.id === 4)).message).toMatch(/invalid fault: fault\.kind/);
    client.send({ type: 'inject', fault: { at: 5, kind: 'server-outage', duration: '1m' }, id: 5 });
    expect((await client.next('error', (f) => f.id === 5)).message).toMatch(/set by the server/);
    client.send({ type: 'inspect', node: 5000, id: 6 });
    expect((await client.next('error', (f) => f.id === 6)).message).toMatch(/does not exist/);
    client.close();
  });

  it('plays a session while another sends garbage; the player\'s trace hash equals a headless run', async () => {
    const player = await connect(server);
    const noisy = await connect(server);
    await player.next('hello');
    await noisy.next('hello');
    player.send({ type: 'load', yaml: SMALL_SCENARIO, seed: 11 });
    await player.next('loaded');
    // The first node frame is full: 16 bytes of header + 2 bytes per node.
    await player.next('status');
    expect(player.binaries[0].length).toBe(16 + 2 * 200);
    player.send({ type: 'speed', x: 1_000_000 });
    player.send({ type: 'play' });
    for (let i = 0; i < 20; i++) noisy.sendRaw(i % 2 === 0 ? 'not json' : JSON.stringify({ type: 'seek', timeMs: -1 }));
    const done = await player.next('status', (s) => s.done, 20_000);
    expect(done.timeMs).toBe(86_400_000);
    let errors = 0;
    for (let i = 0; i < 20; i++) if ((await noisy.next('error')).type === 'error') errors++;
    expect(errors).toBe(20);
    const parsed = parseScenario(SMALL_SCENARIO, 'x');
    if (!parsed.ok) throw new Error('the test scenario must parse');
    const headless = new FleetRun(parsed.scenario, { seed: 11 });
    headless.runToEnd();
    expect(done.traceHash).toBe(headless.trace.traceHash);
    expect(player.binaries.length).toBeGreaterThan(1);
    player.close();
    noisy.close();
  });

  it('steps, seeks back over an injection (dropping it), reports and restarts, with hashes equal to headless runs', async () => {
    const client = await connect(server);
    await client.next('hello');
    client.send({ type: 'load', yaml: SMALL_SCENARIO, seed: 4 });
    await client.next('loaded');
    client.send({ type: 'step', id: 1 });
    const stepped = await client.next('ack', (f) => f.id === 1);
    expect(stepped.timeMs).toBeGreaterThan(0);
    client.send({ type: 'seek', timeMs: 5 * 3_600_000, id: 2 });
    await client.next('status', (s) => s.timeMs === 5 * 3_600_000 && s.seekingTo === null, 20_000);
    client.send({ type: 'inject', fault: { kind: 'power-loss', target: { zone: 'a' }, duration: '5m' }, id: 3 });
    await client.next('ack', (f) => f.id === 3);
    client.send({ type: 'seek', timeMs: 2 * 3_600_000, id: 4 });
    const back = await client.next('ack', (f) => f.id === 4);
    expect(back.note).toMatch(/1 injection\(s\) after the target were dropped/);
    const at2h = await client.next('status', (s) => s.timeMs === 2 * 3_600_000 && s.seekingTo === null, 20_000);
    expect(at2h.injected).toEqual([]);
    const parsed = parseScenario(SMALL_SCENARIO, 'x');
    if (!parsed.ok) throw new Error('the test scenario must parse');
    const headless = new FleetRun(parsed.scenario, { seed: 4 });
    headless.runUntil(2 * 3_600_000);
    expect(at2h.traceHash).toBe(headless.trace.traceHash);
    client.send({ type: 'report', id: 5 });
    const report = await client.next('report', (f) => f.id === 5);
    expect(report.report).toMatchObject({ fleetsim: 'report/v1', seed: 4, traceHash: headless.trace.traceHash });
    client.send({ type: 'restart', seed: 8, id: 6 });
    const restarted = await client.next('loaded', (f) => f.id === 6);
    expect(restarted.seed).toBe(8);
    client.send({ type: 'inspect', node: 42, id: 7 });
    const node = await client.next('node', (f) => f.id === 7);
    expect(node.partitions.map((p) => p.slot)).toEqual(['USR-A', 'USR-B']);
    expect(node.updateStatus).toBe('IDLE');
    client.close();
  });

  it('refuses a session over the cap with an error frame and close code 1013, and serves again after one closes', async () => {
    // Sessions of the tests before have closed (the server learns it asynchronously).
    await expect.poll(() => server.sessions.sessions.size, { timeout: 5_000 }).toBe(0);
    const clients = await Promise.all([connect(server), connect(server), connect(server)]);
    for (const c of clients) await c.next('hello');
    const extra = await connect(server);
    expect((await extra.next('error')).message).toMatch(/already runs 3 sessions/);
    expect((await extra.closed).code).toBe(CLOSE_TRY_AGAIN_LATER);
    clients[0].close();
    await expect.poll(() => server.sessions.sessions.size, { timeout: 5_000 }).toBe(2);
    const again = await connect(server);
    await again.next('hello');
    again.close();
    for (const c of clients.slice(1)) c.close();
  });

  it('serves the scenario list and a scenario\'s text over HTTP, and nothing outside scenarios/', async () => {
    const list = (await (await fetch(`${server.url}api/scenarios`)).json()) as { default: string; scenarios: { name: string }[] };
    expect(list.default).toBe('default');
    expect(list.scenarios.map((s) => s.name)).toContain('default');
    const text = await (await fetch(`${server.url}api/scenarios/default`)).text();
    expect(text).toMatch(/^name: default$/m);
    expect((await fetch(`${server.url}api/scenarios/..%2Fpackage`)).status).toBe(404);
  });
});
