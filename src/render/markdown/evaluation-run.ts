/**
 * What the "modelgate / evaluation" check says when an evaluation run gives no metrics to
 * compare: the run failed, or its artifacts were refused. Run names and artifact errors come
 * from the run (a fork's workflow, for fork PRs), so they are escaped.
 */
import { truncate } from '../../core/common/index.js';
import type { FailedRun } from '../../core/evaluation/index.js';
import { escapeMarkdown, inlineCode, safeLinkUrl } from './escape.js';

/** The parts of a workflow run the messages name. */
export interface RunLike {
  name?: string | null;
  run_number: number;
  html_url: string;
  head_sha: string;
}

/** A check's text: its title (plain) and summary (Markdown). */
export interface CheckText {
  title: string;
  summary: string;
}

export function failedRunMarkdown(run: RunLike, { verb }: FailedRun): CheckText {
  return {
    title: `The evaluation run ${verb}`,
    summary: [
      `The evaluation run ${runLink(run)} ${verb} on commit ${inlineCode(run.head_sha.slice(0, 7))}, so there are no metrics to compare.`,
      '',
      'Open the run for its logs, fix the cause and re-run it (or comment `/modelgate evaluate` on the pull request).',
    ].join('\n'),
  };
}

/** At most this many problems are listed; the rest are counted. */
const MAX_LISTED = 10;

export function refusedArtifactsMarkdown(run: RunLike, problems: readonly string[]): CheckText {
  const listed = problems.slice(0, MAX_LISTED).map((p) => `- ${escapeMarkdown(truncate(p, 1000))}`);
  if (problems.length > MAX_LISTED) listed.push(`- …and ${problems.length - MAX_LISTED} more`);
  return {
    title: problems.length === 1 ? 'The evaluation results could not be read' : `${problems.length} problems with the evaluation results`,
    summary: [
      `modelgate refused the evaluation artifacts of ${runLink(run)}, so no metrics were published:`,
      '',
      ...listed,
      '',
      'Evaluation artifacts are written by modelgate\'s evaluate action (actions/evaluate). Fix the workflow and re-run it.',
    ].join('\n'),
  };
}

/** "[Evaluate models #12](url)", the URL percent-encoded so it cannot end the link early. */
export function runLink(run: RunLike): string {
  const text = `${escapeMarkdown(truncate(run.name || 'evaluation', 100))} #${run.run_number}`;
  const url = safeLinkUrl(run.html_url);
  return url ? `[${text}](${url})` : text;
}

/** Why a fork pull request is not evaluated by the App, and what evaluates it instead. */
export function forkEvaluationMarkdown(workflow: string): string {
  return [
    'This pull request comes from a fork, and GitHub does not let the modelgate App start workflows on a fork\'s branch.',
    '',
    `The evaluation has to run in the pull request's own \`pull_request\` workflow (for example ${inlineCode(`.github/workflows/${workflow}`)} with \`on: pull_request\`); modelgate posts the metric diff when that run completes. A maintainer may have to approve the run first.`,
  ].join('\n');
}
