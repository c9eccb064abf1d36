/**
 * The fuzz section's readings (sim/scenario/fuzz.ts): each range as a single value or {min, max}
 * (equal ends allowed), its located errors for a value of the wrong type, the kind's fields and
 * weight, count or every. Columns counted by hand: line 1 is `name`, line 2 `duration`.
 */
import { describe, expect, it } from 'vitest';
import { errorsOf, load } from './helpers.ts';

const fileOf = (...body: string[]) => `${['name: fuzz', 'duration: 1d', ...body].join('\n')}\n`;
const kind = (entry: string) => fileOf('fuzz:', '  kinds:', `    - ${entry}`);

describe('fuzz section', () => {
  it('reads a single value as the range from it to itself, and accepts a range whose ends are equal', () => {
    expect(load(fileOf('fuzz: {count: 3}')).fuzz?.count).toEqual({ min: 3, max: 3 });
    expect(load(kind('{kind: message-loss, probability: 0.2}')).fuzz?.kinds?.[0].probability).toEqual({ min: 0.2, max: 0.2 });
    expect(load(kind('{kind: message-loss, probability: {min: 0.1, max: 0.1}}')).fuzz?.kinds?.[0].probability).toEqual({ min: 0.1, max: 0.1 });
    expect(load(kind('{kind: clock-skew, skew: -2h}')).fuzz?.kinds?.[0].skew).toEqual({ min: -7_200_000, max: -7_200_000 });
    expect(load(kind('{kind: clock-skew, skew: {min: -1h, max: -1h}}')).fuzz?.kinds?.[0].skew).toEqual({ min: -3_600_000, max: -3_600_000 });
  });

  it('takes count alone or every alone', () => {
    expect(load(fileOf('fuzz: {every: 1h}')).fuzz?.every).toBe(3_600_000);
    expect(load(fileOf('fuzz: {count: 2}')).fuzz?.every).toBeUndefined();
  });

  it('locates a range of the wrong type with what it expected', () => {
    expect(errorsOf(fileOf('fuzz: {count: x}'))).toEqual(['test.yaml:3:15: fuzz.count: expected a whole number between 0 and 10000 or a range {min, max}, found "x"']);
    expect(errorsOf(kind('{kind: message-loss, probability: [1]}'))).toEqual([
      'test.yaml:5:41: fuzz.kinds[0].probability: expected a fraction like 0.1 (or 10%) or a range {min, max}, found a list',
    ]);
    expect(errorsOf(kind('{kind: clock-skew, skew: [1]}'))).toEqual(['test.yaml:5:32: fuzz.kinds[0].skew: expected a signed duration like -2h or a range {min, max}, found a list']);
  });

  it('locates an unknown kind, a weight that is not above 0, and a field the kind does not use (listing its fields)', () => {
    expect(errorsOf(kind('{kind: meteor}'))).toEqual([
      'test.yaml:5:14: fuzz.kinds[0].kind: expected kind to be one of: node-crash, power-loss, partition, message-loss, latency-spike, etcd-kill, etcd-restart, server-outage, lock-holder-dies, clock-skew, bad-disk; found "meteor"',
    ]);
    expect(errorsOf(kind('{kind: etcd-kill, weight: 0}'))).toEqual(['test.yaml:5:33: fuzz.kinds[0].weight: expected a weight > 0, found the number 0']);
    expect(errorsOf(kind('{kind: etcd-kill, weight: x}'))).toEqual(['test.yaml:5:33: fuzz.kinds[0].weight: expected a weight > 0, found "x"']);
    expect(errorsOf(kind('{kind: message-loss, skew: 1h}'))).toEqual(['test.yaml:5:34: fuzz.kinds[0].skew: message-loss does not use "skew" (its fields: duration, probability)']);
  });
});
