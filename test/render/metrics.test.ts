import { describe, expect, it } from '@jest/globals';
import type { MetricRule } from '../../src/core/config/schema.js';
import { compareMetrics, type CompareOptions, type MetricsDiff } from '../../src/core/metrics/compare.js';
import { readMetrics } from '../../src/core/metrics/read.js';
import { metricsCommentBody } from '../../src/github/metrics-comment.js';
import { renderMarkdown } from '../../src/render/markdown/metrics.js';
import { renderText } from '../../src/render/text/metrics.js';
import { toJson } from '../../src/render/json/metrics.js';

function diffOf(base: Record<string, unknown> | string, head: Record<string, unknown> | string, rules: MetricRule[] = [], options: CompareOptions = {}): MetricsDiff {
  const read = (file: string, v: Record<string, unknown> | string) => {
    const r = readMetrics(file, typeof v === 'string' ? v : JSON.stringify(v));
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  return compareMetrics(read('base.json', base), read('head.json', head), { ...options, rules });
}

const hostileBase = { '@org/team': 0.5, '<img src=x>': 1, 'a|b': 0.9, '`tick`': 2, accuracy: 0.9, loss: 0.2, same: 1, name: 'x' };
const hostileHead = { '@org/team': 0.6, '<img src=x>': 1, 'a|b': 0.8, '`tick`': 3, accuracy: 0.85, loss: 0.1, same: 1, name: '<b>@here</b>|' };
const baseline = { label: 'main @dev', ref: 'main', sha: 'abcdef0123456789abcdef0123456789abcdef01', version: '1.2.0' };

describe('the metric diff as Markdown (the comment body)', () => {
  it('renders the verdict, a table with regressions first, collapsed unchanged rows and a chart, all escaped', () => {
    const diff = diffOf(hostileBase, hostileHead, [{ match: 'accuracy', max_regression: 0.01 }]);
    const body = metricsCommentBody(diff, { baseline, model: 'org/model <x> --> y', runUrl: 'https://ci.example.com/run/1?a=(b)' });
    expect(body).toBe(
      [
        '<!-- modelgate:metrics-diff model=org/model__x__-__y -->',
        '❌ **1 of 1 metric gate failed** — compared with the baseline **main @\u200ddev** (`main`, `abcdef0`, version 1\\.2\\.0).',
        '',
        '1 regressed · 4 changed · 1 improved · 2 unchanged · [Evaluation run](https://ci.example.com/run/1?a=%28b%29)',
        '',
        '**Failed gates**',
        '',
        '- `accuracy`: regressed by 0\\.05, more than the allowed 0\\.01',
        '',
        '| Metric | Base | Head | Δ | Δ% | 95 % CI | Status |',
        '| :-- | --: | --: | --: | --: | :-- | :-- |',
        '| `accuracy` | 0.9 | 0.85 | -0.05 | -5.6% | — | 🔴 regressed · ❌ gate failed |',
        '| `@org/team` | 0.5 | 0.6 | +0.1 | +20% | — | 🔵 changed |',
        '| `a\\|b` | 0.9 | 0.8 | -0.1 | -11.1% | — | 🔵 changed |',
        '| `` `tick` `` | 2 | 3 | +1 | +50% | — | 🔵 changed |',
        '| `name` | &quot;x&quot; | &quot;&lt;b&gt;@\u200dhere&lt;/b&gt;\\|&quot; | — | — | — | 🔵 changed |',
        '| `loss` | 0.2 | 0.1 | -0.1 | -50% | — | 🟢 improved |',
        '',
        '<details><summary>2 unchanged metrics</summary>',
        '',
        '| Metric | Base | Head | Δ | Δ% | 95 % CI | Status |',
        '| :-- | --: | --: | --: | --: | :-- | :-- |',
        '| `<img src=x>` | 1 | 1 | 0 | 0% | — | ⚪ unchanged |',
        '| `same` | 1 | 1 | 0 | 0% | — | ⚪ unchanged |',
        '',
        '</details>',
        '',
        '```mermaid',
        'xychart-beta',
        '  title "Base vs head"',
        '  x-axis ["accuracy (base)", "accuracy (head)", "_org/team (base)", "_org/team (head)", "a_b (base)", "a_b (head)", "loss (base)", "loss (head)"]',
        '  y-axis "Value" 0 --> 1',
        '  bar [0.9, 0.85, 0.5, 0.6, 0.9, 0.8, 0.2, 0.1]',
        '```',
        '',
        '**Significance** not computed: no per\\-example results were given.',
        '',
      ].join('\n'),
    );
  });

  it('shows intervals, bold when significant, with a legend, and the significance summary', () => {
    const predictions = (file: string, values: number[], ids: string[]) => ({ file, ids, columns: new Map([['accuracy', Float64Array.from(values)]]), notes: [] });
    const diff = diffOf({ accuracy: 0.5 }, { accuracy: 1 }, [], {
      basePredictions: predictions('b', [...Array.from({ length: 20 }, (_, i) => i % 2), 1], [...Array.from({ length: 20 }, (_, i) => `q${i}`), 'x']),
      headPredictions: predictions('h', Array(20).fill(1), Array.from({ length: 20 }, (_, i) => `q${i}`)),
      bootstrap: { resamples: 1000, seed: 1 },
    });
    const body = metricsCommentBody(diff, { baseline: { label: 'v1' } });
    expect(body).toContain('| `accuracy` | 0.5 | 1 | +0.5 | +100% | **[+0.299, +0.7]** | 🟢 improved |');
    expect(body).toContain('_Intervals in bold exclude 0: the change is significant at 95 %._');
    expect(body).toContain(
      '**Significance**: paired bootstrap, 95 % CI of the head − base difference of the mean\\: 1,000 resamples, seed 1, 20 paired examples (1 unpaired id left out).',
    );
    expect(body).toContain('- Unpaired example ids, left out of the bootstrap\\: 1 only in b \\(&quot;x&quot;\\)\\.');
  });

  it('says so when nothing changed or there are no metrics, and draws no chart without two comparable metrics', () => {
    const same = metricsCommentBody(diffOf({ a: 1 }, { a: 1 }), { baseline: { label: 'main' } });
    expect(same).toContain('ℹ️ **No metric gates apply** — compared with the baseline **main**.\n\n1 unchanged\n\n_No metric changed._\n\n<details>');
    expect(same).not.toContain('mermaid');
    const empty = metricsCommentBody(diffOf({}, {}), { baseline: { label: 'main' } });
    expect(empty).toBe(
      '<!-- modelgate:metrics-diff model=default -->\nℹ️ **No metric gates apply** — compared with the baseline **main**.\n\nno metrics\n\n_Neither file has any metrics._\n\n**Significance** not computed: no per\\-example results were given.\n',
    );
    // accuracy (≤ 1) and latency (~100) are not on a comparable scale.
    expect(metricsCommentBody(diffOf({ accuracy: 0.8, latency: 100 }, { accuracy: 0.9, latency: 120 }), { baseline: { label: 'm' } })).not.toContain('mermaid');
    const passing = metricsCommentBody(diffOf({ accuracy: 0.8 }, { accuracy: 0.9 }, [{ match: 'accuracy', min: 0.5 }]), { baseline: { label: 'm' } });
    expect(passing).toContain('✅ **The metric gate passed**');
  });

  it('keeps chart labels inside the Mermaid string and the code fence', () => {
    const diff = diffOf({ '```"]\nx': 10, 'b"c': 20 }, { '```"]\nx': 11, 'b"c': 25 });
    const body = metricsCommentBody(diff, { baseline: { label: 'm' } });
    expect(body).toContain('  x-axis ["______x (base)", "______x (head)", "b_c (base)", "b_c (head)"]');
    expect(body).toContain('  y-axis "Value" 0 --> 25\n  bar [10, 11, 20, 25]');
  });

  it('never folds away an unchanged metric that fails its gate', () => {
    const body = metricsCommentBody(diffOf({ accuracy: 0.7, f1: 0.5 }, { accuracy: 0.7, f1: 0.5 }, [{ match: 'accuracy', min: 0.8 }]), { baseline: { label: 'm' } });
    expect(body).toContain(
      '| Metric | Base | Head | Δ | Δ% | 95 % CI | Status |\n| :-- | --: | --: | --: | --: | :-- | :-- |\n| `accuracy` | 0.7 | 0.7 | 0 | 0% | — | ⚪ unchanged · ❌ gate failed |\n\n<details><summary>1 unchanged metric</summary>',
    );
    expect(body).not.toContain('_No metric changed._');
  });

  it('links only http(s) run URLs', () => {
    const diff = diffOf({ a: 1 }, { a: 1 });
    expect(metricsCommentBody(diff, { baseline: { label: 'm' }, runUrl: 'javascript:alert(1)' })).not.toContain('Evaluation run');
    expect(metricsCommentBody(diff, { baseline: { label: 'm' }, runUrl: 'not a url' })).not.toContain('Evaluation run');
  });

  it('escapes notes about the inputs', () => {
    const diff = diffOf('{"<b>@team</b>": [1], "x": 1}', '{"x": 1}');
    expect(metricsCommentBody(diff, { baseline: { label: 'm' } })).toContain(
      '<details><summary>1 note about the inputs</summary>\n\n- base\\.json\\:1\\:18\\: \\`&lt;b&gt;@\u200dteam&lt;/b&gt;\\` is a list \\(1 items\\); lists are not metrics and are ignored\\. Give each value its own key to compare it\\.\n\n</details>',
    );
  });

  it('stays under the length limit, dropping unchanged rows first, with a note', () => {
    const base: Record<string, number> = {};
    const head: Record<string, number> = {};
    for (let i = 0; i < 5000; i++) {
      base[`metric_${i}`] = i;
      head[`metric_${i}`] = i < 100 ? i + 1 : i;
    }
    const diff = diffOf(base, head, [{ match: 'metric_1', max_regression: 0, goal: 'minimize' }]);
    const body = metricsCommentBody(diff, { baseline: { label: 'main' } });
    expect(body.length).toBeLessThanOrEqual(65_535);
    expect(body.length).toBeGreaterThan(60_000);
    expect(body.startsWith('<!-- modelgate:metrics-diff model=default -->\n❌ **1 of 1 metric gate failed**')).toBe(true);
    // Every changed row is shown; unchanged ones are cut.
    for (let i = 0; i < 100; i++) expect(body).toContain(`| \`metric_${i}\` |`);
    expect(body).toMatch(/> \[!NOTE\]\n> [\d,]+ metrics not shown, to fit the size limit\. `modelgate diff --format json` lists every metric\.\n$/);
    expect(body).toContain('\n</details>');

    const small = renderMarkdown(diff, { baseline: { label: 'main' }, maxLength: 3000 });
    expect(small.length).toBeLessThanOrEqual(3000);
    expect(small).toContain('| `metric_1` | 1 | 2 | +1 | +100% | — | 🔴 regressed · ❌ gate failed |');
    expect(small).not.toContain('<details><summary>4,900 unchanged metrics</summary>');
    expect(small).toMatch(/> [\d,]+ metrics not shown, to fit the size limit\./);
    expect(small).not.toContain('<!-- modelgate');
  });
});

describe('renderText', () => {
  it('aligns a table for people and keeps control characters out of the terminal', () => {
    const diff = diffOf({ accuracy: 0.9, 'evil\u001b[31m': 1 }, { accuracy: 0.85, 'evil\u001b[31m': 2 }, [{ match: 'accuracy', max_regression: 0.01 }]);
    expect(renderText(diff, { baseline: { label: 'main', sha: 'abc', version: '2' }, runUrl: 'https://ci/1' })).toBe(
      [
        'FAIL  1 of 1 metric gate failed — baseline: main (abc, version 2)',
        '      1 regressed, 1 changed',
        '      evaluation run: https://ci/1',
        '',
        'Metric     Base  Head      Δ     Δ%  95% CI  Status     Gate',
        'accuracy    0.9  0.85  -0.05  -5.6%  —       regressed  FAIL: regressed by 0.05, more than the allowed 0.01',
        'evil�[31m     1     2     +1  +100%  —       changed',
        '',
        'Significance not computed: no per-example results were given.',
        '',
      ].join('\n'),
    );
  });

  it('colours only when asked, and counts unchanged metrics past twenty', () => {
    const base = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`m${i}`, i]));
    const text = renderText(diffOf(base, { ...base, accuracy: 1 }), { baseline: { label: 'main' }, color: true });
    expect(text).toContain('25 unchanged metrics not listed (--format json lists them).');
    expect(text).toContain('accuracy     —     1  —   —  —       added');
    expect(text).not.toContain('m24');
    const failing = renderText(diffOf({ accuracy: 1 }, { accuracy: 0 }, [{ match: 'accuracy', min: 0.5 }]), { baseline: { label: 'main' }, color: true });
    expect(failing.startsWith('\u001b[31;1mFAIL\u001b[0m')).toBe(true);
  });
});

describe('toJson', () => {
  it('gives one row per metric with raw tokens for invalid values', () => {
    const diff = diffOf('{"accuracy": 0.9, "f1": NaN, "name": "a"}', '{"accuracy": 0.8, "f1": 0.5, "name": "a", "new": 1}', [{ match: 'accuracy', max_regression: 0.2 }]);
    expect(toJson(diff, { label: 'main', sha: 'abc' })).toEqual({
      schema: 1,
      rows: [
        { metric: 'accuracy', base: 0.9, head: 0.8, delta: 0.8 - 0.9, relative_delta: (0.8 - 0.9) / 0.9, status: 'regressed', gate: 'pass', reason: 'regressed by 0.1, within the allowed 0.2', ci: null, significant: null, goal: 'maximize', rules: [0] },
        { metric: 'f1', base: 'NaN', head: 0.5, delta: null, relative_delta: null, status: 'invalid', gate: 'none', reason: 'no rule matches', ci: null, significant: null, goal: 'maximize', rules: [] },
        { metric: 'name', base: 'a', head: 'a', delta: null, relative_delta: null, status: 'unchanged', gate: 'none', reason: 'no rule matches', ci: null, significant: null, goal: null, rules: [] },
        { metric: 'new', base: null, head: 1, delta: null, relative_delta: null, status: 'added', gate: 'none', reason: 'no rule matches', ci: null, significant: null, goal: null, rules: [] },
      ],
      gates_passed: true,
      baseline: { label: 'main', sha: 'abc' },
      significance: { computed: false, reason: 'no per-example results were given', resamples: 2000, seed: 42, confidence: 0.95, paired: 0, base_only: 0, head_only: 0 },
      notes: [],
    });
  });
});
