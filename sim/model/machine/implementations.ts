import { and, not, or, stateIn } from 'xstate';
import { implementationOf, type DelayFn, type UpdateFn } from './define.ts';
import type { GuardCheck } from './compiled.ts';
import { MachineCompileError } from './errors.ts';
import type { XMachine } from './xstate-node.ts';

/**
 * Recovers the plain functions behind a machine's guards, actions and delays from the markers
 * that define.ts's wrappers leave on them, and rejects everything else with a message that
 * names the state and the offending thing.
 *
 * xstate resolves a named implementation from `machine.implementations` (`evaluateGuard`,
 * `resolveAndExecuteActionsWithContext`, `resolveRaise` in its sources) and silently skips a
 * missing action, or raises an `after` event at once when its delay is missing; the compiler
 * throws instead, since either is almost always a typo.
 */

// xstate's built-in guards are functions carrying `check`; the combinators are recognised by it.
const NOT_CHECK = (not('x') as unknown as { check: unknown }).check;
const AND_CHECK = (and(['x']) as unknown as { check: unknown }).check;
const OR_CHECK = (or(['x']) as unknown as { check: unknown }).check;
const STATE_IN_CHECK = (stateIn('x') as unknown as { check: unknown }).check;

export type ResolvedAction = { kind: 'update'; name: string; fn: UpdateFn<any, any> } | { kind: 'effect'; name: string };

export type ResolvedDelay = { kind: 'constant'; delayMs: number } | { kind: 'function'; fn: DelayFn<any, any> };

const GUARD_DEPTH_MAX = 16;

export class Implementations {
  private readonly guardCache = new Map<string, GuardCheck>();

  constructor(private readonly machine: XMachine) {}

  private fail(where: string, problem: string): never {
    throw new MachineCompileError(this.machine.id, where, problem);
  }

  /** A transition's guard as a check, or null when it has none. */
  guard(guard: unknown, where: string): GuardCheck | null {
    if (guard === undefined) return null;
    return this.guardCheck(guard, where, 0);
  }

  private guardCheck(guard: unknown, where: string, depth: number): GuardCheck {
    if (depth > GUARD_DEPTH_MAX) this.fail(where, `guard combinators nest deeper than ${GUARD_DEPTH_MAX}`);
    if (typeof guard === 'string') return this.namedGuard(guard, where, depth);
    if (typeof guard === 'function') {
      const builtin = guard as unknown as { check?: unknown; guards?: unknown[] };
      if (builtin.check === NOT_CHECK) {
        const inner = this.guardCheck(builtin.guards?.[0], where, depth + 1);
        return (ctx, event) => !inner(ctx, event);
      }
      if (builtin.check === AND_CHECK || builtin.check === OR_CHECK) {
        const parts = (builtin.guards ?? []).map((g) => this.guardCheck(g, where, depth + 1));
        if (builtin.check === AND_CHECK) return (ctx, event) => parts.every((part) => part(ctx, event));
        return (ctx, event) => parts.some((part) => part(ctx, event));
      }
      if (builtin.check === STATE_IN_CHECK) this.fail(where, 'the stateIn() guard is not supported (guard on context instead)');
      if (builtin.check !== undefined) this.fail(where, 'an unknown built-in guard is not supported');
      if (implementationOf(guard) !== undefined) {
        this.fail(where, 'an inline guard() is not supported: register it by name in setup({ guards })');
      }
      this.fail(where, `the inline guard function ${describeFunction(guard)} is not supported: write it with guard() and register it in setup({ guards })`);
    }
    if (typeof guard === 'object' && guard !== null && typeof (guard as { type?: unknown }).type === 'string') {
      const { type } = guard as { type: string };
      if ('params' in guard) this.fail(where, `guard '${type}' has params, which the compiled form does not pass`);
      return this.namedGuard(type, where, depth);
    }
    return this.fail(where, `the guard ${String(guard)} is not a guard reference`);
  }

  private namedGuard(name: string, where: string, depth: number): GuardCheck {
    const cached = this.guardCache.get(name);
    if (cached !== undefined) return cached;
    const impl = this.machine.implementations.guards[name];
    if (impl === undefined) this.fail(where, `guard '${name}' is not implemented (missing from setup({ guards }))`);
    const marker = implementationOf(impl);
    let check: GuardCheck;
    if (marker?.kind === 'guard') {
      check = marker.fn as GuardCheck;
    } else if (typeof impl === 'function' && 'check' in impl) {
      check = this.guardCheck(impl, `${where} (guard '${name}')`, depth + 1);
    } else {
      return this.fail(where, `guard '${name}' is not made with guard() from sim/model/machine/define.ts`);
    }
    this.guardCache.set(name, check);
    return check;
  }

  /** A named action: an update or an effect. Timers' raise/cancel are handled by the caller. */
  action(action: unknown, where: string): ResolvedAction {
    if (typeof action === 'string') return this.namedAction(action, where);
    if (typeof action === 'function') {
      const type = (action as { type?: unknown }).type;
      if (implementationOf(action) !== undefined) {
        this.fail(where, 'an inline update()/effect() is not supported: register it by name in setup({ actions })');
      }
      if (type === 'xstate.assign') this.fail(where, 'an inline assign() is not supported: write the update with update() and register it in setup({ actions })');
      if (typeof type === 'string' && type.startsWith('xstate.')) {
        this.fail(where, `the built-in action ${type} is not supported (raise, sendTo, enqueueActions, spawn, log, emit, cancel): use a named effect() instead`);
      }
      this.fail(where, `the inline action function ${describeFunction(action)} is not supported: write it with effect() or update() and register it in setup({ actions })`);
    }
    if (typeof action === 'object' && action !== null && typeof (action as { type?: unknown }).type === 'string') {
      const { type } = action as { type: string };
      if ('params' in action) this.fail(where, `action '${type}' has params, which the compiled form does not pass`);
      return this.namedAction(type, where);
    }
    return this.fail(where, `the action ${String(action)} is not an action reference`);
  }

  private namedAction(name: string, where: string): ResolvedAction {
    const impl = this.machine.implementations.actions[name];
    if (impl === undefined) this.fail(where, `action '${name}' is not implemented (missing from setup({ actions }))`);
    const marker = implementationOf(impl);
    if (marker?.kind === 'update') return { kind: 'update', name, fn: marker.fn };
    if (marker?.kind === 'effect') return { kind: 'effect', name };
    const type = (impl as { type?: unknown }).type;
    if (typeof type === 'string' && type.startsWith('xstate.')) {
      this.fail(where, `action '${name}' is the built-in ${type}, which is not supported (raise, sendTo, enqueueActions, spawn, log, emit): use a named effect() instead`);
    }
    return this.fail(where, `action '${name}' is not made with update() or effect() from sim/model/machine/define.ts`);
  }

  /** Every action made with effect(), in setup order: effect codes do not depend on use. */
  effectNames(): string[] {
    const names: string[] = [];
    for (const [name, impl] of Object.entries(this.machine.implementations.actions)) {
      if (implementationOf(impl)?.kind === 'effect') names.push(name);
    }
    return names;
  }

  /** The delay of an `after` key: a number of ms, or a named delay made with delay(). */
  delay(delay: unknown, where: string): ResolvedDelay {
    if (typeof delay === 'number') {
      if (!(Number.isFinite(delay) && delay >= 0)) this.fail(where, `after delay ${delay} is not a finite number of ms >= 0`);
      return { kind: 'constant', delayMs: delay };
    }
    if (typeof delay !== 'string') return this.fail(where, 'an inline delay function is not supported: write it with delay() and register it in setup({ delays })');
    const impl = this.machine.implementations.delays[delay];
    if (impl === undefined) {
      this.fail(where, `after delay '${delay}' is not implemented (missing from setup({ delays }); xstate would raise the event at once)`);
    }
    if (typeof impl === 'number') {
      if (!(Number.isFinite(impl) && impl >= 0)) this.fail(where, `delay '${delay}' = ${impl} is not a finite number of ms >= 0`);
      return { kind: 'constant', delayMs: impl };
    }
    const marker = implementationOf(impl);
    if (marker?.kind === 'delay') return { kind: 'function', fn: marker.fn };
    return this.fail(where, `delay '${delay}' is not made with delay() from sim/model/machine/define.ts`);
  }
}

function describeFunction(fn: unknown): string {
  const name = (fn as { name?: unknown }).name;
  return typeof name === 'string' && name.length > 0 ? `'${name}'` : '(anonymous)';
}
