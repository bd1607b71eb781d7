import type { Evaluation } from '../core/evaluation/index.js';
import { applyEdits, readRegistry, registrationCommitMessage, type RegisteredVersion, type RegistryEdit } from '../core/promotion/index.js';
import type { PromotionGitHub, PromotionRepo } from './ports.js';
import type { PromotionStore } from './ports.js';

/** A card of a merged pull request that names a version. */
export interface MergedCard {
  model: string;
  version: string;
  path: string;
  bytes: Uint8Array;
}

export type RegistrationOutcome =
  | { kind: 'not-configured' }
  | { kind: 'registered'; versions: Array<{ model: string; version: string }>; commit: { sha: string; url: string } | null; conflicts: Conflict[]; alreadyRegistered: string[] }
  | { kind: 'failed'; reason: string };

/** A version registered before with another card: refused, never overwritten. */
export interface Conflict {
  model: string;
  version: string;
  card: string;
  registeredDigest: string;
  digest: string;
}

export interface RegistrationDeps {
  store: Pick<PromotionStore, 'latestEvaluation'>;
  sha256(data: string | Uint8Array): string;
  now(): Date;
}

const COMMIT_ATTEMPTS = 5;

/**
 * Registers the versions a merged pull request's cards name, with their evidence: the merge
 * commit, the card's digest there, and the latest successful evaluation of that version (on the
 * pull request or the default branch). One registry commit for all of them; a version already
 * registered with the same card is a no-op, with another card a conflict (refused).
 */
export async function registerVersions(
  deps: RegistrationDeps,
  github: PromotionGitHub,
  repo: PromotionRepo,
  merge: { pr: number; commit: string; registryPath: string },
  cards: readonly MergedCard[],
): Promise<RegistrationOutcome> {
  const entries = await Promise.all(
    cards.map(async (card) => {
      const evaluation = await deps.store.latestEvaluation({
        repoId: repo.id,
        model: card.model,
        modelVersion: card.version,
        status: 'success',
        refs: [repo.defaultBranch, `refs/pull/${merge.pr}/head`],
      });
      return { card, entry: versionEntry(deps, card, merge, evaluation) };
    }),
  );
  for (let attempt = 1; attempt <= COMMIT_ATTEMPTS; attempt++) {
    const facts = await github.facts({ registryPath: merge.registryPath });
    const read = readRegistry(facts.registry ?? '');
    if (!read.ok) return { kind: 'failed', reason: `${merge.registryPath} on ${repo.defaultBranch} is invalid (line ${read.errors[0]!.line}: ${read.errors[0]!.message}), so nothing was registered. Fix it, then re-run.` };
    const conflicts: Conflict[] = [];
    const already: string[] = [];
    const additions: Array<{ model: string; version: string; entry: RegisteredVersion }> = [];
    for (const { card, entry } of entries) {
      const existing = read.file.registry.models[card.model]?.versions[card.version];
      if (existing === undefined) additions.push({ model: card.model, version: card.version, entry });
      else if (existing.card_digest === entry.card_digest) already.push(`${card.model} ${card.version}`);
      else conflicts.push({ model: card.model, version: card.version, card: card.path, registeredDigest: existing.card_digest, digest: entry.card_digest });
    }
    if (additions.length === 0) return { kind: 'registered', versions: [], commit: null, conflicts, alreadyRegistered: already };
    const edits: RegistryEdit[] = additions.map((a) => ({ kind: 'register', ...a }));
    const applied = applyEdits(read.file, edits);
    if (!applied.ok) return { kind: 'failed', reason: applied.error };
    const registered = additions;
    const outcome = await github.commitFile({
      branch: repo.defaultBranch,
      parent: facts.head.commit,
      parentTree: facts.head.tree,
      path: merge.registryPath,
      content: applied.text,
      message: registrationCommitMessage(registered, merge.pr),
    });
    if (outcome.ok) return { kind: 'registered', versions: registered.map(({ model, version }) => ({ model, version })), commit: { sha: outcome.sha, url: outcome.url }, conflicts, alreadyRegistered: already };
    if (outcome.reason === 'refused') return { kind: 'failed', reason: `GitHub refused the registry commit to ${repo.defaultBranch}: ${outcome.message}. Allow the modelgate App to push to ${repo.defaultBranch}.` };
  }
  return { kind: 'failed', reason: `${repo.defaultBranch} kept moving; the registration was re-applied ${COMMIT_ATTEMPTS} times without landing. Re-run it.` };
}

function versionEntry(deps: RegistrationDeps, card: MergedCard, merge: { pr: number; commit: string }, evaluation: Evaluation | null): RegisteredVersion {
  const manifest = evaluation?.manifest as { files?: { metrics?: { sha256?: unknown } } } | null | undefined;
  const metricsSha = manifest?.files?.metrics?.sha256;
  return {
    card: card.path,
    commit: merge.commit,
    pr: merge.pr,
    card_digest: `sha256:${deps.sha256(card.bytes)}`,
    evaluation:
      evaluation && typeof metricsSha === 'string'
        ? { id: evaluation.id, run: evaluation.runUrl, metrics_digest: `sha256:${metricsSha}`, gates_passed: evaluation.verdict }
        : null,
    registered_at: deps.now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}
