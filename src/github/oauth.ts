/**
 * GitHub's OAuth user authorization of the App, for linking a Slack user to a GitHub identity:
 * the authorize URL, the code exchanged for a user token, and who the token belongs to. The token
 * is used for that one question and then dropped: modelgate never stores or logs it.
 */
import { z } from 'zod';

export interface GitHubUrls {
  /** github.com or the GitHub Enterprise host: where people sign in. */
  web: string;
  /** The REST API. */
  api: string;
}

/** The URLs for GHE_HOST / GHE_PROTOCOL, or github.com's. */
export function githubUrls(env: Record<string, string | undefined>): GitHubUrls {
  const host = env['GHE_HOST'];
  if (!host) return { web: 'https://github.com', api: 'https://api.github.com' };
  const protocol = env['GHE_PROTOCOL'] || 'https';
  return { web: `${protocol}://${host}`, api: `${protocol}://${host}/api/v3` };
}

export function authorizeUrl(urls: GitHubUrls, options: { clientId: string; redirectUri: string; state: string }): string {
  const query = new URLSearchParams({ client_id: options.clientId, redirect_uri: options.redirectUri, state: options.state, allow_signup: 'false' });
  return `${urls.web}/login/oauth/authorize?${query}`;
}

const TokenSchema = z.union([z.object({ access_token: z.string().min(1) }), z.object({ error: z.string(), error_description: z.string().optional() })]);
const UserSchema = z.object({ id: z.number().int().positive(), login: z.string().min(1) });

export class OAuthError extends Error {
  override name = 'OAuthError';
}

/** Exchanges the callback's code and asks GitHub whose it is. */
export async function githubUserForCode(urls: GitHubUrls, options: { clientId: string; clientSecret: string; code: string; redirectUri: string }, fetchImpl: typeof fetch = fetch): Promise<{ id: number; login: string }> {
  const exchanged = await fetchImpl(`${urls.web}/login/oauth/access_token`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: options.clientId, client_secret: options.clientSecret, code: options.code, redirect_uri: options.redirectUri }),
    signal: AbortSignal.timeout(10_000),
  });
  const token = TokenSchema.safeParse(await exchanged.json().catch(() => null));
  if (!exchanged.ok || !token.success) throw new OAuthError(`GitHub did not exchange the code (HTTP ${exchanged.status}).`);
  if ('error' in token.data) throw new OAuthError(token.data.error === 'bad_verification_code' ? 'The code from GitHub has expired or was already used.' : `GitHub refused the code (${token.data.error}).`);
  const user = await fetchImpl(`${urls.api}/user`, {
    headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${token.data.access_token}`, 'x-github-api-version': '2022-11-28' },
    signal: AbortSignal.timeout(10_000),
  });
  const parsed = UserSchema.safeParse(await user.json().catch(() => null));
  if (!user.ok || !parsed.success) throw new OAuthError(`GitHub did not say who authorized (HTTP ${user.status}).`);
  return parsed.data;
}
