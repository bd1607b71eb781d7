/**
 * A promotion request as its Slack message shows it (Block Kit), updated in place as it moves:
 * what is asked, the evidence checked, who may approve and who did, the biggest metric changes
 * against the version it replaces (Slack renders no Markdown tables: a preformatted block), and
 * the result with links. Buttons carry only the request's opaque id.
 */
import { truncate } from '../../core/common/index.js';
import { STATE_LABEL, CHECK_LABEL, expiryText } from '../promotion-present.js';
import { describeApprovers, formatDuration, type Promotion, type PromotionState, type PromotionView } from '../../core/promotion/index.js';
import type { DiffRow } from '../../core/metrics/index.js';
import { formatDelta, formatValues } from '../metrics-present.js';
import { bounded, code, escapeSlack, link, preformatted, slackUser } from './escape.js';
import type { Block, SlackMessage } from './types.js';

export const APPROVE_ACTION = 'modelgate_approve';
export const REJECT_ACTION = 'modelgate_reject';
/** How many metric rows the message shows (the rest are on GitHub). */
export const SLACK_METRIC_ROWS = 12;



export interface PromotionBlocksOptions {
  dryRun?: boolean;
  unsatisfiable?: string | null;
  /** "Expires in …" counts from here (default: the request's last change). */
  now?: Date;
}

export function title(p: Promotion): string {
  return p.kind === 'rollback' ? `Rollback of ${p.model} ${p.stage} to ${p.version}` : `Promotion of ${p.model} ${p.version} to ${p.stage}`;
}

export function promotionMessage(view: PromotionView, options: PromotionBlocksOptions = {}): SlackMessage {
  const p = view.promotion;
  const blocks: Block[] = [];
  const icon = options.dryRun ? '🧪 Dry run:' : p.kind === 'rollback' ? '↩️' : '🚀';
  blocks.push({ type: 'header', text: { type: 'plain_text', text: truncate(`${icon} ${title(p)}`, 150), emoji: true } });
  if (options.dryRun) blocks.push(section('A dry run: nothing was requested, recorded or changed. Run the same command without `--dry-run` to request it.'));
  if (p.emergency !== null) {
    blocks.push(section(`:rotating_light: *EMERGENCY* requested by ${requester(p)}: ${escapeSlack(truncate(p.emergency, 500))}\nThe evaluation and soak requirements are skipped.`));
  }
  blocks.push(section(`*${stateLine(view, options.now ?? new Date(p.updatedAt))}*`));
  const fields = [
    `*Model*\n${code(p.model)} in ${link(p.repoUrl, p.repoFullName)}`,
    `*Version → stage*\n${code(p.version)} → ${code(p.stage)}`,
    `*Replaces*\n${p.fromVersion ? code(p.fromVersion) : '_nothing yet_'}`,
    `*Requested by*\n${requester(p)}`,
  ];
  if (p.evidence.pr) fields.push(`*Pull request*\n${link(p.evidence.pr.url, `#${p.evidence.pr.number}`)}`);
  if (p.state === 'requested' && !options.dryRun) fields.push(`*Who may approve*\n${escapeSlack(describeApprovers(p.evidence.policy.approvers))}, not the requester${p.evidence.policy.excludePrAuthor ? ' nor the PR\'s author' : ''}`);
  blocks.push({ type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text: bounded(text, 1900) })) });
  blocks.push(section(view.checks.map((c) => `${c.skipped ? '➖' : c.ok ? '✅' : '❌'} *${CHECK_LABEL[c.id]}*: ${escapeSlack(truncate(c.message, 300))}`).join('\n')));
  if (options.dryRun && options.unsatisfiable) blocks.push(section(`:warning: ${escapeSlack(options.unsatisfiable)}`));
  if (view.approvals.length > 0) blocks.push(section(`*Approvals:* ${view.approvals.map((a) => `@${escapeSlack(a.approver.login)}${a.via === 'slack' ? ' (Slack)' : ''}`).join(', ')}`));
  const result = resultLine(p);
  if (result) blocks.push(section(result));
  blocks.push(...metricBlocks(view));
  if (p.state === 'requested' && !options.dryRun) blocks.push(buttons(p));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Request ${code(p.id)} · modelgate` }] });
  return { text: `${options.dryRun ? 'Dry run: ' : ''}${title(p)} (${p.id}): ${STATE_LABEL[p.state].replace(/^\S+ /, '').toLowerCase()}`, blocks };
}

function buttons(p: Promotion): Block {
  const what = escapeSlack(title(p));
  return {
    type: 'actions',
    block_id: 'modelgate_decision',
    elements: [
      {
        type: 'button',
        action_id: APPROVE_ACTION,
        style: 'primary',
        text: { type: 'plain_text', text: 'Approve' },
        value: p.id,
        confirm: {
          title: { type: 'plain_text', text: 'Approve this request?' },
          text: { type: 'mrkdwn', text: `${what}. When enough people have approved, modelgate commits the registry change and creates the deployment.` },
          confirm: { type: 'plain_text', text: 'Approve' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
      {
        type: 'button',
        action_id: REJECT_ACTION,
        style: 'danger',
        text: { type: 'plain_text', text: 'Reject' },
        value: p.id,
        confirm: {
          title: { type: 'plain_text', text: 'Reject this request?' },
          text: { type: 'mrkdwn', text: `${what}. You can give a reason next.` },
          confirm: { type: 'plain_text', text: 'Reject' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
    ],
  };
}

function requester(p: Promotion): string {
  return p.source.kind === 'slack' ? `${slackUser(p.source.user)} (GitHub @${escapeSlack(p.requestedBy.login)})` : `@${escapeSlack(p.requestedBy.login)} on GitHub`;
}

function stateLine(view: PromotionView, now: Date): string {
  const p = view.promotion;
  const base = STATE_LABEL[p.state];
  switch (p.state) {
    case 'requested': {
      const left = new Date(p.expiresAt).getTime() - now.getTime();
      const expires = expiryText(p.expiresAt);
      return `${base}: ${view.approvals.length} of ${p.approvalsRequired} ${p.approvalsRequired === 1 ? 'approval' : 'approvals'} · expires ${expires}${left > 0 ? ` (in ${formatDuration(left)})` : ''}`;
    }
    case 'failed':
    case 'rejected':
    case 'void':
    case 'expired':
      return p.stateReason ? `${base}: ${escapeSlack(truncate(p.stateReason, 800))}` : base;
    default:
      return base;
  }
}

function resultLine(p: Promotion): string | null {
  const parts: string[] = [];
  if (p.result.registryCommit) parts.push(`registry commit ${link(p.result.commitUrl, p.result.registryCommit.slice(0, 7))}`);
  if (p.result.deploymentId !== undefined) parts.push(`deployment ${link(p.result.deploymentUrl, p.result.environment ?? String(p.result.deploymentId))}`);
  return parts.length ? `*Result:* ${parts.join(', ')}` : null;
}

/** Failed gates first, then the biggest relative changes; unchanged rows last. */
export function biggestChanges(rows: readonly DiffRow[]): DiffRow[] {
  const size = (r: DiffRow) => Math.abs(r.relativeDelta ?? r.delta ?? 0);
  const rank = (r: DiffRow) => (r.gate === 'fail' ? 0 : r.status === 'unchanged' ? 2 : 1);
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => rank(a.row) - rank(b.row) || size(b.row) - size(a.row) || a.i - b.i)
    .map(({ row }) => row);
}

function metricBlocks(view: PromotionView): Block[] {
  const p = view.promotion;
  if (!view.diff) return [section(`_No metric diff: ${p.comparison.head === null ? `no evaluation of ${code(p.version)} is recorded` : 'the evaluation is no longer recorded'}._`)];
  const { diff, baseline } = view.diff;
  const rows = biggestChanges(diff.rows).filter((r) => r.status !== 'unchanged' || r.gate === 'fail');
  const shown = rows.slice(0, SLACK_METRIC_ROWS);
  const heading = `*Metrics against ${escapeSlack(baseline.label)}* · gates ${diff.gatesPassed ? 'passed ✅' : 'failed ❌'} (${diff.gates.pass} pass, ${diff.gates.fail} fail)`;
  if (shown.length === 0) return [section(`${heading}\n_No metric changed._`)];
  const table = shown.map((r) => {
    const [base, head] = formatValues(r);
    return [truncate(r.metric, 36), base, head, formatDelta(r), r.gate === 'fail' ? '✗ gate' : r.status];
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((cells) => cells[i]!.length), ['metric', 'base', 'head', 'Δ'][i]!.length));
  const pad = (cells: string[]) => cells.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c)).join('  ').trimEnd();
  const lines = [pad(['metric', 'base', 'head', 'Δ', '']), ...table.map(pad)];
  let body = '';
  for (const line of lines) {
    if (body.length + line.length > 2600) break;
    body += `${line}\n`;
  }
  const more = rows.length - shown.length;
  const pr = p.evidence.pr;
  const tail = more > 0 || pr ? `\n${more > 0 ? `…and ${more} more changed. ` : ''}${pr ? `The full diff: ${link(pr.url, `#${pr.number} on GitHub`)}` : ''}` : '';
  return [section(`${heading}\n\`\`\`\n${preformatted(body.trimEnd())}\n\`\`\`${tail}`)];
}

function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: bounded(text) } };
}

/** The thread reply that records a request's outcome. */
export function outcomeText(p: Promotion): string {
  const what = escapeSlack(title(p));
  switch (p.state) {
    case 'done': {
      const result = resultLine(p);
      return `✅ ${what}: done.${result ? ` ${result.replace('*Result:* ', '')}.` : ''}`;
    }
    case 'failed':
      return `❌ ${what} failed: ${escapeSlack(truncate(p.stateReason ?? 'see the request', 800))}`;
    case 'rejected':
      return `🚫 ${what}: ${escapeSlack(truncate(p.stateReason ?? 'rejected', 800))}`;
    case 'expired':
      return `⌛ ${what}: expired without enough approvals.`;
    case 'void':
      return `⚠️ ${what} is void: ${escapeSlack(truncate(p.stateReason ?? 'the evidence changed', 800))}`;
    default:
      return `${STATE_LABEL[p.state]}: ${what}`;
  }
}

export const TERMINAL: ReadonlySet<PromotionState> = new Set(['done', 'failed', 'rejected', 'expired', 'void']);
