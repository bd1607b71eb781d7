import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '../core/common/index.js';
import { CliError } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a command's arguments strictly; any mistake becomes a CliError (exit 2) that names the
 * option, suggests the closest one, and points at the command's help.
 */
export function parseCommandArgs<T extends Options>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(argumentError(command, options, error));
  }
}

/** The value if it is one of `allowed`, else a CliError with a suggestion. */
export function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const suggestion = didYouMean(value, allowed);
  throw new CliError(`${option} must be one of ${allowed.join(', ')}, not '${value}'.${suggestion ? ` Did you mean '${suggestion}'?` : ''}`);
}

/** node:util parseArgs errors, reworded: which option, and what to do. */
function argumentError(command: string, options: Options, error: unknown): string {
  // Not `instanceof Error`: errors from node internals may come from another realm (e.g. under jest).
  const raw = (error as { message?: unknown } | null)?.message;
  const message = typeof raw === 'string' ? raw : String(error);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) {
    const given = unknown[1]!;
    const known = Object.keys(options).map((name) => `--${name}`);
    const suggestion = given.startsWith('--') ? didYouMean(given, known) : undefined;
    return `Unknown option '${given}'.${suggestion ? ` Did you mean '${suggestion}'?` : ''} Run 'modelgate ${command} --help' for the options.`;
  }
  const missing = /^Option '(?:-\w, )?(--[\w-]+)(?: <value>)?' argument (?:missing|is ambiguous)/.exec(message);
  if (missing) return `Option '${missing[1]}' needs a value, e.g. '${missing[1]}=VALUE'.`;
  // Other parseArgs messages are already one clear sentence (e.g. "Option '--help' does not take an argument").
  return message.split('\n')[0]!;
}
