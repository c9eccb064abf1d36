/**
 * The parts of xstate 5.33's state-node structure the compiler reads.
 *
 * Public in the typings (`StateNode.d.ts`, `types.d.ts`): `states`, `type`, `entry`, `exit`,
 * `transitions`, `always`, `after`, `initial`, `invoke`, `parent`, `order`, `id`, `key`, `path`.
 * Internal but stable in 5.33: the `after` getter (run once by `StateNode._initialize`) appends
 * `raise({ type: id }, { id, delay })` to `entry` and `cancel(id)` to `exit`, with
 * `id = "xstate.after.<delay key>.<state node id>"` (`getDelayedTransitions` in xstate's
 * `stateUtils`). Typed structurally here so that the compiler does not depend on the machine's
 * generic parameters.
 */
export interface XTransition {
  readonly target?: readonly XNode[];
  readonly source: XNode;
  readonly reenter: boolean;
  readonly guard?: unknown;
  readonly actions: readonly unknown[];
  readonly eventType: string;
}

export interface XDelayedTransition extends XTransition {
  readonly delay: number | string | ((...args: never[]) => number);
}

export interface XNode {
  readonly id: string;
  readonly key: string;
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  readonly order: number;
  readonly parent?: XNode;
  readonly path: readonly string[];
  readonly states: Readonly<Record<string, XNode>>;
  readonly entry: readonly unknown[];
  readonly exit: readonly unknown[];
  readonly transitions: ReadonlyMap<string, readonly XTransition[]>;
  readonly always?: readonly XTransition[];
  readonly after: readonly XDelayedTransition[];
  readonly initial: { readonly target: readonly XNode[]; readonly actions: readonly unknown[] };
  readonly invoke: readonly unknown[];
  readonly config: Readonly<Record<string, unknown>>;
}

export interface XImplementations {
  readonly actions: Readonly<Record<string, unknown>>;
  readonly guards: Readonly<Record<string, unknown>>;
  readonly delays: Readonly<Record<string, unknown>>;
  readonly actors: Readonly<Record<string, unknown>>;
}

export interface XMachine {
  readonly id: string;
  readonly root: XNode;
  readonly config: Readonly<Record<string, unknown>>;
  readonly implementations: XImplementations;
}

/** The event xstate sends when an `after` timer of `stateId` with this delay key is due. */
export function afterEventType(delayKey: number | string, stateId: string): string {
  return `xstate.after.${delayKey}.${stateId}`;
}

/** Dotted path of a state node below the root, as used for state names: `running.fresh`. */
export function pathName(node: XNode): string {
  return node.path.join('.');
}
