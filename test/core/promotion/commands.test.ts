import { describe, expect, it } from '@jest/globals';
import { parseCommand } from '../../../src/core/commands/index.js';
import { parsePromotionArguments } from '../../../src/core/promotion/commands.js';

const promote = (text: string) => parsePromotionArguments('promote', text);

describe('promotion commands in a PR comment', () => {
  it('parses every verb', () => {
    expect(parseCommand('/modelgate promote sentiment v3 production')).toEqual({
      kind: 'promotion',
      command: { kind: 'promote', ref: { repo: null, model: 'sentiment' }, version: 'v3', stage: 'production', dryRun: false, emergency: null },
    });
    expect(parseCommand('/modelgate approve p-abcdefgh2345')).toEqual({ kind: 'promotion', command: { kind: 'approve', id: 'p-abcdefgh2345' } });
    expect(parseCommand('/modelgate reject p-abcdefgh2345 the eval set leaked')).toEqual({ kind: 'promotion', command: { kind: 'reject', id: 'p-abcdefgh2345', reason: 'the eval set leaked' } });
    expect(parseCommand('/modelgate rollback sentiment production')).toEqual({
      kind: 'promotion',
      command: { kind: 'rollback', ref: { repo: null, model: 'sentiment' }, stage: 'production', dryRun: false, emergency: null },
    });
    expect(parseCommand('/modelgate status')).toEqual({ kind: 'promotion', command: { kind: 'status', ref: null } });
    expect(parseCommand('/MODELGATE Status sentiment\nmore text')).toEqual({ kind: 'promotion', command: { kind: 'status', ref: { repo: null, model: 'sentiment' } } });
  });

  it('reports bad arguments as problems of the verb', () => {
    expect(parseCommand('/modelgate promote sentiment')).toEqual({ kind: 'invalid', verb: 'promote', problem: { kind: 'missing-argument', name: 'version' } });
    expect(parseCommand('/modelgate approve')).toEqual({ kind: 'invalid', verb: 'approve', problem: { kind: 'missing-argument', name: 'request id' } });
  });
});

describe('parsePromotionArguments', () => {
  it('takes --dry-run and --emergency "reason" anywhere, with any quotes Slack may send', () => {
    expect(promote('sentiment v3 --dry-run')).toMatchObject({ ok: true, command: { dryRun: true, stage: null } });
    expect(promote('--emergency "the model leaks PII" sentiment v3 production')).toMatchObject({ ok: true, command: { emergency: 'the model leaks PII', stage: 'production' } });
    expect(promote('sentiment v3 --emergency=“leaks PII”')).toMatchObject({ ok: true, command: { emergency: 'leaks PII' } });
    expect(promote("sentiment v3 --emergency 'leaks PII'")).toMatchObject({ ok: true, command: { emergency: 'leaks PII' } });
  });

  it('accepts a repository before the model (owner/repo:model)', () => {
    expect(promote('acme/models:sentiment v3')).toMatchObject({ ok: true, command: { ref: { repo: { owner: 'acme', name: 'models' }, model: 'sentiment' } } });
    expect(promote('acme/../x:sentiment v3')).toEqual({ ok: false, problem: { kind: 'invalid-repo', value: 'acme/../x' } });
  });

  it.each([
    ['../../.github/workflows/x v3', { kind: 'invalid-model', value: '../../.github/workflows/x' }],
    ['sentiment v3.lock', { kind: 'invalid-version', value: 'v3.lock' }],
    ['<@U123> v3', { kind: 'invalid-model', value: '<@U123>' }],
    ['<!channel> v3', { kind: 'invalid-model', value: '<!channel>' }],
    ['@org/team v3', { kind: 'invalid-model', value: '@org/team' }],
    ['sentiment v3 Production', { kind: 'invalid-stage', value: 'Production' }],
    ['sentiment\u0000 v3', { kind: 'invalid-model', value: 'sentiment\u0000' }],
    ['sentiment v3 --emergency', { kind: 'flag-needs-value', flag: '--emergency' }],
    ['sentiment v3 --emergency ""', { kind: 'invalid-reason', why: 'empty' }],
    ['sentiment v3 --emergency "a\u202eb"', { kind: 'invalid-reason', why: 'control characters' }],
    ['sentiment v3 --emergency "unclosed', { kind: 'unclosed-quote' }],
    ['sentiment v3 --dryrun', { kind: 'unknown-flag', flag: '--dryrun', suggestion: '--dry-run' }],
    ['sentiment v3 production extra', { kind: 'too-many-arguments', max: 3, got: ['sentiment', 'v3', 'production', 'extra'] }],
  ])('refuses %j', (text, problem) => {
    expect(promote(text)).toEqual({ ok: false, problem });
  });

  it('bounds the work on a 10 KB argument', () => {
    expect(promote('a'.repeat(10_000))).toEqual({ ok: false, problem: { kind: 'too-long', max: 2000 } });
    expect(promote(`${'a'.repeat(65)} v3`)).toEqual({ ok: false, problem: { kind: 'invalid-model', value: 'a'.repeat(65) } });
    expect(promote(`sentiment v3 --emergency "${'x'.repeat(501)}"`)).toEqual({ ok: false, problem: { kind: 'invalid-reason', why: 'too long' } });
  });

  it('request ids are exactly p- and 12 base32 characters', () => {
    for (const id of ['p-abc', 'p-ABCDEFGH2345', 'p-abcdefgh2341', '../p-abcdefgh2345', 'p-abcdefgh2345x']) {
      expect(parsePromotionArguments('approve', id)).toEqual({ ok: false, problem: { kind: 'invalid-id', value: id } });
    }
    expect(parsePromotionArguments('reject', 'p-abcdefgh2345 "too risky"')).toEqual({ ok: true, command: { kind: 'reject', id: 'p-abcdefgh2345', reason: 'too risky' } });
  });
});
