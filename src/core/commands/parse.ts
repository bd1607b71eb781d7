import { isSafeName } from '../cards/identity.js';
import { didYouMean } from '../common/suggest.js';
import { parsePromotionArguments, PROMOTION_VERBS, type ArgumentProblem, type PromotionCommand, type PromotionVerb } from '../promotion/commands.js';

/**
 * modelgate's commands, parsed strictly into neutral results. Adapters render the replies: a PR
 * comment in Markdown (src/render/markdown/commands.ts), later Slack. In a pull request comment
 * the command must be the first line that counts (see commandLine), so quoting or documenting a
 * command never runs it; what follows that line is free text.
 */

export const COMMAND_PREFIX = '/modelgate';

export const VERBS = ['evaluate', ...PROMOTION_VERBS, 'help'] as const;
export type Verb = (typeof VERBS)[number];

/** Why a known verb's arguments were refused; the offending user text is kept raw, for the renderer to quote safely. */
export type CommandProblem = ArgumentProblem;

export type Command =
  /** `model` null: every model the evaluation workflow knows. */
  | { kind: 'evaluate'; model: string | null }
  | { kind: 'help' }
  /** promote, approve, reject, rollback, status: the same grammar as Slack's commands. */
  | { kind: 'promotion'; command: PromotionCommand }
  /** An unknown verb, as typed, with the closest known one. */
  | { kind: 'unknown'; verb: string; suggestion: Verb | null }
  /** A known verb with bad arguments. */
  | { kind: 'invalid'; verb: Verb; problem: CommandProblem };

/** The command a comment gives, or null when the comment is not a command. Never throws. */
export function parseCommand(body: string | null | undefined): Command | null {
  const line = commandLine(body ?? '');
  if (line === null) return null;
  const [prefix = '', verbToken, ...args] = line.split(/\s+/);
  if (prefix.toLowerCase() !== COMMAND_PREFIX) return null;
  if (verbToken === undefined) return { kind: 'help' };
  const verb = verbToken.toLowerCase();

  if ((PROMOTION_VERBS as readonly string[]).includes(verb)) {
    // The rest of the line, as typed: reasons may be quoted and hold spaces.
    const rest = line.slice(line.toLowerCase().indexOf(verb, prefix.length) + verb.length);
    const parsed = parsePromotionArguments(verb as PromotionVerb, rest);
    return parsed.ok ? { kind: 'promotion', command: parsed.command } : { kind: 'invalid', verb: verb as Verb, problem: parsed.problem };
  }
  switch (verb) {
    case 'help':
      return { kind: 'help' };
    case 'evaluate': {
      if (args.length === 0) return { kind: 'evaluate', model: null };
      if (args.length > 1) return { kind: 'invalid', verb, problem: { kind: 'too-many-arguments', max: 1, got: args } };
      const model = args[0]!;
      // The same rule as model cards and manifests: names become paths and git refs.
      if (!isSafeName(model)) return { kind: 'invalid', verb, problem: { kind: 'invalid-model', value: model } };
      return { kind: 'evaluate', model };
    }
    default:
      return { kind: 'unknown', verb: verbToken, suggestion: (didYouMean(verb, VERBS) as Verb | undefined) ?? null };
  }
}

/** The first line of a comment that counts: not blank, not quoted, not code. Trimmed; null when none. */
export function commandLine(body: string): string | null {
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
