/**
 * The Slack app's other messages: help, refusals, argument problems and `/models`. User text is
 * echoed only as escaped inline code, so `<!channel>` or `<@U123>` in a command is shown, never sent
 * as a mention.
 */
import { truncate } from '../../core/common/index.js';
import { CHECK_LABEL } from '../promotion-present.js';
import { MAX_COMMAND_CHARS, MAX_REASON_CHARS, type ArgumentProblem } from '../../core/commands/index.js';
import type { Evaluation } from '../../core/evaluation/index.js';
import type { Check, Promotion, StatusModel } from '../../core/promotion/index.js';
import { code, escapeSlack, link, SECTION_MAX } from './escape.js';
import type { Block, SlackMessage } from './types.js';

export const SLACK_HELP = [
  '*modelgate in Slack*',
  '• `/promote <model> <version> [stage] [--dry-run] [--emergency "reason"]`: request a promotion; without a stage, the next one in order. Name the model `owner/repo:model` when several repositories hold one of that name.',
  '• `/rollback <model> <stage> [--dry-run]`: move a stage back to the version it held before.',
  '• `/models [model]`: what each stage holds and since when, and the pending requests.',
  '• `/modelgate link`: link your Slack account to your GitHub account (once); `/modelgate unlink`; `/modelgate whoami`.',
  '• `/modelgate help`: this help.',
  'Approve or reject with the buttons on a request. Policy (who may approve, how many) is the repository\'s `.github/modelgate.yml`, checked against your GitHub identity.',
].join('\n');

const NAMES = {
  model: 'lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 64 characters, without `..`',
  version: 'letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 64 characters, without `..`, not ending in `.lock`',
  stage: 'lowercase letters, digits, `-` and `_`, starting with a letter, at most 32 characters',
};

/** What was wrong with a command's arguments, in one mrkdwn sentence. */
export function problemText(command: string, problem: ArgumentProblem): string {
  switch (problem.kind) {
    case 'too-many-arguments':
      return `\`${command}\` takes at most ${problem.max} ${problem.max === 1 ? 'argument' : 'arguments'}; got ${problem.got.length} (${problem.got.slice(0, 6).map((w) => code(w, 40)).join(', ')}).`;
    case 'missing-argument':
      return `\`${command}\` needs a ${problem.name}. ${USAGE[command] ?? ''}`.trim();
    case 'invalid-model':
      return `${code(problem.value, 64)} is not a valid model name: use ${NAMES.model}.`;
    case 'invalid-repo':
      return `${code(problem.value, 64)} is not a repository: write the model as \`owner/repo:model\`.`;
    case 'invalid-version':
      return `${code(problem.value, 64)} is not a valid version: use ${NAMES.version}.`;
    case 'invalid-stage':
      return `${code(problem.value, 64)} is not a valid stage name: use ${NAMES.stage}.`;
    case 'invalid-id':
      return `${code(problem.value, 64)} is not a request id.`;
    case 'unknown-flag':
      return `Unknown option ${code(problem.flag, 40)}.${problem.suggestion ? ` Did you mean \`${problem.suggestion}\`?` : ''}`;
    case 'flag-needs-value':
      return `\`${problem.flag}\` needs a reason, e.g. \`${problem.flag} "the model leaks PII"\`.`;
    case 'invalid-reason':
      return problem.why === 'too long' ? `The reason is too long: at most ${MAX_REASON_CHARS} characters.` : problem.why === 'empty' ? 'The reason is empty: say why.' : 'The reason holds control characters: write it as plain text.';
    case 'unclosed-quote':
      return 'A quote is not closed: end the reason with the same quote it starts with.';
    case 'too-long':
      return `The command is too long: at most ${MAX_COMMAND_CHARS.toLocaleString('en-US')} characters.`;
  }
}

const USAGE: Record<string, string> = {
  '/promote': 'Usage: `/promote <model> <version> [stage] [--dry-run] [--emergency "reason"]`.',
  '/rollback': 'Usage: `/rollback <model> <stage> [--dry-run]`.',
};

/** A plain message of the service (it names allow-listed things only, but is escaped all the same). */
export function plain(text: string): SlackMessage {
  return { text: escapeSlack(truncate(text, SECTION_MAX)) };
}


/** A request refused before it was recorded: why, and the failing checks when they were the reason. */
export function refusedMessage(message: string, checks: readonly Check[] | null): SlackMessage {
  const failed = (checks ?? []).filter((c) => !c.ok);
  const lines = [`*The request was not made.* ${escapeSlack(truncate(message, 1000))}`];
  for (const c of failed) lines.push(`❌ *${CHECK_LABEL[c.id]}*: ${escapeSlack(truncate(c.message, 300))}`);
  if (failed.length > 0) lines.push('Fix these, or see every check with `--dry-run`.');
  return { text: truncate(lines.join('\n'), SECTION_MAX) };
}

/** The active request that stands in the way of a new one. */
export function existsMessage(p: Promotion, channel: string | null): SlackMessage {
  return {
    text: `There is already an active request for ${code(p.model)} ${code(p.stage)}: ${code(p.id)} (${p.kind === 'rollback' ? 'rollback' : 'promotion'} of ${code(p.version)}, ${p.state})${channel ? `; its message is in <#${channel}>` : ''}. Approve or reject it first.`,
  };
}

/** `/models`: each repository's models, what each stage holds since when, and the pending requests. */
export function statusBlocks(repos: ReadonlyArray<{ fullName: string; url: string; models: readonly StatusModel[]; latest?: ReadonlyMap<string, Evaluation> } | { fullName: string; error: string }>): SlackMessage {
  const blocks: Block[] = [];
  const lines: string[] = [];
  for (const repo of repos) {
    blocks.push({ type: 'header', text: { type: 'plain_text', text: truncate(`Models of ${repo.fullName}`, 150) } });
    if ('error' in repo) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: escapeSlack(truncate(repo.error, 1000)) } });
      continue;
    }
    if (repo.models.length === 0) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: '_No model is in the registry yet. Merging a pull request that adds a model card with a `modelgate: {model, version}` key registers it._' } });
      continue;
    }
    for (const m of repo.models.slice(0, 20)) {
      const stages = m.stages.map((s) => `${code(s.stage)} ${s.version ? `${code(s.version)}${s.since ? ` since ${s.since.slice(0, 10)}` : ''}` : '—'}`).join(' · ');
      const pending = m.pending.map((p) => `${code(p.id)} ${p.kind === 'rollback' ? '↩️' : '→'} ${code(p.stage)} (${code(p.version)})`).join(', ');
      const evaluation = repo.latest?.get(m.model);
      const latest = evaluation ? `\nLatest evaluation: ${evaluation.modelVersion ? `${code(evaluation.modelVersion)} ` : ''}${evaluation.verdict === false ? '❌ gates failed' : evaluation.verdict ? '✅ gates passed' : 'no gates'} · ${link(evaluation.runUrl, `run ${evaluation.runId}`)} · ${evaluation.createdAt.slice(0, 10)}` : '';
      const text = `*${code(m.model)}*  ${stages}${pending ? `\nPending: ${pending}` : ''}${latest}`;
      lines.push(text);
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, SECTION_MAX) } });
    }
    if (repo.models.length > 20) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${repo.models.length - 20} more models: name one, \`/models <model>\`.` }] });
    if (blocks.length > 45) break;
  }
  return { text: lines.length > 0 ? truncate(lines.join('\n'), SECTION_MAX) : 'No models.', blocks: blocks.slice(0, 50) };
}
