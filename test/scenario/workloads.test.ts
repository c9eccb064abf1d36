// The scenario's `workloads` section (sim/scenario/workloads.ts): defaults, minAvailable as a
// count or "N%", and every error located at its line, column and key path.
import { describe, expect, it } from 'vitest';
import { errorsOf, lines, load } from './helpers.ts';

const fleet = ['name: w', 'duration: 1d', 'fleet:', '  groups:', '    - {name: prod, nodes: 6, zones: [a, b]}'];

describe('workloads', () => {
  it('a workload with only name, replicas and minAvailable gets the documented defaults', () => {
    const s = load(lines(...fleet, 'workloads:', '  - {name: api, replicas: 30, minAvailable: 27}'));
    expect(s.workloads).toEqual([
      { name: 'api', replicas: 30, groups: null, placement: 'spread', minAvailable: 27, quorum: null, startup: { min: 10_000, max: 30_000 }, reschedule: null, discovery: null },
    ]);
  });

  it('reads SCENARIO-v2 as written: groups, pack, "90%", quorum, a startup range, reschedule, discovery etcd', () => {
    const s = load(
      lines(
        ...fleet,
        'etcd: {members: 3}',
        'workloads:',
        '  - {name: api, replicas: 30, groups: [prod], placement: pack, minAvailable: "90%", quorum: 16, startup: {min: 10s, max: 30s}, reschedule: true, discovery: etcd}',
      ),
    );
    expect(s.workloads[0]).toMatchObject({ groups: ['prod'], placement: 'pack', minAvailable: '90%', quorum: 16, startup: { min: 10_000, max: 30_000 }, reschedule: true, discovery: 'etcd' });
  });

  it('locates each error at its key: minAvailable above replicas, a bad percentage, quorum above replicas, an unknown key', () => {
    expect(
      errorsOf(
        lines(
          ...fleet, //                                                       1-5
          'workloads:', //                                                   6
          '  - {name: api, replicas: 3, minAvailable: 4}', //                7
          '  - {name: db, replicas: 3, minAvailable: "150%"}', //            8
          '  - {name: kv, replicas: 3, minAvailable: 2, quorum: 4}', //      9
          '  - {name: api, replicas: 3, minAvailable: 1, replica: 2}', //    10
        ),
      ),
    ).toEqual([
      'test.yaml:7:44: workloads[0].minAvailable: expected minAvailable <= replicas (3), found 4',
      'test.yaml:8:43: workloads[1].minAvailable: expected a whole count >= 0 or a whole percentage "0%".."100%", found "150%"',
      'test.yaml:9:54: workloads[2].quorum: expected quorum <= replicas (3), found 4',
      'test.yaml:10:47: workloads[3].replica: unknown key "replica" (did you mean "replicas"?); expected one of: name, replicas, groups, placement, minAvailable, quorum, startup, reschedule, discovery',
    ]);
  });

  it('refuses a second workload of the same name, at its name', () => {
    expect(errorsOf(lines(...fleet, 'workloads:', '  - {name: api, replicas: 3, minAvailable: 2}', '  - {name: api, replicas: 2, minAvailable: 1}'))).toEqual([
      'test.yaml:8:12: workloads[1].name: expected unique workload names, found "api" again',
    ]);
  });

  it('checks references: a fleet group that does not exist, discovery without etcd', () => {
    expect(
      errorsOf(lines(...fleet, 'workloads:', '  - {name: api, replicas: 3, minAvailable: 2, groups: [prod, edge], discovery: etcd}')),
    ).toEqual([
      'test.yaml:7:62: workloads[0].groups[1]: expected a group of fleet.groups (prod), found "edge"',
      'test.yaml:7:80: workloads[0].discovery: expected an etcd cluster for discovery: etcd (etcd.members >= 1), found etcd.members 0',
    ]);
  });

  it('reboot.lockReleaseGate: none by default, ready per fleet group, anything else refused at its value', () => {
    const s = load(lines(...fleet, 'reboot:', '  groups:', '    prod: {lockReleaseGate: ready}'));
    expect(s.reboot.lockReleaseGate).toBe('none');
    expect(s.reboot.groups.prod.lockReleaseGate).toBe('ready');
    expect(errorsOf(lines(...fleet, 'reboot: {lockReleaseGate: settled}'))).toEqual([
      'test.yaml:6:27: reboot.lockReleaseGate: expected one of: none, ready; found "settled"',
    ]);
  });
});
