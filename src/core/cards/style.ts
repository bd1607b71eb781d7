import { isMap, isPair, isScalar, isSeq, Scalar, type Node } from 'yaml';
import type { Ctx } from './ast.js';
import { finding } from './finding.js';
import { quote } from './quote.js';

// Plain scalars that YAML 1.2 (this parser, the Hub's) reads as strings but YAML 1.1 parsers
// (PyYAML, which huggingface_hub and most Python tooling use) read as booleans.
const YAML11_BOOLEAN = /^(?:y|n|yes|no|on|off)$/i;
const YAML11_TRUE = /^(?:y|yes|on)$/i;

/**
 * YAML that parses here but means something else, or fails, in other parsers: YAML 1.1 booleans
 * and tab characters. One pass over every node of the metadata (aliases are not followed).
 */
export function checkYamlPortability(root: Node | null, text: string, ctx: Ctx): void {
  const hasTabs = text.includes('\t');
  const scalarRanges: [number, number][] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isScalar(node)) {
      if (hasTabs && node.range) scalarRanges.push([node.range[0], node.range[1]]);
      if (node.type === Scalar.PLAIN && typeof node.value === 'string' && node.value.length <= 3 && YAML11_BOOLEAN.test(node.value)) {
        const v = node.value;
        const at = node.range ? ctx.map.at(node.range[0]) : ctx.map.start();
        if (ctx.findings.skip('card/yaml11-boolean', at)) continue;
        ctx.findings.push(
          finding(
            'card/yaml11-boolean',
            at,
            `Unquoted ${quote(v)} is the text ${quote(v)} here, but the boolean ${YAML11_TRUE.test(v)} to YAML 1.1 parsers such as PyYAML.`,
            `Quote it ("${v}") if you mean the text, or write ${YAML11_TRUE.test(v)} if you mean a boolean.`,
          ),
        );
      }
    } else if (isMap(node) || isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
    } else if (isPair(node)) {
      stack.push(node.value, node.key);
    }
  }
  if (hasTabs) checkTabs(text, scalarRanges, ctx);
}

/** Tabs outside scalar text and comments: YAML 1.2 allows some, other parsers reject them. */
function checkTabs(text: string, scalarRanges: [number, number][], ctx: Ctx): void {
  scalarRanges.sort((a, b) => a[0] - b[0]);
  const inScalar = (offset: number): boolean => {
    let lo = 0;
    let hi = scalarRanges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [start, end] = scalarRanges[mid]!;
      if (offset < start) hi = mid - 1;
      else if (offset >= end) lo = mid + 1;
      else return true;
    }
    return false;
  };
  // One pass: each line is located once and scanned for a comment start at most once, so a
  // megabyte of tabs on one line stays linear.
  let lineEnd = -1;
  let lineStart = 0;
  let reported = false;
  let scanned = 0;
  let comment = -1;
  for (let tab = text.indexOf('\t'); tab !== -1; tab = text.indexOf('\t', tab + 1)) {
    if (tab > lineEnd) {
      lineStart = text.lastIndexOf('\n', tab) + 1;
      lineEnd = text.indexOf('\n', tab);
      if (lineEnd === -1) lineEnd = text.length;
      reported = false;
      scanned = lineStart;
      comment = -1;
    }
    if (reported || inScalar(tab)) continue;
    for (; comment === -1 && scanned < tab; scanned++) {
      const prev = text[scanned - 1];
      if (text[scanned] === '#' && (scanned === lineStart || prev === ' ' || prev === '\t') && !inScalar(scanned)) comment = scanned;
    }
    if (comment !== -1 && comment < tab) continue;
    reported = true;
    const at = ctx.map.at(tab);
    if (ctx.findings.skip('card/tab-indentation', at)) continue;
    ctx.findings.push(
      finding(
        'card/tab-indentation',
        at,
        'A tab character in the metadata: PyYAML and other YAML parsers reject tabs outside quoted text.',
        'Replace the tab with spaces.',
      ),
    );
  }
}
