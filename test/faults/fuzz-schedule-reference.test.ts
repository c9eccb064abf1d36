/**
 * drawFuzzSchedule (sim/faults/fuzz-schedule.ts) against a reference model: the documented draw
 * order replayed on a fresh `fuzz.schedule` stream (RandomStream, sim/engine) for a mix of one
 * kind at a time; so each schedule is compared draw by draw, node by node, with one computed
 * outside the code under test. Then the default mix, the weights, the horizon and the bounds.
 *
 * The draw order: the fault count (int), each start (uniform over the safety phase), sorted; per
 * start: the kind (next() x total weight), the duration (range), then the kind's own draws.
 */
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../sim/engine/random.ts';
import { defaultKinds, drawFuzzSchedule } from '../../sim/faults/fuzz-schedule.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import { formatDuration } from '../../sim/scenario/units.ts';
import { scenarioFrom } from '../run/helpers.ts';

const MIN = 60_000;
const HOUR = 3_600_000;

/** 20 nodes: canary 4 in zone a, prod 16 in a, b, c; `members` dedicated etcd members. */
function scenario(kinds: string, options: { members?: number; count?: string; extra?: string; zones?: string; groups?: string; reboot?: string; duration?: string } = {}): Scenario {
  const groups = options.groups ?? `    - {name: canary, nodes: 4, zones: [a]}\n    - {name: prod, nodes: 16, zones: ${options.zones ?? '[a, b, c]'}}`;
  return scenarioFrom(`
name: ref
duration: ${options.duration ?? '1d'}
fleet:
  groups:
${groups}
${(options.members ?? 5) > 0 ? `etcd: {members: ${options.members ?? 5}}` : ''}
reboot: ${options.reboot ?? `{strategy: ${(options.members ?? 5) > 0 ? 'etcd-lock' : 'reboot'}}`}
liveness: {bound: 12h}
${options.extra ?? ''}
fuzz:
  safety: 6h
  count: ${options.count ?? '8'}
  kinds: ${kinds}
`);
}

/** The starts: count, then uniform draws, sorted. */
function referenceStarts(random: RandomStream, count: number, safetyMs: number): number[] {
  expect(random.int(count, count)).toBe(count);
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(Math.floor(random.uniform(0, safetyMs)));
  return times.sort((a, b) => a - b);
}

/** `count` distinct nodes of `nodeCount`: the first places of a Fisher-Yates, sorted. */
function referenceNodes(random: RandomStream, nodeCount: number, min: number, max: number): number[] {
  const count = Math.min(nodeCount, random.int(min, max));
  const all = Array.from({ length: nodeCount }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = random.int(i, nodeCount - 1);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, count).sort((a, b) => a - b);
}

const ms = (text: string) => {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(text)!;
  return Number(m[1] ?? 0) * HOUR + Number(m[2] ?? 0) * MIN + Number(m[3] ?? 0) * 1000 + Number(m[4] ?? 0);
};

describe('drawFuzzSchedule against the reference draw order', () => {
  it('node-crash: the nodes are distinct, sorted, the first places of a Fisher-Yates over the whole fleet', () => {
    for (const seed of [1, 2, 3]) {
      const random = new RandomStream(`${seed}/fuzz.schedule`);
      const expected = referenceStarts(random, 8, 6 * HOUR).map((atMs) => {
        random.next(); // the kind (only one)
        const durationMs = Math.round(random.uniform(MIN, 2 * HOUR));
        const nodes = referenceNodes(random, 20, 3, 6);
        return { at: formatDuration(atMs), kind: 'node-crash', target: { nodes }, duration: formatDuration(durationMs) };
      });
      const schedule = drawFuzzSchedule(scenario('[{kind: node-crash, nodes: {min: 3, max: 6}}]'), seed);
      expect(schedule.faults).toEqual(expected);
      expect(schedule.lastHealMs).toBe(Math.max(...expected.map((f) => ms(f.at) + ms(f.duration))));
    }
  });

  it('node-crash by default hits 1 to 5% of the fleet, never more nodes than it has', () => {
    const random = new RandomStream('4/fuzz.schedule');
    const expected = referenceStarts(random, 8, 6 * HOUR).map(() => {
      random.next();
      random.uniform(MIN, 2 * HOUR);
      // 5% of 20 = 1: always one node.
      return referenceNodes(random, 20, 1, 1);
    });
    const schedule = drawFuzzSchedule(scenario('[{kind: node-crash}]'), 4);
    expect(schedule.faults.map((f) => (f.target as { nodes: number[] }).nodes)).toEqual(expected);
    const all = drawFuzzSchedule(scenario('[{kind: node-crash, nodes: 50}]'), 4);
    for (const f of all.faults) expect((f.target as { nodes: number[] }).nodes).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('etcd-kill: the leader or a member index, half and half; etcd-restart: a member index; both at least 1 ms long', () => {
    const random = new RandomStream('5/fuzz.schedule');
    const expected = referenceStarts(random, 8, 6 * HOUR).map((atMs) => {
      random.next();
      const durationMs = Math.max(1, Math.round(random.uniform(0, 0)));
      const etcd = random.chance(0.5) ? 'leader' : random.int(0, 4);
      return { at: formatDuration(atMs), kind: 'etcd-kill', target: { etcd }, duration: formatDuration(durationMs) };
    });
    expect(drawFuzzSchedule(scenario('[{kind: etcd-kill, duration: 0s}]'), 5).faults).toEqual(expected);
    const restart = new RandomStream('5/fuzz.schedule');
    const restarts = referenceStarts(restart, 8, 6 * HOUR).map((atMs) => {
      restart.next();
      restart.uniform(0, 0);
      return { at: formatDuration(atMs), kind: 'etcd-restart', target: { etcd: restart.int(0, 4) } };
    });
    const drawn = drawFuzzSchedule(scenario('[{kind: etcd-restart}]'), 5);
    expect(drawn.faults).toEqual(restarts);
    // etcd-restart does not heal: the last heal is the last start.
    expect(drawn.lastHealMs).toBe(ms(restarts[7].at));
  });

  it('without etcd members etcd-kill always names the leader and etcd-restart member 0, drawing nothing for it', () => {
    const random = new RandomStream('28/fuzz.schedule');
    const expected = referenceStarts(random, 8, 6 * HOUR).map((atMs) => {
      random.next();
      const durationMs = Math.round(random.uniform(10_000, 30 * MIN));
      return { at: formatDuration(atMs), kind: 'etcd-kill', target: { etcd: 'leader' }, duration: formatDuration(durationMs) };
    });
    expect(drawFuzzSchedule(scenario('[{kind: etcd-kill}]', { members: 0 }), 28).faults).toEqual(expected);
    const restart = new RandomStream('28/fuzz.schedule');
    const restarts = referenceStarts(restart, 8, 6 * HOUR).map((atMs) => {
      restart.next();
      restart.uniform(0, 0);
      return { at: formatDuration(atMs), kind: 'etcd-restart', target: { etcd: 0 } };
    });
    expect(drawFuzzSchedule(scenario('[{kind: etcd-restart}]', { members: 0 }), 28).faults).toEqual(restarts);
  });

  it('partition: one of the shapes, each spelled out (a zone alone, the server, a node, a zone against the rest, a group, the leader, a minority of members)', () => {
    for (const seed of [6, 7, 8, 9]) {
      const random = new RandomStream(`${seed}/fuzz.schedule`);
      const zones = ['a', 'b', 'c'];
      const expected = referenceStarts(random, 8, 6 * HOUR).map((atMs) => {
        random.next();
        const durationMs = Math.round(random.uniform(10_000, HOUR));
        const shape = random.int(0, 6); // 7 shapes: pick is floor(7 x next())
        let sides: string[][];
        if (shape === 0) sides = [[`zone:${zones[random.int(0, 2)]}`]];
        else if (shape === 1) sides = [['server']];
        else if (shape === 2) sides = [[`node:${random.int(0, 19)}`]];
        else if (shape === 3) {
          const zone = zones[random.int(0, 2)];
          sides = [[`zone:${zone}`], [...zones.filter((z) => z !== zone).map((z) => `zone:${z}`), 'server']];
        } else if (shape === 4) sides = [[`group:${['canary', 'prod'][random.int(0, 1)]}`]];
        else if (shape === 5) sides = [['etcd:leader']];
        else {
          // A minority of 5: 2 members, the first two of a full shuffle.
          const members = [0, 1, 2, 3, 4];
          random.shuffle(members);
          sides = [members.slice(0, 2).sort((a, b) => a - b).map((m) => `etcd:${m}`)];
        }
        return { at: formatDuration(atMs), kind: 'partition', sides, duration: formatDuration(durationMs) };
      });
      expect(drawFuzzSchedule(scenario('[{kind: partition}]'), seed).faults).toEqual(expected);
    }
  });

  it('partition in a one-zone, one-group fleet without etcd: only the zone, server, node and group shapes', () => {
    const random = new RandomStream('10/fuzz.schedule');
    const expected = referenceStarts(random, 8, 6 * HOUR).map(() => {
      random.next();
      random.uniform(10_000, HOUR);
      const shape = random.int(0, 3);
      if (shape === 0) return [[`zone:${['a'][random.int(0, 0)]}`]];
      if (shape === 1) return [['server']];
      if (shape === 2) return [[`node:${random.int(0, 9)}`]];
      return [[`group:${['solo'][random.int(0, 0)]}`]];
    });
    const oneZone = scenario('[{kind: partition}]', { members: 0, groups: '    - {name: solo, nodes: 10, zones: [a]}' });
    expect(drawFuzzSchedule(oneZone, 10).faults.map((f) => f.sides)).toEqual(expected);
  });

  it('node-crash by default hits 1 to 5 nodes of a 100-node fleet', () => {
    const random = new RandomStream('26/fuzz.schedule');
    const expected = referenceStarts(random, 8, 6 * HOUR).map(() => {
      random.next();
      random.uniform(MIN, 2 * HOUR);
      return referenceNodes(random, 100, 1, 5);
    });
    const big = scenario('[{kind: node-crash}]', { groups: '    - {name: canary, nodes: 10, zones: [a]}\n    - {name: prod, nodes: 90, zones: [a, b, c]}' });
    expect(drawFuzzSchedule(big, 26).faults.map((f) => (f.target as { nodes: number[] }).nodes)).toEqual(expected);
  });

  it('partition in a two-zone, one-group fleet without etcd: zone, server, node, the zone against the rest, group', () => {
    const zones = ['a', 'b'];
    const random = new RandomStream('27/fuzz.schedule');
    const expected = referenceStarts(random, 8, 6 * HOUR).map(() => {
      random.next();
      random.uniform(10_000, HOUR);
      const shape = random.int(0, 4);
      if (shape === 0) return [[`zone:${zones[random.int(0, 1)]}`]];
      if (shape === 1) return [['server']];
      if (shape === 2) return [[`node:${random.int(0, 19)}`]];
      if (shape === 4) return [[`group:${['solo'][random.int(0, 0)]}`]];
      const zone = zones[random.int(0, 1)];
      return [[`zone:${zone}`], [`zone:${zone === 'a' ? 'b' : 'a'}`, 'server']];
    });
    const twoZones = scenario('[{kind: partition}]', { members: 0, groups: '    - {name: solo, nodes: 20, zones: [a, b]}' });
    expect(drawFuzzSchedule(twoZones, 27).faults.map((f) => f.sides)).toEqual(expected);
  });

  it('partition with 3 members isolates a minority of one', () => {
    const random = new RandomStream('11/fuzz.schedule');
    const expected = referenceStarts(random, 8, 6 * HOUR).map(() => {
      random.next();
      random.uniform(10_000, HOUR);
      const shape = random.int(0, 6);
      if (shape === 0 || shape === 3) {
        const zone = ['a', 'b', 'c'][random.int(0, 2)];
        return shape === 0 ? [[`zone:${zone}`]] : [[`zone:${zone}`], [...['a', 'b', 'c'].filter((z) => z !== zone).map((z) => `zone:${z}`), 'server']];
      }
      if (shape === 1) return [['server']];
      if (shape === 2) return [[`node:${random.int(0, 19)}`]];
      if (shape === 4) return [[`group:${['canary', 'prod'][random.int(0, 1)]}`]];
      if (shape === 5) return [['etcd:leader']];
      const members = [0, 1, 2];
      random.shuffle(members);
      return [[`etcd:${members[0]}`]];
    });
    expect(drawFuzzSchedule(scenario('[{kind: partition}]', { members: 3 }), 11).faults.map((f) => f.sides)).toEqual(expected);
  });

  it('message-loss: scope etcd or all, half and half, with etcd; always all without', () => {
    const random = new RandomStream('19/fuzz.schedule');
    const expected = referenceStarts(random, 8, 6 * HOUR).map((atMs) => {
      random.next();
      const durationMs = Math.round(random.uniform(MIN, HOUR));
      const probability = Math.round(random.uniform(0.01, 0.3) * 1000) / 1000;
      const scope = random.chance(0.5) ? 'etcd' : 'all';
      return { at: formatDuration(atMs), kind: 'message-loss', probability, scope, duration: formatDuration(durationMs) };
    });
    expect(drawFuzzSchedule(scenario('[{kind: message-loss}]'), 19).faults).toEqual(expected);
    for (const f of drawFuzzSchedule(scenario('[{kind: message-loss}]', { members: 0 }), 19).faults) expect(f.scope).toBe('all');
  });

  it('power-loss: a zone or a group, half and half', () => {
    const random = new RandomStream('20/fuzz.schedule');
    const expected = referenceStarts(random, 8, 6 * HOUR).map((atMs) => {
      random.next();
      const durationMs = Math.round(random.uniform(MIN, 30 * MIN));
      const target = random.chance(0.5) ? { zone: ['a', 'b', 'c'][random.int(0, 2)] } : { group: ['canary', 'prod'][random.int(0, 1)] };
      return { at: formatDuration(atMs), kind: 'power-loss', target, duration: formatDuration(durationMs) };
    });
    expect(drawFuzzSchedule(scenario('[{kind: power-loss}]'), 20).faults).toEqual(expected);
  });

  it('latency-spike, server-outage and lock-holder-dies with their default ranges', () => {
    const random = new RandomStream('21/fuzz.schedule');
    const expected = referenceStarts(random, 8, 6 * HOUR).map((atMs) => {
      random.next();
      const durationMs = Math.round(random.uniform(MIN, HOUR));
      const extraMs = Math.round(random.uniform(10, 2000));
      return { at: formatDuration(atMs), kind: 'latency-spike', extra: formatDuration(extraMs), duration: formatDuration(durationMs) };
    });
    expect(drawFuzzSchedule(scenario('[{kind: latency-spike}]'), 21).faults).toEqual(expected);
    const outage = new RandomStream('22/fuzz.schedule');
    const outages = referenceStarts(outage, 8, 6 * HOUR).map((atMs) => {
      outage.next();
      return { at: formatDuration(atMs), kind: 'server-outage', duration: formatDuration(Math.round(outage.uniform(MIN, 2 * HOUR))) };
    });
    expect(drawFuzzSchedule(scenario('[{kind: server-outage}]'), 22).faults).toEqual(outages);
    const dies = drawFuzzSchedule(scenario('[{kind: lock-holder-dies}]', { reboot: '{strategy: etcd-lock, lockTTL: 1h}' }), 23);
    expect(dies.faults.every((f) => Object.keys(f).join() === 'at,kind' && f.kind === 'lock-holder-dies')).toBe(true);
    expect(dies.lastHealMs).toBe(ms(dies.faults[7].at));
  });

  it('clock-skew and bad-disk: the fault, then its undoing at the heal time, on the same nodes (default skew within 6 h either way)', () => {
    const random = new RandomStream('24/fuzz.schedule');
    const expected = referenceStarts(random, 8, 6 * HOUR).flatMap((atMs) => {
      random.next();
      const durationMs = Math.round(random.uniform(HOUR, 24 * HOUR));
      const skewMs = Math.round(random.uniform(-6 * HOUR, 6 * HOUR));
      const nodes = referenceNodes(random, 20, 1, 1);
      return [
        { atMs, fault: { at: formatDuration(atMs), kind: 'clock-skew', target: { nodes }, skew: formatDuration(skewMs) } },
        { atMs: atMs + durationMs, fault: { at: formatDuration(atMs + durationMs), kind: 'clock-skew', target: { nodes }, skew: formatDuration(-skewMs) } },
      ];
    });
    expected.sort((a, b) => a.atMs - b.atMs);
    expect(drawFuzzSchedule(scenario('[{kind: clock-skew}]'), 24).faults).toEqual(expected.map((e) => e.fault));
    const disk = new RandomStream('25/fuzz.schedule');
    const disks = referenceStarts(disk, 8, 6 * HOUR).flatMap((atMs) => {
      disk.next();
      const durationMs = Math.round(disk.uniform(HOUR, 24 * HOUR));
      const probability = Math.round(disk.uniform(0.1, 1) * 1000) / 1000;
      const nodes = referenceNodes(disk, 20, 2, 2);
      return [
        { atMs, fault: { at: formatDuration(atMs), kind: 'bad-disk', target: { nodes }, probability } },
        { atMs: atMs + durationMs, fault: { at: formatDuration(atMs + durationMs), kind: 'bad-disk', target: { nodes }, probability: 0 } },
      ];
    });
    disks.sort((a, b) => a.atMs - b.atMs);
    expect(drawFuzzSchedule(scenario('[{kind: bad-disk, nodes: 2}]'), 25).faults).toEqual(disks.map((e) => e.fault));
  });
});

describe('drawFuzzSchedule: mix, horizon and bounds', () => {
  it('draws kinds in proportion to their weights (3 : 1 over 2,000 faults)', () => {
    const schedule = drawFuzzSchedule(scenario('[{kind: server-outage, weight: 3}, {kind: etcd-restart, weight: 1}]', { count: '2000' }), 1);
    const outages = schedule.faults.filter((f) => f.kind === 'server-outage').length;
    expect(schedule.faults).toHaveLength(2000);
    // 1,500 expected; the standard deviation is sqrt(2000 x 0.75 x 0.25) = 19.4.
    expect(outages).toBeGreaterThan(1400);
    expect(outages).toBeLessThan(1600);
  });

  it('draws 10 faults by default', () => {
    const s = scenario('[{kind: server-outage}]');
    const schedule = drawFuzzSchedule({ ...s, fuzz: { safety: 6 * HOUR, kinds: s.fuzz!.kinds } }, 1);
    expect(schedule.faults).toHaveLength(10);
  });

  it('the horizon: the scenario duration, or the last heal or last release (whichever is later) plus the liveness bound', () => {
    const short = drawFuzzSchedule(scenario('[{kind: etcd-restart}]', { count: '1' }), 1);
    // A fault within 6 h that does not heal; no release: the 1d duration is longer than 6h + 12h.
    expect(short.horizonMs).toBe(24 * HOUR);
    const late = drawFuzzSchedule(scenario('[{kind: etcd-restart}]', { count: '1', duration: '2d', extra: 'releases:\n  - {version: 2.0.0, at: 40h}\n  - {version: 1.0.0, at: 30h}' }), 1);
    expect(late.horizonMs).toBe(52 * HOUR);
    const long = drawFuzzSchedule(scenario('[{kind: clock-skew, duration: 40h}]', { count: '1' }), 1);
    expect(long.horizonMs).toBe(long.lastHealMs + 12 * HOUR);
    expect(long.lastHealMs).toBeGreaterThan(40 * HOUR);
  });

  it('fails loudly on an empty mix and on more than 10,000 faults', () => {
    const s = scenario('[{kind: server-outage}]');
    expect(() => drawFuzzSchedule({ ...s, fuzz: { safety: 6 * HOUR, kinds: [] } }, 1)).toThrow('fuzz: no fault kinds to draw from');
    expect(() => drawFuzzSchedule({ ...s, fuzz: { safety: 6 * HOUR, every: 1, kinds: s.fuzz!.kinds } }, 1)).toThrow('fuzz: more than 10000 faults (every 1ms over 21600000ms)');
  });

  it('the default mix: lock-holder-dies needs a lock, etcd and a lock TTL above 0', () => {
    const kinds = (reboot: string, members = 5) => defaultKinds(scenario('[{kind: node-crash}]', { members, reboot })).map((k) => k.kind);
    expect(kinds('{strategy: etcd-lock, lockTTL: 1h}')).toContain('lock-holder-dies');
    expect(kinds('{strategy: etcd-lock, lockTTL: 0s}')).not.toContain('lock-holder-dies');
    expect(kinds('{strategy: reboot, lockTTL: 1h}')).not.toContain('lock-holder-dies');
    // A lock taken by one fleet group only (its own strategy) counts.
    expect(kinds('{strategy: reboot, lockTTL: 1h, groups: {prod: {strategy: etcd-lock}}}')).toContain('lock-holder-dies');
    expect(defaultKinds(scenario('[{kind: node-crash}]', { members: 5 })).every((k) => k.weight === 1)).toBe(true);
  });
});
