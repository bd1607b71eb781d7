import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { MetricRule } from '../../../src/core/config/schema.js';
import { compareMetrics, type MetricsDiff } from '../../../src/core/metrics/compare.js';
import { readMetrics } from '../../../src/core/metrics/read.js';
import type { MetricSet } from '../../../src/core/metrics/types.js';
import { metricsCommentBody } from '../../../src/github/metrics-comment.js';
import { renderMarkdown } from '../../../src/render/markdown/metrics.js';
import { toJson } from '../../../src/render/json/metrics.js';
import { renderText } from '../../../src/render/text/metrics.js';

/**
 * Pins the read → compare → render pipeline on 10,000 and 100,000 generated metrics, so the
 * performance work on it (issue 12) cannot change a byte of any output. The expected hashes
 * were taken from the code before that work; the generator is deterministic (its own LCG).
 * A hash cannot say what changed: on a mismatch, diff the output against an older checkout.
 */

/** 32-bit LCG (Numerical Recipes constants): the same sequence on every machine. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/**
 * A metrics document of `groups` × 100 leaves, nested one or two levels, with every kind of
 * value the readers treat specially: percents, numeric strings, text, booleans, null, NaN and
 * ±Infinity, lists, duplicate keys, escaped keys; head drops some metrics and adds others.
 */
function metricsJson(groups: number, side: 'base' | 'head'): string {
  const random = lcg(side === 'base' ? 11 : 12);
  const values = lcg(99);
  const parts: string[] = [];
  for (let g = 0; g < groups; g++) {
    const leaves: string[] = [];
    for (let m = 0; m < 100; m++) {
      const name = m % 2 ? `accuracy_${m}` : `loss_${m}`;
      const v = values();
      if (side === 'head' && m === 97 && g % 3 === 0) continue; // removed in head
      const shift = side === 'head' ? (random() - 0.5) * 0.02 * (m % 7 === 0 ? 0 : 1) : 0;
      let json: string;
      switch (m % 50) {
        case 3:
          json = JSON.stringify(`${(v * 100 + shift * 100).toFixed(1)}%`);
          break;
        case 5:
          json = JSON.stringify(String(Math.round(v * 1000) / 1000));
          break;
        case 9:
          json = JSON.stringify(side === 'head' && g % 2 ? 'run-b' : 'run-a');
          break;
        case 11:
          json = String(g % 2 === 0);
          break;
        case 13:
          json = g % 17 === 0 ? 'null' : String(v);
          break;
        case 15:
          json = g % 19 === 0 ? (side === 'head' ? 'NaN' : 'Infinity') : g % 23 === 0 ? '-Infinity' : String(v);
          break;
        case 17:
          json = g % 29 === 0 ? '[1, 2, 3]' : String(Math.round(v * 1e4) / 1e4 + shift);
          break;
        case 19:
          json = String(Math.round(v * 1e6) * 1000 + Math.round(shift * 1e6));
          break;
        case 21:
          json = String((v + shift) * 1e-7);
          break;
        case 23:
          json = `{"p50": ${v + shift}, "p99": ${v * 3}, "deep": {"x": ${Math.round(v * 100)}}}`;
          break;
        default:
          json = String(Math.round((0.5 + 0.4 * v + shift) * 1e6) / 1e6);
      }
      leaves.push(`    "${name}": ${json}`);
    }
    if (g % 37 === 0) leaves.push(`    "loss_0": 0.25`); // a duplicate key: the later value wins, with a note
    if (g % 41 === 0) leaves.push(`    "odd \\"key\\" \\u00e9|\`x\`": 1.5`);
    if (side === 'head' && g % 5 === 0) leaves.push(`    "new_metric": ${(g % 10) / 10}`);
    parts.push(`  "group_${g}": {\n${leaves.join(',\n')}\n  }`);
  }
  return `{\n${parts.join(',\n')}\n}\n`;
}

/** The same document as YAML (block style), so the YAML reader's positions are pinned too. */
function toYaml(json: string): string {
  const lines: string[] = [];
  const write = (value: unknown, indent: string) => {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const key = /^[A-Za-z0-9_]+$/.test(k) ? k : JSON.stringify(k);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        lines.push(`${indent}${key}:`);
        write(v, `${indent}  `);
      } else {
        lines.push(`${indent}${key}: ${Array.isArray(v) ? `[${v.join(', ')}]` : typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : String(v)}`);
      }
    }
  };
  // NaN/Infinity are not JSON: spell them as YAML's .nan/.inf before parsing.
  write(JSON.parse(json.replace(/: (-?)Infinity/g, ': "$1.inf"').replace(/: NaN/g, ': ".nan"')), '');
  return `${lines.join('\n').replace(/"(-?\.inf|\.nan)"/g, '$1')}\n`;
}

const rules: MetricRule[] = [
  { match: 'group_1*.*', max_regression: 0.01 },
  { match: 'group_2*.accuracy_*', max_regression: '5%', fail_only_if_significant: true },
  { match: 'group_3*.loss_*', max: 0.95 },
  { match: 'group_4*.loss_*', goal: 'maximize', tolerance: 0.001 },
  { match: '*.accuracy_19', min: 1000 },
  { match: 'group_5.missing_metric', required: true },
];
const baseline = { label: 'main', ref: 'main', sha: 'a'.repeat(40), version: '1.2.0' };

function read(file: string, text: string): MetricSet {
  const result = readMetrics(file, text);
  if (!result.ok) throw new Error(`${file}: ${result.error.message}`);
  return result.value;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

function fingerprint(base: MetricSet, head: MetricSet): Record<string, string | number> {
  const diff: MetricsDiff = compareMetrics(base, head, { rules });
  const positions = [...base.metrics.values(), ...head.metrics.values()].map((e) => `${e.key}@${e.line}:${e.column}=${JSON.stringify(e.value)}`).join('\n');
  return {
    metrics: base.metrics.size + head.metrics.size,
    positions: sha(positions),
    markdown: sha(metricsCommentBody(diff, { baseline, model: 'pin' })),
    // Uncut, so every row's Markdown is pinned, not just the rows that fit in a comment.
    markdownUncut: sha(renderMarkdown(diff, { baseline, maxLength: Number.MAX_SAFE_INTEGER })),
    text: sha(renderText(diff, { baseline })),
    json: sha(JSON.stringify(toJson(diff, baseline))),
  };
}

describe('a large metric diff renders exactly as before (issue 12 pins)', () => {
  it('10,000 metrics, JSON', () => {
    expect(fingerprint(read('base.json', metricsJson(100, 'base')), read('head.json', metricsJson(100, 'head')))).toEqual({
      metrics: 20776,
      positions: '26731c05ec564e84b7b0f9e4585e506e82d93fac1c94b8cd530a2436df7813a0',
      markdown: '84dd68f2024ebdde17000598e7f0d03d9b480484dd3e34f816e44b62bd84f804',
      markdownUncut: '78a74ed224fb470ee81887537ec57336c6e2e8c25e008bff01881ce544e84571',
      text: '6269df3eac48497dda02bb71993fa64cb05115fa6ccb5740b866d1932f307e69',
      json: '0b98ed17c17441fb84a7c62d69eba99771929e472efb8a20d00ff20224eaca1c',
    });
  });

  it('10,000 metrics, YAML', () => {
    expect(fingerprint(read('base.yaml', toYaml(metricsJson(100, 'base'))), read('head.yaml', toYaml(metricsJson(100, 'head'))))).toEqual({
      metrics: 20776,
      positions: '7470428a25a285dea3e25459fe89b25712851943270cdc87661344de8bafe7e5',
      // The comment shows no note positions and is cut to GitHub's limit: the same as the JSON one.
      markdown: '84dd68f2024ebdde17000598e7f0d03d9b480484dd3e34f816e44b62bd84f804',
      markdownUncut: '5498ba7ab93d2afe75a2a6a4ce3d4f85c0b0390376e6c1b59bdd396e400b2861',
      text: '0b762bf523d717a32e548b1a4c5ad8f49e64b24c6b3e7cc3cf2714e54a7e66fb',
      json: '671cde47c9949a6493b3bfe3ea2fe1ff80f92f7cf102bbcfa550a10af988e87f',
    });
  });

  it('~100,000 metrics, JSON (just under the per-file limit)', () => {
    expect(fingerprint(read('base.json', metricsJson(960, 'base')), read('head.json', metricsJson(960, 'head')))).toEqual({
      metrics: 199464,
      positions: '3793821500bee46dace05a0f6343ab7713437f453a7f498ca22bdac855378120',
      markdown: '2c460fba23d95b14b55ca99ec6479331cb08fb01545cac5616da13347a3982fa',
      markdownUncut: '4ab77858fbd1d580c507f7a374b2b9437fc738e16843ceea1b8f5e5c7b1524da',
      text: 'd4b11a4b0702262d660c28386c0421381c9ec5b8142b3cfbbe7511405c2ffb2a',
      json: 'dac04f9aa8b0634a492a787f603cb5e905cc9dcdd320ce9c31f6f0358ec069a2',
    });
  });

  it('10,000 metrics, CSV (metric,value rows)', () => {
    const csv = (side: 'base' | 'head') => {
      const random = lcg(side === 'base' ? 5 : 6);
      const rows = ['metric,value,notes'];
      for (let i = 0; i < 10_000; i++) {
        const v = random();
        const cell = i % 97 === 0 ? `${(v * 100).toFixed(2)}%` : i % 89 === 0 ? 'nan' : i % 83 === 0 ? '' : String(Math.round(v * 1e5) / 1e5);
        rows.push(`${i % 2 ? 'accuracy' : 'loss'}/${i},${cell},"a, b"`);
      }
      return `${rows.join('\n')}\n`;
    };
    expect(fingerprint(read('base.csv', csv('base')), read('head.csv', csv('head')))).toEqual({
      metrics: 19764,
      positions: '981869004196a3c0f48a7df5bb32c7128bcabe8c3efa8b0d2b2632152e3af2e9',
      markdown: '38aac062db39604acf55915feb0ae28b2ed55e22a31a3d94cd8f134cafb93254',
      markdownUncut: 'bd152372f3fe8c8192df68f5d80d9f39e21e0cceeb7201f28a53dd5d603182f2',
      text: 'ade74b10e2fdebf5b31aabe4dda789d1e68880b9ecca62ccbdffe70b04faa2aa',
      json: '34b9efea919c7072a28b5473d85ef6ec6ed78af27a05e8594254f9e8d46cf2dd',
    });
  });
});
