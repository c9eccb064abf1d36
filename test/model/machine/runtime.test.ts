/**
 * The compiled runtime's own contract, beyond equality with xstate (compile.differential.test.ts):
 * storage, bounds, restores, stale timers and the rule that a step is atomic. Each test drives a
 * small machine through a recording host.
 */
import { setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { compileMachine } from '../../../sim/model/machine/compile.ts';
import { delay, effect, guard, update, type MachineContext, type MachineEvent } from '../../../sim/model/machine/define.ts';
import { CompiledRuntime, type RuntimeHost } from '../../../sim/model/machine/runtime.ts';

type Ctx = Record<string, number>;
const machine = setup({
  types: { context: {} as Ctx, events: {} as MachineEvent },
  guards: { always: guard<Ctx, MachineEvent>(() => true) },
  actions: {
    setN: update<Ctx, MachineEvent>((_c, e) => ({ n: Number(e.v) })),
    setGhost: update<Ctx, MachineEvent>(() => ({ ghost: 1 }) as never),
    inc: update<Ctx, MachineEvent>((c) => ({ n: c.n + 1 })),
    hello: effect(),
  },
  delays: { nDelay: delay<Ctx, MachineEvent>((c) => c.n * 1000) },
}).createMachine({
  id: 'rt',
  context: { n: 3, big: 0 },
  initial: 'idle',
  states: {
    idle: {
      entry: ['hello'],
      on: { SET: { actions: ['setN'] }, GHOST: { actions: ['setGhost'] }, WAIT: 'waiting', SPIN: 'spinning' },
    },
    waiting: { after: { nDelay: 'idle' }, on: { AGAIN: { target: 'waiting', reenter: true } } },
    spinning: { always: { guard: 'always', actions: ['inc'] } },
  },
});

class RecordingHost implements RuntimeHost {
  nextHandle = 1;
  scheduled: { instance: number; timerCode: number; delayMs: number; handle: number }[] = [];
  cancelled: number[] = [];
  effects: { instance: number; ctx: MachineContext }[] = [];
  onEffect: () => void = () => {};
  scheduleTimer(instance: number, timerCode: number, delayMs: number): number {
    const handle = this.nextHandle++;
    this.scheduled.push({ instance, timerCode, delayMs, handle });
    return handle;
  }
  cancelTimer(handle: number): void {
    this.cancelled.push(handle);
  }
  effect(instance: number, _code: number, ctx: Readonly<MachineContext>): void {
    this.effects.push({ instance, ctx: { ...ctx } });
    this.onEffect();
  }
}

function start(fields = {}) {
  const host = new RecordingHost();
  const runtime = new CompiledRuntime(compileMachine(machine, { fields }), 3, host);
  for (let i = 0; i < 3; i++) runtime.init(i);
  return { host, runtime };
}

describe('CompiledRuntime', () => {
  it('keeps one byte of state code per instance plus the columns and the timer slots', () => {
    const { runtime } = start({ n: 'u8', big: 'i32' });
    expect(runtime.states).toBeInstanceOf(Uint8Array);
    expect(runtime.bytesPerInstance).toBe(1 + 1 + 4 + 8);
  });

  it('init(instance, overrides) fills the context before entry actions run', () => {
    const { host, runtime } = start();
    runtime.init(1, { n: 7 });
    expect(host.effects.at(-1)).toEqual({ instance: 1, ctx: { n: 7, big: 0 } });
    expect(runtime.context(1)).toEqual({ n: 7, big: 0 });
    expect(runtime.context(0)).toEqual({ n: 3, big: 0 });
  });

  it('initAll(overrides) leaves every instance as init(i, overrides) does: a fill when entering the initial state runs nothing', () => {
    const quiet = setup({ types: { context: {} as Ctx, events: {} as MachineEvent } }).createMachine({
      id: 'quiet',
      context: { n: 3, big: 0 },
      initial: 'off',
      states: { off: { on: { GO: 'on' } }, on: {} },
    });
    for (const m of [quiet, machine]) {
      const compiled = compileMachine(m, { fields: {} });
      const one = new CompiledRuntime(compiled, 4, new RecordingHost());
      for (let i = 0; i < 4; i++) one.init(i, { n: 9 });
      const all = new CompiledRuntime(compiled, 4, new RecordingHost());
      // One instance moved on first: initAll starts it again too.
      all.init(2);
      all.send(2, { type: m === quiet ? 'GO' : 'WAIT' });
      all.initAll({ n: 9 });
      for (let i = 0; i < 4; i++) {
        expect(all.stateName(i)).toBe(one.stateName(i));
        expect(all.context(i)).toEqual(one.context(i));
      }
      expect(all.pendingTimers(2)).toEqual([]);
    }
    // An override that does not fit its column fails as init's does.
    const small = new CompiledRuntime(compileMachine(quiet, { fields: { n: 'u8' } }), 2, new RecordingHost());
    expect(() => small.initAll({ n: 300 })).toThrow(/n/);
  });

  it('send returns false for an event no state handles, as xstate ignores it', () => {
    const { runtime } = start();
    expect(runtime.send(0, { type: 'AGAIN' })).toBe(false);
    expect(runtime.send(0, { type: 'NOT_AN_EVENT' })).toBe(false);
    expect(runtime.send(0, { type: 'WAIT' })).toBe(true);
    expect(runtime.stateName(0)).toBe('waiting');
  });

  it('a delay sees the instance context and reentering cancels the old timer first', () => {
    const { host, runtime } = start();
    runtime.send(2, { type: 'SET', v: 2 });
    runtime.send(2, { type: 'WAIT' });
    const first = host.scheduled.at(-1)!;
    expect(first).toMatchObject({ instance: 2, delayMs: 2000 });
    runtime.send(2, { type: 'AGAIN' });
    expect(host.cancelled).toEqual([first.handle]);
    expect(runtime.pendingTimers(2)).toEqual([{ timerCode: 0, handle: host.scheduled.at(-1)!.handle }]);
  });

  it('fireTimer ignores a stale handle (lazy hosts) and fires the current one', () => {
    const { host, runtime } = start();
    runtime.send(0, { type: 'WAIT' });
    const stale = host.scheduled.at(-1)!.handle;
    runtime.send(0, { type: 'AGAIN' });
    const current = host.scheduled.at(-1)!.handle;
    expect(runtime.fireTimer(0, 0, stale)).toBe(false);
    expect(runtime.stateName(0)).toBe('waiting');
    expect(runtime.fireTimer(0, 0, current)).toBe(true);
    expect(runtime.stateName(0)).toBe('idle');
    expect(runtime.fireTimer(0, 0)).toBe(false);
  });

  it('throws when eventless transitions never settle, where xstate would loop forever', () => {
    const { runtime } = start();
    expect(() => runtime.send(0, { type: 'SPIN' })).toThrow(/more than 32 eventless \(always\) transitions/);
  });

  it('throws when an update writes a field the context does not have, or a value its column cannot hold', () => {
    const { runtime } = start({ n: 'u8' });
    expect(() => runtime.send(0, { type: 'GHOST' })).toThrow(/writes 'ghost', which is not a context field/);
    expect(() => runtime.send(1, { type: 'SET', v: 256 })).toThrow(/writes 256 to 'n', which a u8 column cannot hold/);
    expect(() => runtime.send(1, { type: 'SET', v: 2.5 })).toThrow(/u8 column cannot hold/);
    expect(() => runtime.set(1, 'n', -1)).toThrow(/u8 column cannot hold/);
    runtime.set(1, 'n', 9);
    expect(runtime.get(1, 'n')).toBe(9);
  });

  it('an effect that calls back into the runtime synchronously fails loudly', () => {
    const { host, runtime } = start();
    host.onEffect = () => runtime.send(1, { type: 'WAIT' });
    expect(() => runtime.init(0)).toThrow(/step started inside another/);
    host.onEffect = () => {};
    runtime.init(0);
    expect(runtime.stateName(0)).toBe('idle');
  });

  it.each([true, false])('a step reads its own instance and sees its own updates, in order (codegen %s)', (codegen) => {
    // Two updates and two effects in one transition: the first effect must see n after one
    // increment, the second after two; the guard reads the instance stepped, not the last one.
    const counting = setup({
      types: { context: {} as Ctx, events: {} as MachineEvent },
      guards: { small: guard<Ctx, MachineEvent>((c) => c.n < 10) },
      actions: { inc: update<Ctx, MachineEvent>((c) => ({ n: c.n + 1 })), hello: effect() },
    }).createMachine({
      id: 'counting',
      context: { n: 0, big: 0 },
      initial: 'idle',
      states: { idle: { on: { BUMP: { guard: 'small', actions: ['inc', 'hello', 'inc', 'hello'] } } } },
    });
    const host = new RecordingHost();
    const runtime = new CompiledRuntime(compileMachine(counting, { fields: { n: 'u8', big: 'i32' } }), 3, host, { codegen });
    runtime.initAll();
    runtime.set(1, 'n', 9);
    runtime.set(2, 'big', -5);
    expect(runtime.send(1, { type: 'BUMP' })).toBe(true);
    expect(runtime.send(0, { type: 'BUMP' })).toBe(true);
    expect(runtime.send(1, { type: 'BUMP' })).toBe(false); // n is 11 now: the guard refuses
    expect(host.effects).toEqual([
      { instance: 1, ctx: { n: 10, big: 0 } },
      { instance: 1, ctx: { n: 11, big: 0 } },
      { instance: 0, ctx: { n: 1, big: 0 } },
      { instance: 0, ctx: { n: 2, big: 0 } },
    ]);
    expect([runtime.context(0), runtime.context(1), runtime.context(2)]).toEqual([
      { n: 2, big: 0 },
      { n: 11, big: 0 },
      { n: 0, big: -5 },
    ]);
  });
});
