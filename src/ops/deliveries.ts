/**
 * `modelgate deliveries list|replay <id>`: the App operator's view of the webhook inbox, on the
 * database DATABASE_URL names (the App's own setting; ./data/modelgate.db by default). Loaded
 * only by `modelgate deliveries` (src/cli/main.ts), never bundled into the CLI package.
 */
import { existsSync } from 'node:fs';
import { oneOf, parseCommandArgs } from '../cli/args.js';
import { CliError, EXIT, type CliIO } from '../cli/io.js';
import { openStore, resolveDatabaseLocation, type InboxEntry, type InboxState } from '../store/index.js';

const STATES: readonly InboxState[] = ['pending', 'done', 'dead'];

export const DELIVERIES_USAGE = `Usage: modelgate deliveries list [--state pending|done|dead] [--limit N] [--json]
       modelgate deliveries replay <delivery-id>

The App's webhook inbox, in the database DATABASE_URL names (default ./data/modelgate.db).
  list      The newest deliveries first: state, event, repository and PR, attempts, last error.
  replay    Makes a dead (or done) delivery pending again; a running App handles it at its next poll.
`;

export async function runDeliveries(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('deliveries', args, {
    state: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(DELIVERIES_USAGE);
    return EXIT.ok;
  }
  const [sub, id, ...extra] = positionals;
  if (sub !== 'list' && sub !== 'replay') throw new CliError(`Say 'list' or 'replay <delivery-id>'. Run 'modelgate deliveries --help' for usage.`);
  if (extra.length > 0 || (sub === 'list' && id !== undefined)) throw new CliError(`Unexpected argument '${extra[0] ?? id}'. Run 'modelgate deliveries --help' for usage.`);
  if (sub === 'replay' && id === undefined) throw new CliError("'modelgate deliveries replay' needs the delivery id (see 'modelgate deliveries list').");
  const state = values.state === undefined ? undefined : oneOf('--state', values.state, STATES);
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CliError(`--limit must be a whole number from 1 to 1000, not '${values.limit}'.`);

  const location = resolveDatabaseLocation(io.env['DATABASE_URL'], io.cwd);
  // Listing must not create an empty database where the App's is not.
  if (location.kind === 'sqlite' && location.path !== ':memory:' && !existsSync(location.path)) {
    io.stderr(`modelgate: no modelgate database at ${location.path}: set DATABASE_URL to the App's database.\n`);
    return EXIT.failed;
  }
  const store = await openStore({ DATABASE_URL: io.env['DATABASE_URL'] }, io.cwd);
  try {
    if (sub === 'list') {
      const entries = await store.listDeliveries({ ...(state ? { state } : {}), limit });
      io.stdout(values.json ? `${JSON.stringify(entries, null, 2)}\n` : table(entries));
      return EXIT.ok;
    }
    const delivery = await store.getDelivery(id!);
    if (delivery === null) {
      io.stderr(`modelgate: no delivery ${id} in the inbox at ${store.label}.\n`);
      return EXIT.failed;
    }
    if (!(await store.replayDelivery(id!))) {
      io.stderr(`modelgate: delivery ${id} is still pending: the App will handle it (attempt ${delivery.attempts}).\n`);
      return EXIT.failed;
    }
    io.stdout(`Delivery ${id} (${eventOf(delivery)}, was ${delivery.state}) is pending again; a running App handles it at its next poll.\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

const eventOf = (e: InboxEntry) => (e.action ? `${e.event}.${e.action}` : e.event);

function table(entries: InboxEntry[]): string {
  if (entries.length === 0) return 'No deliveries.\n';
  const rows = entries.map((e) => [
    e.id,
    e.state,
    eventOf(e),
    e.repo === null ? '-' : e.pr === null ? e.repo : `${e.repo}#${e.pr}`,
    String(e.attempts),
    e.receivedAt,
    (e.lastError ?? '').split('\n')[0]!.slice(0, 80),
  ]);
  const header = ['DELIVERY', 'STATE', 'EVENT', 'WHERE', 'ATTEMPTS', 'RECEIVED', 'LAST ERROR'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}
