/**
 * The compiler refuses what the compiled form cannot reproduce exactly, with a message that
 * names the state and the offending thing. Each test builds the smallest machine with one
 * unsupported feature and checks the message.
 */
import { assign, enqueueActions, fromPromise, raise, sendTo, setup, stateIn } from 'xstate';
import { describe, expect, it } from 'vitest';
import { compileMachine } from '../../../sim/model/machine/compile.ts';
import { delay, effect, guard, update, type MachineEvent } from '../../../sim/model/machine/define.ts';
import { MachineCompileError } from '../../../sim/model/machine/errors.ts';

type Ctx = Record<string, number>;
const base = setup({
  types: { context: {} as Ctx, events: {} as MachineEvent },
  guards: { ok: guard<Ctx, MachineEvent>(() => true), plain: () => true },
  actions: { inc: update<Ctx, MachineEvent>((c) => ({ n: c.n + 1 })), say: effect(), plainAction: () => {}, raiser: raise({ type: 'X' }) },
  delays: { wait: delay<Ctx, MachineEvent>(() => 10), plainDelay: () => 10 },
  actors: { job: fromPromise(async () => 1) },
});

function rejection(build: () => unknown, options = {}): string {
  try {
    compileMachine(build() as never, options);
  } catch (error) {
    expect(error).toBeInstanceOf(MachineCompileError);
    return (error as Error).message;
  }
  throw new Error('the compiler accepted the machine');
}

describe('compileMachine rejects what it cannot reproduce', () => {
  it('rejects parallel states, naming the state', () => {
    const message = rejection(() =>
      base.createMachine({ id: 'm', context: { n: 0 }, initial: 'a', states: { a: { type: 'parallel', states: { x: {}, y: {} } } } }),
    );
    expect(message).toMatch(/machine "m".*state 'a'.*parallel states are not supported/);
  });

  it('rejects history states', () => {
    const message = rejection(() =>
      base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { initial: 'x', states: { x: {}, h: { type: 'history' } } } } }),
    );
    expect(message).toMatch(/state 'a.h'.*history states are not supported/);
  });

  it('rejects final states', () => {
    expect(rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: {}, done: { type: 'final' } } }))).toMatch(
      /state 'done'.*final states are not supported/,
    );
  });

  it('rejects invoke', () => {
    expect(rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { invoke: { src: 'job' } } } }))).toMatch(
      /state 'a'.*invoke is not supported/,
    );
  });

  it('rejects raise, sendTo and enqueueActions, inline or registered', () => {
    expect(rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { entry: raise({ type: 'X' }) } } }))).toMatch(
      /state 'a', entry.*xstate\.raise is not supported/,
    );
    expect(rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { entry: 'raiser' } } }))).toMatch(
      /action 'raiser' is the built-in xstate\.raise/,
    );
    expect(
      rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { on: { GO: { actions: sendTo('x', { type: 'Y' }) } } } } })),
    ).toMatch(/transition on 'GO'.*xstate\.sendTo is not supported/);
    expect(
      rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { exit: enqueueActions(({ enqueue }) => enqueue('say')) } } })),
    ).toMatch(/state 'a', exit.*xstate\.enqueueActions is not supported/);
  });

  it('rejects inline functions and inline assign', () => {
    expect(rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { entry: function logIt() {} } } }))).toMatch(
      /inline action function 'logIt'/,
    );
    expect(
      rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { entry: assign({ n: 1 }) } } })),
    ).toMatch(/inline assign\(\) is not supported/);
    expect(
      rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { on: { GO: { guard: () => true, target: 'a' } } } } })),
    ).toMatch(/state 'a', transition on 'GO'.*inline guard function/);
  });

  it('rejects implementations not made with the define.ts wrappers', () => {
    expect(rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { entry: 'plainAction' } } }))).toMatch(
      /action 'plainAction' is not made with update\(\) or effect\(\)/,
    );
    expect(rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { always: { guard: 'plain', target: 'a' } } } }))).toMatch(
      /guard 'plain' is not made with guard\(\)/,
    );
    expect(rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { after: { plainDelay: 'a' } } } }))).toMatch(
      /after 'plainDelay'.*delay 'plainDelay' is not made with delay\(\)/,
    );
  });

  it('rejects missing implementations, which xstate would skip or (for a delay) raise at once', () => {
    expect(rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { entry: 'nope' as never } } }))).toMatch(
      /state 'a', entry: action 'nope' is not implemented/,
    );
    expect(
      rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { on: { GO: { guard: 'nope' as never, target: 'a' } } } } })),
    ).toMatch(/guard 'nope' is not implemented/);
    expect(rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { after: { nope: 'a' } } } }))).toMatch(
      /after delay 'nope' is not implemented/,
    );
  });

  it('rejects the stateIn guard and params', () => {
    expect(
      rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { on: { GO: { guard: stateIn('a'), target: 'a' } } } } })),
    ).toMatch(/stateIn\(\) guard is not supported/);
    expect(
      rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { entry: { type: 'say', params: { x: 1 } } } } })),
    ).toMatch(/action 'say' has params/);
  });

  it('rejects wildcard event descriptors', () => {
    expect(rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { on: { '*': 'a' } } } }))).toMatch(
      /wildcard event descriptor '\*'/,
    );
  });

  it('rejects a non-numeric or computed context and storage types that cannot hold it', () => {
    expect(rejection(() => base.createMachine({ context: { n: 0, name: 'x' } as never, initial: 'a', states: { a: {} } }))).toMatch(
      /field 'name' is string/,
    );
    expect(rejection(() => base.createMachine({ context: () => ({ n: 0 }), initial: 'a', states: { a: {} } }))).toMatch(/context function/);
    expect(rejection(() => base.createMachine({ context: { n: 300 }, initial: 'a', states: { a: {} } }), { fields: { n: 'u8' } })).toMatch(
      /field 'n' starts at 300, which a u8 column cannot hold/,
    );
    expect(rejection(() => base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: {} } }), { fields: { m: 'u8' } })).toMatch(
      /options\.fields names 'm'/,
    );
  });

  it('rejects nesting deeper than maxDepth', () => {
    const machine = () =>
      base.createMachine({ context: { n: 0 }, initial: 'a', states: { a: { initial: 'b', states: { b: { initial: 'c', states: { c: {} } } } } } });
    expect(rejection(machine, { maxDepth: 2 })).toMatch(/state 'a.b.c'.*deeper than 2 levels/);
    expect(compileMachine(machine(), { maxDepth: 3 }).stateNames).toEqual(['a.b.c']);
  });
});
