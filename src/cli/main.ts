import { readFileSync } from 'node:fs';
import { didYouMean } from '../core/common/index.js';
import { runDiff } from './diff.js';
import { CliError, EXIT, type CliIO } from './io.js';
import { runValidate } from './validate.js';

type Command = (args: string[], io: CliIO) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  validate: { run: runValidate, summary: 'Check model cards (front matter, metrics, license, repository policy)' },
  diff: { run: runDiff, summary: 'Compare two metrics files (JSON, YAML, CSV or model cards) under your gates' },
};

export const USAGE = `Usage: modelgate <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(10)}${summary}`)
  .join('\n')}

Options:
  -h, --help    Show this help (or 'modelgate <command> --help' for a command)
  --version     Print the version

Exit status: 0 on success, 1 when a check fails, 2 on usage or input errors.
`;

/** The CLI: dispatches to a command and turns every error into a message and an exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`modelgate: ${error.message}\n`);
      return error.exitCode;
    }
    const debug = io.env['MODELGATE_DEBUG'] === '1';
    // Duck-typed: errors thrown by node internals may come from another realm.
    const { message: rawMessage, stack } = (error ?? {}) as { message?: unknown; stack?: unknown };
    const message = typeof rawMessage === 'string' ? rawMessage : String(error);
    io.stderr(`modelgate: unexpected error: ${debug ? message : message.split('\n')[0]}\n`);
    if (debug && typeof stack === 'string') io.stderr(`${stack}\n`);
    else io.stderr('Set MODELGATE_DEBUG=1 for details, and please report this at the project\'s issue tracker.\n');
    return EXIT.usage;
  }
}

async function dispatch(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr(USAGE);
    return EXIT.usage;
  }
  if (first === '--help' || first === '-h') {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  if (first === '--version' || first === '-V') {
    io.stdout(`${version()}\n`);
    return EXIT.ok;
  }
  if (first === 'help') {
    if (rest[0] === undefined) {
      io.stdout(USAGE);
      return EXIT.ok;
    }
    return command(rest[0]).run(['--help'], io);
  }
  return command(first).run(rest, io);
}

function command(name: string): { run: Command } {
  const found = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (found) return found;
  const suggestion = didYouMean(name, Object.keys(COMMANDS));
  const what = name.startsWith('-') ? 'option' : 'command';
  throw new CliError(
    `Unknown ${what} '${name}'.${suggestion ? ` Did you mean '${suggestion}'?` : ''} Run 'modelgate --help' for usage.`,
  );
}

/** From package.json: two levels up from both src/cli/ and the built lib/cli/. */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
