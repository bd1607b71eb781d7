import { describe, expect, it } from '@jest/globals';
import { parseCommand, type Command } from '../../../src/core/commands/index.js';
import { commandHelpReply, COMMANDS_HELP } from '../../../src/render/markdown/commands.js';

function replyTo(body: string): string {
  const command = parseCommand(body);
  if (command === null || command.kind === 'evaluate') throw new Error(`expected a reply for ${body}`);
  return commandHelpReply(command as Extract<Command, { kind: 'help' | 'unknown' | 'invalid' }>);
}

describe('commandHelpReply', () => {
  it('names an unsafe model name as bounded inline code, then the help', () => {
    const message =
      '`../../etc/passwd` is not a valid model name: use lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 64 characters, without `..`.';
    expect(replyTo('/modelgate evaluate ../../etc/passwd')).toBe(`${message}\n\n${COMMANDS_HELP}`);
  });

  it('says how many words were given', () => {
    expect(replyTo('/modelgate evaluate a b').split('\n')[0]).toBe('`/modelgate evaluate` takes at most one model name; got 2 words (`a`, `b`).');
  });

  it('answers an unknown verb with a suggestion and the command list', () => {
    expect(replyTo('/modelgate evalute')).toBe(`Unknown command \`evalute\`. Did you mean \`/modelgate evaluate\`?\n\n${COMMANDS_HELP}`);
    expect(replyTo('/modelgate deploy prod')).toBe(`Unknown command \`deploy\`.\n\n${COMMANDS_HELP}`);
    expect(replyTo('/modelgate help')).toBe(COMMANDS_HELP);
  });

  it('echoes hostile verbs as bounded inline code: no mentions, no HTML, no breaking out', () => {
    const echoed = replyTo('/modelgate `@org/team<img>`' + 'x'.repeat(100)).split('\n')[0]!;
    expect(echoed).toBe(`Unknown command \`\` \`@org/team<img>\`${'x'.repeat(47)}… \`\`.`);
  });

  it('lists every command', () => {
    for (const verb of ['evaluate [model]', 'promote <model> <version> [stage]', 'approve <request-id>', 'reject <request-id> [reason]', 'rollback <model> <stage>', 'status [model]', 'help']) {
      expect(COMMANDS_HELP).toContain(`\`/modelgate ${verb}`);
    }
  });
});
