// locksmith's group keys (coreos/locksmith lock/etcd.go NewEtcdLockClient): the default group ""
// uses `coreos.com/updateengine/rebootlock/semaphore`, any other
// `coreos.com/updateengine/rebootlock/groups/<url.QueryEscape(group)>/semaphore`. The expected
// escapes are Go's (net/url QueryEscape: unreserved A-Za-z0-9-_.~ kept, space as '+').
import { describe, expect, it } from 'vitest';
import { locksmithPolicy, queryEscape } from '../../../../sim/model/etcd/locks/locksmith.ts';

describe("locksmith's semaphore key per group", () => {
  it('the default group has the plain key, another group its own branch', () => {
    expect(locksmithPolicy.key('default')).toBe('coreos.com/updateengine/rebootlock/semaphore');
    expect(locksmithPolicy.key('')).toBe('coreos.com/updateengine/rebootlock/semaphore');
    expect(locksmithPolicy.key('etcd')).toBe('coreos.com/updateengine/rebootlock/groups/etcd/semaphore');
  });

  it("escapes a group as Go's url.QueryEscape does", () => {
    expect(queryEscape('lb')).toBe('lb');
    expect(queryEscape('a-b_c.d~e')).toBe('a-b_c.d~e');
    expect(queryEscape('load balancers')).toBe('load+balancers');
    expect(queryEscape('eu/west')).toBe('eu%2Fwest');
    expect(queryEscape("x*y!(z)'")).toBe('x%2Ay%21%28z%29%27');
    expect(queryEscape('zürich')).toBe('z%C3%BCrich');
    expect(queryEscape('a+b')).toBe('a%2Bb');
  });
});
