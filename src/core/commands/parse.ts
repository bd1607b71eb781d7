import { isSafeName } from '../cards/identity.js';
import { inlineCode, truncate } from '../../render/markdown/escape.js';
import { didYouMean } from '../common/suggest.js';

/**
 * Slash commands in pull request comments, parsed strictly: the command must be the first
 * non-empty line of the comment that is not quoted (`>`) or inside a fenced code block, so
 * quoting or documenting a command never runs it. What follows the command line is free text.
 */

export const COMMAND_PREFIX = '/modelgate';

export const VERBS = ['evaluate', 'help'] as const;

export const HELP_TEXT = [
  '**modelgate commands** (comment on a pull request; commands that run workflows need write access to the repository):',
  '',
  '- `/modelgate evaluate`: run the evaluation workflow on the pull request\'s head commit and post the metric diffs.',
  '- `/modelgate evaluate <model>`: evaluate one model, e.g. `/modelgate evaluate sentiment-v2`.',
  '- `/modelgate help`: show this help.',
  '',
  'The command must be the first line of the comment; quoted lines and code blocks are ignored.',
].join('\n');

export type Command =
  /** `model` null: every model the evaluation workflow knows. */
  | { kind: 'evaluate'; model: string | null }
  | { kind: 'help' }
  /** An unknown verb. `help` is the whole reply: what went wrong, a suggestion, the commands. */
  | { kind: 'unknown'; verb: string; suggestion: string | null; help: string }
  /** A known verb with bad arguments. `help` is the whole reply. */
  | { kind: 'invalid'; verb: string; message: string; help: string };

const MAX_ECHO = 64;

/** The command a comment gives, or null when the comment is not a command. Never throws. */
export function parseCommand(body: string | null | undefined): Command | null {
  const line = commandLine(body ?? '');
  if (line === null) return null;
  const [prefix = '', verbToken, ...args] = line.split(/\s+/);
  if (prefix.toLowerCase() !== COMMAND_PREFIX) return null;
  if (verbToken === undefined) return { kind: 'help' };
  const verb = verbToken.toLowerCase();

  switch (verb) {
    case 'help':
      return { kind: 'help' };
    case 'evaluate': {
      if (args.length === 0) return { kind: 'evaluate', model: null };
      if (args.length > 1) {
        return invalid(verb, `\`/modelgate evaluate\` takes at most one model name; got ${args.length} words (${args.map(echo).join(', ')}).`);
      }
      const model = args[0]!;
      // The same rule as model cards and manifests: names become paths and git refs.
      if (!isSafeName(model)) {
        return invalid(
          verb,
          `${echo(model)} is not a valid model name: use lowercase letters, digits, \`.\`, \`_\` and \`-\`, starting with a letter or digit, at most 64 characters, without \`..\`.`,
        );
      }
      return { kind: 'evaluate', model };
    }
    default: {
      const suggestion = didYouMean(verb, VERBS) ?? null;
      const hint = suggestion ? ` Did you mean \`/modelgate ${suggestion}\`?` : '';
      return { kind: 'unknown', verb: verbToken, suggestion, help: `Unknown command ${echo(verbToken)}.${hint}\n\n${HELP_TEXT}` };
    }
  }
}

function invalid(verb: string, message: string): Command {
  return { kind: 'invalid', verb, message, help: `${message}\n\n${HELP_TEXT}` };
}

/** User text, echoed safely: inline code (no mentions, no HTML) and bounded. */
function echo(text: string): string {
  return inlineCode(truncate(text, MAX_ECHO));
}

/** The first line that counts: not blank, not quoted, not code. Trimmed. */
function commandLine(body: string): string | null {
  let fence: { char: string; length: number } | null = null;
  for (const raw of body.split(/\r\n?|\n/)) {
    const line = raw.trim();
    const opener = /^(`{3,}|~{3,})/.exec(line);
    if (fence) {
      // A fence closes with at least as many of the same character and nothing else.
      if (opener && opener[1]![0] === fence.char && opener[1]!.length >= fence.length && line.slice(opener[1]!.length).trim() === '') fence = null;
      continue;
    }
    if (opener) {
      fence = { char: opener[1]![0]!, length: opener[1]!.length };
      continue;
    }
    // Blank, quoted, or an indented code block (four spaces or a tab).
    if (line === '' || line.startsWith('>') || /^(?: {4}|\t)/.test(raw)) continue;
    return line;
  }
  return null;
}
