/** `/modelgate help | link | unlink | whoami`; anything else gets the help. */
import { link as slackLink, code } from '../../../render/slack/escape.js';
import { SLACK_HELP } from '../../../render/slack/messages.js';
import { OTHER_WORKSPACE, type Ack, type Respond, type SlackDeps, type SlashCommand } from '../../context.js';

export async function modelgateCommand(deps: SlackDeps, command: SlashCommand, ack: Ack, respond: Respond): Promise<void> {
  await ack();
  const say = (text: string) => respond({ response_type: 'ephemeral', text });
  if (command.team_id !== deps.team) return void (await say(OTHER_WORKSPACE.text));
  const [verb = 'help', ...rest] = command.text.trim().split(/\s+/).filter(Boolean);
  const extra = rest.length > 0 ? ` (\`/modelgate ${verb.toLowerCase()}\` takes no arguments)` : '';
  switch (verb.toLowerCase()) {
    case 'help':
      return void (await say(SLACK_HELP));
    case 'link': {
      if (!deps.link) return void (await say('Self-service linking is off here (the operator has not set GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET and MODELGATE_URL): ask them to add you to the links in SLACK_CONFIG.'));
      const url = await deps.link.start(command.team_id, command.user_id, command.response_url ?? null);
      return void (await say(`${slackLink(url, 'Link your GitHub account')}${extra}: GitHub asks you to authorize modelgate, then this Slack account acts as that GitHub identity. The link works once, for 10 minutes, and only for you: do not share it.`));
    }
    case 'unlink': {
      const removed = await deps.store.unlinkSlackUser(command.team_id, command.user_id);
      return void (await say(removed ? 'Unlinked: this Slack account no longer acts as a GitHub identity in modelgate.' : 'This Slack account was not linked.'));
    }
    case 'whoami': {
      const link = await deps.store.slackLink(command.team_id, command.user_id);
      return void (await say(link ? `This Slack account is GitHub @${link.githubLogin} (id ${link.githubId}) for modelgate, linked ${link.linkedAt.slice(0, 10)}${link.source === 'seed' ? ' by an operator' : ''}.` : 'This Slack account is not linked to GitHub: run `/modelgate link`.'));
    }
    default:
      return void (await say(`Unknown command ${code(verb, 40)}.\n\n${SLACK_HELP}`));
  }
}
