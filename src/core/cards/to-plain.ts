import { isMap, isPair, isScalar, isSeq } from 'yaml';
import { deref, type Ctx } from './ast.js';

/**
 * Plain data from parsed nodes (for the toolkit's JSON Schema). Recursion is safe: the parser
 * refused anything nested deeper than MAX_DEPTH, and alias bombs.
 */
export function toPlain(node: unknown, ctx: Ctx): unknown {
  const n = deref(node, ctx);
  if (isScalar(n)) return n.value;
  if (isSeq(n)) return n.items.map((item) => toPlain(item, ctx));
  if (isMap(n)) {
    const out: Record<string, unknown> = {};
    for (const pair of n.items) {
      if (!isPair(pair)) continue;
      const key = String(toPlain(pair.key, ctx));
      const value = toPlain(pair.value, ctx);
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
    }
    return out;
  }
  return null;
}
