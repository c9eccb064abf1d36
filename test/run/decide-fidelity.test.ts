/**
 * One decision per check (UpdateServer.decide): the answer to a check and the time until which
 * it holds come from the same function, and check elision sleeps a node only until then. So fast
 * fidelity (idle checks elided) and full fidelity (every check an event) must grant the same
 * nodes at the same times under ANY policy. A fast-check property draws policies (office hours
 * in a time zone, a Cincinnati throttle, Nebraska's per-period limit, safe mode, updates
 * switched off and on, pauses and resumes, scheduled outages) and compares, run by run: every
 * server decision in the trace (grants, completions, failures, updates switched off; times to a
 * microsecond, see expectSameTimes), the
 * report's server figures (requests counted, elided ones included) and the fleet's end state.
 * Reboots take no lock, so etcd's own shortcuts stay out of the comparison.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../sim/engine/trace.ts';
import { runYaml } from './helpers.ts';

const SERVER_KINDS = new Set(['server.grant', 'server.update-complete', 'server.update-failed', 'server.updates-disabled', 'server.release', 'rollout.halted']);

const policyArb = fc.record({
  officeHours: fc.boolean(),
  timezone: fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'),
  throttle: fc.option(fc.record({ start: fc.constantFrom(0, 0.1, 0.5), durationH: fc.integer({ min: 1, max: 30 }) }), { nil: null }),
  maxUpdatesPerPeriod: fc.option(fc.integer({ min: 1, max: 8 }), { nil: null }),
  periodMin: fc.constantFrom(15, 60, 180),
  updateTimeoutMin: fc.constantFrom(30, 120),
  safeMode: fc.boolean(),
});

const scenarioArb = fc.record({
  policy: policyArb,
  releaseAtMin: fc.integer({ min: 0, max: 600 }),
  startDay: fc.integer({ min: 1, max: 7 }),
  pause: fc.option(fc.record({ atMin: fc.integer({ min: 0, max: 1200 }), forMin: fc.integer({ min: 1, max: 600 }) }), { nil: null }),
  switchOff: fc.option(fc.record({ atMin: fc.integer({ min: 0, max: 1200 }), forMin: fc.integer({ min: 1, max: 600 }) }), { nil: null }),
  outage: fc.option(fc.record({ atMin: fc.integer({ min: 0, max: 1200 }), forMin: fc.integer({ min: 1, max: 180 }) }), { nil: null }),
});

type Drawn = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function yamlOf(d: Drawn): string {
  const p = d.policy;
  const policy = [
    `officeHours: ${p.officeHours}`,
    `timezone: ${p.timezone}`,
    `safeMode: ${p.safeMode}`,
    `periodInterval: ${p.periodMin}m`,
    `updateTimeout: ${p.updateTimeoutMin}m`,
    p.maxUpdatesPerPeriod === null ? null : `maxUpdatesPerPeriod: ${p.maxUpdatesPerPeriod}`,
    p.throttle === null ? null : `throttle: {start: ${p.throttle.start}, duration: ${p.throttle.durationH}h}`,
  ].filter((line) => line !== null);
  const actions: string[] = [];
  if (d.pause !== null) {
    actions.push(`  - {at: ${d.pause.atMin}m, do: pause-rollout, group: prod}`);
    actions.push(`  - {at: ${d.pause.atMin + d.pause.forMin}m, do: resume-rollout, group: prod}`);
  }
  if (d.switchOff !== null) {
    actions.push(`  - {at: ${d.switchOff.atMin}m, do: set-policy, group: prod, policy: {updatesEnabled: false}}`);
    actions.push(`  - {at: ${d.switchOff.atMin + d.switchOff.forMin}m, do: set-policy, group: prod, policy: {updatesEnabled: true}}`);
  }
  const faults = d.outage === null ? [] : [`  - {at: ${d.outage.atMin}m, kind: server-outage, duration: ${d.outage.forMin}m}`];
  return [
    'name: decide-fidelity',
    'duration: 36h',
    // A Monday to a Sunday at 06:00 UTC: office hours open and close during the run.
    `start: 2026-03-0${1 + d.startDay}T06:00:00Z`,
    'fleet:',
    '  groups:',
    '    - {name: prod, nodes: 40, zones: [a, b]}',
    'releases:',
    `  - {version: 3815.2.0, at: ${d.releaseAtMin}m}`,
    'policy:',
    '  default:',
    ...policy.map((line) => `    ${line}`),
    'reboot: {strategy: reboot}',
    ...(actions.length > 0 ? ['actions:', ...actions] : []),
    ...(faults.length > 0 ? ['faults:', ...faults] : []),
  ].join('\n');
}

function run(yaml: string, fidelity: 'fast' | 'full') {
  const decisions: string[] = [];
  const times: number[] = [];
  const { report } = runYaml(yaml, { fidelity }, {
    traceSubscriber: (e: TraceEvent) => {
      if (!SERVER_KINDS.has(e.kind)) return;
      decisions.push(`${e.kind} ${String(e.subject)}`);
      times.push(e.time);
    },
  });
  return { decisions, times, report };
}

/**
 * Fast fidelity adds up the elided check intervals in another order than the full run's clock
 * does, so times may differ in the last bits of a double (1e-8 ms after a day); the same check
 * is within a microsecond, and two different checks are minutes apart.
 */
function expectSameTimes(fast: number[], full: number[]): void {
  expect(fast.length).toBe(full.length);
  const far = fast.map((t, i) => [i, t, full[i]] as const).filter(([, a, b]) => !(Math.abs(a - b) <= 1e-3));
  expect(far).toEqual([]);
}

/** Fast fidelity grants what full fidelity grants, when it does, and really skipped checks. */
function expectFastMatchesFull(yaml: string): void {
  const fast = run(yaml, 'fast');
  const full = run(yaml, 'full');
  expect(fast.decisions).toEqual(full.decisions);
  expectSameTimes(fast.times, full.times);
  expect(fast.report.server).toEqual(full.report.server);
  expect(fast.report.fleet).toEqual(full.report.fleet);
  // The comparison has teeth: elision really skipped checks.
  expect(fast.report.events).toBeLessThan(full.report.events);
}

describe('UpdateServer.decide: fast and full fidelity agree under random policies', () => {
  it('grants the same nodes at the same times, with the same request counts, for any drawn policy', () => {
    fc.assert(
      fc.property(scenarioArb, (drawn) => {
        const yaml = yamlOf(drawn);
        expectFastMatchesFull(yaml);
      }),
      { numRuns: 25, seed: 13 },
    );
  });

  it('grants the same nodes at the same times in a mixed fleet: Flatcar nodes on update_engine timing, Fedora CoreOS nodes on Zincati timing (reboot.groups.<g>.agent)', () => {
    fc.assert(
      fc.property(scenarioArb, (drawn) => {
        // A second fleet group of Fedora CoreOS nodes under Zincati (immediate: no lock, so etcd's
        // shortcuts stay out), checking every 5 min + jitter next to prod's 45 min +- 5.
        const yaml = yamlOf(drawn)
          .replace('    - {name: prod, nodes: 40, zones: [a, b]}', '    - {name: prod, nodes: 25, zones: [a, b]}\n    - {name: fcos, nodes: 15, zones: [a, b]}')
          .replace('reboot: {strategy: reboot}', 'reboot: {strategy: reboot, groups: {fcos: {agent: zincati}}}');
        expect(yaml).toContain('agent: zincati');
        expectFastMatchesFull(yaml);
      }),
      { numRuns: 12, seed: 15 },
    );
  });
});
