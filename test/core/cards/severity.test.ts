import { describe, expect, test } from '@jest/globals';
import { cardPasses } from '../../../src/core/cards/types.js';
import { brief, card, check, config } from './helpers.js';

const text = card('license: MIT\npipeline_tag: conversational\nflag: yes');

describe('config.rules severity overrides', () => {
  test('defaults', () => {
    const report = check(text);
    expect(brief(report.findings)).toEqual(['2:10 error card/invalid-license', '3:15 warning card/unknown-pipeline-tag', '4:7 warning card/yaml11-boolean']);
    expect([report.errors, report.warnings]).toEqual([1, 2]);
  });

  test('raise, lower and turn off', () => {
    const report = check(
      text,
      undefined,
      config({ rules: { 'card/invalid-license': 'warning', 'card/unknown-pipeline-tag': 'error', 'card/yaml11-boolean': 'off' } }),
    );
    expect(brief(report.findings)).toEqual(['2:10 warning card/invalid-license', '3:15 error card/unknown-pipeline-tag']);
    expect([report.errors, report.warnings]).toEqual([1, 1]);
  });

  test('everything off: the card passes even on warnings', () => {
    const report = check(
      text,
      undefined,
      config({ rules: { 'card/invalid-license': 'off', 'card/unknown-pipeline-tag': 'off', 'card/yaml11-boolean': 'off' } }),
    );
    expect(report.findings).toEqual([]);
    expect(cardPasses(report, 'warning')).toBe(true);
  });

  test('overrides apply to read failures too', () => {
    expect(check('', undefined, config({ rules: { 'card/empty-file': 'warning' } })).findings.map((f) => f.severity)).toEqual(['warning']);
  });

  test('findings are sorted by position, errors first on the same spot', () => {
    const report = check(card('model-index:\n- results: []'));
    expect(brief(report.findings)).toEqual(['3:3 error card/model-index-missing-field', '3:12 warning card/empty-results']);
    const same = check('# M\n', undefined, config({ require: { fields: ['license'] } }));
    expect(brief(same.findings)).toEqual(['1:1 error policy/required-field', '1:1 warning card/no-metadata']);
  });
});

describe('the report', () => {
  test('path is normalised; counts match the findings', () => {
    const report = check(text, '.\\models\\demo\\README.md');
    expect(report.path).toBe('models/demo/README.md');
    expect(report.model).toEqual({ name: 'demo', version: null, source: 'folder' });
    expect(report.errors + report.warnings).toBe(report.findings.length);
  });

  test('every finding has a message and a hint; messages stay on one line and quote at most 200 characters', () => {
    const long = 'x'.repeat(5000);
    const report = check(card(`license: "${long}\\n\\u202e"\nlanguage: "${long}"`));
    for (const f of report.findings) {
      expect(f.message).not.toMatch(/[\n\r\u202e]/);
      expect(f.message.length).toBeLessThan(300);
      expect(f.hint).toBeTruthy();
    }
    expect(report.findings[0]!.message).toBe(`License "${'x'.repeat(199)}…" is not a Hugging Face Hub license id.`);
  });

  test('a failure inside the validator becomes a finding, never an exception', () => {
    const broken = config();
    Object.defineProperty(broken, 'require', {
      get() {
        throw new Error('boom');
      },
    });
    const report = check(card('license: mit'), undefined, broken);
    expect(brief(report.findings)).toEqual(['1:1 error card/validator-error']);
    expect(report.findings[0]!.message).toBe('modelgate could not check this card: Error.');
    expect(report.model).toEqual({ name: 'demo', version: null, source: 'folder' });
    // Content of the wrong type from an untyped caller, too.
    expect(check(null as unknown as string).findings.map((f) => f.rule)).toEqual(['card/validator-error']);
  });

  test('control and bidirectional characters are escaped in messages', () => {
    const report = check(card('license: "a\\u202eb\\u0007c\\"d"'));
    expect(report.findings[0]!.message).toBe('License "a\\u202eb\\u0007c\\"d" is not a Hugging Face Hub license id.');
  });
});
