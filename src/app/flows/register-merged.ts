import { createHash } from 'node:crypto';
import { CONFIG_PATH } from '../../core/config/index.js';
import { listPullRequestFiles, type PullFilesClient } from '../../github/list-pr-files.js';
import { readCards } from '../../github/read-cards.js';
import { readConfig } from '../../github/read-config.js';
import type { ContentsClient } from '../../github/read-file.js';
import type { PromotionGitHub, PromotionRepo, PromotionStore } from '../../promotion/ports.js';
import { registerVersions, type MergedCard } from '../../promotion/registration.js';
import { messageMarkdown } from '../../render/markdown/promotion.js';
import type { Log } from '../log.js';
import { validateCardTimed, type ObserveValidation } from '../validation-timer.js';
import { changedCards } from './changed-cards.js';

export type RegisterClient = ContentsClient & PullFilesClient & { rest: { issues: { createComment(params: { owner: string; repo: string; issue_number: number; body: string }): Promise<unknown> } } };

/**
 * A merged pull request: the versions its cards name are registered in the registry, with their
 * evidence. Only for repositories with a promotion policy; cards without a `modelgate.version`
 * register nothing. The pull request gets one comment saying what was registered or refused.
 */
export async function registerMergedPullRequest(
  octokit: RegisterClient,
  github: PromotionGitHub,
  store: Pick<PromotionStore, 'latestEvaluation'>,
  repo: PromotionRepo,
  pr: { number: number; mergeCommit: string },
  log: Log,
  now: () => Date = () => new Date(),
  observe?: ObserveValidation,
): Promise<void> {
  const ref = { owner: repo.owner, repo: repo.name };
  const loaded = await readConfig(octokit, ref, repo.defaultBranch);
  if (!loaded.ok || loaded.config.promotion === null) {
    log.info({ pull: pr.number }, loaded.ok ? 'No promotion policy; nothing to register.' : `${CONFIG_PATH} is invalid; nothing registered.`);
    return;
  }
  const { config } = loaded;
  const policy = loaded.config.promotion;
  const files = await listPullRequestFiles(octokit, ref, pr.number);
  const changed = changedCards(files, config.cards);
  const reads = await readCards(octokit, { base: ref, head: ref, sha: pr.mergeCommit }, changed.map((c) => c.path));
  const cards: MergedCard[] = [];
  for (const { path, read } of reads) {
    if (read.kind !== 'file') continue;
    const report = validateCardTimed(observe, path, read.bytes, config);
    if (report.model?.version) cards.push({ model: report.model.name, version: report.model.version, path, bytes: read.bytes });
  }
  if (cards.length === 0) {
    log.info({ pull: pr.number }, 'The merged pull request names no model version; nothing to register.');
    return;
  }
  const outcome = await registerVersions(
    { store, sha256: (data) => createHash('sha256').update(data).digest('hex'), now },
    github,
    repo,
    { pr: pr.number, commit: pr.mergeCommit, registryPath: policy.registry },
    cards,
  );
  const reply = (text: string) => octokit.rest.issues.createComment({ ...ref, issue_number: pr.number, body: text });
  if (outcome.kind === 'failed') {
    log.warn({ pull: pr.number, reason: outcome.reason }, 'Registration failed.');
    await reply(messageMarkdown(`modelgate could not register the versions of this pull request: ${outcome.reason}`));
    return;
  }
  if (outcome.kind !== 'registered') return;
  const lines: string[] = [];
  if (outcome.commit) {
    lines.push(`Registered ${outcome.versions.map((v) => `\`${v.model}\` \`${v.version}\``).join(', ')} in \`${policy.registry}\` (commit ${outcome.commit.sha.slice(0, 7)}). Promote with \`/modelgate promote ${outcome.versions[0]!.model} ${outcome.versions[0]!.version}\`.`);
  }
  for (const c of outcome.conflicts) {
    lines.push(`\`${c.model}\` \`${c.version}\` is already registered with another card (\`${c.registeredDigest}\`; \`${c.card}\` here is \`${c.digest}\`): it was not changed. Give the changed model a new \`modelgate.version\`.`);
  }
  if (lines.length === 0) return; // a redelivery: everything was registered already
  log.info({ pull: pr.number, registered: outcome.versions, conflicts: outcome.conflicts.length }, 'Registered model versions.');
  await reply(lines.map(messageMarkdown).join('\n\n'));
}
