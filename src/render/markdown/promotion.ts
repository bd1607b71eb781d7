import { truncate } from '../../core/common/index.js';
import { STATE_LABEL, CHECK_LABEL, expiryText } from '../promotion-present.js';
import { describeApprovers, formatDuration, type Promotion, type PromotionView, type StatusModel } from '../../core/promotion/index.js';
import { escapeMarkdown, inlineCode, safeLinkUrl, textWithCode } from './escape.js';
import { renderMarkdown } from './metrics.js';

/**
 * A promotion request as its sticky comment shows it, updated in place as it moves: what is
 * asked, the evidence checked, who may approve and who did, the metric diff against the
 * version it replaces, and the result with links. Names are allow-listed by the core; free
 * text (reasons) is escaped.
 */


export interface PromotionMarkdownOptions {
  maxLength: number;
  /** A dry run: everything a request would show, and that nothing was requested. */
  dryRun?: boolean;
  /** Why a dry run could not become a request (no eligible approver). */
  unsatisfiable?: string | null;
  /** The moment "expires in …" counts from (default: the request's last change). */
  now?: Date;
}

export function promotionMarkdown(view: PromotionView, options: PromotionMarkdownOptions): string {
  const p = view.promotion;
  const lines: string[] = [];
  const what = p.kind === 'rollback' ? `Rollback of ${inlineCode(p.model)} ${inlineCode(p.stage)} to ${inlineCode(p.version)}` : `Promotion of ${inlineCode(p.model)} ${inlineCode(p.version)} to ${inlineCode(p.stage)}`;
  lines.push(options.dryRun ? `### 🧪 Dry run: ${what}` : `### ${p.kind === 'rollback' ? '↩️' : '🚀'} ${what} · ${inlineCode(p.id)}`);
  lines.push('');
  if (options.dryRun) lines.push('> [!NOTE]\n> A dry run: nothing was requested, recorded or changed. Run the same command without `--dry-run` to request it.', '');
  if (p.emergency !== null) {
    lines.push(`> [!CAUTION]\n> **EMERGENCY** requested by ${person(p.requestedBy.login)}: ${escapeMarkdown(truncate(p.emergency, 500))}\n> The evaluation and soak requirements are skipped.`, '');
  }
  // Time left as of the request's last change: the moment this text is written.
  lines.push(`**${stateLine(view, options.now ?? new Date(p.updatedAt))}**`);
  lines.push('');
  lines.push(`${p.fromVersion ? `Replaces ${inlineCode(p.fromVersion)} in ${inlineCode(p.stage)}` : `${inlineCode(p.stage)} holds no version yet`}. Requested by ${person(p.requestedBy.login)}${p.source.kind === 'slack' ? ' in Slack' : ''}.`);
  lines.push('');
  lines.push('| Requirement | | Detail |', '| --- | :-: | --- |');
  for (const check of view.checks) lines.push(`| ${CHECK_LABEL[check.id]} | ${check.skipped ? '➖' : check.ok ? '✅' : '❌'} | ${cell(check.message)} |`);
  lines.push('');
  const pr = p.evidence.pr;
  if (pr) {
    const url = safeLinkUrl(pr.url);
    lines.push(`Pull request: ${url ? `[#${pr.number}](${url})` : `#${pr.number}`}.`, '');
  }
  if (p.state === 'requested' && !options.dryRun) {
    lines.push(
      `**Who may approve:** ${mentions(p.evidence.policy.approvers)}, not the requester${p.evidence.policy.excludePrAuthor ? ' nor the pull request\'s author' : ''}. Approve with \`/modelgate approve ${p.id}\`, reject with \`/modelgate reject ${p.id} [reason]\`.`,
      '',
    );
  }
  if (options.dryRun && options.unsatisfiable) lines.push(`> [!WARNING]\n> ${textWithCode(options.unsatisfiable)}`, '');
  if (view.approvals.length > 0) {
    lines.push(`**Approvals:** ${view.approvals.map((a) => `${person(a.approver.login)}${a.via === 'slack' ? ' (Slack)' : ''}`).join(', ')}.`, '');
  }
  const result = resultLine(p);
  if (result) lines.push(result, '');
  const head = lines.join('\n');
  if (!view.diff) return `${head}_No metric diff: ${p.comparison.head === null ? `no evaluation of ${inlineCode(p.version)} is recorded` : 'the evaluation is no longer recorded'}._\n`;
  const heading = `#### Metrics against ${escapeMarkdown(view.diff.baseline.label)}\n\n`;
  const budget = options.maxLength - head.length - heading.length - 2;
  if (budget < 500) return `${head}_The metric diff does not fit here; \`modelgate diff\` shows it._\n`;
  return `${head}${heading}${renderMarkdown(view.diff.diff, { baseline: view.diff.baseline, maxLength: budget })}`;
}


function stateLine(view: PromotionView, now: Date): string {
  const p = view.promotion;
  const base = STATE_LABEL[p.state];
  switch (p.state) {
    case 'requested': {
      const left = new Date(p.expiresAt).getTime() - now.getTime();
      return `${base}: ${view.approvals.length} of ${p.approvalsRequired} ${p.approvalsRequired === 1 ? 'approval' : 'approvals'} · expires ${expiryText(p.expiresAt)}${left > 0 ? ` (in ${formatDuration(left)})` : ''}`;
    }
    case 'failed':
    case 'rejected':
    case 'void':
    case 'expired':
      return p.stateReason ? `${base}: ${textWithCode(truncate(p.stateReason, 800))}` : base;
    default:
      return base;
  }
}

function resultLine(p: Promotion): string | null {
  const parts: string[] = [];
  const commit = p.result.registryCommit;
  const commitUrl = p.result.commitUrl ? safeLinkUrl(p.result.commitUrl) : null;
  if (commit) parts.push(`registry commit ${commitUrl ? `[${commit.slice(0, 7)}](${commitUrl})` : inlineCode(commit.slice(0, 7))}`);
  const deploymentUrl = p.result.deploymentUrl ? safeLinkUrl(p.result.deploymentUrl) : null;
  if (p.result.deploymentId !== undefined) parts.push(`deployment ${deploymentUrl ? `[${escapeMarkdown(p.result.environment ?? String(p.result.deploymentId))}](${deploymentUrl})` : inlineCode(String(p.result.deploymentId))}`);
  return parts.length ? `**Result:** ${parts.join(', ')}.` : null;
}

/** A login we show, without pinging them again on every edit. */
function person(login: string): string {
  return escapeMarkdown(`@${login}`);
}

/** The approvers as mentions (from the config, allow-listed), so the right people are asked. */
function mentions(approvers: readonly string[] | null): string {
  if (approvers === null) return describeApprovers(null);
  return describeApprovers(approvers.map((a) => `@${a.replace(/^@/, '')}`));
}

/** `/modelgate status`: what each stage holds, and the pending requests. */
export function statusMarkdown(models: readonly StatusModel[], stages: readonly string[], { maxLength }: { maxLength: number }): string {
  if (models.length === 0) return '_No model is in the registry yet. Merging a pull request that adds a model card with a `modelgate: {model, version}` key registers it._\n';
  const lines = [`| Model | ${stages.map((s) => inlineCode(s, { inTable: true })).join(' | ')} | Pending |`, `| --- | ${stages.map(() => '---').join(' | ')} | --- |`];
  for (const m of models) {
    const cells = m.stages.map((s) => (s.version ? `${inlineCode(s.version, { inTable: true })}${s.since ? ` since ${s.since.slice(0, 10)}` : ''}` : '—'));
    const pending = m.pending.map((p) => `${inlineCode(p.id, { inTable: true })} ${p.kind === 'rollback' ? '↩️' : '→'} ${inlineCode(p.stage, { inTable: true })}`).join('<br>') || '—';
    lines.push(`| ${inlineCode(m.model, { inTable: true })} | ${cells.join(' | ')} | ${pending} |`);
  }
  const text = lines.join('\n') + '\n';
  return text.length <= maxLength ? text : `${text.slice(0, text.lastIndexOf('\n', maxLength - 80))}\n\n_…more models than fit here._\n`;
}

/** A plain-text message of the service (it names only allow-listed things, but is escaped all the same). */
export function messageMarkdown(text: string): string {
  return textWithCode(truncate(text, 3000));
}

/** A message in a table cell: `|` cannot end the cell inside code either. */
function cell(text: string): string {
  return textWithCode(text).replace(/(?<!\\)\|/g, '\\|');
}

/** A request refused before it was recorded: why, and the checks when they were the reason. */
export function refusedMarkdown(message: string, view: PromotionView | null, { maxLength }: { maxLength: number }): string {
  const head = `**The request was not made.** ${messageMarkdown(message)}`;
  if (view === null || view.checks.every((c) => c.ok)) return head;
  const failed = view.checks.filter((c) => !c.ok);
  const table = ['| Requirement | | Detail |', '| --- | :-: | --- |', ...failed.map((c) => `| ${CHECK_LABEL[c.id]} | ❌ | ${cell(c.message)} |`)].join('\n');
  const text = `${head}\n\n${table}\n\nFix these, or see them all with \`--dry-run\`.`;
  return text.length <= maxLength ? text : head;
}

/** The active request that stands in the way of a new one. */
export function existsMarkdown(p: Promotion): string {
  return `There is already an active request for ${inlineCode(p.model)} ${inlineCode(p.stage)}: ${inlineCode(p.id)} (${p.kind === 'rollback' ? 'rollback' : 'promotion'} of ${inlineCode(p.version)}, ${STATE_LABEL[p.state].toLowerCase()}). Approve or reject it first: \`/modelgate approve ${p.id}\` or \`/modelgate reject ${p.id}\`.`;
}
