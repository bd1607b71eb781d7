/**
 * Linking a Slack user to a GitHub identity (`/modelgate link`): a one-time, expiring `state`
 * bound to the Slack user who asked, GitHub's authorization page, and the callback on this server
 * that uses the state once, asks GitHub who authorized, stores the link and tells the user in
 * Slack. Never by display name or email.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Log } from '../app/log.js';
import { authorizeUrl, githubUserForCode, OAuthError, type GitHubUrls } from '../github/oauth.js';
import type { SlackLinks } from '../store/index.js';

export const LINK_CALLBACK_PATH = '/slack/link/callback';
/** How long a link from `/modelgate link` works. */
export const LINK_TTL_MS = 10 * 60_000;

export interface LinkFlowOptions {
  store: SlackLinks;
  urls: GitHubUrls;
  oauth: { clientId: string; clientSecret: string; publicUrl: string };
  now: () => Date;
  log: Log;
  /** Tells the user in Slack (their command's response_url). */
  tell: (responseUrl: string, text: string) => Promise<void>;
  fetch?: typeof fetch;
}

export class LinkFlow {
  constructor(private readonly o: LinkFlowOptions) {}

  private get redirectUri(): string {
    return `${this.o.oauth.publicUrl}${LINK_CALLBACK_PATH}`;
  }

  /** A one-time authorization link for this Slack user. */
  async start(team: string, user: string, responseUrl: string | null): Promise<string> {
    const state = randomBytes(32).toString('base64url');
    await this.o.store.createLinkState({ state, team, user, responseUrl, expiresAt: new Date(this.o.now().getTime() + LINK_TTL_MS) });
    return authorizeUrl(this.o.urls, { clientId: this.o.oauth.clientId, redirectUri: this.redirectUri, state });
  }

  /** GET /slack/link/callback; false for any other request. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== LINK_CALLBACK_PATH) return false;
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return true;
    }
    const state = url.searchParams.get('state') ?? '';
    const code = url.searchParams.get('code') ?? '';
    if (!/^[A-Za-z0-9_-]{43}$/.test(state)) return page(res, 400, 'This link is not valid', 'Run <code>/modelgate link</code> in Slack again for a new one.');
    // Used before anything else: a replayed or expired state gets nothing, even with a good code.
    const owner = await this.o.store.consumeLinkState(state, this.o.now());
    if (owner === null) return page(res, 400, 'This link was used or has expired', 'Links work once, for 10 minutes. Run <code>/modelgate link</code> in Slack again.');
    if (url.searchParams.get('error') || !/^[A-Za-z0-9_-]{1,100}$/.test(code)) {
      return page(res, 400, 'GitHub did not authorize', 'Nothing was linked. Run <code>/modelgate link</code> in Slack again and authorize modelgate.');
    }
    let user: { id: number; login: string };
    try {
      user = await githubUserForCode(this.o.urls, { clientId: this.o.oauth.clientId, clientSecret: this.o.oauth.clientSecret, code, redirectUri: this.redirectUri }, this.o.fetch);
    } catch (error) {
      this.o.log.warn({ slack: 'link-failed', team: owner.team, user: owner.user, error: error instanceof OAuthError ? error.message : 'GitHub could not be reached' }, 'Could not link a Slack user.');
      return page(res, 502, 'GitHub could not confirm who you are', `${escapeHtml(error instanceof OAuthError ? error.message : 'GitHub could not be reached.')} Run <code>/modelgate link</code> in Slack again.`);
    }
    await this.o.store.linkSlackUser({ team: owner.team, user: owner.user, githubId: user.id, githubLogin: user.login, source: 'oauth' });
    this.o.log.info({ slack: 'linked', team: owner.team, user: owner.user, github: user.login }, 'Linked a Slack user to GitHub.');
    if (owner.responseUrl) {
      await this.o.tell(owner.responseUrl, `Linked: your Slack account is now GitHub @${user.login} for modelgate.`).catch((error: unknown) =>
        this.o.log.warn({ slack: 'link-reply-failed', error: (error as Error).message }, 'Could not tell the user in Slack that they are linked.'),
      );
    }
    return page(res, 200, `Linked to GitHub @${escapeHtml(user.login)}`, 'You can close this tab and go back to Slack.');
  }
}

function page(res: ServerResponse, status: number, title: string, text: string): true {
  const html = `<!doctype html><meta charset="utf-8"><title>modelgate</title><body style="font-family:system-ui;max-width:40em;margin:4em auto"><h1>${title}</h1><p>${text}</p></body>`;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'", 'referrer-policy': 'no-referrer' }).end(html);
  return true;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
