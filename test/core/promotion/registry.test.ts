import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { applyEdits, historyRewrites, readRegistry, registryJsonSchema, type HistoryEntry, type RegisteredVersion, type RegistryFile } from '../../../src/core/promotion/index.js';

const SHA = (c: string) => c.repeat(40);
const DIGEST = (c: string) => `sha256:${c.repeat(64)}`;
const v = (commit: string, pr: number | null = 12): RegisteredVersion => ({
  card: 'models/sentiment/README.md',
  commit: SHA(commit),
  pr,
  card_digest: DIGEST(commit),
  evaluation: null,
  registered_at: '2026-11-01T10:00:00Z',
});
const move = (stage: string, from: string | null, to: string, id = 'p-aaaaaaaaaaaa'): HistoryEntry => ({
  stage,
  from,
  to,
  promotion: id,
  requested_by: 'alice',
  approved_by: ['bob'],
  at: '2026-11-20T09:00:00Z',
});

const TEXT = `# Hand-written comment: keep me.
models:
  sentiment:
    versions:
      v2: {card: models/sentiment/README.md, commit: ${SHA('a')}, pr: 11, card_digest: ${DIGEST('a')}, evaluation: null, registered_at: 2026-11-01T10:00:00Z}
    stages: {staging: v2}
    history:
      - {stage: staging, from: null, to: v2, promotion: p-aaaaaaaaaaaa, requested_by: alice, approved_by: [bob], at: 2026-11-02T09:00:00Z}
`;

function file(text: string): RegistryFile {
  const read = readRegistry(text);
  if (!read.ok) throw new Error(JSON.stringify(read.errors));
  return read.file;
}

describe('readRegistry', () => {
  it('reads the documented shape', () => {
    const { registry } = file(TEXT);
    expect(registry.models['sentiment']).toEqual({
      versions: { v2: { ...v('a', 11) } },
      stages: { staging: 'v2' },
      history: [{ ...move('staging', null, 'v2'), at: '2026-11-02T09:00:00Z' }],
    });
  });

  it('an empty or missing file is an empty registry', () => {
    expect(file('').registry).toEqual({ models: {} });
    expect(file('# nothing yet\n').registry).toEqual({ models: {} });
  });

  it('points at the line of a schema error, with a suggestion', () => {
    const read = readRegistry(TEXT.replace('    stages:', '    stagse:'));
    expect(read.ok).toBe(false);
    expect(!read.ok && read.errors).toEqual([
      expect.objectContaining({ rule: 'registry/unknown-key', line: 6, column: 5, message: 'Unknown key `stagse` in `models.sentiment`.', hint: 'Did you mean `stages`?' }),
    ]);
  });

  it('refuses unsafe model names and versions, and names that YAML reads as numbers', () => {
    const bad = readRegistry(TEXT.replace('  sentiment:', '  ../../etc:'));
    expect(!bad.ok && bad.errors[0]).toMatchObject({ rule: 'registry/invalid', line: 3 });
    const numeric = readRegistry(TEXT.replace('      v2: {', '      1.10: {').replace('{staging: v2}', '{staging: "1.1"}').replace('to: v2', 'to: "1.1"'));
    expect(!numeric.ok && numeric.errors).toEqual([expect.objectContaining({ rule: 'registry/invalid', line: 5, message: 'The version `1.10` is read as a number, not as text.', hint: 'Quote it: "1.10".' })]);
  });

  it('refuses a stage or history entry that names an unregistered version', () => {
    const read = readRegistry(TEXT.replace('{staging: v2}', '{staging: v9}'));
    expect(!read.ok && read.errors).toEqual([expect.objectContaining({ rule: 'registry/inconsistent', line: 6, message: 'Stage `staging` of `sentiment` holds `v9`, which is not a registered version.' })]);
  });

  it('reports YAML syntax errors at their line, and does not drown in them', () => {
    const read = readRegistry('models:\n  a: [\n' + '  - x: {\n'.repeat(5000));
    expect(read.ok).toBe(false);
    expect(!read.ok && read.errors.length).toBeLessThanOrEqual(21);
    expect(!read.ok && read.errors.at(-1)!.rule).toBe('registry/too-many-errors');
    expect(!read.ok && read.errors[0]!.rule).toBe('registry/yaml-syntax');
  });
});

describe('applyEdits', () => {
  it('registers versions and moves stages, keeping comments and the rest of the file', () => {
    const out = applyEdits(file(TEXT), [
      { kind: 'register', model: 'sentiment', version: 'v3', entry: v('c') },
      { kind: 'move', model: 'sentiment', stage: 'staging', entry: move('staging', 'v2', 'v3', 'p-bbbbbbbbbbbb') },
      { kind: 'register', model: 'fraud', version: '1.0', entry: { ...v('d'), card: 'models/fraud/README.md' } },
    ]);
    if (!out.ok) throw new Error(out.error);
    expect(out.text.startsWith('# Hand-written comment: keep me.\nmodels:\n  sentiment:\n')).toBe(true);
    expect(out.text).toContain('"1.0": {card: models/fraud/README.md');
    // Untouched lines are byte for byte what they were.
    for (const line of TEXT.split('\n').slice(0, 5)) expect(out.text).toContain(line);
    const data = parse(out.text);
    expect(data.models.sentiment.stages).toEqual({ staging: 'v3' });
    expect(data.models.sentiment.history.map((h: HistoryEntry) => h.promotion)).toEqual(['p-aaaaaaaaaaaa', 'p-bbbbbbbbbbbb']);
    expect(Object.keys(data.models.sentiment.versions)).toEqual(['v2', 'v3']);
    expect(out.registry.models['fraud']?.versions['1.0']?.commit).toBe(SHA('d'));
  });

  it('registering the same version twice with the same card is a no-op; another card is refused', () => {
    const base = file(TEXT);
    const same = applyEdits(base, [{ kind: 'register', model: 'sentiment', version: 'v2', entry: v('a', 11) }]);
    expect(same).toMatchObject({ ok: true, unchanged: true });
    expect(applyEdits(base, [{ kind: 'register', model: 'sentiment', version: 'v2', entry: v('e') }])).toEqual({
      ok: false,
      error: `sentiment v2 is already registered with another card (${DIGEST('a')}).`,
    });
  });

  it('never moves a stage from a version it no longer holds, and only to registered versions', () => {
    const base = file(TEXT);
    expect(applyEdits(base, [{ kind: 'move', model: 'sentiment', stage: 'staging', entry: move('staging', null, 'v2') }])).toEqual({
      ok: false,
      error: 'staging of sentiment now holds v2, not no version as when the move was decided.',
    });
    expect(applyEdits(base, [{ kind: 'move', model: 'sentiment', stage: 'production', entry: move('production', null, 'v9') }])).toEqual({ ok: false, error: 'sentiment v9 is not registered.' });
  });

  it('builds a registry from nothing', () => {
    const out = applyEdits(file(''), [{ kind: 'register', model: 'x', version: 'v1', entry: v('f') }]);
    expect(out.ok && parse(out.text)).toEqual({ models: { x: { versions: { v1: v('f') } } } });
  });

  it('the history stays append-only: emergencies and rollbacks are marked in their entries', () => {
    const out = applyEdits(file(TEXT), [
      { kind: 'move', model: 'sentiment', stage: 'production', entry: { ...move('production', null, 'v2', 'p-cccccccccccc'), emergency: true, reason: 'hotfix' } },
    ]);
    if (!out.ok) throw new Error(out.error);
    expect(parse(out.text).models.sentiment.history[1]).toEqual({ ...move('production', null, 'v2', 'p-cccccccccccc'), emergency: true, reason: 'hotfix' });
  });
});

describe('historyRewrites', () => {
  it('accepts appended entries and flags a rewritten or removed one at its line', () => {
    const base = file(TEXT).registry;
    const appended = applyEdits(file(TEXT), [{ kind: 'register', model: 'sentiment', version: 'v3', entry: v('c') }, { kind: 'move', model: 'sentiment', stage: 'staging', entry: move('staging', 'v2', 'v3', 'p-bbbbbbbbbbbb') }]);
    if (!appended.ok) throw new Error(appended.error);
    expect(historyRewrites(base, file(appended.text))).toEqual([]);
    const edited = TEXT.replace('approved_by: [bob]', 'approved_by: [mallory]');
    expect(historyRewrites(base, file(edited))).toEqual([
      expect.objectContaining({ rule: 'registry/history-rewritten', line: 8, column: 9, message: 'The history of `sentiment` was changed at entry 1: its 1 earlier entry must stay as they are, in order.' }),
    ]);
    const removed = TEXT.replace(/ {4}history:\n.*\n/, '');
    expect(historyRewrites(base, file(removed.replace('{staging: v2}', '{}')))).toHaveLength(1);
  });
});

describe('schema/registry.schema.json', () => {
  it('is generated from the zod schema (run `npm run build && npm run schema`)', () => {
    const published = JSON.parse(readFileSync(new URL('../../../schema/registry.schema.json', import.meta.url), 'utf8'));
    expect(published).toEqual(JSON.parse(JSON.stringify(registryJsonSchema())));
  });
});
