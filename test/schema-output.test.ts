import { describe, expect, test } from '@jest/globals';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { main } from '../src/cli/main.js';
import { fakeIO } from './helpers/fake-io.js';
import { BAD_LICENSE_CARD, tmpRepo, VALID_CARD } from './helpers/tmp-repo.js';

/** schema/diff-output.schema.json and validate-output.schema.json describe what the CLI really prints. */
const schema = (name: string) => JSON.parse(readFileSync(new URL(`../schema/${name}`, import.meta.url), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
const diffSchema = ajv.compile(schema('diff-output.schema.json'));
const validateSchema = ajv.compile(schema('validate-output.schema.json'));

async function run(files: Record<string, string>, args: string[]) {
  const repo = tmpRepo(files);
  try {
    const io = fakeIO(repo.root);
    const code = await main(args, io);
    return { code, doc: JSON.parse(io.out) as unknown };
  } finally {
    repo.remove();
  }
}

describe('the JSON output schemas, against real output', () => {
  test('diff: gates, invalid values, text, added and removed metrics, per-example intervals', async () => {
    const files = {
      'base.json': '{"eval": {"accuracy": 0.9, "f1": NaN, "name": "a", "gone": 1}}',
      'head.json': '{"eval": {"accuracy": 0.8, "f1": 0.5, "name": "b", "new": 2}}',
      '.github/modelgate.yml': 'metrics:\n  - match: eval.accuracy\n    max_regression: 0.01\n    required: true\n  - match: "eval.*"\n    fail_only_if_significant: true\n',
      'base.jsonl': Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `e${i}`, accuracy: i % 10 < 9 ? 1 : 0 })).join('\n'),
      'head.jsonl': Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `e${i}`, accuracy: i % 10 < 8 ? 1 : 0 })).join('\n'),
    };
    const r = await run(files, ['diff', 'base.json', 'head.json', '--format', 'json', '--base-predictions', 'base.jsonl', '--head-predictions', 'head.jsonl', '--base-ref', 'main', '--base-sha', 'abc']);
    expect(r.code).toBe(1);
    expect(diffSchema(r.doc) ? [] : diffSchema.errors).toEqual([]);
    expect((r.doc as { rows: { ci: unknown }[] }).rows[0]!.ci).not.toBeNull();
  });

  test('diff: the error document', async () => {
    const r = await run({}, ['diff', '--format', 'json', 'nope.json', 'other.json']);
    expect(r.code).toBe(2);
    expect(diffSchema(r.doc) ? [] : diffSchema.errors).toEqual([]);
    expect(diffSchema({ schema: 1, rows: [], extra: true })).toBe(false); // the schema is not vacuous
  });

  test('validate: valid, failing and unreadable cards, and a toolkit card', async () => {
    const files = {
      'models/a/README.md': VALID_CARD,
      'models/b/README.md': BAD_LICENSE_CARD,
      'models/c/model_card.json': '{"schema_version": "0.0.2", "model_details": {"name": "c", "version": {"name": "v1", "date": "08/28/2020"}}}',
      'models/d/README.md': '\u0000\u0001binary',
    };
    const r = await run(files, ['validate', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(validateSchema(r.doc) ? [] : validateSchema.errors).toEqual([]);
    expect(validateSchema({ files: [{ path: 'x' }], summary: {} })).toBe(false);
  });
});
