/**
 * What the "modelgate / evaluation" check says when an evaluation run gives no metrics to
 * compare: the run failed, or its artifacts were refused. Run names and artifact errors come
 * from the run (a fork's workflow, for fork PRs), so they are escaped.
 */
import { escapeMarkdown, inlineCode, truncate } from './escape.js';
import type { CheckConclusion } from '../../github/check-runs.js';

/** The parts of a workflow run the messages name. */
export interface RunLike {
  name?: string | null;
  run_number: number;
  html_url: string;
  head_sha: string;
}

export interface RunCheckResult {
  status: 'completed';
  conclusion: CheckConclusion;
  title: string;
  summary: string;
}

/** The run conclusions that mean "no metrics": the check mirrors them. */
const FAILED: Record<string, { conclusion: CheckConclusion; verb: string }> = {
  failure: { conclusion: 'failure', verb: 'failed' },
  timed_out: { conclusion: 'timed_out', verb: 'timed out' },
  cancelled: { conclusion: 'cancelled', verb: 'was cancelled' },
  startup_failure: { conclusion: 'failure', verb: 'could not start' },
};

/** Whether a run's conclusion is one the check reports as a failed evaluation. */
export function isFailedRun(conclusion: string | null): boolean {
  return conclusion !== null && Object.hasOwn(FAILED, conclusion);
}

export function failedRunOutput(run: RunLike & { conclusion: string | null }): RunCheckResult {
  const { conclusion, verb } = FAILED[run.conclusion ?? ''] ?? FAILED.failure!;
  return {
    status: 'completed',
    conclusion,
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

export function refusedArtifactsOutput(run: RunLike, problems: readonly string[]): RunCheckResult {
  const listed = problems.slice(0, MAX_LISTED).map((p) => `- ${escapeMarkdown(truncate(p, 1000))}`);
  if (problems.length > MAX_LISTED) listed.push(`- …and ${problems.length - MAX_LISTED} more`);
  return {
    status: 'completed',
    conclusion: 'failure',
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
  const url = safeUrl(run.html_url);
  return url ? `[${text}](${url})` : text;
}

function safeUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
    return parsed.href.replace(/[()<> ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  } catch {
    return null;
  }
}
