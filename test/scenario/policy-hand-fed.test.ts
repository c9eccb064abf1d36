// Hand-fed checks of the rollout policy (sim/scenario/policy.ts) against the contract in
// docs/scenario-format.md, section `policy`: defaults, a throttle {start, duration}, group
// overrides carrying only the keys they change, and effectivePolicy's overlay. The schemas are
// built inside each test (policySectionSchema() is a factory), so a change in how they are put
// together is seen here even when the scenario schema was built earlier.
import { describe, expect, it } from 'vitest';
import { effectivePolicy, policyPatchSchema, policySectionSchema, type PolicySection } from '../../sim/scenario/policy.ts';

// docs/scenario-format.md `policy` table defaults; 1h = 3_600_000 ms.
const DEFAULTS = {
  updatesEnabled: true,
  maxUpdatesPerPeriod: null,
  periodInterval: 3_600_000,
  updateTimeout: 3_600_000,
  safeMode: false,
  officeHours: false,
  timezone: 'UTC',
  haltOnFailureRatio: null,
  throttle: null,
};

describe('the policy section schema', () => {
  it('fills every default from the format document when the section is empty', () => {
    expect(policySectionSchema().parse({})).toEqual({ default: DEFAULTS, groups: {} });
  });

  it('reads a throttle as a start share and a positive duration', () => {
    // start 5% = 0.05; duration 2h = 2 * 3_600_000 = 7_200_000 ms.
    const section = policySectionSchema().parse({ default: { throttle: { start: '5%', duration: '2h' } } });
    expect(section.default.throttle).toEqual({ start: 0.05, duration: 7_200_000 });
  });

  it('keeps only the keys a group override writes', () => {
    // maxUpdatesPerPeriod: null clears the limit for that group (docs: "In an override, null clears a limit").
    const section = policySectionSchema().parse({ groups: { canary: { safeMode: true, maxUpdatesPerPeriod: null, periodInterval: '30m' } } });
    expect(section.groups).toEqual({ canary: { safeMode: true, maxUpdatesPerPeriod: null, periodInterval: 1_800_000 } });
  });

  it('parses a patch alone, with no defaults added', () => {
    expect(policyPatchSchema().parse({})).toEqual({});
    expect(policyPatchSchema().parse({ throttle: { start: 0.25, duration: '1d' } })).toEqual({ throttle: { start: 0.25, duration: 86_400_000 } });
    expect(policyPatchSchema().safeParse({ safeMod: true }).success).toBe(false);
  });
});

describe('effectivePolicy', () => {
  const section: PolicySection = {
    default: { ...DEFAULTS, maxUpdatesPerPeriod: 10 },
    groups: {
      canary: { maxUpdatesPerPeriod: null, safeMode: true },
      // A key present with no value (undefined) changes nothing.
      prod: { safeMode: undefined, officeHours: true },
    },
  };

  it('overlays a group override on the defaults, a null clearing the limit', () => {
    expect(effectivePolicy(section, 'canary')).toEqual({ ...DEFAULTS, maxUpdatesPerPeriod: null, safeMode: true });
  });

  it('ignores keys of an override whose value is undefined', () => {
    const prod = effectivePolicy(section, 'prod');
    expect(prod.safeMode).toBe(false);
    expect(prod).toEqual({ ...DEFAULTS, maxUpdatesPerPeriod: 10, officeHours: true });
  });

  it('gives a group without an override the defaults', () => {
    expect(effectivePolicy(section, 'staging')).toEqual({ ...DEFAULTS, maxUpdatesPerPeriod: 10 });
  });
});
