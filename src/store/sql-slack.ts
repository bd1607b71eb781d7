import { z } from 'zod';
import type { SqlParam } from './driver.js';
import { StoreInputError } from './errors.js';
import type { KnownRepository, Repositories, SlackLink, SlackLinks, SlackMessage, SlackMessages } from './ports.js';
import { dbInteger, dbTimestamp, decode } from './rows.js';
import { SqlPromotions } from './sql-promotions.js';

const Text = z.string().min(1).max(200);
const Id = z.number().int().positive();

/**
 * The Slack ports and the repository index, written once against SqlDriver. Builds on the
 * promotion port's SQL (the store's SQL is one file per concern, each adding to the last).
 */
export class SqlSlack extends SqlPromotions implements SlackLinks, SlackMessages, Repositories {
  async linkSlackUser(link: Omit<SlackLink, 'linkedAt'>): Promise<SlackLink> {
    const l = check(z.object({ team: Text, user: Text, githubId: Id, githubLogin: Text, source: z.enum(['oauth', 'seed']) }), link, 'Slack link');
    const linkedAt = this.now().toISOString();
    await this.db.query(
      `INSERT INTO slack_links (team_id, user_id, github_id, github_login, source, linked_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (team_id, user_id) DO UPDATE SET github_id = excluded.github_id, github_login = excluded.github_login, source = excluded.source, linked_at = excluded.linked_at`,
      [l.team, l.user, l.githubId, l.githubLogin, l.source, linkedAt],
    );
    return { ...l, linkedAt };
  }

  async unlinkSlackUser(team: string, user: string): Promise<boolean> {
    const { changes } = await this.db.query('DELETE FROM slack_links WHERE team_id = ? AND user_id = ?', [team, user]);
    return changes > 0;
  }

  async slackLink(team: string, user: string): Promise<SlackLink | null> {
    const { rows } = await this.db.query('SELECT team_id, user_id, github_id, github_login, source, linked_at FROM slack_links WHERE team_id = ? AND user_id = ?', [team, user]);
    return rows[0] === undefined ? null : decode('slack_links', rows[0], () => `${team}/${user}`, LinkRow);
  }

  async createLinkState(state: { state: string; team: string; user: string; responseUrl: string | null; expiresAt: Date }): Promise<void> {
    const s = check(z.object({ state: z.string().min(16).max(100), team: Text, user: Text, responseUrl: z.string().max(2000).nullable(), expiresAt: z.date() }), state, 'link state');
    await this.db.query('INSERT INTO slack_link_states (state, team_id, user_id, response_url, expires_at) VALUES (?, ?, ?, ?, ?)', [
      s.state,
      s.team,
      s.user,
      s.responseUrl,
      s.expiresAt.toISOString(),
    ]);
  }

  async consumeLinkState(state: string, now: Date): Promise<{ team: string; user: string; responseUrl: string | null } | null> {
    // One UPDATE decides: only the first caller, before expiry, gets the row back.
    const { rows } = await this.db.query(
      'UPDATE slack_link_states SET used_at = ? WHERE state = ? AND used_at IS NULL AND expires_at > ? RETURNING team_id, user_id, response_url',
      [now.toISOString(), state, now.toISOString()],
    );
    const row = rows[0] as { team_id?: unknown; user_id?: unknown; response_url?: unknown } | undefined;
    if (!row) return null;
    return { team: String(row.team_id), user: String(row.user_id), responseUrl: typeof row.response_url === 'string' ? row.response_url : null };
  }

  async slackMessages(promotionId: string): Promise<SlackMessage[]> {
    const { rows } = await this.db.query('SELECT channel, ts, team_id, claimed_at, replied_state FROM slack_messages WHERE promotion_id = ? ORDER BY channel', [promotionId]);
    return rows.map((row) => decode('slack_messages', row, () => promotionId, MessageRow));
  }

  async claimSlackMessage(message: { promotionId: string; channel: string; team: string | null; staleBefore: Date }): Promise<boolean> {
    const m = check(z.object({ promotionId: Text, channel: Text, team: Text.nullable(), staleBefore: z.date() }), message, 'Slack message');
    const at = this.now().toISOString();
    // The primary key decides between replicas; a claim whose post never came (a crash) is taken over.
    const inserted = await this.db.query('INSERT INTO slack_messages (promotion_id, channel, team_id, claimed_at) VALUES (?, ?, ?, ?) ON CONFLICT (promotion_id, channel) DO NOTHING', [
      m.promotionId,
      m.channel,
      m.team,
      at,
    ]);
    if (inserted.changes > 0) return true;
    const taken = await this.db.query('UPDATE slack_messages SET claimed_at = ? WHERE promotion_id = ? AND channel = ? AND ts IS NULL AND claimed_at < ?', [
      at,
      m.promotionId,
      m.channel,
      m.staleBefore.toISOString(),
    ]);
    return taken.changes > 0;
  }

  async setSlackMessage(message: { promotionId: string; channel: string; ts: string; team: string | null }): Promise<void> {
    const m = check(z.object({ promotionId: Text, channel: Text, ts: Text, team: Text.nullable() }), message, 'Slack message');
    await this.db.query(
      `INSERT INTO slack_messages (promotion_id, channel, ts, team_id, claimed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (promotion_id, channel) DO UPDATE SET ts = excluded.ts, team_id = excluded.team_id`,
      [m.promotionId, m.channel, m.ts, m.team, this.now().toISOString()],
    );
  }

  async claimSlackReply(promotionId: string, channel: string, state: string): Promise<boolean> {
    const { changes } = await this.db.query(
      'UPDATE slack_messages SET replied_state = ? WHERE promotion_id = ? AND channel = ? AND ts IS NOT NULL AND (replied_state IS NULL OR replied_state <> ?)',
      [state, promotionId, channel, state],
    );
    return changes > 0;
  }

  async rememberRepository(repo: KnownRepository): Promise<void> {
    const r = check(z.object({ repoId: Id, fullName: z.string().regex(/^[^/\s]+\/[^/\s]+$/), installationId: Id, defaultBranch: Text, htmlUrl: z.string().url() }), repo, 'repository');
    await this.db.query(
      `INSERT INTO repositories (repo_id, full_name, installation_id, default_branch, html_url, seen_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (repo_id) DO UPDATE SET full_name = excluded.full_name, installation_id = excluded.installation_id,
         default_branch = excluded.default_branch, html_url = excluded.html_url, seen_at = excluded.seen_at`,
      [r.repoId, r.fullName, r.installationId, r.defaultBranch, r.htmlUrl, this.now().toISOString()],
    );
  }

  async repository(where: { repoId: number } | { fullName: string }): Promise<KnownRepository | null> {
    const [condition, param]: [string, SqlParam] = 'repoId' in where ? ['repo_id = ?', where.repoId] : ['LOWER(full_name) = LOWER(?)', where.fullName];
    const { rows } = await this.db.query(`SELECT ${REPO_COLUMNS} FROM repositories WHERE ${condition} ORDER BY seen_at DESC LIMIT 1`, [param]);
    return rows[0] === undefined ? null : decodeRepository(rows[0]);
  }

  async rememberModels(repoId: number, models: readonly string[]): Promise<void> {
    const at = this.now().toISOString();
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM repository_models WHERE repo_id = ?', [repoId]);
      for (const model of new Set(models)) await tx.query('INSERT INTO repository_models (repo_id, model, seen_at) VALUES (?, ?, ?)', [repoId, model, at]);
    });
  }

  async repositoriesWithModel(model: string): Promise<KnownRepository[]> {
    const { rows } = await this.db.query(
      `SELECT ${REPO_COLUMNS.split(', ').map((c) => `r.${c}`).join(', ')} FROM repositories r JOIN repository_models m ON m.repo_id = r.repo_id WHERE m.model = ? ORDER BY r.full_name LIMIT 50`,
      [model],
    );
    return rows.map(decodeRepository);
  }

  async listRepositories(): Promise<KnownRepository[]> {
    const { rows } = await this.db.query(`SELECT ${REPO_COLUMNS} FROM repositories ORDER BY full_name LIMIT 500`);
    return rows.map(decodeRepository);
  }
}

const REPO_COLUMNS = 'repo_id, full_name, installation_id, default_branch, html_url';

const LinkRow = z
  .object({ team_id: z.string(), user_id: z.string(), github_id: dbInteger.pipe(Id), github_login: z.string(), source: z.enum(['oauth', 'seed']), linked_at: dbTimestamp })
  .transform((r): SlackLink => ({ team: r.team_id, user: r.user_id, githubId: r.github_id, githubLogin: r.github_login, source: r.source, linkedAt: r.linked_at }));

const MessageRow = z
  .object({ channel: z.string(), ts: z.string().nullable(), team_id: z.string().nullable(), claimed_at: dbTimestamp, replied_state: z.string().nullable() })
  .transform((r): SlackMessage => ({ channel: r.channel, ts: r.ts, team: r.team_id, claimedAt: r.claimed_at, repliedState: r.replied_state }));

const RepositoryRow = z
  .object({ repo_id: dbInteger.pipe(Id), full_name: z.string(), installation_id: dbInteger.pipe(Id), default_branch: z.string(), html_url: z.string() })
  .transform((r): KnownRepository => ({ repoId: r.repo_id, fullName: r.full_name, installationId: r.installation_id, defaultBranch: r.default_branch, htmlUrl: r.html_url }));

function decodeRepository(row: unknown): KnownRepository {
  return decode('repositories', row, (r) => String(r['repo_id']), RepositoryRow);
}

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new StoreInputError(`invalid ${what}: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`);
}
