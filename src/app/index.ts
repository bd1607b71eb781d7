import type { ApplicationFunction, Probot } from 'probot';
import type { PromotionService } from '../promotion/service.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/index.js';
import { onIssueComment } from './handlers/issue-comment.js';
import { onPullRequest, PULL_REQUEST_EVENTS } from './handlers/pull-request.js';
import { onPullRequestClosed } from './handlers/pull-request-closed.js';
import { onCheckRunRerequested, onCheckSuiteRerequested } from './handlers/rerequested.js';
import { onWorkflowRunCompleted } from './handlers/workflow-run.js';
import type { Log } from './log.js';
import { once } from './once.js';
import { appPromotions, type PromotionOptions } from './promotions.js';
import { knownRepository } from './known-repository.js';
import type { ObserveValidation } from './validation-timer.js';

export interface AppDependencies {
  /** Where deliveries, comment ids, PR heads, evaluations and promotions are remembered. The caller opens and closes it. */
  store: Store;
  promotions?: PromotionOptions;
  /** Handed the promotion service once the App is loaded (the server resumes and expires requests with it; Slack acts through it). */
  onPromotions?: (service: PromotionService, log: Log, app: Probot) => void;
  /** Told how long each card validation took (the server's /metrics records it). */
  observeValidation?: ObserveValidation;
}

/**
 * Every event.action the App handles: the server's intake writes only these to the inbox (and
 * acknowledges others without storing them). `createApp` registers exactly these.
 */
export const HANDLED_EVENTS = [
  ...PULL_REQUEST_EVENTS,
  'pull_request.closed',
  'check_run.rerequested',
  'check_suite.rerequested',
  'workflow_run.completed',
  'issue_comment.created',
] as const;

/** modelgate's GitHub App: which event runs which handler, each delivery handled once. */
export function createApp({ store, promotions: options, onPromotions, observeValidation: observe }: AppDependencies): (app: Probot) => void {
  return (app) => {
    const promotions = appPromotions(app, store, options);
    onPromotions?.(promotions, app.log, app);
    // Every delivery says which installation a repository is on: the index Slack finds models' repositories in.
    app.onAny(async (context) => {
      const payload = context.payload as { repository?: unknown; installation?: { id?: unknown } };
      const repo = knownRepository(payload.repository, payload.installation?.id);
      if (repo) await store.rememberRepository(repo).catch((error: unknown) => app.log.warn({ error: (error as Error).message }, 'Could not remember the repository.'));
    });
    app.on([...PULL_REQUEST_EVENTS], once(store, (context, journal) => onPullRequest(context, store, journal, observe)));
    app.on('pull_request.closed', once(store, (context) => onPullRequestClosed(context, store, (repo) => promotions.github(repo), options?.now ?? (() => new Date()), observe)));
    app.on('check_run.rerequested', once(store, (context, journal) => onCheckRunRerequested(context, store, journal, observe)));
    app.on('check_suite.rerequested', once(store, (context, journal) => onCheckSuiteRerequested(context, store, journal, observe)));
    app.on('workflow_run.completed', once(store, (context, journal) => onWorkflowRunCompleted(context, store, journal)));
    app.on('issue_comment.created', once(store, (context, journal) => onIssueComment(context, promotions, journal)));
  };
}

/**
 * For `probot run` and other loaders of a default app function: opens the store DATABASE_URL
 * names (./data/modelgate.db by default) for the life of the process. `npm start` (src/server.ts)
 * uses createApp and closes the store on stop.
 */
const modelgate: ApplicationFunction = async (app) => {
  const store = await openStore({ DATABASE_URL: process.env['DATABASE_URL'] }, process.cwd());
  app.log.info(`modelgate store: ${store.label}`);
  createApp({ store })(app);
};
export default modelgate;
