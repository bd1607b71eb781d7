import { truncate } from '../../core/common/index.js';
import type { Command, CommandProblem } from '../../core/commands/index.js';
import { inlineCode } from './escape.js';

/** The commands, as a PR comment lists them. */
export const COMMANDS_HELP = [
  '**modelgate commands** (comment on a pull request; commands that run workflows need write access to the repository):',
  '',
  '- `/modelgate evaluate`: run the evaluation workflow on the pull request\'s head commit and post the metric diffs.',
  '- `/modelgate evaluate <model>`: evaluate one model, e.g. `/modelgate evaluate sentiment-v2`.',
  '- `/modelgate help`: show this help.',
  '',
  'The command must be the first line of the comment; quoted lines and code blocks are ignored.',
].join('\n');

const MAX_ECHO = 64;

/** User text, echoed safely: inline code (no mentions, no HTML) and bounded. */
function echo(text: string): string {
  return inlineCode(truncate(text, MAX_ECHO));
}

/** What was wrong with a known command's arguments, in one Markdown sentence. */
export function problemMarkdown(verb: string, problem: CommandProblem): string {
  switch (problem.kind) {
    case 'too-many-arguments':
      return `\`/modelgate ${verb}\` takes at most one model name; got ${problem.got.length} words (${problem.got.map(echo).join(', ')}).`;
    case 'invalid-model':
      return `${echo(problem.value)} is not a valid model name: use lowercase letters, digits, \`.\`, \`_\` and \`-\`, starting with a letter or digit, at most 64 characters, without \`..\`.`;
  }
}

/** The reply to `help`, an unknown verb or bad arguments: what went wrong, a suggestion, the commands. */
export function commandHelpReply(command: Extract<Command, { kind: 'help' | 'unknown' | 'invalid' }>): string {
  switch (command.kind) {
    case 'help':
      return COMMANDS_HELP;
    case 'unknown': {
      const hint = command.suggestion ? ` Did you mean \`/modelgate ${command.suggestion}\`?` : '';
      return `Unknown command ${echo(command.verb)}.${hint}\n\n${COMMANDS_HELP}`;
    }
    case 'invalid':
      return `${problemMarkdown(command.verb, command.problem)}\n\n${COMMANDS_HELP}`;
  }
}
