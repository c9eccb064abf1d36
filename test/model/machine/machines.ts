/**
 * Machines for the compiler's tests, written as the model's machines are (setup + define.ts
 * wrappers), each aimed at a part of xstate 5.33's semantics the compiled form must copy, and
 * the arbitraries of their external events (random numeric payloads).
 */
import fc from 'fast-check';
import { and, not, or, setup } from 'xstate';
import { delay, effect, guard, update, type MachineEvent } from '../../../sim/model/machine/define.ts';

type Ctx = Record<string, number>;
const num = (event: MachineEvent, field: string): number => {
  const value = event[field];
  return typeof value === 'number' ? value : 0;
};
const ev = (type: string, fields: Record<string, fc.Arbitrary<number>> = {}): fc.Arbitrary<MachineEvent> =>
  fc.record(fields).map((values) => ({ type, ...values }));
const small = fc.integer({ min: 0, max: 100 });

/**
 * An update_engine-like cycle (update_attempter.cc: IDLE -> CHECKING_FOR_UPDATE -> DOWNLOADING ->
 * VERIFYING -> FINALIZING -> UPDATED_NEED_REBOOT) with nested states, guards tried in order,
 * targetless transitions, a delay computed from context updated earlier in the same step,
 * numeric `after` keys, a zero delay, `always` in a nested state, `#id` targets, a reentering
 * parent and root-level transitions.
 */
export const updateCycleMachine = setup({
  types: { context: {} as Ctx, events: {} as MachineEvent },
  guards: {
    updateAvailable: guard<Ctx, MachineEvent>((_c, e) => num(e, 'available') > 50),
    bigPayload: guard<Ctx, MachineEvent>((_c, e) => num(e, 'size') > 20),
    progressDone: guard<Ctx, MachineEvent>((c, e) => c.progress + num(e, 'pct') >= 60),
    hasErrors: guard<Ctx, MachineEvent>((c) => c.errors > 2),
    flagSet: guard<Ctx, MachineEvent>((c) => c.flag === 1),
    checkedOften: guard<Ctx, MachineEvent>((c) => c.checks % 3 === 0),
  },
  actions: {
    countCheck: update<Ctx, MachineEvent>((c) => ({ checks: c.checks + 1, delayMs: 100 + ((c.checks * 37) % 500) })),
    recordPayload: update<Ctx, MachineEvent>((c, e) => ({ lastPayload: num(e, 'size'), progress: 0, checks: c.checks })),
    addProgress: update<Ctx, MachineEvent>((c, e) => ({ progress: c.progress + num(e, 'pct') })),
    noteError: update<Ctx, MachineEvent>((c) => ({ errors: c.errors + 1 })),
    clearErrors: update<Ctx, MachineEvent>(() => ({ errors: 0 })),
    setFlag: update<Ctx, MachineEvent>((_c, e) => ({ flag: num(e, 'on') > 50 ? 1 : 0 })),
    clearFlag: update<Ctx, MachineEvent>(() => ({ flag: 0 })),
    sendCheck: effect(),
    report: effect(),
    ping: effect(),
    markGood: effect(),
  },
  delays: {
    checkDelay: delay<Ctx, MachineEvent>((c) => c.delayMs * 2),
    responseTimeout: delay<Ctx, MachineEvent>((c) => c.delayMs),
    downloadTimeout: delay<Ctx, MachineEvent>((c) => 3000 + c.lastPayload * 10),
  },
}).createMachine({
  id: 'm',
  context: { checks: 0, delayMs: 1000, progress: 0, errors: 0, lastPayload: 0, flag: 0 },
  initial: 'idle',
  on: {
    RESET: { target: '.idle', actions: ['clearErrors'] },
    FLAG: { actions: ['setFlag'] },
  },
  states: {
    idle: {
      after: { checkDelay: 'checking' },
      on: { CHECK_NOW: 'checking' },
    },
    checking: {
      entry: ['countCheck', 'sendCheck'],
      after: { responseTimeout: { target: 'idle', actions: ['noteError', 'report'] } },
      on: {
        RESPONSE: [
          { guard: 'updateAvailable', target: 'downloading', actions: ['recordPayload'] },
          { guard: 'bigPayload', actions: ['recordPayload', 'report'] },
          { guard: 'checkedOften', target: 'checking', reenter: true },
          { target: 'idle' },
        ],
      },
    },
    downloading: {
      initial: 'fetching',
      entry: ['report'],
      exit: ['report'],
      after: { downloadTimeout: { target: '#m.reporting', actions: ['noteError'] } },
      on: { ERROR: { target: '#m.reporting', actions: ['noteError'] } },
      states: {
        fetching: {
          on: {
            PROGRESS: [{ guard: 'progressDone', target: 'verifying', actions: ['addProgress'] }, { actions: ['addProgress'] }],
          },
          after: { 2000: { actions: ['report'] }, 500: { actions: ['ping'] } },
        },
        verifying: { after: { 0: 'finalizing' } },
        finalizing: {
          always: [{ guard: 'hasErrors', target: '#m.reporting' }, { target: '#m.needReboot' }],
        },
      },
    },
    reporting: {
      entry: ['report'],
      exit: ['clearErrors'],
      after: { 10: 'idle' },
    },
    needReboot: {
      on: { REBOOT: 'running', CHECK_NOW: { actions: ['ping'] } },
    },
    running: {
      initial: 'fresh',
      on: { RESET: { target: 'running', reenter: true }, CHECK_NOW: '.good' },
      states: {
        fresh: {
          after: { 4500: { target: 'good', actions: ['markGood'] }, 1000: { target: 'fresh', reenter: true, guard: 'checkedOften' } },
        },
        good: {
          always: { guard: 'flagSet', target: '#m.idle', actions: ['clearFlag'] },
        },
      },
    },
  },
});

export const updateCycleEvents = [
  ev('CHECK_NOW'),
  { arbitrary: ev('RESPONSE', { available: small, size: small }), weight: 3 },
  { arbitrary: ev('PROGRESS', { pct: fc.integer({ min: 0, max: 100 }) }), weight: 3 },
  ev('ERROR'),
  { arbitrary: ev('REBOOT'), weight: 2 },
  ev('RESET'),
  ev('FLAG', { on: small }),
  ev('UNKNOWN_EVENT'),
];

/**
 * Eventless transitions and reentry: a targetless `always` with an update loops while its guard
 * holds (xstate reselects because the snapshot changed); one with an effect only runs once per
 * step; `always` at the root; guard combinators; self transitions with and without `reenter`.
 */
export const alwaysMachine = setup({
  types: { context: {} as Ctx, events: {} as MachineEvent },
  guards: {
    below: guard<Ctx, MachineEvent>((c) => c.n < c.limit),
    modeOdd: guard<Ctx, MachineEvent>((c) => c.mode % 2 === 1),
    hitsHigh: guard<Ctx, MachineEvent>((c) => c.hits >= 3),
    hitsHuge: guard<Ctx, MachineEvent>((c) => c.hits >= 5),
    nPositive: guard<Ctx, MachineEvent>((c) => c.n > 0),
    notOddOrBusy: not(or(['modeOdd', 'nPositive'])),
  },
  actions: {
    inc: update<Ctx, MachineEvent>((c) => ({ n: c.n + 1 })),
    setLimit: update<Ctx, MachineEvent>((_c, e) => ({ limit: num(e, 'v') % 8, n: 0 })),
    setMode: update<Ctx, MachineEvent>((_c, e) => ({ mode: num(e, 'v') % 4 })),
    bumpHits: update<Ctx, MachineEvent>((c) => ({ hits: c.hits + 1 })),
    resetN: update<Ctx, MachineEvent>(() => ({ n: 0 })),
    resetHits: update<Ctx, MachineEvent>(() => ({ hits: 0 })),
    enterA: effect(),
    exitA: effect(),
    enterB: effect(),
    enterC: effect(),
    exitC: effect(),
    note: effect(),
  },
}).createMachine({
  id: 'always',
  context: { n: 0, limit: 2, mode: 0, hits: 0 },
  initial: 'a',
  always: { guard: 'hitsHuge', actions: ['resetHits', 'note'] },
  states: {
    a: {
      entry: ['enterA'],
      exit: ['exitA'],
      always: [{ guard: 'below', actions: ['inc'] }],
      on: {
        SET: { actions: ['setLimit'] },
        GO: 'b',
        SELF: { target: 'a', actions: ['note'] },
        SELF_RE: { target: 'a', reenter: true, actions: ['note'] },
        MODE: { actions: ['setMode'] },
      },
    },
    b: {
      entry: ['enterB', 'bumpHits'],
      always: { guard: and(['modeOdd', not('hitsHigh')]), target: 'c' },
      after: { 300: 'a' },
      on: { GO: 'a', MODE: { actions: ['setMode'] }, SELF_RE: { target: 'b', reenter: true } },
    },
    c: {
      entry: ['enterC', 'bumpHits'],
      exit: ['exitC'],
      always: [{ guard: 'hitsHigh', target: 'a', actions: ['resetN'] }, { guard: 'notOddOrBusy', actions: ['note'] }],
      on: { GO: 'b', TICK: { actions: ['note'] }, MODE: { actions: ['setMode'] } },
    },
  },
});

export const alwaysEvents = [
  ev('SET', { v: small }),
  ev('GO'),
  ev('SELF'),
  ev('SELF_RE'),
  ev('MODE', { v: small }),
  ev('TICK'),
];

/**
 * Three levels of nesting with entry and exit effects on every level and timers on every level
 * (including ties: a parent's and a child's timer due at the same time), transitions to a
 * descendant, to an ancestor, across subtrees, with `reenter` at the root (which exits and
 * re-enters the root itself), and a delay that an update of the same step changes.
 */
export const deepMachine = setup({
  types: { context: {} as Ctx, events: {} as MachineEvent },
  guards: {
    kOdd: guard<Ctx, MachineEvent>((c) => c.k % 2 === 1),
  },
  actions: {
    enterRoot: effect(),
    exitRoot: effect(),
    enterP: effect(),
    exitP: effect(),
    enterP1: effect(),
    exitP1: effect(),
    enterP1a: effect(),
    exitP1a: effect(),
    enterP1b: effect(),
    enterP2: effect(),
    exitP2: effect(),
    enterQ: effect(),
    tick: effect(),
    setT: update<Ctx, MachineEvent>((c, e) => ({ t: (c.t + num(e, 'v') * 7) % 400 })),
    incK: update<Ctx, MachineEvent>((c) => ({ k: (c.k + 1) % 250 })),
    setK: update<Ctx, MachineEvent>((_c, e) => ({ k: num(e, 'v') % 250 })),
  },
  delays: {
    tDelay: delay<Ctx, MachineEvent>((c) => c.t + 1),
  },
}).createMachine({
  id: 'deep',
  context: { t: 100, k: 0 },
  initial: 'p',
  entry: ['enterRoot'],
  exit: ['exitRoot'],
  after: { 5000: { actions: ['tick'] } },
  on: {
    ROOT_RE: { target: '.p', reenter: true },
    TOP: '.q',
    K: { actions: ['setK'] },
  },
  states: {
    p: {
      initial: 'p1',
      entry: ['enterP'],
      exit: ['exitP'],
      after: { tDelay: { target: '.p2', actions: ['tick'] } },
      states: {
        p1: {
          initial: 'p1a',
          entry: ['enterP1'],
          exit: ['exitP1'],
          after: { 100: 'p2' },
          on: { IN: '.p1b', UP: '#deep.p', SIB: 'p2', SET_T: { target: '.p1b', actions: ['setT'] } },
          states: {
            p1a: {
              entry: ['enterP1a', 'setT'],
              exit: ['exitP1a'],
              after: { 100: 'p1b', tDelay: { target: '#deep.q', actions: ['incK'] } },
              on: { UP: { target: '#deep.p.p1', reenter: true }, AWAY: '#deep.q' },
            },
            p1b: {
              entry: ['enterP1b'],
              on: { BACK: 'p1a', UP: '#deep.p.p1' },
            },
          },
        },
        p2: {
          entry: ['enterP2', 'incK'],
          exit: ['exitP2'],
          after: { tDelay: 'p1' },
          on: { BACK: 'p1.p1b', SELF_RE: { target: 'p2', reenter: true, actions: ['setT'] } },
        },
      },
    },
    q: {
      entry: ['enterQ'],
      always: { guard: 'kOdd', target: 'p.p2', actions: ['incK'] },
      on: { K: { actions: ['setK'] }, BACK: 'p' },
    },
  },
});

export const deepEvents = [
  ev('ROOT_RE'),
  ev('TOP'),
  ev('K', { v: small }),
  ev('IN'),
  ev('UP'),
  ev('SIB'),
  ev('SET_T', { v: small }),
  ev('BACK'),
  ev('AWAY'),
  ev('SELF_RE', { v: small }),
];

/**
 * `after` keys in Object.keys order (integer-like keys first, ascending, then the rest), timers
 * with equal due times (their order decides which fires first), a delay function reading a
 * field that the state's own entry update (earlier in the same step) or the transition's update
 * set, small integer storage types.
 */
export const delaysMachine = setup({
  types: { context: {} as Ctx, events: {} as MachineEvent },
  guards: {
    aSmall: guard<Ctx, MachineEvent>((c) => c.a < 40),
  },
  actions: {
    setA: update<Ctx, MachineEvent>((c) => ({ a: (c.a + 10) % 60, b: (c.b + 1) % 200 })),
    setAFromEvent: update<Ctx, MachineEvent>((_c, e) => ({ a: num(e, 'v') % 60 })),
    e0: effect(),
    e10: effect(),
    e2000: effect(),
    eA: effect(),
  },
  delays: {
    aDelay: delay<Ctx, MachineEvent>((c) => c.a * 40),
    ten: 10,
  },
}).createMachine({
  id: 'delays',
  context: { a: 50, b: 0 },
  initial: 's0',
  states: {
    s0: {
      entry: ['setA'],
      after: {
        aDelay: [{ guard: 'aSmall', target: 's2', actions: ['eA'] }, { target: 's1', actions: ['eA'] }],
        2000: { target: 's1', actions: ['e2000'] },
        ten: { actions: ['e10'] },
        10: { actions: ['e10'] },
        0: { actions: ['e0'] },
      },
      on: { SETA: { target: 's0', reenter: true, actions: ['setAFromEvent'] } },
    },
    s1: {
      on: { SETA: { target: 's0', actions: ['setAFromEvent'] } },
      after: { 20: { actions: ['e0'] } },
    },
    s2: {
      after: { aDelay: 's0', 0: { target: 's1', guard: 'aSmall' } },
      on: { SETA: { actions: ['setAFromEvent'] } },
    },
  },
});

export const delaysEvents = [ev('SETA', { v: small })];
