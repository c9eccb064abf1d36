/**
 * Idle-check elision (issue: node model, "idle checks"): a node to which no update is available
 * must not cost an event every 45 minutes in fast fidelity, and fast and full fidelity must agree.
 * The shortcut draws the same random numbers as the full run (sim/model/world/check-elision.ts),
 * so here the agreement is exact, node by node — stronger than the Kolmogorov-Smirnov comparison
 * of distributions the issue asks for (a KS distance of 0) — over 10,000 nodes.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../sim/engine/trace.ts';
import { runYaml } from './helpers.ts';

const fleet = (extra = '') => `
name: first-sight
duration: 8h
fleet:
  groups:
    - {name: prod, nodes: 10000, zones: [a, b, c]}
releases:
  - {version: 3815.2.0, at: 3h}
reboot: {strategy: off}
${extra}
`;

function firstSight(fidelity: 'fast' | 'full', extra = '') {
  const grants = new Float64Array(10_000).fill(NaN);
  const { report } = runYaml(fleet(extra), { fidelity }, {
    traceSubscriber: (e: TraceEvent) => {
      if (e.kind === 'server.grant' && Number.isNaN(grants[e.subject as number])) grants[e.subject as number] = e.time;
    },
  });
  return { grants, report };
}

/** Both fidelities, with the grants (every node's first sight of the release) and server figures equal. */
function bothAgree(extra = '') {
  const fast = firstSight('fast', extra);
  const full = firstSight('full', extra);
  expect(Array.from(fast.grants)).toEqual(Array.from(full.grants));
  expect(fast.report.server).toEqual(full.report.server);
  return { fast, full };
}

describe('idle-check elision over 10,000 nodes', () => {
  it('every node first sees the release at the same time in fast and full fidelity, with the same request counts', () => {
    const { fast, full } = bothAgree();
    expect(fast.grants.every((t) => t >= 3 * 3_600_000 && t <= 3 * 3_600_000 + 50 * 60_000)).toBe(true);
    // The point of the shortcut: ~4 idle checks per node before the release are not events.
    expect(fast.report.events).toBeLessThan(full.report.events / 2);
  });

  it('agrees when an operator action wakes sleeping nodes early (resume after a pause)', () => {
    const actions = `actions:
  - {at: 2h, do: pause-rollout, group: prod}
  - {at: 4h17m, do: resume-rollout, group: prod}`;
    const { fast } = bothAgree(actions);
    // Nothing is granted while paused; checks after the resume see the release.
    expect(fast.grants.every((t) => t >= 4 * 3_600_000 + 17 * 60_000)).toBe(true);
  });

  it('agrees when nodes lose power or are woken before their first check (elided at the start, then undone)', () => {
    // Warm start: first checks spread over the first 45 minutes, elided when the nodes start.
    // The power loss stops a third of the fleet before many of theirs; the pause and the resume
    // wake every sleeper, most of them before their first check too.
    const extra = `faults:
  - {at: 12m, kind: power-loss, target: {zone: a}, duration: 7m}
actions:
  - {at: 20m, do: pause-rollout, group: prod}
  - {at: 25m, do: resume-rollout, group: prod}`;
    const { fast, full } = bothAgree(extra);
    expect(fast.report.fleet).toEqual(full.report.fleet);
  });
});
