import { assert, fail } from '../../engine/assert.ts';
import type { XNode, XTransition } from './xstate-node.ts';

/**
 * xstate 5.33's microstep rules for one transition of a machine without parallel, history or
 * final states, ported from its `stateUtils` (`getTransitionDomain`, `computeExitSet`,
 * `computeEntrySet`, `addDescendantStatesToEnter`, `addAncestorStatesToEnter`, which follow the
 * SCXML algorithm, https://www.w3.org/TR/scxml/#AlgorithmforSCXMLInterpretation). The compiler
 * runs them once per (active atomic state, transition) to build a plan; the differential test
 * checks the result against xstate's own interpreter.
 */

/** True when `child` is a strict descendant of `parent`; every node is below `undefined`. */
export function isDescendant(child: XNode, parent: XNode | undefined): boolean {
  let marker = child;
  while (marker.parent !== undefined && marker.parent !== parent) marker = marker.parent;
  return marker.parent === parent;
}

/** Ancestors of `node` from its parent upwards, stopping before `toNode` (all when undefined). */
export function properAncestors(node: XNode, toNode: XNode | undefined): XNode[] {
  const ancestors: XNode[] = [];
  if (toNode === node) return ancestors;
  for (let m = node.parent; m !== undefined && m !== toNode; m = m.parent) ancestors.push(m);
  return ancestors;
}

/** The active configuration when `atomic` is active: the atomic state and all its ancestors. */
export function activeChain(atomic: XNode): XNode[] {
  return [atomic, ...properAncestors(atomic, undefined)];
}

/** The atomic state reached by entering `node` by default (following `initial`). */
export function initialAtomic(node: XNode): XNode {
  let current = node;
  for (let depth = 0; current.type === 'compound'; depth++) {
    if (!(depth < 64)) fail(`initial states of ${node.id} nest too deep`);
    const next = current.initial.target[0];
    if (!(next !== undefined)) fail(`compound state ${current.id} has no initial state`);
    current = next;
  }
  return current;
}

function leastCommonAncestor(nodes: readonly XNode[]): XNode | undefined {
  const [head, ...tail] = nodes;
  for (const ancestor of properAncestors(head, undefined)) {
    if (tail.every((node) => isDescendant(node, ancestor))) return ancestor;
  }
  return undefined;
}

/** `getTransitionDomain`: the node whose descendants the transition exits and enters. */
export function transitionDomain(t: XTransition): XNode | undefined {
  const targets = t.target ?? [];
  if (!t.reenter && targets.every((target) => target === t.source || isDescendant(target, t.source))) {
    return t.source;
  }
  const lca = leastCommonAncestor([...targets, t.source]);
  if (lca !== undefined) return lca;
  if (t.reenter) return undefined;
  let root = t.source;
  while (root.parent !== undefined) root = root.parent;
  return root;
}

/** `computeExitSet` for one transition, deepest (highest document order) first. */
export function exitSet(t: XTransition, active: readonly XNode[]): XNode[] {
  if (t.target === undefined || t.target.length === 0) return [];
  const domain = transitionDomain(t);
  const exits = new Set<XNode>();
  if (t.reenter && t.source === domain) exits.add(domain);
  for (const node of active) if (isDescendant(node, domain)) exits.add(node);
  return [...exits].sort((a, b) => b.order - a.order);
}

function addDescendantsToEnter(node: XNode, enter: Set<XNode>): void {
  if (node.type !== 'compound') return;
  const initial = node.initial.target[0];
  if (!(initial !== undefined)) fail(`compound state ${node.id} has no initial state`);
  enter.add(initial);
  addDescendantsToEnter(initial, enter);
}

/** `computeEntrySet` for one transition, outermost (lowest document order) first. */
export function entrySet(t: XTransition): XNode[] {
  const targets = t.target ?? [];
  const domain = transitionDomain(t);
  const enter = new Set<XNode>();
  for (const s of targets) {
    if (t.source !== s || t.source !== domain || t.reenter) enter.add(s);
    addDescendantsToEnter(s, enter);
  }
  const reentrancyDomain = t.source.parent === undefined && t.reenter ? undefined : domain;
  for (const s of targets) {
    for (const ancestor of properAncestors(s, domain)) {
      if (reentrancyDomain === undefined || isDescendant(ancestor, reentrancyDomain)) enter.add(ancestor);
    }
  }
  return [...enter].sort((a, b) => a.order - b.order);
}

/** The atomic state active after exiting `exits` and entering `enters` from `active`. */
export function resultingAtomic(active: readonly XNode[], exits: readonly XNode[], enters: readonly XNode[]): XNode {
  const configuration = new Set(active);
  for (const node of exits) configuration.delete(node);
  for (const node of enters) configuration.add(node);
  const atomics = [...configuration].filter((node) => node.type === 'atomic');
  if (!(atomics.length === 1)) fail(`a transition must end in one atomic state, got ${atomics.map((n) => n.id).join(', ')}`);
  const atomic = atomics[0];
  // The configuration of a machine without parallel states is exactly one chain.
  const chain = activeChain(atomic);
  assert(
    chain.length === configuration.size && chain.every((node) => configuration.has(node)),
    `the configuration after a transition into ${atomic.id} is not a single chain of states`,
  );
  return atomic;
}
