import type { DispatchClient, DispatchLookupClient } from '../../github/dispatch.js';
import { getOpenPullRequest, type PullRequestsClient } from '../../github/find-pull-requests.js';
import { hasWriteAccess, type PermissionsClient } from '../../github/permissions.js';
import { acknowledge, type ReactionsClient } from '../../github/reactions.js';
import { readConfig } from '../../github/read-config.js';
import type { ContentsClient } from '../../github/read-file.js';
import type { RepoRef } from '../../github/repo-ref.js';
import { escapeMarkdown } from '../../render/markdown/escape.js';
import { forkEvaluationMarkdown } from '../../render/markdown/evaluation-run.js';
import { freshJournal, type Journal } from '../journal.js';
import type { Log } from '../log.js';
import { startEvaluation } from './start-evaluation.js';

export type EvaluateCommandClient = PermissionsClient & ReactionsClient & PullRequestsClient & ContentsClient & DispatchClient & DispatchLookupClient;

/** `/modelgate evaluate [model]` as a comment gave it. */
export interface EvaluateCommand {
  repo: RepoRef;
  /** The repository's id (a PR's head branch is dispatchable only when it lives there). */
  repoId: number;
  defaultBranch: string;
  pull: number;
  commentId: number;
  /** The comment's author; empty when GitHub did not say. */
  author: string;
  model: string | null;
}

/**
 * Dispatches the evaluation workflow on the PR's head for people with write access (it spends
 * the repository's Actions minutes and may read its secrets), acknowledged with 👀 (reacting
 * twice is harmless, so a retried delivery may do it again). Everything
 * else is answered through `reply` (Markdown): a polite refusal, a closed PR, a missing or
 * invalid config, a fork, a dispatch GitHub refused.
 */
export async function runEvaluateCommand(
  octokit: EvaluateCommandClient,
  command: EvaluateCommand,
  reply: (markdown: string) => Promise<unknown>,
  log: Log,
  journal: Journal = freshJournal(),
): Promise<void> {
  const { repo, author } = command;
  if (!author || !(await hasWriteAccess(octokit, repo, author))) {
    await reply(
      `Sorry @${author}, \`/modelgate evaluate\` starts the evaluation workflow, so only people with write access to this repository can use it. A maintainer can run it for you.`,
    );
    return;
  }
  await acknowledge(octokit, repo, command.commentId);

  const pr = await getOpenPullRequest(octokit, repo, command.pull);
  if (pr === null) {
    await reply('This pull request is closed, so there is nothing to evaluate.');
    return;
  }
  const loaded = await readConfig(octokit, repo, command.defaultBranch);
  const workflow = loaded.ok ? loaded.config.evaluation.workflow : null;
  if (workflow === null) {
    await reply(
      loaded.ok
        ? 'No evaluation workflow is configured. Name it in `.github/modelgate.yml` on the default branch, e.g. `evaluation: { workflow: evaluate.yml }`, and give that workflow a `workflow_dispatch` trigger.'
        : '`.github/modelgate.yml` on the default branch is invalid (the "modelgate / model cards" check lists its errors), so the evaluation workflow is unknown.',
    );
    return;
  }
  const head = pr.head as { ref?: string; sha: string; repo: { id?: number } | null };
  const started = await startEvaluation(
    octokit,
    { base: repo, number: command.pull, headRef: head.ref ?? '', headSha: head.sha, sameRepository: head.repo?.id === command.repoId },
    workflow,
    command.model,
    journal,
  );
  if (started.started) {
    log.info({ pull: command.pull, workflow, model: command.model }, 'Dispatched the evaluation workflow.');
    return;
  }
  await reply(started.reason === 'fork' ? forkEvaluationMarkdown(workflow) : escapeMarkdown(started.error));
}

