import type { Probot } from 'probot';
import { onPullRequest, PULL_REQUEST_EVENTS } from './handlers/pull-request.js';
import { onCheckRunRerequested, onCheckSuiteRerequested } from './handlers/rerequested.js';

/** modelgate's GitHub App: which event runs which handler. */
export default function modelgate(app: Probot): void {
  app.on([...PULL_REQUEST_EVENTS], onPullRequest);
  app.on('check_run.rerequested', onCheckRunRerequested);
  app.on('check_suite.rerequested', onCheckSuiteRerequested);
}
