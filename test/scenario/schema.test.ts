// Checks the schema's defaults and normalisation: what a minimal file becomes, how every range,
// unit and calendar value is normalised, and the shapes of faults and actions.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { bootFailureProbabilityFor, effectivePolicy, type Expectation, type Fault, type RangeMs, type Scenario } from '../../sim/scenario/index.ts';
import { MINIMAL, errorsOf, lines, load } from './helpers.ts';

describe('defaults', () => {
  it('a file with only name and duration gets the documented defaults', () => {
    const s = load(MINIMAL);
    expect(s.seed).toBe(1);
    expect(s.fidelity).toBe('fast');
    expect(s.start).toBe(Date.UTC(2024, 0, 1));
    expect(new Date(s.start).getUTCDay()).toBe(1); // a Monday
    expect(s.duration).toBe(86_400_000);
    expect(s.description).toBe('');
    expect(s.fleet).toEqual({
      groups: [],
      boot: { shutdown: { min: 2000, max: 2000 }, boot: { min: 1000, max: 5000 }, markGoodAfter: 45_000 },
      coldStart: false,
      version: '3760.2.0',
      updateCheck: { first: 420_000, interval: 2_700_000, fuzz: 300_000, backoffMax: 14_400_000 },
    });
    expect(s.etcd).toEqual({ members: 0, placement: 'dedicated', heartbeat: 100, electionTimeout: { min: 1000, max: 2000 }, preVote: true });
    expect(s.network).toEqual({ latency: { min: 1, max: 5 }, interZoneLatency: { min: 5, max: 20 }, loss: 0 });
    expect(s.server).toEqual({ bandwidth: 10e9, nodeBandwidth: 1e9 });
    expect(s.policy).toEqual({
      default: {
        updatesEnabled: true,
        maxUpdatesPerPeriod: null,
        periodInterval: 3_600_000,
        updateTimeout: 3_600_000,
        safeMode: false,
        officeHours: false,
        timezone: 'UTC',
        haltOnFailureRatio: null,
        throttle: null,
      },
      groups: {},
    });
    // kured's keys at their cmd/kured/main.go defaults (--period 60m, every delay 0).
    expect(s.reboot).toEqual({
      agent: 'locksmithd',
      strategy: 'reboot',
      maxConcurrent: 1,
      lockGroup: 'default',
      lockTTL: 0,
      window: null,
      drain: 0,
      period: 3_600_000,
      drainTimeout: 0,
      forceReboot: false,
      rebootDelay: 0,
      lockReleaseDelay: 0,
      alerts: [],
      blockingPods: [],
      // Zincati's: identity.rollout_wariness unset, DEFAULT_STEADY_INTERVAL_SECS 300.
      rolloutWariness: null,
      steadyInterval: 300_000,
      groups: {},
    });
    expect(s.releases).toEqual([]);
    expect(s.faults).toEqual([]);
    expect(s.actions).toEqual([]);
    expect(s.expect).toEqual([]);
    expect(s.limits).toEqual({ maxEvents: 50_000_000, maxPendingEvents: 10_000_000 });
    expect(s.liveness).toEqual({ bound: 86_400_000 });
  });

  it('a group defaults to zone a, no hardware class and the stable channel', () => {
    const s = load(lines('name: x', 'duration: 1d', 'fleet: {groups: [{name: prod, nodes: 3}]}'));
    expect(s.fleet.groups).toEqual([{ name: 'prod', nodes: 3, zones: ['a'], hardware: null, channel: 'stable' }]);
  });

  it('name and duration are required', () => {
    expect(errorsOf('seed: 3\n')).toEqual([
      'test.yaml:1:1: duration: missing required key "duration" (expected a duration like 250ms, 45m or 3d)',
      'test.yaml:1:1: name: missing required key "name" (expected a scenario name)',
    ]);
  });
});

describe('normalisation', () => {
  it('a single duration becomes a {min, max} range and a range stays', () => {
    const s = load(lines(MINIMAL, 'fleet: {boot: {shutdown: 3s, boot: {min: 2s, max: 1m}}}', 'network: {latency: 2ms}'));
    expect(s.fleet.boot.shutdown).toEqual({ min: 3000, max: 3000 });
    expect(s.fleet.boot.boot).toEqual({ min: 2000, max: 60_000 });
    expect(s.network.latency).toEqual({ min: 2, max: 2 });
  });

  it('an election timeout t becomes Raft\'s [t, 2t]; a {min, max} is kept', () => {
    expect(load(lines(MINIMAL, 'etcd: {electionTimeout: 500ms}')).etcd.electionTimeout).toEqual({ min: 500, max: 1000 });
    expect(load(lines(MINIMAL, 'etcd: {electionTimeout: {min: 300ms, max: 400ms}}')).etcd.electionTimeout).toEqual({ min: 300, max: 400 });
  });

  it('start becomes epoch ms and must carry a zone', () => {
    expect(load(lines(MINIMAL, 'start: 2024-03-05T06:07:08+01:00')).start).toBe(Date.UTC(2024, 2, 5, 5, 7, 8));
    expect(load(lines(MINIMAL, 'start: 2024-03-05')).start).toBe(Date.UTC(2024, 2, 5));
    expect(errorsOf(lines(MINIMAL, 'start: 2024-03-05T06:07:08'))).toEqual([
      'test.yaml:3:8: start: expected a date-time with a zone like 2024-01-01T00:00:00Z (or epoch ms), found "2024-03-05T06:07:08"',
    ]);
  });

  it('sizes, rates and percentages are normalised to bytes, bits/s and fractions', () => {
    const s = load(
      lines(
        MINIMAL,
        'server: {bandwidth: 100Mbps, nodeBandwidth: 10Mbps}',
        'network: {loss: 1%}',
        'releases: [{version: 3815.2.0, size: 1.5GiB}]',
        'policy: {default: {haltOnFailureRatio: 5%, throttle: {start: 10%, duration: 24h}}}',
      ),
    );
    expect(s.server).toEqual({ bandwidth: 1e8, nodeBandwidth: 1e7 });
    expect(s.network.loss).toBe(0.01);
    expect(s.releases[0].size).toBe(1.5 * 2 ** 30);
    expect(s.policy.default.haltOnFailureRatio).toBe(0.05);
    expect(s.policy.default.throttle).toEqual({ start: 0.1, duration: 86_400_000 });
  });

  it('bootFailureProbability becomes a record with a default', () => {
    const s = load(
      lines(
        MINIMAL,
        'fleet: {groups: [{name: old, nodes: 1, hardware: gen1}]}',
        'releases:',
        '  - {version: a, bootFailureProbability: 0.1}',
        '  - {version: b, bootFailureProbability: {gen1: 50%}}',
        '  - {version: c, at: 2h}',
      ),
    );
    expect(s.releases.map((r) => r.bootFailureProbability)).toEqual([{ default: 0.1 }, { default: 0, gen1: 0.5 }, { default: 0 }]);
    expect(s.releases[1]).toMatchObject({ channel: 'stable', size: 300e6, at: 0 });
    expect(s.releases[2].at).toBe(7_200_000);
    expect(bootFailureProbabilityFor(s.releases[1], 'gen1')).toBe(0.5);
    expect(bootFailureProbabilityFor(s.releases[1], 'gen2')).toBe(0);
    expect(bootFailureProbabilityFor(s.releases[0], null)).toBe(0.1);
  });

  it('a reboot window normalises days to 0=Sun..6=Sat (sorted) and start to minutes after midnight', () => {
    const s = load(lines(MINIMAL, 'reboot: {window: {days: [thursday, Mon], start: "04:30", length: 2h, timezone: Europe/Berlin}}'));
    expect(s.reboot.window).toEqual({ days: [1, 4], start: 270, length: 7_200_000, timezone: 'Europe/Berlin' });
    expect(load(lines(MINIMAL, 'reboot: {window: {start: "23:00", length: 1h}}')).reboot.window).toEqual({
      days: [0, 1, 2, 3, 4, 5, 6],
      start: 1380,
      length: 3_600_000,
      timezone: 'UTC',
    });
  });

  it('a group policy is the default overlaid with the override, where null clears a limit', () => {
    const s = load(
      lines(
        MINIMAL,
        'fleet: {groups: [{name: canary, nodes: 1}, {name: prod, nodes: 2}]}',
        'policy: {default: {maxUpdatesPerPeriod: 100, safeMode: true}, groups: {canary: {maxUpdatesPerPeriod: null, periodInterval: 2h}}}',
      ),
    );
    expect(s.policy.groups).toEqual({ canary: { maxUpdatesPerPeriod: null, periodInterval: 7_200_000 } });
    expect(effectivePolicy(s.policy, 'canary')).toMatchObject({ maxUpdatesPerPeriod: null, periodInterval: 7_200_000, safeMode: true });
    expect(effectivePolicy(s.policy, 'prod')).toMatchObject({ maxUpdatesPerPeriod: 100, periodInterval: 3_600_000, safeMode: true });
  });
});

describe('faults and actions', () => {
  const fleet = 'fleet: {groups: [{name: prod, nodes: 20, zones: [a, b]}]}';

  it('every fault kind parses, with `at` always a range', () => {
    const s = load(
      lines(
        MINIMAL,
        fleet,
        'etcd: {members: 3}',
        'reboot: {strategy: etcd-lock}',
        'faults:',
        '  - {at: {min: 1h, max: 2h}, kind: node-crash, target: {group: prod, count: 2}}',
        '  - {at: 1h, kind: power-loss, target: {zone: a}, duration: 5m}',
        '  - {at: 1h, kind: partition, sides: [[zone:a, server], [group:prod, node:3, etcd:2, etcd:leader]], duration: 30m}',
        '  - {at: 1h, kind: message-loss, probability: 10%, scope: etcd, duration: 1m}',
        '  - {at: 1h, kind: latency-spike, extra: {min: 100ms, max: 1s}, duration: 1m}',
        '  - {at: 1h, kind: etcd-kill, target: {etcd: leader}}',
        '  - {at: 1h, kind: etcd-restart, target: {etcd: 1}}',
        '  - {at: 1h, kind: server-outage, duration: 1h}',
        '  - {at: 1h, kind: lock-holder-dies}',
        '  - {at: 1h, kind: clock-skew, target: {nodes: [1, 2]}, skew: -2h}',
        '  - {at: 1h, kind: bad-disk, target: {fraction: 10%}}',
      ),
    );
    expect(s.faults.map((f) => f.kind)).toEqual([
      'node-crash', 'power-loss', 'partition', 'message-loss', 'latency-spike', 'etcd-kill',
      'etcd-restart', 'server-outage', 'lock-holder-dies', 'clock-skew', 'bad-disk',
    ]);
    expect(s.faults[0]).toEqual({ at: { min: 3_600_000, max: 7_200_000 }, kind: 'node-crash', target: { group: 'prod', count: 2 }, duration: null });
    expect(s.faults[1].at).toEqual({ min: 3_600_000, max: 3_600_000 });
    expect(s.faults[2]).toMatchObject({
      sides: [
        [{ kind: 'zone', zone: 'a' }, { kind: 'server' }],
        [{ kind: 'group', group: 'prod' }, { kind: 'node', node: 3 }, { kind: 'etcd', etcd: 2 }, { kind: 'etcd', etcd: 'leader' }],
      ],
    });
    expect(s.faults[3]).toMatchObject({ probability: 0.1, scope: 'etcd' });
    expect(s.faults[4]).toMatchObject({ extra: { min: 100, max: 1000 } });
    expect(s.faults[5]).toMatchObject({ target: { etcd: 'leader' }, duration: null });
    expect(s.faults[9]).toMatchObject({ skew: -7_200_000 });
    expect(s.faults[10]).toMatchObject({ target: { fraction: 0.1 }, probability: 1 });
  });

  it('a target needs a selector, and node and etcd selectors do not mix', () => {
    expect(errorsOf(lines(MINIMAL, fleet, 'faults: [{at: 1h, kind: node-crash, target: {}}]'))).toEqual([
      'test.yaml:4:45: faults[0].target: expected at least one selector (group, zone, count, fraction, nodes, etcd), found none',
    ]);
    expect(errorsOf(lines(MINIMAL, fleet, 'faults: [{at: 1h, kind: node-crash, target: {etcd: 1}}]'))).toEqual([
      'test.yaml:4:52: faults[0].target.etcd: expected a node target (group, zone, count, fraction, nodes), found etcd (use etcd-kill for members)',
    ]);
    expect(errorsOf(lines(MINIMAL, fleet, 'faults: [{at: 1h, kind: bad-disk, target: {count: 1, fraction: 0.5}}]'))).toEqual([
      'test.yaml:4:64: faults[0].target.fraction: expected count or fraction, found both',
    ]);
  });

  it('every action parses', () => {
    const s = load(
      lines(
        MINIMAL,
        fleet,
        'actions:',
        '  - {at: 12h, do: pause-rollout, group: prod}',
        '  - {at: 13h, do: resume-rollout, group: prod}',
        '  - {at: 14h, do: unlock}',
        '  - {at: 15h, do: set-policy, group: default, policy: {maxUpdatesPerPeriod: 5}}',
        '  - {at: 16h, do: publish-release, release: {version: 3816.0.0, size: 200MB}}',
        '  - {at: 17h, do: rollback, target: {group: prod, count: 2}}',
      ),
    );
    expect(s.actions).toEqual([
      { at: 43_200_000, do: 'pause-rollout', group: 'prod' },
      { at: 46_800_000, do: 'resume-rollout', group: 'prod' },
      { at: 50_400_000, do: 'unlock', group: null },
      { at: 54_000_000, do: 'set-policy', group: 'default', policy: { maxUpdatesPerPeriod: 5 } },
      { at: 57_600_000, do: 'publish-release', release: { version: '3816.0.0', channel: 'stable', size: 200e6, bootFailureProbability: { default: 0 }, workloadFailureProbability: { default: 0 } } },
      { at: 61_200_000, do: 'rollback', target: { group: 'prod', count: 2 } },
    ]);
  });

  it('an unknown kind or do is named, with the closest known one', () => {
    expect(errorsOf(lines(MINIMAL, 'faults: [{at: 1h, kind: node-crush, target: {count: 1}}]', 'actions: [{at: 1h, do: pause}]'))).toEqual([
      'test.yaml:3:25: faults[0].kind: expected kind to be one of: node-crash, power-loss, partition, message-loss, latency-spike, etcd-kill, etcd-restart, server-outage, lock-holder-dies, clock-skew, bad-disk; found "node-crush" (did you mean "node-crash"?)',
      'test.yaml:4:24: actions[0].do: expected do to be one of: pause-rollout, resume-rollout, unlock, set-policy, publish-release, rollback; found "pause"',
    ]);
  });
});

describe('the Scenario type', () => {
  it('carries normalised values: numbers for units, {min, max} for ranges, parsed expectations', () => {
    expectTypeOf<Scenario['duration']>().toEqualTypeOf<number>();
    expectTypeOf<Scenario['start']>().toEqualTypeOf<number>();
    expectTypeOf<Scenario['fleet']['boot']['shutdown']>().toEqualTypeOf<RangeMs>();
    expectTypeOf<Scenario['etcd']['electionTimeout']>().toEqualTypeOf<RangeMs>();
    expectTypeOf<Scenario['expect']>().toEqualTypeOf<Expectation[]>();
    expectTypeOf<Scenario['policy']['default']['maxUpdatesPerPeriod']>().toEqualTypeOf<number | null>();
    expectTypeOf<NonNullable<Scenario['reboot']['window']>['days']>().toEqualTypeOf<number[]>();
    expectTypeOf<Extract<Fault, { kind: 'node-crash' }>['duration']>().toEqualTypeOf<number | null>();
    expectTypeOf<Fault['at']>().toEqualTypeOf<RangeMs>();
  });
});
