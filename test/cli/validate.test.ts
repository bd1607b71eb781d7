import { afterEach, describe, expect, test } from '@jest/globals';
import { main } from '../../src/cli/main.js';
import { runValidate } from '../../src/cli/validate.js';
import { fakeIO } from '../helpers/fake-io.js';
import { BAD_LICENSE_CARD, tmpRepo, VALID_CARD, YAML_ERROR_CARD, type TmpRepo } from '../helpers/tmp-repo.js';

let repo: TmpRepo;
afterEach(() => repo?.remove());

const LICENSE_HINT =
  "Use one of the Hub's license ids (https://huggingface.co/docs/hub/repositories-licenses), or `license: other` with `license_name` and `license_link`.";
const WARNING_CARD = '---\nlicense: mit\npipeline_tag: text-clasification\n---\n# Model\n';

async function validate(files: Record<string, string | Uint8Array>, args: string[] = [], options: Parameters<typeof fakeIO>[1] = {}) {
  repo = tmpRepo(files);
  const io = fakeIO(repo.root, options);
  const code = await runValidate(args, io);
  return { code, out: io.out, err: io.err };
}

describe('modelgate validate', () => {
  test('a valid card: exit 0 and a one-line summary', async () => {
    const r = await validate({ 'models/bert/README.md': VALID_CARD });
    expect(r).toEqual({ code: 0, out: '✔ 1 model card valid\n', err: '' });
  });

  test('an invalid license: exit 1, path:line:col, rule, hint, summary', async () => {
    const r = await validate({ 'models/bert/README.md': BAD_LICENSE_CARD, 'models/ok/README.md': VALID_CARD });
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    expect(r.out).toBe(
      [
        'models/bert/README.md:2:10  error    License "not-a-license" is not a Hugging Face Hub license id.  card/invalid-license',
        `    hint: ${LICENSE_HINT}`,
        '',
        '✖ 1 model card failed: 1 error, 0 warnings',
        '',
      ].join('\n'),
    );
  });

  test('a YAML syntax error: exit 1 with card/yaml-syntax', async () => {
    const r = await validate({ 'MODEL_CARD.md': YAML_ERROR_CARD }, ['--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).files[0].findings).toEqual([
      {
        severity: 'error',
        rule: 'card/yaml-syntax',
        message: 'YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
        hint: 'Fix the YAML syntax; a YAML linter or your editor shows the exact problem.',
        line: 4,
        column: 1,
      },
    ]);
  });

  test('--format json: exactly one JSON document with the documented keys', async () => {
    const r = await validate({ 'models/bert/README.md': BAD_LICENSE_CARD, 'models/ok/README.md': VALID_CARD }, ['--format=json']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    const doc = JSON.parse(r.out);
    expect(Object.keys(doc)).toEqual(['files', 'summary']);
    expect(doc.summary).toEqual({ files: 2, valid: 1, invalid: 1, errors: 1, warnings: 0 });
    expect(doc.files.map((f: { path: string; valid: boolean }) => [f.path, f.valid])).toEqual([
      ['models/bert/README.md', false],
      ['models/ok/README.md', true],
    ]);
    const [finding] = doc.files[0].findings;
    expect(Object.keys(finding)).toEqual(['severity', 'rule', 'message', 'hint', 'line', 'column']);
    expect(finding).toEqual({
      severity: 'error',
      rule: 'card/invalid-license',
      message: 'License "not-a-license" is not a Hugging Face Hub license id.',
      hint: LICENSE_HINT,
      line: 2,
      column: 10,
    });
    expect(doc.files[1]).toEqual({ path: 'models/ok/README.md', format: 'markdown', model: { name: 'ok', version: null, source: 'folder' }, valid: true, findings: [] });
  });

  test('--format github: workflow commands', async () => {
    const r = await validate({ 'models/bert/README.md': BAD_LICENSE_CARD }, ['-f', 'github']);
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      '::error file=models/bert/README.md,line=2,col=10,title=card/invalid-license::' +
        `License "not-a-license" is not a Hugging Face Hub license id.%0A${LICENSE_HINT}\n` +
        '1 model card failed: 1 error, 0 warnings\n',
    );
  });

  test('warnings pass by default and fail with --fail-on warning', async () => {
    const lenient = await validate({ 'MODEL_CARD.md': WARNING_CARD });
    expect(lenient.code).toBe(0);
    expect(lenient.out).toBe(
      'MODEL_CARD.md:3:15  warning  Pipeline tag "text-clasification" is not a Hugging Face Hub task.  card/unknown-pipeline-tag\n' +
        '    hint: Did you mean `text-classification`?\n\n' +
        '✔ 1 model card passed with 1 warning\n',
    );
    repo.remove();
    const strict = await validate({ 'MODEL_CARD.md': WARNING_CARD }, ['--fail-on', 'warning']);
    expect(strict.code).toBe(1);
  });

  test('fail_on from the config, overridden by --fail-on', async () => {
    const files = { 'MODEL_CARD.md': WARNING_CARD, '.github/modelgate.yml': 'fail_on: warning\n' };
    expect((await validate(files)).code).toBe(1);
    repo.remove();
    expect((await validate(files, ['--fail-on', 'error'])).code).toBe(0);
  });

  test('directories are searched by the card globs; named files are always checked', async () => {
    const files = {
      'models/a/README.md': VALID_CARD,
      'docs/README.md': BAD_LICENSE_CARD,
      'node_modules/x/MODEL_CARD.md': BAD_LICENSE_CARD,
    };
    expect((await validate(files, ['--format', 'json'])).out).toContain('"files": 1,');
    repo.remove();
    const named = await validate(files, ['docs/README.md', 'models', '--format', 'json']);
    expect(named.code).toBe(1);
    expect(JSON.parse(named.out).files.map((f: { path: string }) => f.path)).toEqual(['docs/README.md', 'models/a/README.md']);
  });

  test('globs as arguments', async () => {
    const r = await validate({ 'models/a/model_card.yml': 'license: mit\n', 'models/b/model_card.yml': 'license: nope\n' }, ['models/*/model_card.yml', '--format', 'json']);
    expect(JSON.parse(r.out).summary).toEqual({ files: 2, valid: 1, invalid: 1, errors: 1, warnings: 0 });
  });

  test('the config decides which files are cards', async () => {
    const r = await validate(
      { 'cards/x.md': BAD_LICENSE_CARD, 'models/a/README.md': BAD_LICENSE_CARD, '.github/modelgate.yml': 'cards: ["cards/*.md"]\n' },
      ['--format', 'json'],
    );
    expect(JSON.parse(r.out).files.map((f: { path: string }) => f.path)).toEqual(['cards/x.md']);
  });

  test('no cards: exit 0 and says so', async () => {
    expect(await validate({ 'README.md': '# hi\n' })).toEqual({ code: 0, out: 'No model cards found.\n', err: '' });
  });

  test('a card over 1 MiB is reported as too large', async () => {
    const r = await validate({ 'MODEL_CARD.md': `${VALID_CARD}${'x'.repeat(1024 * 1024)}` }, ['--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).files[0].findings.map((f: { rule: string }) => f.rule)).toEqual(['card/file-too-large']);
  });

  test('colours only on a TTY without NO_COLOR', async () => {
    const files = { 'models/bert/README.md': BAD_LICENSE_CARD };
    expect((await validate(files, [], { isTTY: true })).out).toContain('\u001b[31m');
    repo.remove();
    expect((await validate(files, [], { isTTY: true, env: { NO_COLOR: '1' } })).out).not.toContain('\u001b[');
    repo.remove();
    expect((await validate(files, [], { isTTY: false })).out).not.toContain('\u001b[');
  });

  describe('usage and input errors exit 2 with a clear message', () => {
    const cases: [string, string[], string][] = [
      ['a path that does not exist', ['models/nope'], 'modelgate: Cannot read models/nope: not found.\n'],
      ['a glob matching nothing', ['models/*/MODEL_CARD.md'], 'modelgate: No files match models/*/MODEL_CARD.md.\n'],
      ['a config file that does not exist', ['--config', 'gate.yml'], 'modelgate: Cannot read config file gate.yml: not found.\n'],
      ['an unknown option', ['--formt', 'json'], "modelgate: Unknown option '--formt'. Did you mean '--format'? Run 'modelgate validate --help' for the options.\n"],
      ['an unknown short option', ['-x'], "modelgate: Unknown option '-x'. Run 'modelgate validate --help' for the options.\n"],
      ['a bad format', ['--format', 'jsn'], "modelgate: --format must be one of text, json, github, not 'jsn'. Did you mean 'json'?\n"],
      ['a bad fail-on', ['--fail-on', 'warnings'], "modelgate: --fail-on must be one of error, warning, not 'warnings'. Did you mean 'warning'?\n"],
      ['an option without its value', ['--config'], "modelgate: Option '--config' needs a value, e.g. '--config=VALUE'.\n"],
      ['an option followed by another option', ['--config', '--format', 'json'], "modelgate: Option '--config' needs a value, e.g. '--config=VALUE'.\n"],
    ];
    test.each(cases)('%s', async (_name, args, message) => {
      const { main } = await import('../../src/cli/main.js');
      repo = tmpRepo({ 'models/a/README.md': VALID_CARD });
      const io = fakeIO(repo.root);
      expect(await main(['validate', ...args], io)).toBe(2);
      expect(io.err).toBe(message);
      expect(io.out).toBe('');
    });
  });

  test('an invalid config: its errors with file:line:col on stderr, exit 2', async () => {
    const { main } = await import('../../src/cli/main.js');
    repo = tmpRepo({ 'MODEL_CARD.md': VALID_CARD, '.github/modelgate.yml': 'fail_on: error\nfial_on: warning\n' });
    const io = fakeIO(repo.root);
    expect(await main(['validate'], io)).toBe(2);
    expect(io.out).toBe('');
    expect(io.err).toBe(
      '.github/modelgate.yml:2:1  error    Unknown key `fial_on`.  config/unknown-key\n' +
        '    hint: Did you mean `fail_on`?\n' +
        'modelgate: .github/modelgate.yml is not a valid modelgate config (1 error).\n',
    );
  });

  test('an invalid config with --format github: annotations on the config file', async () => {
    const { main } = await import('../../src/cli/main.js');
    repo = tmpRepo({ 'MODEL_CARD.md': VALID_CARD, '.github/modelgate.yml': 'fail_on: eror\n' });
    const io = fakeIO(repo.root);
    expect(await main(['validate', '--format', 'github'], io)).toBe(2);
    expect(io.out).toMatch(/^::error file=\.github\/modelgate\.yml,line=1,col=10,title=config\/invalid::.+%0ADid you mean `error`\?\n$/);
    expect(io.err).toBe('modelgate: .github/modelgate.yml is not a valid modelgate config (1 error).\n');
  });

  test('from a subdirectory: the config is found up to the repository root, and paths are relative to the working directory', async () => {
    repo = tmpRepo({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.github/modelgate.yml': 'require:\n  fields: [language, datasets, base_model]\n  sections: [Limitations]\nlicenses:\n  allow: [apache-2.0]\n',
      'models/ner/README.md': '---\nlicense: not-a-license\npipeline_tag: token-classification\n---\n# NER\n',
    });
    const io = fakeIO(`${repo.root}/models`);
    expect(await runValidate(['ner/README.md', '--format', 'json'], io)).toBe(1);
    const doc = JSON.parse(io.out);
    expect(doc.files[0].path).toBe('models/ner/README.md');
    expect(doc.summary.errors).toBe(6);
  });

  test('a Hub-layout repository: the root README.md is the card', async () => {
    const r = await validate({ '.git/HEAD': 'x', 'README.md': BAD_LICENSE_CARD, 'config.json': '{}' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('README.md:2:10  error    License "not-a-license"');
  });

  test('a named path that is not a card: exit 2 with what to do, not "No model cards found"', async () => {
    const viaMain = async (files: Record<string, string>, args: string[]) => {
      repo?.remove();
      repo = tmpRepo(files);
      const io = fakeIO(repo.root);
      return { code: await main(['validate', ...args], io), out: io.out, err: io.err };
    };
    const r = await viaMain({ 'docs/guide.md': '# Guide\n', 'notes.txt': 'x' }, ['docs']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^modelgate: docs holds no model card: no file in it matches the card globs/);
    const t = await viaMain({ 'notes.txt': 'x' }, ['notes.txt']);
    expect(t).toMatchObject({ code: 2, out: '' });
    expect(t.err).toMatch(/^modelgate: notes\.txt is not a model card/);
  });

  test('--only-cards: named files that are not cards by the config are skipped (the pre-commit hook)', async () => {
    const r = await validate({ 'models/a/README.md': VALID_CARD, 'docs/guide.md': '# Guide\n', 'package.json': '{}' }, ['--only-cards', 'docs/guide.md', 'package.json', 'models/a/README.md']);
    expect(r).toEqual({ code: 0, out: '✔ 1 model card valid\n', err: '' });
  });
});
