import { describe, expect, test } from '@jest/globals';
import { LineCounter } from 'yaml';
import { boundedDistance, closestKnown, nearMiss } from '../../../src/core/cards/ast.js';
import { FindingCollector } from '../../../src/core/cards/collector.js';
import { METRIC_KEYS, RESULT_KEYS, TOP_LEVEL_KEYS } from '../../../src/core/cards/data/hf-keys.js';
import { TASK_IDS } from '../../../src/core/cards/data/hub-metadata.js';
import { HF_LICENSE_IDS } from '../../../src/core/cards/data/licenses.js';
import { finding } from '../../../src/core/cards/finding.js';
import { MAX_FINDINGS_PER_FILE, MAX_METADATA_NODES, MAX_YAML_ERRORS, MAX_YAML_TOKENS } from '../../../src/core/cards/limits.js';
import { readYaml } from '../../../src/core/cards/parse-yaml.js';
import { parseConfig } from '../../../src/core/config/parse.js';
import { didYouMean, editDistance } from '../../../src/core/common/suggest.js';
import { brief, card, check, config } from './helpers.js';

/**
 * The work budget (issue 10, §2): hostile cards under the 1 MiB cap get bounded work and a
 * bounded number of findings. `bench/hostile.mjs` times these shapes; the tests check what they
 * report, never how long it takes.
 */

const MiB = 1024 * 1024;
const times = (n: number, unit: (i: number) => string): string => Array.from({ length: n }, (_, i) => unit(i)).join('');
const last = <T>(items: readonly T[]): T => items[items.length - 1]!;

describe('at most 200 findings per file, then one that counts the rest', () => {
  test('1,000 YAML 1.1 booleans: the first 200, and "…and 800 more"', () => {
    const report = check(card(`tags:\n${'- yes\n'.repeat(1_000)}`));
    expect(MAX_FINDINGS_PER_FILE).toBe(200);
    expect(report.findings).toHaveLength(201);
    expect(brief(report.findings.slice(0, 2))).toEqual(['3:3 warning card/yaml11-boolean', '4:3 warning card/yaml11-boolean']);
    expect(brief(report.findings.slice(199, 200))).toEqual(['202:3 warning card/yaml11-boolean']);
    // Last, at the first finding left out.
    expect(brief([last(report.findings)])).toEqual(['203:3 warning card/too-many-findings']);
    expect(last(report.findings).message).toBe('…and 800 more findings (800 warnings) not shown: only the first 200 of a file are, errors first.');
    expect([report.errors, report.warnings]).toEqual([0, 201]);
  });

  test('errors come first: 5 errors after 300 warnings are all kept', () => {
    const report = check(card(`tags:\n${'- yes\n'.repeat(300)}datasets: [1, 2, 3, 4, 5]\n`));
    expect(report.findings).toHaveLength(201);
    expect(report.findings.filter((f) => f.rule === 'card/non-string-item')).toHaveLength(5);
    expect(report.findings.filter((f) => f.rule === 'card/yaml11-boolean')).toHaveLength(195);
    expect(brief(report.findings.slice(194, 196))).toEqual(['197:3 warning card/yaml11-boolean', '303:12 error card/non-string-item']);
    expect(last(report.findings).message).toContain('…and 105 more findings (105 warnings)');
    expect(report.errors).toBe(5);
  });

  test('more than 200 errors: the first 200 by position', () => {
    const report = check(card('a: 1\n'.repeat(251)));
    expect(report.findings).toHaveLength(201);
    expect(brief(report.findings.slice(0, 1))).toEqual(['3:1 error card/duplicate-key']);
    expect(brief(report.findings.slice(199, 200))).toEqual(['202:1 error card/duplicate-key']);
    expect(last(report.findings).message).toContain('…and 50 more findings (50 errors)');
    expect([report.errors, report.warnings]).toEqual([200, 1]);
  });

  test('findings of a rule turned off never count; the final finding follows its own setting', () => {
    const yes = card(`tags:\n${'- yes\n'.repeat(1_000)}`);
    expect(check(yes, undefined, config({ rules: { 'card/yaml11-boolean': 'off' } })).findings).toEqual([]);
    expect(check(yes, undefined, config({ rules: { 'card/too-many-findings': 'off' } })).findings).toHaveLength(200);
    const loud = check(yes, undefined, config({ rules: { 'card/too-many-findings': 'error' } }));
    expect(brief([last(loud.findings)])).toEqual(['203:3 error card/too-many-findings']);
    // A warning raised to an error is kept as an error.
    const raised = check(card(`tags:\n${'- yes\n'.repeat(300)}datasets: [1]\n`), undefined, config({ rules: { 'card/yaml11-boolean': 'error' } }));
    expect(raised.findings.filter((f) => f.rule === 'card/non-string-item')).toEqual([]);
    expect(raised.errors).toBe(200);
  });

  test('the collector keeps errors first, then the earliest, whatever the order they come in', () => {
    const collector = new FindingCollector({}, 3);
    const at = (line: number) => ({ line, column: 1 });
    const warn = (line: number) => finding('card/yaml11-boolean', at(line), 'w', 'h');
    const err = (line: number) => finding('card/duplicate-key', at(line), 'e', 'h');
    collector.push(warn(9), warn(1), warn(5));
    expect(collector.skip('card/yaml11-boolean', at(10))).toBe(true); // after the three kept: counted, not built
    expect(collector.skip('card/yaml11-boolean', at(2))).toBe(false);
    collector.push(warn(2), err(50), err(40)); // each pushes out the last kept warning
    const kept = collector.finish();
    expect(brief(kept)).toEqual(['1:1 warning card/yaml11-boolean', '40:1 error card/duplicate-key', '50:1 error card/duplicate-key', '2:1 warning card/too-many-findings']);
    expect(last(kept).message).toBe('…and 4 more findings (4 warnings) not shown: only the first 3 of a file are, errors first.');
  });
});

describe('the node budget (fast path and JSON)', () => {
  test('the issue: `a: 1` ×60,000 is refused where it passes 100,000 values, with one finding', () => {
    expect(MAX_METADATA_NODES).toBe(100_000);
    const report = check(card('a: 1\n'.repeat(60_000)));
    // The root mapping (2) + 3 nodes (pair, key, value) per line: line 33,333 of the YAML passes it.
    expect(brief(report.findings)).toEqual(['33334:1 error card/metadata-too-complex']);
    expect(report.findings[0]!.message).toBe('The metadata is too large to check: over 100,000 values (keys, items, and lists and mappings, which count twice) by this line; the largest real cards have under 10,000.');
  });

  test('under it, the same shape reports its duplicate keys (capped)', () => {
    const report = check(card('a: 1\n'.repeat(1_000)));
    expect(report.findings).toHaveLength(201);
    expect(last(report.findings).message).toContain('…and 799 more findings (799 errors)');
  });

  test('the issue: a 1 MB one-line flow map', () => {
    const map = `x: {${times(100_000, (i) => `k${i}: v, `)}end: v}\n`.slice(0, MiB - 64);
    expect(brief(check(card(`${map}}\n`)).findings)).toEqual(['2:1 error card/metadata-too-complex']);
  });

  test('the issue: 160,000 YAML 1.1 booleans', () => {
    expect(brief(check(card(`tags:\n${'- yes\n'.repeat(160_000)}`)).findings)).toEqual(['99997:1 error card/metadata-too-complex']);
  });

  test('99-deep flow lists (lists count twice), 1,000 of them: refused; 480: read (and fine)', () => {
    const line = (i: number) => `k${i}: ${'['.repeat(99)}${']'.repeat(99)}\n`;
    expect(brief(check(card(times(1_000, line))).findings)).toEqual(['501:1 error card/metadata-too-complex']);
    expect(check(card(times(480, line))).findings).toEqual([]);
  });

  test('JSON cards count the same nodes', () => {
    const tags = `{"tags": [${times(120_000, (i) => `${i}, `)}0]}`;
    expect(brief(check(tags, 'models/demo/model_card.json').findings)).toEqual(['1:688859 error card/metadata-too-complex']);
    const duplicates = check(`{${'"a": 1, '.repeat(1_000)}"a": 1}`, 'models/demo/model_card.json');
    expect(duplicates.findings).toHaveLength(201);
    expect(brief(duplicates.findings.slice(0, 1))).toEqual(['1:10 error card/duplicate-key']);
  });
});

describe('the token budget (YAML only the general parser reads)', () => {
  test('the issue: 100,000 tab-indented lists — one syntax error, at line 3', () => {
    const text = `---\n${'a:\n\t- x\n'.repeat(100_000)}---\n`;
    const report = check(text);
    expect(brief(report.findings)).toEqual(['3:1 error card/yaml-syntax']);
    expect(report.findings[0]!.message).toBe('YAML syntax error: Tabs are not allowed as indentation');
    // It stopped reading after MAX_YAML_TOKENS, and kept one error of the thousands it saw.
    const read = readYaml(text.slice(4, -4), new LineCounter());
    expect(read.kind).toBe('document');
    if (read.kind !== 'document') return;
    expect(read.stoppedAt).toBeGreaterThan(0);
    expect(read.stoppedAt!).toBeLessThan(text.length / 10);
    expect(read.doc!.errors).toHaveLength(MAX_YAML_ERRORS);
    expect(read.droppedErrors).toBe(4_999);
  });

  test('under the budget, the same: one error object kept, the others only counted', () => {
    const read = readYaml('a:\n\t- x\n'.repeat(1_000), new LineCounter());
    if (read.kind !== 'document') throw new Error(read.kind);
    expect(read.stoppedAt).toBeNull();
    expect(read.doc!.errors.map((e) => [e.code, e.pos[0]])).toEqual([['TAB_AS_INDENT', 3]]);
    expect(read.droppedErrors).toBe(999);
  });

  test('over the budget without a syntax error: refused where reading stopped', () => {
    const report = check(card(times(60_000, (i) => `k${i}: |\n  text\n`)));
    expect(MAX_YAML_TOKENS).toBe(50_000);
    expect(brief(report.findings)).toEqual(['12502:1 error card/metadata-too-complex']);
    expect(report.findings[0]!.message).toContain('(the lines before this one have no syntax error)');
  });

  test('a syntax error after the budget is not reached: the card is refused all the same', () => {
    expect(brief(check(card(`${'a: |\n  x\n'.repeat(20_000)}b:\n\t- x\n`)).findings)).toEqual(['12502:1 error card/metadata-too-complex']);
  });

  test('a flow collection that runs past the budget: refused at its line, no syntax verdict', () => {
    const report = check(card(`x: [${times(60_000, (i) => `a${i}, `)}\n`));
    expect(brief(report.findings)).toEqual(['2:1 error card/metadata-too-complex']);
    expect(report.findings[0]!.message).not.toContain('no syntax error');
  });

  test('a long token counts once per 8 characters: a 1 MB quoted value that spans lines', () => {
    expect(brief(check(card(`license: "${'x '.repeat(500_000)}\n  y"\n`)).findings)).toEqual(['2:1 error card/metadata-too-complex']);
    // Long runs of spaces or tabs are cheap, and count once.
    expect(brief(check(card(`tags: [a,${'\t'.repeat(500_000)}b]\n`)).findings)).toEqual(['2:10 warning card/tab-indentation']);
  });

  test('a real card with tabs, far below the budget, is read as before', () => {
    const report = check(card(`license:\tmit\n${times(2_000, (i) => `k${i}: "a\n  b"\n`)}`));
    expect(brief(report.findings)).toEqual(['2:9 warning card/tab-indentation']);
  });
});

describe('the fast path reads what hostile cards used to send to the slow one', () => {
  test('8,000 anchors and aliases of scalars, and a 3,000-result model-index in flow style', () => {
    expect(check(card(times(8_000, (i) => `k${i}: &a${i} v\nr${i}: *a${i}\n`))).findings).toEqual([]);
    const results = times(3_000, (i) => `  - task: {type: text-classification}\n    dataset: {type: d${i}, name: D}\n    metrics:\n    - {type: accuracy, value: 0.5}\n`);
    expect(check(card(`model-index:\n- name: m\n  results:\n${results}`)).findings).toEqual([]);
  });

  test('an alias of a list is still measured', () => {
    expect(brief(check(card(`l: &l [a, b]\n${times(6_000, (i) => `r${i}: *l\n`)}`)).findings)).toEqual(['3:5 error card/too-many-aliases']);
  });
});

describe('the Markdown body', () => {
  test('34,000 placeholders between 17,000 code blocks: 200 and a count', () => {
    const report = check(`---\nlicense: mit\n---\n${'```\nx\n```\nMore information needed\nMore information needed\n'.repeat(17_000)}`);
    expect(report.findings).toHaveLength(201);
    expect(brief(report.findings.slice(0, 1))).toEqual(['7:1 warning card/unfilled-template']);
    expect(last(report.findings).message).toContain('…and 33,800 more findings');
  });

  test('a comment on the line that opens a fence stays hidden (ranges merged for the binary search)', () => {
    const report = check('---\nlicense: mit\n---\n```<!-- c -->\nMore information needed\n```\nMore information needed\n<!-- More information needed -->\n');
    expect(brief(report.findings)).toEqual(['7:1 warning card/unfilled-template']);
  });
});

describe('near misses are found as before, faster', () => {
  // The rule before the work budget: didYouMean's suggestion, if within one edit per four characters.
  function before(key: string, known: ReadonlySet<string>): string | undefined {
    const suggestion = didYouMean(key, known);
    const lower = key.toLowerCase();
    if (suggestion !== undefined && suggestion !== key) {
      const limit = Math.max(1, Math.floor(key.length / 4));
      if (editDistance(lower, suggestion.toLowerCase(), limit) <= limit) return suggestion;
    }
    for (const c of known) {
      const b = c.toLowerCase();
      if (b.length !== lower.length || b === lower) continue;
      let i = 0;
      while (lower[i] === b[i]) i++;
      if (lower[i] === b[i + 1] && lower[i + 1] === b[i] && lower.slice(i + 2) === b.slice(i + 2)) return c;
    }
    return undefined;
  }

  test('on 12,000 random edits of known keys', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const alphabet = 'abcdeilnmoprstuy_-AEIL';
    for (const known of [TOP_LEVEL_KEYS, METRIC_KEYS, RESULT_KEYS]) {
      const list = [...known];
      for (let n = 0; n < 4_000; n++) {
        let key = list[Math.floor(random() * list.length)]!;
        for (let e = Math.floor(random() * 4); e > 0; e--) {
          const p = Math.floor(random() * (key.length + 1));
          const c = alphabet[Math.floor(random() * alphabet.length)]!;
          const op = random();
          key = op < 0.33 ? key.slice(0, p) + c + key.slice(p) : op < 0.66 ? key.slice(0, p) + key.slice(p + 1) : key.slice(0, p) + c + key.slice(p + 1);
        }
        if (random() < 0.1) key = key.toUpperCase();
        if (known.has(key)) continue;
        expect({ key, suggestion: nearMiss(key, known) }).toEqual({ key, suggestion: before(key, known) });
      }
    }
  });

  test('closestKnown answers as didYouMean does', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (const known of [[...TASK_IDS], HF_LICENSE_IDS, [...TOP_LEVEL_KEYS]]) {
      for (let n = 0; n < 2_000; n++) {
        let input = known[Math.floor(random() * known.length)]!;
        for (let e = Math.floor(random() * 5); e > 0; e--) {
          const p = Math.floor(random() * (input.length + 1));
          input = random() < 0.5 ? input.slice(0, p) + 'xq-'[Math.floor(random() * 3)] + input.slice(p) : input.slice(0, p) + input.slice(p + 1);
        }
        expect({ input, suggestion: closestKnown(input, known) }).toEqual({ input, suggestion: didYouMean(input, known) });
      }
    }
  });

  test('boundedDistance agrees with editDistance up to its limit', () => {
    const words = ['', 'a', 'ab', 'ba', 'abc', 'acb', 'license', 'licence', 'lisence', 'pipeline_tag', 'pipline_tag', 'tags', 'types', 'kitten', 'sitting'];
    for (const a of words) for (const b of words) for (let limit = 0; limit <= 4; limit++) {
      expect({ a, b, limit, d: boundedDistance(a, b, limit) }).toEqual({ a, b, limit, d: Math.min(editDistance(a, b, limit), limit + 1) });
    }
  });
});

describe('the config has the same bounds', () => {
  const errors = (text: string) => {
    const result = parseConfig(text);
    return result.ok ? [] : result.errors;
  };

  test('20 errors, then one that counts the rest', () => {
    const unknown = errors(times(2_500, (i) => `k${i}: 1\n`));
    expect(unknown).toHaveLength(21);
    expect(unknown.slice(0, 20).every((e) => e.rule === 'config/unknown-key')).toBe(true);
    expect(last(unknown)).toMatchObject({ rule: 'config/too-many-errors', message: '…and 2,480 more errors in the config.' });
    const rules = errors(`rules:\n${times(2_500, (i) => `  r${i}: off\n`)}`);
    expect(rules.map((e) => e.rule)).toEqual([...Array(20).fill('config/unknown-rule'), 'config/too-many-errors']);
    const duplicates = errors(`rules:\n${'  card/empty-file: off\n'.repeat(2_000)}`);
    expect(duplicates.slice(0, 2).map((e) => [e.rule, e.line, e.column])).toEqual([
      ['config/duplicate-key', 3, 3],
      ['config/duplicate-key', 4, 3],
    ]);
    expect(last(duplicates).message).toBe('…and 1,979 more errors in the config.');
    const tabs = errors(`a:\n${'\t- x\n'.repeat(5_000)}`);
    expect(tabs.slice(0, 1).map((e) => [e.rule, e.line, e.column])).toEqual([['config/yaml-syntax', 2, 1]]);
    expect(tabs).toHaveLength(21);
  });

  test('too many tokens or aliases', () => {
    expect(errors('rules:\n' + '  card/empty-file: off\n'.repeat(10_000)).map((e) => e.rule)).toEqual(['config/too-large']);
    expect(errors(`a: &a [x]\n${times(200, (i) => `b${i}: *a\n`)}`)).toEqual([
      expect.objectContaining({ rule: 'config/yaml-syntax', message: 'The config cannot be read: it uses more than 100 YAML aliases.' }),
    ]);
  });

  test('small configs are unchanged: duplicate keys and syntax errors with their positions', () => {
    expect(errors('fail_on: error\nfail_on: warning\nrules:\n  a: off\n  a: off\n').map((e) => [e.rule, e.line, e.column, e.message])).toEqual([
      ['config/duplicate-key', 2, 1, 'Map keys must be unique'],
      ['config/duplicate-key', 5, 3, 'Map keys must be unique'],
    ]);
    expect(errors('a: 1\n---\nb: 2\n').map((e) => [e.rule, e.line])).toEqual([['config/yaml-syntax', 2]]);
  });
});
