/**
 * The alphabets of everything a promotion command or the registry names. Model names and
 * versions become file paths, git refs, deployment environments, Markdown and Slack text, so
 * they use the card identity's safe alphabet (core/cards/identity.ts); the rest is as strict.
 */
import { isSafeName, isSafeVersion } from '../cards/identity.js';

export { isSafeName as isModelName, isSafeVersion as isVersionName };

/** Stage names become environments and Slack text: lowercase, short, no separators but `-` and `_`. */
export const STAGE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
/** A GitHub login (up to 39 characters, single hyphens, no leading hyphen). */
export const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** A team as `@org/team-slug`. */
export const GITHUB_TEAM = /^@([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})\/([A-Za-z0-9][A-Za-z0-9._-]{0,99})$/;
/** A promotion's id: `p-` and 12 lowercase base32 characters (60 random bits): unguessable, and safe in Markdown, Slack and URLs. */
export const PROMOTION_ID = /^p-[a-z2-7]{12}$/;

export const isStageName = (s: string): boolean => STAGE_NAME.test(s);
export const isGitHubLogin = (s: string): boolean => GITHUB_LOGIN.test(s);
export const isPromotionId = (s: string): boolean => PROMOTION_ID.test(s);

/** `@acme/ml-leads` → { org: 'acme', slug: 'ml-leads' }; null for anything else. */
export function parseTeam(approver: string): { org: string; slug: string } | null {
  const m = GITHUB_TEAM.exec(approver);
  return m ? { org: m[1]!, slug: m[2]! } : null;
}
