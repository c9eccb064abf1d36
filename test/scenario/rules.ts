// The scenario validation rules as data: for each rule, a small file that breaks it alone and
// the one located error it must get (test/scenario/rules.test.ts; columns counted by hand: line
// 1 is `name`, line 2 `duration`, the case's lines follow). Shared with fresh-schema.test.ts.

/** [rule (file, schema), the file's lines after name and duration, the one error expected]. */
export const RULES: Array<[string, string[], string]> = [
  [
    'distinct zones (schema.ts groupSchema)',
    ['fleet:', '  groups:', '    - {name: prod, nodes: 3, zones: [a, b, a]}'],
    'test.yaml:5:37: fleet.groups[0].zones: expected distinct zones, found "a" twice',
  ],
  [
    'unique group names (schema.ts fleetSchema)',
    ['fleet:', '  groups:', '    - {name: prod, nodes: 3}', '    - {name: prod, nodes: 4}'],
    'test.yaml:6:14: fleet.groups[1].name: expected unique group names, found "prod" again',
  ],
  [
    'updateCheck fuzz <= interval (schema.ts fleetSchema)',
    ['fleet:', '  updateCheck: {interval: 10m, fuzz: 11m}'],
    'test.yaml:4:38: fleet.updateCheck.fuzz: expected fuzz <= interval (600000ms), found 660000ms',
  ],
  [
    'election timeout > heartbeat (schema.ts etcdSchema)',
    ['etcd: {members: 3, heartbeat: 500ms, electionTimeout: 500ms}'],
    'test.yaml:3:55: etcd.electionTimeout: expected an election timeout longer than the heartbeat (500ms), found 500ms',
  ],
  [
    'horizon at most 366d (schema.ts)',
    ['duration: 367d'],
    'test.yaml:2:11: duration: expected a horizon of at most 366d, found 31708800000ms',
  ],
  [
    'range max >= min (fields.ts durationRangeMs)',
    ['faults:', '  - {at: {min: 2h, max: 1h}, kind: server-outage, duration: 1h}'],
    'test.yaml:4:25: faults[0].at.max: expected max >= min, found min 7200000ms > max 3600000ms',
  ],
  [
    'IANA time zone (fields.ts)',
    ['policy:', '  default: {timezone: Mars/Olympus}'],
    'test.yaml:4:23: policy.default.timezone: expected an IANA time zone like UTC or Europe/Berlin, found "Mars/Olympus"',
  ],
  [
    'non-empty name (fields.ts)',
    ['fleet:', '  groups:', '    - {name: " ", nodes: 3}'],
    'test.yaml:5:14: fleet.groups[0].name: expected a non-empty group name, found ""',
  ],
  [
    'positive duration (fields.ts positiveDurationMs)',
    ['fleet:', '  updateCheck: {interval: 0s}'],
    'test.yaml:4:27: fleet.updateCheck.interval: expected a duration greater than 0, found "0s"',
  ],
  [
    'at least one selector (faults.ts targetSchema)',
    ['fleet:', '  groups:', '    - {name: prod, nodes: 3}', 'faults:', '  - {at: 1h, kind: node-crash, target: {}}'],
    'test.yaml:7:40: faults[0].target: expected at least one selector (group, zone, count, fraction, nodes, etcd), found none',
  ],
  [
    'count or fraction (faults.ts targetSchema)',
    ['fleet:', '  groups:', '    - {name: prod, nodes: 3}', 'faults:', '  - {at: 1h, kind: node-crash, target: {count: 1, fraction: 0.5}}'],
    'test.yaml:7:61: faults[0].target.fraction: expected count or fraction, found both',
  ],
  [
    'nodes or count (faults.ts targetSchema)',
    ['fleet:', '  groups:', '    - {name: prod, nodes: 3}', 'faults:', '  - {at: 1h, kind: node-crash, target: {nodes: [1], count: 1}}'],
    'test.yaml:7:48: faults[0].target.nodes: expected nodes or count/fraction, found both (nodes already says how many)',
  ],
  [
    'etcd alone (faults.ts targetSchema)',
    ['etcd: {members: 3}', 'faults:', '  - {at: 1h, kind: etcd-kill, target: {etcd: 1, zone: a}}'],
    'test.yaml:5:46: faults[0].target.etcd: expected etcd alone (an etcd member is not picked from nodes), found it with node selectors',
  ],
  [
    'node target, not etcd (faults.ts nodeTarget)',
    ['etcd: {members: 3}', 'faults:', '  - {at: 1h, kind: node-crash, target: {etcd: 1}}'],
    'test.yaml:5:47: faults[0].target.etcd: expected a node target (group, zone, count, fraction, nodes), found etcd (use etcd-kill for members)',
  ],
  [
    'etcd target (faults.ts etcdTarget)',
    ['etcd: {members: 3}', 'fleet:', '  groups:', '    - {name: prod, nodes: 3}', 'faults:', '  - {at: 1h, kind: etcd-kill, target: {group: prod}}'],
    'test.yaml:8:39: faults[0].target: expected an etcd target like {etcd: leader} or {etcd: 2}, found node selectors',
  ],
  [
    'partition member syntax (faults.ts parsePartitionMember)',
    ['faults:', '  - {at: 1h, kind: partition, sides: [[zone:a], [moon:b]], duration: 1h}'],
    'test.yaml:4:50: faults[0].sides[1][0]: expected zone:NAME, group:NAME, node:INDEX, etcd:INDEX, etcd:leader or server, found "moon:b"',
  ],
  [
    'power loss by zone or group (faults.ts)',
    ['fleet:', '  groups:', '    - {name: prod, nodes: 3}', 'faults:', '  - {at: 1h, kind: power-loss, target: {count: 2}, duration: 1h}'],
    'test.yaml:7:40: faults[0].target: expected a zone or a group (power is lost by a whole zone or group)',
  ],
  [
    'fuzz count max >= min (fuzz.ts intRange)',
    ['fuzz:', '  count: {min: 5, max: 2}'],
    'test.yaml:4:24: fuzz.count.max: expected max >= min, found min 5 > max 2',
  ],
  [
    'fuzz fraction range max >= min (fuzz.ts fractionRange)',
    ['fuzz:', '  kinds:', '    - {kind: message-loss, probability: {min: 0.5, max: 0.1}}'],
    'test.yaml:5:57: fuzz.kinds[0].probability.max: expected max >= min, found min 0.5 > max 0.1',
  ],
  [
    'fuzz signed range max >= min (fuzz.ts signedRange)',
    ['fuzz:', '  kinds:', '    - {kind: clock-skew, skew: {min: 1h, max: -1h}}'],
    'test.yaml:5:47: fuzz.kinds[0].skew.max: expected max >= min, found min 3600000ms > max -3600000ms',
  ],
  [
    'fuzz kind uses only its fields (fuzz.ts)',
    ['fuzz:', '  kinds:', '    - {kind: etcd-restart, duration: 1h}'],
    'test.yaml:5:38: fuzz.kinds[0].duration: etcd-restart does not use "duration" (its fields: none)',
  ],
  [
    'fuzz count or every (fuzz.ts)',
    ['fuzz:', '  count: 3', '  every: 1h'],
    'test.yaml:5:10: fuzz.every: expected count or every, found both',
  ],
  [
    'window day once (window.ts)',
    ['reboot: {strategy: reboot, window: {days: [Mon, Mon], start: "01:00", length: 2h}}'],
    'test.yaml:3:43: reboot.window.days: expected each day at most once, found a day listed twice',
  ],
  [
    'window at most 1w (window.ts)',
    ['reboot: {strategy: reboot, window: {days: [Mon], start: "01:00", length: 8d}}'],
    'test.yaml:3:74: reboot.window.length: expected a window of at most 1w, found 691200000ms',
  ],
  [
    'window day name (window.ts)',
    ['reboot: {strategy: reboot, window: {days: [Funday], start: "01:00", length: 2h}}'],
    'test.yaml:3:44: reboot.window.days[0]: expected a day like Mon or Thursday, found "Funday"',
  ],
  [
    'window time of day (window.ts)',
    ['reboot: {strategy: reboot, window: {days: [Mon], start: "25:00", length: 2h}}'],
    'test.yaml:3:57: reboot.window.start: expected a time of day from "00:00" to "23:59", found "25:00"',
  ],
  [
    'fault group exists (references.ts)',
    ['fleet:', '  groups:', '    - {name: prod, nodes: 3}', 'faults:', '  - {at: 1h, kind: node-crash, target: {group: canary}}'],
    'test.yaml:7:48: faults[0].target.group: expected a group of fleet.groups (prod), found "canary"',
  ],
  [
    'fault zone exists (references.ts)',
    ['fleet:', '  groups:', '    - {name: prod, nodes: 3, zones: [a]}', 'faults:', '  - {at: 1h, kind: node-crash, target: {zone: b}}'],
    'test.yaml:7:47: faults[0].target.zone: expected a zone of fleet.groups (a), found "b"',
  ],
  [
    'node index below fleet size (references.ts)',
    ['fleet:', '  groups:', '    - {name: prod, nodes: 3}', 'faults:', '  - {at: 1h, kind: node-crash, target: {nodes: [3]}}'],
    'test.yaml:7:49: faults[0].target.nodes[0]: expected a node index below the fleet size 3, found 3',
  ],
  [
    'etcd member exists (references.ts)',
    ['etcd: {members: 3}', 'faults:', '  - {at: 1h, kind: etcd-kill, target: {etcd: 3}}'],
    'test.yaml:5:46: faults[0].target.etcd: expected an etcd member index below etcd.members (3), found 3',
  ],
  [
    'etcd cluster exists for etcd faults (references.ts)',
    ['faults:', '  - {at: 1h, kind: etcd-kill, target: {etcd: 0}}'],
    'test.yaml:4:46: faults[0].target.etcd: expected an etcd cluster (etcd.members >= 1), found etcd.members 0',
  ],
  [
    'within the horizon (references.ts)',
    ['faults:', '  - {at: 2d, kind: server-outage, duration: 1h}'],
    'test.yaml:4:10: faults[0].at: expected the fault within the horizon (duration 86400000ms), found 172800000ms',
  ],
  [
    'etcd members for a lock strategy (references.ts)',
    ['reboot: {strategy: etcd-lock}'],
    'test.yaml:1:1: etcd.members: expected etcd.members >= 1 because reboot.strategy is etcd-lock, found 0',
  ],
  [
    'members at most the fleet with placement fleet (references.ts)',
    ['etcd: {members: 5, placement: fleet}', 'fleet:', '  groups:', '    - {name: prod, nodes: 3}'],
    'test.yaml:3:17: etcd.members: expected at most 3 members (the fleet size) with placement: fleet, found 5',
  ],
  [
    'hardware class of the fleet (references.ts)',
    ['fleet:', '  groups:', '    - {name: prod, nodes: 3, hardware: gen1}', 'releases:', '  - {version: 3815.2.0, at: 1h, bootFailureProbability: {gen2: 1}}'],
    'test.yaml:7:58: releases[0].bootFailureProbability.gen2: expected a hardware class of fleet.groups (gen1) or default, found "gen2"',
  ],
  [
    'unique release versions (references.ts)',
    ['releases:', '  - {version: 3815.2.0, at: 1h}', '  - {version: 3815.2.0, at: 2h}'],
    'test.yaml:5:15: releases[1].version: expected unique release versions, found "3815.2.0" again (first at releases[0].version)',
  ],
  [
    'zone of the group (references.ts)',
    ['fleet:', '  groups:', '    - {name: prod, nodes: 3, zones: [a]}', '    - {name: dev, nodes: 3, zones: [b]}', 'faults:', '  - {at: 1h, kind: node-crash, target: {group: prod, zone: b}}'],
    'test.yaml:8:60: faults[0].target.zone: expected a zone of group prod (a), found "b"',
  ],
  [
    'count at most the fleet (references.ts)',
    ['fleet:', '  groups:', '    - {name: prod, nodes: 3}', 'faults:', '  - {at: 1h, kind: node-crash, target: {count: 4}}'],
    'test.yaml:7:48: faults[0].target.count: expected a count of at most the fleet size 3, found 4',
  ],
  [
    'etcd scope needs etcd (references.ts)',
    ['faults:', '  - {at: 1h, kind: message-loss, probability: 0.5, scope: etcd, duration: 1h}'],
    'test.yaml:4:59: faults[0].scope: expected an etcd cluster for scope etcd (etcd.members >= 1), found etcd.members 0',
  ],
  [
    'lock-holder-dies needs a lock (references.ts)',
    ['fleet:', '  groups:', '    - {name: prod, nodes: 3}', 'faults:', '  - {at: 1h, kind: lock-holder-dies}'],
    'test.yaml:7:20: faults[0].kind: expected a reboot lock (reboot.strategy etcd-lock or fleet-lock or daemonset-lock), found strategy reboot',
  ],
  [
    'rate greater than 0 (fields.ts rateBps)',
    ['server: {bandwidth: 0Gbps}'],
    'test.yaml:3:21: server.bandwidth: expected a rate greater than 0, found "0Gbps"',
  ],
  [
    'a flapping blocker stops: duration < every (reboot.ts blockerSchema)',
    ['reboot: {agent: kured, alerts: [{at: 0s, duration: 1h, every: 1h}]}'],
    'test.yaml:3:52: reboot.alerts[0].duration: expected duration < every (3600000ms) for a blocker that stops, found 3600000ms',
  ],
  [
    'zincati periodic needs a window (reboot.ts; zincati src/strategy/periodic.rs: weekly calendar length is zero)',
    ['reboot: {agent: zincati, strategy: periodic}'],
    'test.yaml:3:9: reboot.window: expected a reboot window for zincati strategy periodic (its updates.periodic.window), found none',
  ],
  [
    'zincati periodic: no fleet group drops the window (reboot.ts)',
    ['fleet:', '  groups:', '    - {name: prod, nodes: 3}', 'reboot:', '  agent: zincati', '  strategy: periodic', '  window: {days: [Sat], start: "02:00", length: 2h}', '  groups: {prod: {window: null}}'],
    'test.yaml:10:27: reboot.groups.prod.window: expected a reboot window for zincati strategy periodic, found null',
  ],
];

export function fileOf(body: string[]): string {
  // The horizon rule replaces the duration line; every other case keeps `duration: 1d`.
  const head = body[0].startsWith('duration:') ? ['name: rules'] : ['name: rules', 'duration: 1d'];
  return `${[...head, ...body].join('\n')}\n`;
}
