/**
 * Every validation rule of the scenario format (sim/scenario: schema.ts, fields.ts, faults.ts,
 * fuzz.ts, window.ts, reboot.ts, references.ts; workloads.ts has its own test file), each with a
 * small file that breaks it and nothing else: the file gets exactly that rule's error, located at
 * the line and column of the offending value (counted by hand in test/scenario/rules.ts: line 1 is
 * `name`, line 2 `duration`, the case's lines follow), with its key path and what was expected.
 * A rule switched off, or an error that loses its location, fails here by the rule's name.
 */
import { describe, expect, it } from 'vitest';
import { errorsOf, load } from './helpers.ts';
import { RULES, fileOf } from './rules.ts';

describe('scenario validation rules, each with its located error', () => {
  it.each(RULES)('%s', (_rule, body, expected) => {
    expect(errorsOf(fileOf(body))).toEqual([expected]);
  });

  it('accepts the boundary of each numeric rule (fuzz == interval, election timeout just above the heartbeat, 366d, a 1w window)', () => {
    expect(load(fileOf(['fleet:', '  updateCheck: {interval: 10m, fuzz: 10m}'])).fleet.updateCheck.fuzz).toBe(600_000);
    expect(load(fileOf(['etcd: {members: 3, heartbeat: 500ms, electionTimeout: 501ms}'])).etcd.electionTimeout.min).toBe(501);
    expect(load(fileOf(['duration: 366d'])).duration).toBe(366 * 86_400_000);
    expect(load(fileOf(['reboot: {strategy: reboot, window: {days: [Mon], start: "01:00", length: 7d}}'])).reboot.window?.length).toBe(7 * 86_400_000);
  });
});
