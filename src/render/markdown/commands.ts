import { truncate } from '../../core/common/index.js';
import { MAX_COMMAND_CHARS, MAX_REASON_CHARS, type Command, type CommandProblem } from '../../core/commands/index.js';
import { inlineCode } from './escape.js';

/** The commands, as a PR comment lists them. */
export const COMMANDS_HELP = [
  '**modelgate commands** (the first line of a comment on any issue or pull request of this repository):',
  '',
  '- `/modelgate evaluate [model]`: run the evaluation workflow on this pull request\'s head commit (write access).',
  '- `/modelgate promote <model> <version> [stage] [--dry-run] [--emergency "reason"]`: request a promotion; without a stage, the next one in order.',
  '- `/modelgate approve <request-id>`: approve a request (someone other than the requester, from the stage\'s approvers).',
  '- `/modelgate reject <request-id> [reason]`: reject a request.',
  '- `/modelgate rollback <model> <stage> [--dry-run]`: move a stage back to the version it held before.',
  '- `/modelgate status [model]`: what each stage holds, and the pending requests.',
  '- `/modelgate help`: show this help.',
  '',
  'Quoted lines and code blocks are ignored, so quoting a command never runs it.',
].join('\n');

const MAX_ECHO = 64;

/** User text, echoed safely: inline code (no mentions, no HTML) and bounded. */
function echo(text: string): string {
  return inlineCode(truncate(text, MAX_ECHO));
}

const NAMES = {
  model: 'lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 64 characters, without `..`',
  version: 'letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 64 characters, without `..`, not ending in `.lock`',
  stage: 'lowercase letters, digits, `-` and `_`, starting with a letter, at most 32 characters',
};

/** What was wrong with a known command's arguments, in one Markdown sentence. */
export function problemMarkdown(verb: string, problem: CommandProblem): string {
  switch (problem.kind) {
    case 'too-many-arguments':
      return verb === 'evaluate'
        ? `\`/modelgate ${verb}\` takes at most one model name; got ${problem.got.length} words (${problem.got.map(echo).join(', ')}).`
        : `\`/modelgate ${verb}\` takes at most ${problem.max} ${problem.max === 1 ? 'argument' : 'arguments'}; got ${problem.got.length} (${problem.got.map(echo).join(', ')}).`;
    case 'missing-argument':
      return `\`/modelgate ${verb}\` needs a ${problem.name}.`;
    case 'invalid-model':
      return `${echo(problem.value)} is not a valid model name: use ${NAMES.model}.`;
    case 'invalid-repo':
      return `${echo(problem.value)} is not a repository: write it as \`owner/name\`.`;
    case 'invalid-version':
      return `${echo(problem.value)} is not a valid version: use ${NAMES.version}.`;
    case 'invalid-stage':
      return `${echo(problem.value)} is not a valid stage name: use ${NAMES.stage}.`;
    case 'invalid-id':
      return `${echo(problem.value)} is not a request id: ids look like \`p-abcdefgh2345\` (the request's comment shows it).`;
    case 'unknown-flag':
      return `Unknown option ${echo(problem.flag)}.${problem.suggestion ? ` Did you mean \`${problem.suggestion}\`?` : ''}`;
    case 'flag-needs-value':
      return `\`${problem.flag}\` needs a reason, e.g. \`${problem.flag} "the model leaks PII"\`.`;
    case 'invalid-reason':
      return problem.why === 'too long'
        ? `The reason is too long: at most ${MAX_REASON_CHARS} characters.`
        : problem.why === 'empty'
          ? 'The reason is empty: say why.'
          : 'The reason holds control characters: write it as plain text.';
    case 'unclosed-quote':
      return 'A quote is not closed: end the reason with the same quote it starts with.';
    case 'too-long':
      return `The command is too long: at most ${MAX_COMMAND_CHARS.toLocaleString('en-US')} characters.`;
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
