import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../../src/core/config/parse.js';
import { configJsonSchema, DEFAULT_CARD_GLOBS, DEFAULT_CONFIG } from '../../../src/core/config/schema.js';

function errorsOf(text: string) {
  const result = parseConfig(text);
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.errors.map((e) => ({ rule: e.rule, line: e.line, column: e.column, message: e.message, hint: e.hint }));
}

describe('parseConfig', () => {
  it('treats an empty file or a comment-only file as defaults', () => {
    expect(parseConfig('')).toEqual({ ok: true, config: DEFAULT_CONFIG });
    expect(parseConfig('# nothing yet\n')).toEqual({ ok: true, config: DEFAULT_CONFIG });
    expect(DEFAULT_CONFIG.cards).toEqual([...DEFAULT_CARD_GLOBS]);
    expect(DEFAULT_CONFIG.failOn).toBe('error');
  });

  it('resolves a full config', () => {
    const result = parseConfig(
      [
        'cards: ["ml/**/card.md"]',
        'fail_on: warning',
        'rules:',
        '  card/unknown-pipeline-tag: off',
        'require:',
        '  fields: [license]',
        '  sections: ["Intended use", Limitations]',
        'licenses:',
        '  allow: [mit, apache-2.0]',
        'metrics:',
        '  - match: eval.accuracy',
        '    goal: maximize',
        '    max_regression: 0.01',
        '  - match: "latency_ms.*"',
        '    max_regression: "10%"',
        'evaluation:',
        '  workflow: evaluate.yml',
      ].join('\n'),
    );
    expect(result).toEqual({
      ok: true,
      config: {
        cards: ['ml/**/card.md'],
        failOn: 'warning',
        rules: { 'card/unknown-pipeline-tag': 'off' },
        require: { fields: ['license'], sections: ['Intended use', 'Limitations'] },
        licenses: { allow: ['mit', 'apache-2.0'] },
        metrics: [
          { match: 'eval.accuracy', goal: 'maximize', max_regression: 0.01 },
          { match: 'latency_ms.*', max_regression: '10%' },
        ],
        evaluation: { workflow: 'evaluate.yml' },
        promotion: null,
      },
    });
  });

  it('points at a misspelt key and suggests the right one', () => {
    expect(errorsOf('fail_on: error\nrequre:\n  fields: [license]\n')).toEqual([
      { rule: 'config/unknown-key', line: 2, column: 1, message: 'Unknown key `requre`.', hint: 'Did you mean `require`?' },
    ]);
  });

  it('suggests keys inside nested lists', () => {
    expect(errorsOf('metrics:\n  - match: a\n    max_regresion: 1\n')).toEqual([
      {
        rule: 'config/unknown-key',
        line: 3,
        column: 5,
        message: 'Unknown key `max_regresion` in `metrics[0]`.',
        hint: 'Did you mean `max_regression`?',
      },
    ]);
  });

  it('lists the known keys when no key is close', () => {
    const [error] = errorsOf('licenses:\n  zzzzzz: []\n');
    expect(error).toMatchObject({ line: 2, column: 3, hint: 'Known keys here: allow.' });
  });

  it('rejects a bad enum value at its position with a suggestion', () => {
    expect(errorsOf('fail_on: warnings\n')).toEqual([
      {
        rule: 'config/invalid',
        line: 1,
        column: 10,
        message: '`fail_on`: Invalid option: expected one of "error"|"warning".',
        hint: 'Did you mean `warning`?',
      },
    ]);
  });

  it('rejects a malformed relative regression', () => {
    const [error] = errorsOf('metrics:\n  - match: a\n    max_regression: "ten percent"\n');
    expect(error).toMatchObject({ rule: 'config/invalid', line: 3, column: 21 });
    expect(error!.message).toContain('metrics[0].max_regression');
  });

  it('rejects unknown rule ids with a suggestion', () => {
    expect(errorsOf('rules:\n  card/invalid-licence: off\n')).toEqual([
      {
        rule: 'config/unknown-rule',
        line: 2,
        column: 3,
        message: 'Unknown rule `card/invalid-licence`.',
        hint: 'Did you mean `card/invalid-license`?',
      },
    ]);
  });

  it('reports YAML syntax errors and duplicate keys with positions', () => {
    expect(errorsOf('cards: [a\nfail_on: error\n')[0]).toMatchObject({ rule: 'config/yaml-syntax' });
    expect(errorsOf('fail_on: error\nfail_on: warning\n')).toEqual([
      expect.objectContaining({ rule: 'config/duplicate-key', line: 2, column: 1 }),
    ]);
  });

  it('rejects a config that is not a mapping', () => {
    expect(errorsOf('- a\n- b\n')[0]).toMatchObject({ rule: 'config/invalid', line: 1, column: 1 });
  });

  it('survives an alias bomb', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 12; i++) bomb.push(`${'b'.repeat(i + 1)}: &b${i} [${Array(10).fill(i === 0 ? '*a' : `*b${i - 1}`).join(', ')}]`);
    const errors = errorsOf(bomb.join('\n'));
    expect(errors[0]!.rule).toBe('config/yaml-syntax');
  });

  it('refuses oversized configs', () => {
    expect(errorsOf('#'.repeat(300 * 1024))[0]!.rule).toBe('config/too-large');
  });
});

describe('schema/modelgate.schema.json', () => {
  it('is generated from the zod schema (run `npm run build && npm run schema`)', () => {
    const published = JSON.parse(readFileSync(new URL('../../../schema/modelgate.schema.json', import.meta.url), 'utf8'));
    expect(published).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });

  it('licenses.allow takes Hub license ids: MIT is an error that says to write mit', () => {
    expect(errorsOf('licenses:\n  allow: [apache-2.0, MIT]\n')).toEqual([
      {
        rule: 'config/unknown-license',
        line: 2,
        column: 23,
        message: '`MIT` in licenses.allow is not a Hugging Face Hub license id, so no card\'s `license:` would ever match it.',
        hint: 'Did you mean `mit`? Hub license ids are lowercase (https://huggingface.co/docs/hub/repositories-licenses).',
      },
    ]);
    expect(errorsOf('licenses:\n  allow: [apache-2]\n')[0]!.hint).toMatch(/^Did you mean `apache-2.0`\?/);
    expect(errorsOf('licenses:\n  allow: [acme-internal]\n')[0]!.hint).toContain('or `other:acme-internal` to allow cards with `license: other` and `license_name: acme-internal`');
    const ok = parseConfig('licenses:\n  allow: [mit, other:acme-internal]\n');
    expect(ok.ok && ok.config.licenses.allow).toEqual(['mit', 'other:acme-internal']);
  });

  it('require.fields: dotted paths are accepted, near misses of card keys are errors with the fix', () => {
    const ok = parseConfig('require:\n  fields: [license, model-index.results, modelgate.version, model_details.licenses, owner_team, model-index.0.results.metrics]\n');
    expect(ok.ok).toBe(true);
    expect(errorsOf('require:\n  fields: [licence, model-index.reslts, modelgate.versoin, a..b]\n')).toEqual([
      {
        rule: 'config/unknown-field',
        line: 2,
        column: 12,
        message: '`licence` in require.fields names `licence`, which is not a model card key, so no card would ever have it.',
        hint: "Did you mean `license`? Fields are metadata keys, dotted for nested ones (see the README's configuration reference).",
      },
      expect.objectContaining({ rule: 'config/unknown-field', column: 21, hint: expect.stringMatching(/^Did you mean `model-index.results`\?/) }),
      expect.objectContaining({ rule: 'config/unknown-field', hint: expect.stringMatching(/^Did you mean `modelgate.version`\?/) }),
      expect.objectContaining({ rule: 'config/unknown-field', message: '`a..b` in require.fields is not a field path: it has an empty part.' }),
    ]);
  });
});
