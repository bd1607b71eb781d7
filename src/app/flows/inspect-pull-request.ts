import { freshJournal, type Journal } from '../journal.js';
import type { Log } from '../log.js';
import type { ObserveValidation } from '../validation-timer.js';
import { cardMetricResults } from './card-metrics.js';
import { checkPullRequestCards, type CardCheckClient } from './check-cards.js';
import { publishEvaluation, type PublishClient, type PublishStore } from './publish.js';
import type { PullTarget } from './pull-target.js';
import type { PullRequestSnapshot } from './snapshot.js';

export type InspectClient = CardCheckClient & PublishClient;

/**
 * Everything modelgate says about a pull request's head: the card check, then the metric diff
 * of the changed cards that have metrics (reusing the cards and config the check read).
 * Returns what was read, for the steps after it (dispatching the evaluation workflow).
 */
export async function inspectPullRequest(
  octokit: InspectClient,
  store: PublishStore,
  pr: PullTarget,
  log: Log,
  journal: Journal = freshJournal(),
  observe?: ObserveValidation,
): Promise<PullRequestSnapshot> {
  const { output, snapshot, reports } = await checkPullRequestCards(octokit, pr, journal, observe);
  log.info({ pull: pr.number, conclusion: output.conclusion }, output.title);
  if (!snapshot.ok) return snapshot;
  if (pr.baseRef === null || pr.baseSha === null) {
    log.info({ pull: pr.number }, 'The event does not name the base commit; no metric diff.');
    return snapshot;
  }
  const target = { ...pr, baseRef: pr.baseRef, baseSha: pr.baseSha };
  const results = await cardMetricResults(octokit, target, snapshot.config, snapshot.cards, reports);
  const outcome = await publishEvaluation(octokit, store, pr, results, journal);
  if (outcome.published) {
    log.info({ pull: pr.number, conclusion: outcome.conclusion, comments: outcome.comments.map((c) => `${c.model}: ${c.action} ${c.id}`) }, outcome.title);
  } else {
    log.info({ pull: pr.number, sha: pr.headSha, currentHead: outcome.currentHead }, `No metric diff published: ${outcome.reason}.`);
  }
  return snapshot;
}
