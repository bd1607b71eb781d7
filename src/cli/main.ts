import { readFileSync } from 'node:fs';
import { didYouMean } from '../core/common/index.js';
import { CliError, EXIT, type CliIO } from './io.js';

type Command = (args: string[], io: CliIO) => Promise<number>;

/**
 * The commands, each loaded only when it runs: `validate` never loads the metrics engine,
 * `diff` never the card validator, and neither loads the App (`deliveries`).
 */
const COMMANDS: Record<string, { load: () => Promise<Command>; summary: string }> = {
  validate: { load: async () => (await import('./validate.js')).runValidate, summary: 'Check model cards (front matter, metrics, license, repository policy)' },
  diff: { load: async () => (await import('./diff.js')).runDiff, summary: 'Compare metrics: two files, or git revisions (modelgate diff main), under your gates' },
  'explain-metric': { load: async () => (await import('./explain.js')).runExplainMetric, summary: 'Show which metric rules apply to a metric, and why' },
  deliveries: { load: () => loadOperatorCommand(DELIVERIES_MODULE, 'runDeliveries', 'deliveries'), summary: 'App operators: list or replay stored webhook deliveries' },
};

/**
 * The App's operator command lives with the App (it needs its store: pg or better-sqlite3). It is
 * imported by a name the bundler leaves alone, so the CLI package never contains it; where it
 * (or what it imports) is not installed, the command says so in one line.
 */
const DELIVERIES_MODULE = '../ops/deliveries.js';

export const USAGE = `Usage: modelgate <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(16)}${summary}`)
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
    return (await command(rest[0]).load())(['--help'], io);
  }
  return (await command(first).load())(rest, io);
}

function command(name: string): { load: () => Promise<Command> } {
  const found = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (found) return found;
  const suggestion = didYouMean(name, Object.keys(COMMANDS));
  const what = name.startsWith('-') ? 'option' : 'command';
  throw new CliError(
    `Unknown ${what} '${name}'.${suggestion ? ` Did you mean '${suggestion}'?` : ''} Run 'modelgate --help' for usage.`,
  );
}

/**
 * Loads a command that lives with the App: `specifier` is relative to this file. A missing module,
 * or a module whose own imports (the App's server dependencies) are missing, is one clear line.
 */
export async function loadOperatorCommand(specifier: string, exported: string, name: string): Promise<Command> {
  const unavailable = new CliError(
    `'modelgate ${name}' is an App operator command: it needs the modelgate App and its store (pg or better-sqlite3), which this installation does not have. Run it where the App runs, in the modelgate repository after 'npm ci'.`,
  );
  let loaded: unknown;
  try {
    loaded = await import(specifier);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)|Could not locate module/.test(String((error as { message?: unknown } | null)?.message))) throw unavailable;
    throw error;
  }
  const run = (loaded as Record<string, unknown> | null)?.[exported];
  if (typeof run !== 'function') throw unavailable;
  return run as Command;
}

/** Set by the bundler (the CLI package); from package.json two levels up in src/cli/ and the built lib/cli/. */
declare const MODELGATE_VERSION: string | undefined;

function version(): string {
  if (typeof MODELGATE_VERSION === 'string') return MODELGATE_VERSION;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
