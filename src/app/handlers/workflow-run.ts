import type { Context } from 'probot';
import { handleCompletedRun, type EvaluationRunStore } from '../flows/evaluation-run.js';
import type { Journal } from '../journal.js';

/** `workflow_run.completed`: an evaluation run may have finished; the flow decides what it means. */
export async function onWorkflowRunCompleted(context: Context<'workflow_run.completed'>, store: EvaluationRunStore, journal: Journal): Promise<void> {
  const { workflow_run: run, repository } = context.payload;
  await handleCompletedRun(context.octokit, store, repository, run, context.log, journal);
}
