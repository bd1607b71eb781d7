/** `/models [model]`: what each stage holds since when, and the pending requests. */
import { parsePromotionArguments } from '../../../core/commands/index.js';
import type { Evaluation } from '../../../core/evaluation/index.js';
import type { StatusModel } from '../../../core/promotion/index.js';
import { plain, problemText, statusBlocks } from '../../../render/slack/messages.js';
import { OTHER_WORKSPACE, type Ack, type Respond, type SlackDeps, type SlashCommand } from '../../context.js';

/** Repositories one `/models` reads (one GitHub query each). */
const MAX_REPOS = 10;
/** Models one repository shows (the message's blocks are bounded). */
const MAX_MODELS = 20;

export async function modelsCommand(deps: SlackDeps, command: SlashCommand, ack: Ack, respond: Respond): Promise<void> {
  await ack();
  const say = (message: Parameters<Respond>[0]) => respond({ response_type: 'ephemeral', ...message });
  if (command.team_id !== deps.team) return void (await say(OTHER_WORKSPACE));
  const parsed = parsePromotionArguments('status', command.text);
  if (!parsed.ok) return void (await say({ text: problemText('/models', parsed.problem) }));
  if (parsed.command.kind !== 'status') return;
  const ref = parsed.command.ref;
  let repos;
  if (ref) {
    const where = await deps.directory.resolve(ref, command.channel_id);
    if (where.kind !== 'ok') return void (await say(plain(where.message)));
    repos = [where.repo];
  } else {
    repos = await deps.directory.forChannel(command.channel_id);
    if (repos.length === 0) return void (await say(plain('modelgate knows no repository yet: install the GitHub App on a repository with a registry, or name a model as owner/repo:model.')));
  }
  const shown: Array<{ fullName: string; url: string; models: StatusModel[]; latest: ReadonlyMap<string, Evaluation> } | { fullName: string; error: string }> = [];
  for (const repo of repos.slice(0, MAX_REPOS)) {
    const outcome = await deps.service.status({ repo, model: ref?.model ?? null });
    if (outcome.kind === 'status') {
      // The latest successful evaluation of each model shown (one indexed query each, at most 20).
      const latest = new Map<string, Evaluation>();
      for (const m of outcome.models.slice(0, MAX_MODELS)) {
        const evaluation = await deps.store.latestEvaluation({ repoId: repo.id, model: m.model, status: 'success' });
        if (evaluation) latest.set(m.model, evaluation);
      }
      shown.push({ fullName: repo.fullName, url: repo.htmlUrl, models: outcome.models, latest });
      if (!ref) await deps.store.rememberModels(repo.id, outcome.models.map((m) => m.model));
    } else {
      shown.push({ fullName: repo.fullName, error: outcome.message });
    }
  }
  const message = statusBlocks(shown);
  if (repos.length > MAX_REPOS) message.blocks?.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${repos.length - MAX_REPOS} more repositories: name a model as \`owner/repo:model\`.` }] });
  await say(message);
}
