import { isMap, isScalar, isSeq, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { z } from 'zod';
import type { Finding } from '../common/findings.js';
import { parseSchemaFile } from '../config/schema-file.js';
import { positionOf, type SourceMap } from '../common/yaml-positions.js';
import { GITHUB_LOGIN, isModelName, isVersionName, PROMOTION_ID, STAGE_NAME } from './names.js';

/**
 * The registry, `models/registry.yaml` in the repository: the source of truth for every model's
 * registered versions (with their evidence), the version each stage holds, and an append-only
 * history of every move. modelgate edits it as a YAML document, so hand-written comments and
 * layout survive; every edit is validated against this schema before it is written.
 */

export const REGISTRY_SCHEMA_VERSION = 1;
/**
 * The registry's bounds: a registry of thousands of versions is well under them, and a hostile
 * edit in a pull request cannot make reading it take long.
 */
const MAX_REGISTRY_CHARS = 2 * 1024 * 1024;
const MAX_REGISTRY_TOKENS = 500_000;

function at(line: number, column: number, rule: string, message: string, hint: string): Finding {
  return { severity: 'error', rule, message, hint, line, column };
}

const CommitSha = z.string().regex(/^[0-9a-f]{40}$/, 'a full lowercase commit SHA (40 hex characters)');
const Digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a digest such as "sha256:" and 64 hex characters');
const Timestamp = z.iso.datetime({ error: 'an ISO 8601 UTC timestamp such as 2026-12-01T10:00:00Z' });
const RepoPath = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').some((s) => s === '' || s === '.' || s === '..'), 'a repository-relative path');
const ModelName = z.string().refine(isModelName, 'a model name: lowercase letters, digits, `.`, `_` and `-`, at most 64 characters');
const VersionName = z.string().refine(isVersionName, 'a version: letters, digits, `.`, `_` and `-`, at most 64 characters');
const StageName = z.string().regex(STAGE_NAME, 'a stage name');
const Login = z.string().regex(GITHUB_LOGIN, 'a GitHub login');

export const RegisteredEvaluationSchema = z
  .strictObject({
    id: z.number().int().positive().describe('The evaluation modelgate recorded.'),
    run: z.string().url().describe('The evaluation workflow run.'),
    metrics_digest: Digest.describe('SHA-256 of the metrics file the evaluation uploaded.'),
    gates_passed: z.boolean().nullable().describe('Whether its metric gates passed; null when no gate applied.'),
  })
  .describe('The evaluation evidence of a version.');

export const RegisteredVersionSchema = z
  .strictObject({
    card: RepoPath.describe('The model card.'),
    commit: CommitSha.describe('The commit the version was registered at (its pull request\'s merge commit).'),
    pr: z.number().int().positive().nullable().describe('The pull request that added the version.'),
    card_digest: Digest.describe('SHA-256 of the card at that commit.'),
    evaluation: RegisteredEvaluationSchema.nullable(),
    registered_at: Timestamp,
  })
  .describe('A registered version and its evidence.');

export const HistoryEntrySchema = z
  .strictObject({
    stage: StageName,
    from: VersionName.nullable().describe('The version the stage held before (null: none).'),
    to: VersionName.describe('The version the stage holds after.'),
    promotion: z.string().regex(PROMOTION_ID, 'a promotion id such as p-abcdefgh2345'),
    requested_by: Login,
    approved_by: z.array(Login),
    at: Timestamp,
    reason: z.string().max(2000).optional().describe('Why (emergencies and rollbacks say).'),
    rollback: z.literal(true).optional(),
    emergency: z.literal(true).optional(),
  })
  .describe('One move of a stage, newest last. Never edited or removed.');

export const ModelEntrySchema = z
  .strictObject({
    versions: z.record(VersionName, RegisteredVersionSchema).optional(),
    stages: z.record(StageName, VersionName).optional().describe('The version each stage holds.'),
    history: z.array(HistoryEntrySchema).optional(),
  })
  .describe('One model.');

export const RegistrySchema = z
  .strictObject({
    schema_version: z.literal(REGISTRY_SCHEMA_VERSION).optional(),
    models: z.record(ModelName, ModelEntrySchema).optional(),
  })
  .describe('The modelgate registry (models/registry.yaml).');

export type RegisteredVersion = z.infer<typeof RegisteredVersionSchema>;
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;
export type RegistryInput = z.infer<typeof RegistrySchema>;

/** A model as the code works with it: every part present. */
export interface ModelRecord {
  versions: Record<string, RegisteredVersion>;
  stages: Record<string, string>;
  history: HistoryEntry[];
}

export interface Registry {
  models: Record<string, ModelRecord>;
}

/** A registry read from its text: the data, and the document to edit (so comments survive). */
export interface RegistryFile {
  registry: Registry;
  doc: Document;
  /** Positions in the text the document was read from, for findings. */
  map: SourceMap;
}

export type ReadRegistryResult = { ok: true; file: RegistryFile } | { ok: false; errors: Finding[] };

/** The registry in `text`; an empty (or absent: pass '') file is an empty registry. */
export function readRegistry(text: string): ReadRegistryResult {
  const parsed = parseSchemaFile(text, RegistrySchema, {
    prefix: 'registry',
    what: 'The registry',
    maxChars: MAX_REGISTRY_CHARS,
    maxTokens: MAX_REGISTRY_TOKENS,
    maxErrors: 20,
    maxAliases: 100,
    schemaFile: 'schema/registry.schema.json',
  });
  if (!parsed.ok) return parsed;
  const unquoted = numericVersionKeys(parsed.doc, parsed.map);
  if (unquoted.length > 0) return { ok: false, errors: unquoted };
  const registry = normalize(parsed.value ?? {});
  const errors = consistencyErrors(registry).map(({ path, message, hint }) => {
    const pos = positionOf(parsed.doc, parsed.map, path);
    return at(pos.line, pos.column, 'registry/inconsistent', message, hint);
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, file: { registry, doc: parsed.doc, map: parsed.map } };
}

/**
 * YAML reads `1.10:` as the number 1.1, and the key would silently become "1.1": a version key
 * must be written as text (modelgate quotes the ones it writes).
 */
function numericVersionKeys(doc: Document, map: SourceMap): Finding[] {
  const findings: Finding[] = [];
  const models = doc.getIn(['models'], true);
  if (!isMap(models)) return findings;
  for (const model of models.items) {
    const versions = isMap(model.value) ? model.value.get('versions', true) : null;
    if (!isMap(versions)) continue;
    for (const pair of versions.items) {
      if (isScalar(pair.key) && typeof pair.key.value !== 'string' && pair.key.range) {
        const pos = map.at(pair.key.range[0]);
        findings.push(at(pos.line, pos.column, 'registry/invalid', `The version \`${String(pair.key.source ?? pair.key.value)}\` is read as a number, not as text.`, `Quote it: "${String(pair.key.source ?? pair.key.value)}".`));
      }
    }
  }
  return findings;
}

function normalize(input: RegistryInput): Registry {
  const models: Record<string, ModelRecord> = {};
  for (const [name, m] of Object.entries(input.models ?? {})) {
    models[name] = { versions: { ...(m.versions ?? {}) }, stages: { ...(m.stages ?? {}) }, history: [...(m.history ?? [])] };
  }
  return { models };
}

/** What the schema cannot say: every stage and history entry names a registered version. */
function consistencyErrors(registry: Registry): Array<{ path: Array<string | number>; message: string; hint: string }> {
  const errors: Array<{ path: Array<string | number>; message: string; hint: string }> = [];
  for (const [model, m] of Object.entries(registry.models)) {
    for (const [stage, version] of Object.entries(m.stages)) {
      if (!Object.hasOwn(m.versions, version)) {
        errors.push({ path: ['models', model, 'stages', stage], message: `Stage \`${stage}\` of \`${model}\` holds \`${version}\`, which is not a registered version.`, hint: `Register ${version} under \`versions\` (merging its card does), or point the stage at a registered version.` });
      }
    }
    for (const [i, entry] of m.history.entries()) {
      if (!Object.hasOwn(m.versions, entry.to)) {
        errors.push({ path: ['models', model, 'history', i, 'to'], message: `History entry ${i + 1} of \`${model}\` moves to \`${entry.to}\`, which is not a registered version.`, hint: 'History entries are written by modelgate; restore the entry as it was.' });
      }
    }
  }
  return errors;
}

/**
 * Hand edits must keep the history append-only: every entry the base branch has is still
 * there, unchanged and in order, at the start of the model's history. One finding per model
 * whose history was rewritten.
 */
export function historyRewrites(base: Registry, head: RegistryFile): Finding[] {
  const findings: Finding[] = [];
  for (const [model, before] of Object.entries(base.models)) {
    const after = head.registry.models[model]?.history ?? [];
    const changed = before.history.findIndex((entry, i) => after[i] === undefined || !sameEntry(entry, after[i]!));
    if (changed === -1) continue;
    const pos = positionOf(head.doc, head.map, ['models', model, 'history', changed]);
    findings.push(
      at(
        pos.line,
        pos.column,
        'registry/history-rewritten',
        `The history of \`${model}\` was changed at entry ${changed + 1}: its ${before.history.length} earlier ${before.history.length === 1 ? 'entry' : 'entries'} must stay as they are, in order.`,
        'The history is append-only. Restore the earlier entries; to undo a move, run `/modelgate rollback`.',
      ),
    );
  }
  return findings;
}

function sameEntry(a: HistoryEntry, b: HistoryEntry): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1))) : v,
  );
}

/** The model's entry, empty when the registry does not have it. */
export function modelRecord(registry: Registry, model: string): ModelRecord {
  return registry.models[model] ?? { versions: {}, stages: {}, history: [] };
}

/** An edit to the registry; applied to the document, so the rest of the file is left as it was. */
export type RegistryEdit =
  | { kind: 'register'; model: string; version: string; entry: RegisteredVersion }
  | { kind: 'move'; model: string; stage: string; entry: HistoryEntry };

export type ApplyResult = { ok: true; text: string; registry: Registry; unchanged?: true } | { ok: false; error: string };

/**
 * Applies edits to a registry file and returns the new text. Refuses (never overwrites) when an
 * edit does not fit what the file now says: registering a version twice with other evidence, or
 * moving a stage that no longer holds the version the move was decided from.
 */
export function applyEdits(file: RegistryFile, edits: readonly RegistryEdit[]): ApplyResult {
  const doc = file.doc.clone();
  let changed = false;
  const registry = structuredClone(file.registry);
  if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as YAMLMap;
  for (const edit of edits) {
    const model = registry.models[edit.model] ?? { versions: {}, stages: {}, history: [] };
    registry.models[edit.model] = model;
    if (edit.kind === 'register') {
      const existing = model.versions[edit.version];
      if (existing) {
        if (existing.card_digest !== edit.entry.card_digest) {
          return { ok: false, error: `${edit.model} ${edit.version} is already registered with another card (${existing.card_digest}).` };
        }
        continue;
      }
      model.versions[edit.version] = edit.entry;
      setFlow(doc, ['models', edit.model, 'versions', edit.version], edit.entry);
      changed = true;
      continue;
    }
    const { entry } = edit;
    if (!Object.hasOwn(model.versions, entry.to)) return { ok: false, error: `${edit.model} ${entry.to} is not registered.` };
    const holder = model.stages[edit.stage] ?? null;
    if (holder !== entry.from) {
      return { ok: false, error: `${edit.stage} of ${edit.model} now holds ${holder ?? 'no version'}, not ${entry.from ?? 'no version'} as when the move was decided.` };
    }
    model.stages[edit.stage] = entry.to;
    model.history.push(entry);
    ensureMap(doc, ['models', edit.model, 'stages'], true);
    doc.setIn(['models', edit.model, 'stages', edit.stage], entry.to);
    const history = ensureSeq(doc, ['models', edit.model, 'history']);
    const node = doc.createNode(withoutUndefined(entry)) as YAMLMap;
    node.flow = true;
    history.items.push(node);
    changed = true;
  }
  if (!changed) return { ok: true, text: file.doc.toString(), registry, unchanged: true };
  // `{card: …}` as people write it; the written text must read back: never write what could not be read.
  const text = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  const again = readRegistry(text);
  if (!again.ok) return { ok: false, error: `the edited registry would be invalid: ${again.errors[0]?.message ?? 'unknown error'}` };
  return { ok: true, text, registry };
}

function setFlow(doc: Document, path: string[], value: object): void {
  ensureMap(doc, path.slice(0, -1), false);
  const node = doc.createNode(withoutUndefined(value)) as YAMLMap;
  node.flow = true;
  doc.setIn(path, node);
}

function ensureMap(doc: Document, path: string[], flowLeaf: boolean): void {
  for (let i = 1; i <= path.length; i++) {
    const sub = path.slice(0, i);
    const node = doc.getIn(sub, true);
    if (!isMap(node)) {
      const created = doc.createNode({}) as YAMLMap;
      if (flowLeaf && i === path.length) created.flow = true;
      doc.setIn(sub, created);
    }
  }
}

function ensureSeq(doc: Document, path: string[]): YAMLSeq {
  ensureMap(doc, path.slice(0, -1), false);
  const node = doc.getIn(path, true);
  if (isSeq(node)) return node;
  const created = doc.createNode([]) as YAMLSeq;
  doc.setIn(path, created);
  return created;
}

function withoutUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The JSON Schema published at schema/registry.schema.json. */
export function registryJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://github.com/modelgate/modelgate/schema/registry.schema.json',
    title: 'modelgate registry',
    ...z.toJSONSchema(RegistrySchema, { target: 'draft-2020-12', io: 'input' }),
  };
}

/**
 * A pull request's change to the registry, checked like a config: the new file must read
 * (schema, consistency), and the history must only have grown. Findings are positioned in the
 * new file; none when it is fine.
 */
export function checkRegistryChange(head: string, base: string | null): Finding[] {
  const read = readRegistry(head);
  if (!read.ok) return read.errors;
  if (base === null) return [];
  const before = readRegistry(base);
  // A base that does not read cannot be compared with; the head is valid, which is what matters now.
  return before.ok ? historyRewrites(before.file.registry, read.file) : [];
}
