import { describe, expect, it } from '@jest/globals';
import type { Finding } from '../../../src/core/common/findings.js';
import { cardsVerdict, configVerdict, type CardReport, type CardsScope } from '../../../src/core/cards/index.js';
import { cardsMarkdown, configMarkdown } from '../../../src/render/markdown/cards.js';

/** GitHub's check summary limit, the budget the App passes. */
const MAX_SUMMARY_CHARS = 65_535;

/** The neutral verdict with its Markdown, as the check run shows both. */
function summarizeCards(reports: CardReport[], failOn: 'error' | 'warning', scope: CardsScope = 'change') {
  const verdict = cardsVerdict(reports, failOn, scope);
  return { ...verdict, summary: cardsMarkdown(verdict, reports, { maxLength: MAX_SUMMARY_CHARS }) };
}

function summarizeConfigErrors(path: string, errors: Finding[]) {
  const verdict = configVerdict(path, errors);
  return { ...verdict, errors: errors.length, summary: configMarkdown(verdict, { maxLength: MAX_SUMMARY_CHARS }) };
}

const finding = (over: Partial<Finding> = {}): Finding => ({
  severity: 'error',
  rule: 'card/invalid-license',
  message: 'License `foo` is not a Hub license id.',
  hint: 'Use one of the Hub ids.',
  line: 3,
  column: 10,
  ...over,
});

function report(path: string, findings: Finding[], model: CardReport['model'] = null): CardReport {
  return {
    path,
    format: 'markdown',
    model,
    findings,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
  };
}

describe('cards verdict and its Markdown', () => {
  it('is neutral when no cards changed', () => {
    expect(summarizeCards([], 'error')).toMatchObject({ conclusion: 'neutral', title: 'No model cards changed', cards: 0 });
    const scan = summarizeCards([], 'error', 'repository');
    expect(scan).toMatchObject({ conclusion: 'neutral', title: 'No model cards found' });
    expect(scan.summary).toContain('No files matched the model card globs');
  });

  it('passes valid cards', () => {
    const v = summarizeCards([report('models/a/README.md', [], { name: 'a', version: 'v1', source: 'card' })], 'error');
    expect(v.conclusion).toBe('success');
    expect(v.title).toBe('1 model card valid');
    expect(v.summary).toContain('| `models/a/README.md` | a v1 | 0 | 0 | ✅ pass |');
  });

  it('passes warnings unless fail_on is warning', () => {
    const cards = [report('a/MODEL_CARD.md', [finding({ severity: 'warning', rule: 'card/unknown-key' })])];
    expect(summarizeCards(cards, 'error')).toMatchObject({ conclusion: 'success', title: '1 model card passed with 1 warning' });
    const strict = summarizeCards(cards, 'warning');
    expect(strict).toMatchObject({ conclusion: 'failure', title: '1 model card failed: 0 errors, 1 warning' });
    expect(strict.summary).toContain('Warnings fail this check (`fail_on: warning`).');
  });

  it('fails on errors and shows each finding, escaped', () => {
    const v = summarizeCards(
      [
        report('ok/MODEL_CARD.md', []),
        report('bad/MODEL_CARD.md', [finding({ message: 'License `<b>@org/team</b>` | x' })]),
      ],
      'error',
    );
    expect(v.conclusion).toBe('failure');
    expect(v.title).toBe('1 model card failed: 1 error, 0 warnings');
    // Failing cards come first in the table.
    expect(v.summary.indexOf('bad/MODEL_CARD.md')).toBeLessThan(v.summary.indexOf('ok/MODEL_CARD.md'));
    expect(v.summary).toContain('#### `bad/MODEL_CARD.md`');
    expect(v.summary).toContain(
      '| 3:10 | ❌ error | `card/invalid-license` | License \\`&lt;b&gt;@\u200dorg/team&lt;/b&gt;\\` \\| x<br>Use one of the Hub ids\\. |',
    );
    expect(v.summary).not.toContain('<b>');
  });

  it('shows the top ten findings per card and counts the rest', () => {
    const many = Array.from({ length: 25 }, (_, i) => finding({ line: i + 1 }));
    const v = summarizeCards([report('x/MODEL_CARD.md', many)], 'error');
    expect(v.summary.match(/❌ error/g)).toHaveLength(10);
    expect(v.summary).toContain('…and 15 more, shown as annotations on the file.');
  });

  it("stays under GitHub's summary limit", () => {
    const long = 'x'.repeat(3000);
    const reports = Array.from({ length: 200 }, (_, i) =>
      report(`m${i}/MODEL_CARD.md`, Array.from({ length: 10 }, () => finding({ message: long }))),
    );
    const v = summarizeCards(reports, 'error');
    expect(v.summary.length).toBeLessThanOrEqual(MAX_SUMMARY_CHARS);
    expect(v.summary).toMatch(/cut to fit GitHub's size limit/);
  });
});

describe('config verdict and its Markdown', () => {
  it('fails and names the config file', () => {
    const v = summarizeConfigErrors('.github/modelgate.yml', [finding({ rule: 'config/unknown-key', message: 'Unknown key `x`.' })]);
    expect(v).toMatchObject({ conclusion: 'failure', title: 'Invalid configuration: 1 error in .github/modelgate.yml', errors: 1 });
    expect(v.summary).toContain('`config/unknown-key`');
  });
});
