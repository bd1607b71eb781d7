import { afterAll, afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { run } from '../../actions/validate-model-card/src/main.js';
import { BAD_LICENSE_CARD, tmpRepo, VALID_CARD, YAML_ERROR_CARD, type TmpRepo } from '../helpers/tmp-repo.js';
import { FakeRunner } from '../helpers/fake-runner.js';

// The action talks to the runner through env vars, files and stdout; the test plays the runner.
const runner = new FakeRunner();
let repo: TmpRepo | undefined;

afterAll(() => runner.dispose());
beforeEach(() => runner.start());
afterEach(() => {
  runner.reset();
  repo?.remove();
  repo = undefined;
});

async function runAction(files: Record<string, string>, inputs: Record<string, string> = {}) {
  repo?.remove();
  repo = tmpRepo(files);
  runner.prepare({ inputs, env: { GITHUB_WORKSPACE: repo.root } });
  await run();
  return runner.result();
}

describe('validate-model-card action', () => {
  test('valid cards: no annotations, valid=true, a summary, the step passes', async () => {
    const result = await runAction({ 'models/good/README.md': VALID_CARD, 'README.md': 'not a card' });
    expect(result.failed).toBe(false);
    expect(result.commands).toEqual([]);
    expect(result.outputs).toEqual({ valid: 'true', errors: '0', warnings: '0' });
    expect(result.summary).toMatch(/^## Model cards: 1 model card valid\n\n\*\*All 1 model card passed\*\* \(0 errors, 0 warnings\)\./);
    expect(result.summary).toContain('| `models/good/README.md` | good | 0 | 0 | ✅ pass |');
    expect(runner.stdout).toContain('1 model card valid\n');
  });

  test('an invalid card: an annotation on the line, valid=false, the step fails', async () => {
    const result = await runAction({ 'models/good/README.md': VALID_CARD, 'models/bad/README.md': BAD_LICENSE_CARD });
    expect(result.failed).toBe(true);
    expect(result.commands).toEqual([
      '::error title=card/invalid-license,file=models/bad/README.md,line=2,col=10::License "not-a-license" is not a Hugging Face Hub license id.' +
        "%0AUse one of the Hub's license ids (https://huggingface.co/docs/hub/repositories-licenses), or `license: other` with `license_name` and `license_link`.",
      '::error::1 model card failed: 1 error, 0 warnings',
    ]);
    expect(result.outputs).toEqual({ valid: 'false', errors: '1', warnings: '0' });
    expect(result.summary).toContain('**1 model card of 2 failed** (1 error, 0 warnings).');
    expect(result.summary).toContain('| `models/bad/README.md` | bad | 1 | 0 | ❌ fail |');
    expect(result.summary).toContain('#### `models/bad/README.md`');
  });

  test('a YAML syntax error is annotated with its rule', async () => {
    const result = await runAction({ 'MODEL_CARD.md': YAML_ERROR_CARD });
    expect(result.failed).toBe(true);
    expect(result.commands[0]).toBe(
      '::error title=card/yaml-syntax,file=MODEL_CARD.md,line=4,col=1::YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]' +
        '%0AFix the YAML syntax; a YAML linter or your editor shows the exact problem.',
    );
  });

  test('the paths input (newline or space separated) narrows what is checked', async () => {
    const files = { 'models/a/README.md': VALID_CARD, 'models/b/README.md': BAD_LICENSE_CARD, 'other/model_card.md': BAD_LICENSE_CARD };
    const result = await runAction(files, { paths: 'models/a\n  other/model_card.md  ' });
    expect(result.outputs).toEqual({ valid: 'false', errors: '1', warnings: '0' });
    expect(result.commands[0]).toMatch(/^::error title=card\/invalid-license,file=other\/model_card\.md,/);
    expect(result.summary).toContain('| `models/a/README.md` |');
    expect(result.summary).not.toContain('models/b/README.md');
  });

  test('fail-on: warning fails on warnings; the default does not', async () => {
    const card = '---\nlicense: mit\npipeline_tag: text-clasification\n---\n# Model\n';
    const lenient = await runAction({ 'MODEL_CARD.md': card });
    expect(lenient.failed).toBe(false);
    expect(lenient.outputs).toEqual({ valid: 'true', errors: '0', warnings: '1' });
    expect(lenient.commands).toEqual([
      '::warning title=card/unknown-pipeline-tag,file=MODEL_CARD.md,line=3,col=15::Pipeline tag "text-clasification" is not a Hugging Face Hub task.%0ADid you mean `text-classification`?',
    ]);

    const strict = await runAction({ 'MODEL_CARD.md': card }, { 'fail-on': 'warning' });
    expect(strict.failed).toBe(true);
    expect(strict.outputs).toEqual({ valid: 'false', errors: '0', warnings: '1' });
    expect(strict.summary).toContain('Warnings fail this check (`fail_on: warning`).');
  });

  test('fail_on from the config applies when the input is empty', async () => {
    const card = '---\nlicense: mit\npipeline_tag: text-clasification\n---\n# Model\n';
    const result = await runAction({ 'MODEL_CARD.md': card, '.github/modelgate.yml': 'fail_on: warning\n' });
    expect(result.failed).toBe(true);
    expect(result.outputs['valid']).toBe('false');
  });

  test('an invalid config: annotations on the config file, a summary, the step fails', async () => {
    const result = await runAction({ 'MODEL_CARD.md': VALID_CARD, '.github/modelgate.yml': 'fail_on: error\nfial_on: warning\n' });
    expect(result.failed).toBe(true);
    expect(result.commands).toEqual([
      '::error title=config/unknown-key,file=.github/modelgate.yml,line=2,col=1::Unknown key `fial_on`.%0ADid you mean `fail_on`?',
      '::error::.github/modelgate.yml is not a valid modelgate config (1 error).',
    ]);
    expect(result.outputs).toEqual({ valid: 'false', errors: '1', warnings: '0' });
    expect(result.summary).toContain('**The modelgate configuration `.github/modelgate.yml` is invalid**');
  });

  test('a config file named in the inputs must exist', async () => {
    const result = await runAction({ 'MODEL_CARD.md': VALID_CARD }, { config: 'ci/modelgate.yml' });
    expect(result.failed).toBe(true);
    expect(result.commands).toEqual(['::error::Cannot read config file ci/modelgate.yml: not found.']);
    expect(result.outputs).toEqual({ valid: 'false' });
  });

  test('the default config path may be absent', async () => {
    const result = await runAction({ 'MODEL_CARD.md': VALID_CARD }, { config: '.github/modelgate.yml' });
    expect(result.failed).toBe(false);
    expect(result.outputs['valid']).toBe('true');
  });

  test('a config named in the inputs is used', async () => {
    const result = await runAction({ 'docs/card.md': BAD_LICENSE_CARD, 'MODEL_CARD.md': VALID_CARD, 'ci/gate.yml': 'cards: ["docs/*.md"]\n' }, { config: 'ci/gate.yml' });
    expect(result.outputs).toEqual({ valid: 'false', errors: '1', warnings: '0' });
    expect(result.summary).not.toContain('MODEL_CARD.md');
  });

  test('a path that does not exist fails the step with a clear message', async () => {
    const result = await runAction({ 'MODEL_CARD.md': VALID_CARD }, { paths: 'models/missing' });
    expect(result.failed).toBe(true);
    expect(result.commands).toEqual(['::error::Cannot read models/missing: not found.']);
  });

  test('an invalid fail-on input fails the step', async () => {
    const result = await runAction({ 'MODEL_CARD.md': VALID_CARD }, { 'fail-on': 'warn' });
    expect(result.failed).toBe(true);
    expect(result.commands).toEqual(["::error::The fail-on input must be 'error' or 'warning', not 'warn'."]);
  });

  test('no cards: the step passes and says so', async () => {
    const result = await runAction({ 'README.md': '# not a card\n' });
    expect(result.failed).toBe(false);
    expect(result.outputs).toEqual({ valid: 'true', errors: '0', warnings: '0' });
    expect(runner.stdout).toContain('No model cards found (card globs: **/MODEL_CARD.md, **/model_card.md, **/model_card.{yml,yaml,json}, models/**/README.md).\n');
  });

  test('without GITHUB_STEP_SUMMARY the action still runs', async () => {
    repo = tmpRepo({ 'MODEL_CARD.md': BAD_LICENSE_CARD });
    runner.prepare({ inputs: {}, env: { GITHUB_WORKSPACE: repo.root } });
    delete process.env['GITHUB_STEP_SUMMARY'];
    await run();
    const result = runner.result();
    expect(result.failed).toBe(true);
    expect(result.summary).toBe('');
  });
});

describe('action.yml', () => {
  test('declares the inputs main.ts reads and the outputs it sets, on node24 with the bundle', async () => {
    const { parse } = await import('yaml');
    const action = parse(readFileSync(new URL('../../actions/validate-model-card/action.yml', import.meta.url), 'utf8'));
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(Object.keys(action.inputs)).toEqual(['paths', 'config', 'fail-on']);
    expect(action.inputs.config.default).toBe('.github/modelgate.yml');
    expect(Object.keys(action.outputs)).toEqual(['valid', 'errors', 'warnings']);
    expect(action.branding).toEqual({ icon: 'check-square', color: 'green' });
  });
});
