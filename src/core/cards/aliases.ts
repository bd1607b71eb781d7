import { isAlias, isMap, isPair, isScalar, isSeq, type Alias, type Node } from 'yaml';
import { MAX_ALIAS_EXPANSION, MAX_DEPTH } from './limits.js';

/**
 * YAML aliases, resolved and measured in linear time. (`yaml`'s own `Alias.resolve` and
 * `toJS({ maxAliasCount })` scan every anchor for every alias: 30,000 harmless aliases in a
 * 1 MiB card take 20 seconds there.)
 */
export type AliasCheck =
  | { ok: true; targets: ReadonlyMap<Alias, Node> }
  | { ok: false; problem: 'expansion' | 'cycle' | 'depth'; at: Alias };

/**
 * Resolves every alias to the node of the last anchor of that name before it (YAML's rule), then
 * measures the document as aliases would expand it: more than MAX_ALIAS_EXPANSION extra nodes
 * (an alias bomb), an alias inside the node it names (a cycle), or expansion deeper than
 * MAX_DEPTH is refused.
 */
export function checkAliases(root: Node | null): AliasCheck {
  const targets = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  let first: Alias | null = null;
  let plainSize = 0;

  // Pre-order, in document order: an anchor is visible to the aliases after it.
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) {
      plainSize++; // an alias to a single value adds nothing when expanded
      first ??= node;
      const target = anchors.get(node.source);
      if (target) targets.set(node, target);
      continue;
    }
    if (isPair(node)) {
      stack.push(node.value, node.key);
      continue;
    }
    if (!isScalar(node) && !isMap(node) && !isSeq(node)) continue;
    plainSize++;
    if (node.anchor) anchors.set(node.anchor, node);
    if (isMap(node) || isSeq(node)) for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
  }
  if (!first) return { ok: true, targets };
  // Aliases of scalars add nothing when expanded (no size, depth or cycle): the measure below
  // walks the whole graph, so it runs only when some alias names a collection.
  let collection = false;
  for (const target of targets.values()) {
    if (!isScalar(target)) {
      collection = true;
      break;
    }
  }
  if (!collection) return { ok: true, targets };

  // Post-order over the graph where each alias stands for its target, with memoised size and
  // depth per node, so shared subtrees are measured once.
  const size = new Map<unknown, number>();
  const depth = new Map<unknown, number>();
  const state = new Map<unknown, 1 | 2>(); // 1: in progress, 2: done
  const work: { node: unknown; alias: Alias | null }[] = [{ node: root, alias: null }];
  while (work.length > 0) {
    const top = work[work.length - 1]!;
    const node = isAlias(top.node) ? targets.get(top.node) : top.node;
    const via = isAlias(top.node) ? top.node : top.alias;
    if (node === undefined || node === null) {
      work.pop();
      continue;
    }
    const s = state.get(node);
    if (s === 2) {
      work.pop();
      continue;
    }
    const children = childrenOf(node);
    if (s === undefined) {
      state.set(node, 1);
      for (const child of children) {
        const target = isAlias(child) ? targets.get(child) : child;
        if (target !== undefined && target !== null && state.get(target) === 1) return { ok: false, problem: 'cycle', at: (isAlias(child) ? child : via) ?? first };
        if (target !== undefined && target !== null && state.get(target) === undefined) work.push({ node: child, alias: via });
      }
      continue;
    }
    // All children are measured.
    let total = isScalar(node) ? 1 : isPair(node) ? 0 : 1;
    let deepest = 0;
    for (const child of children) {
      const target = isAlias(child) ? targets.get(child) : child;
      total += size.get(target) ?? 0;
      deepest = Math.max(deepest, depth.get(target) ?? 0);
    }
    const own = isMap(node) || isSeq(node) ? 1 : 0;
    size.set(node, Math.min(total, Number.MAX_SAFE_INTEGER));
    depth.set(node, deepest + own);
    state.set(node, 2);
    work.pop();
    if (total - plainSize > MAX_ALIAS_EXPANSION) return { ok: false, problem: 'expansion', at: via ?? first };
    if (deepest + own > MAX_DEPTH) return { ok: false, problem: 'depth', at: via ?? first };
  }
  return { ok: true, targets };
}

function childrenOf(node: unknown): unknown[] {
  if (isMap(node) || isSeq(node)) return node.items;
  if (isPair(node)) return [node.key, node.value];
  return [];
}
