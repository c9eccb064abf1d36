/**
 * Fault readings (sim/scenario/faults.ts): partition members `kind:value` with nothing around
 * them, the located errors of an etcd member or a partition member of the wrong type, targets
 * that say how many twice, a power loss by a group. Columns counted by hand.
 */
import { describe, expect, it } from 'vitest';
import { parsePartitionMember } from '../../sim/scenario/faults.ts';
import { errorsOf, load } from './helpers.ts';

const fileOf = (...body: string[]) => `${['name: faults', 'duration: 1d', ...body].join('\n')}\n`;
const EXPECTED = 'expected zone:NAME, group:NAME, node:INDEX, etcd:INDEX, etcd:leader or server, found';

describe('partition members', () => {
  it('reads zone, group, node, etcd (an index or leader) and server', () => {
    expect(parsePartitionMember('zone:a')).toEqual({ kind: 'zone', zone: 'a' });
    expect(parsePartitionMember('group:prod')).toEqual({ kind: 'group', group: 'prod' });
    expect(parsePartitionMember('node:17')).toEqual({ kind: 'node', node: 17 });
    expect(parsePartitionMember('etcd:12')).toEqual({ kind: 'etcd', etcd: 12 });
    expect(parsePartitionMember('etcd:leader')).toEqual({ kind: 'etcd', etcd: 'leader' });
    expect(parsePartitionMember('server')).toEqual({ kind: 'server' });
  });

  it('refuses a member without a colon, without a value, or with an index that is not all digits', () => {
    for (const text of ['zonea', 'zone:', 'node:1a', 'node:a1', 'etcd:1a', 'etcd:a1', 'moon:b']) {
      expect(parsePartitionMember(text), text).toBe(`${EXPECTED} ${JSON.stringify(text)}`);
    }
  });

  it('ignores spaces around a member in the file, and locates one that is not text', () => {
    const side = (member: string) => fileOf('fleet:', '  groups:', '    - {name: prod, nodes: 3, zones: [a, b]}', 'faults:', `  - {at: 1h, kind: partition, sides: [[${member}], [zone:b]], duration: 1h}`);
    expect(load(side('" zone:a "')).faults[0]).toMatchObject({ sides: [[{ kind: 'zone', zone: 'a' }], [{ kind: 'zone', zone: 'b' }]] });
    expect(errorsOf(side('5'))).toEqual([`test.yaml:7:40: faults[0].sides[0][0]: ${EXPECTED} the number 5`]);
  });
});

describe('fault targets', () => {
  it('locates an etcd member that is neither leader nor an index', () => {
    expect(errorsOf(fileOf('etcd: {members: 3}', 'faults:', '  - {at: 1h, kind: etcd-kill, target: {etcd: x}}'))).toEqual([
      'test.yaml:5:46: faults[0].target.etcd: expected "leader" or a member index (0, 1, ...), found "x"',
    ]);
  });

  it('refuses nodes with a fraction (nodes already say how many)', () => {
    expect(errorsOf(fileOf('fleet:', '  groups:', '    - {name: prod, nodes: 3}', 'faults:', '  - {at: 1h, kind: node-crash, target: {nodes: [1], fraction: 0.5}}'))).toEqual([
      'test.yaml:7:48: faults[0].target.nodes: expected nodes or count/fraction, found both (nodes already says how many)',
    ]);
  });

  it('takes a power loss by a whole group', () => {
    const s = load(fileOf('fleet:', '  groups:', '    - {name: prod, nodes: 3}', 'faults:', '  - {at: 1h, kind: power-loss, target: {group: prod}, duration: 1h}'));
    expect(s.faults[0]).toMatchObject({ kind: 'power-loss', target: { group: 'prod' } });
  });
});
