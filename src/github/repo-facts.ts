import { z } from 'zod';
import type { Actor, PullFacts } from '../core/promotion/index.js';
import { httpStatus } from './http-status.js';
import type { Rest } from './octokit.js';
import { readFile, type ContentsClient } from './read-file.js';
import type { RepoRef } from './repo-ref.js';

/**
 * Everything a promotion decision reads from GitHub, in one GraphQL request: the default
 * branch's head commit with the config and the registry at that very commit (so they are
 * consistent with the commit a registry change will be based on), the version's card at its
 * registered commit, its pull request with the review decision and every reviewer's latest
 * opinion, and the members of the teams the policy names. One request, not eight.
 */

export interface GraphqlClient {
  graphql: <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;
}

export type RepoFactsClient = GraphqlClient & ContentsClient & { rest: { repos: Pick<Rest['repos'], 'getContent'> } };

export interface FactsQuery {
  repo: RepoRef;
  /** The default branch. */
  branch: string;
  configPath: string;
  registryPath: string;
  /** The version's card at its registered commit; omitted when unknown. */
  version?: { commit: string; cardPath: string } | null;
  /** The version's pull request. */
  pr?: number | null;
  /** Teams (`@org/slug`) whose members to list (the first 100 each). */
  teams?: readonly string[];
  /** Only list members matching this login (checking one approver). */
  member?: string | null;
}

export interface RepoFacts {
  head: { commit: string; tree: string };
  /** Text at the head commit; null when the file does not exist there. */
  config: string | null;
  registry: string | null;
  /** The card's bytes at the version's commit; null when it is not there. */
  card: Uint8Array | null;
  pr: PullFacts | null;
  /** Members of each team asked for (`@org/slug`, lowercase); a team GitHub does not show is missing. */
  teams: Map<string, Actor[]>;
}

/** A GitHub lookup that failed: the decision fails closed, and says why. */
export class LookupError extends Error {
  override name = 'LookupError';
}

const MAX_TEAMS = 10;

const BlobSchema = z.object({ text: z.string().nullable(), isTruncated: z.boolean(), byteSize: z.number() }).nullable();
const FileSchema = z.object({ object: BlobSchema }).nullable();
const AuthorSchema = z.object({ login: z.string(), databaseId: z.number().int().nullable().optional() }).nullable();
const FactsSchema = z.object({
  repository: z
    .object({
      ref: z
        .object({
          target: z.object({ oid: z.string(), tree: z.object({ oid: z.string() }), config: FileSchema, registry: FileSchema }),
        })
        .nullable(),
      version: z.object({ card: FileSchema.optional() }).nullable().optional(),
      pullRequest: z
        .object({
          number: z.number(),
          merged: z.boolean(),
          url: z.string(),
          reviewDecision: z.string().nullable(),
          author: AuthorSchema,
          latestOpinionatedReviews: z.object({ nodes: z.array(z.object({ state: z.string(), author: AuthorSchema }).nullable()) }).nullable(),
        })
        .nullable()
        .optional(),
    })
    .nullable(),
});

const TeamSchema = z.object({ team: z.object({ members: z.object({ nodes: z.array(z.object({ login: z.string(), databaseId: z.number().int().nullable() }).nullable()) }) }).nullable() }).nullable();

export async function readRepoFacts(octokit: RepoFactsClient, q: FactsQuery): Promise<RepoFacts> {
  const teams = [...new Set((q.teams ?? []).map((t) => t.toLowerCase()))].slice(0, MAX_TEAMS);
  const variables: Record<string, unknown> = {
    owner: q.repo.owner,
    repo: q.repo.repo,
    head: `refs/heads/${q.branch}`,
    configPath: q.configPath,
    registryPath: q.registryPath,
    withVersion: Boolean(q.version),
    commit: q.version?.commit ?? '0'.repeat(40),
    cardPath: q.version?.cardPath ?? '',
    withPr: typeof q.pr === 'number',
    pr: q.pr ?? 0,
    member: q.member ?? null,
  };
  const teamFields = teams.map((team, i) => {
    const [org, slug] = team.slice(1).split('/');
    variables[`org${i}`] = org;
    variables[`slug${i}`] = slug;
    return `team${i}: organization(login: $org${i}) { team(slug: $slug${i}) { members(first: 100, query: $member) { nodes { login databaseId } } } }`;
  });
  const teamVariables = teams.map((_, i) => `, $org${i}: String!, $slug${i}: String!`).join('');
  const query = `query modelgateFacts($owner: String!, $repo: String!, $head: String!, $configPath: String!, $registryPath: String!, $withVersion: Boolean!, $commit: GitObjectID!, $cardPath: String!, $withPr: Boolean!, $pr: Int!, $member: String${teamVariables}) {
  repository(owner: $owner, name: $repo) {
    ref(qualifiedName: $head) { target { ... on Commit { oid tree { oid } config: file(path: $configPath) { ${FILE} } registry: file(path: $registryPath) { ${FILE} } } } }
    version: object(oid: $commit) @include(if: $withVersion) { ... on Commit { card: file(path: $cardPath) { ${FILE} } } }
    pullRequest(number: $pr) @include(if: $withPr) {
      number merged url reviewDecision
      author { login ... on User { databaseId } ... on Bot { databaseId } }
      latestOpinionatedReviews(first: 100) { nodes { state author { login ... on User { databaseId } ... on Bot { databaseId } } } }
    }
  }
  ${teamFields.join('\n  ')}
}`;

  let raw: Record<string, unknown>;
  try {
    raw = await octokit.graphql<Record<string, unknown>>(query, variables);
  } catch (error) {
    throw new LookupError(`GitHub could not be asked about ${q.repo.owner}/${q.repo.repo}: ${describeGraphqlError(error)}`);
  }
  const parsed = FactsSchema.safeParse(raw);
  if (!parsed.success) throw new LookupError(`GitHub's answer about ${q.repo.owner}/${q.repo.repo} was not understood (${parsed.error.issues[0]?.message ?? 'unknown shape'}).`);
  const repository = parsed.data.repository;
  if (repository === null) throw new LookupError(`GitHub says ${q.repo.owner}/${q.repo.repo} does not exist, or the App cannot see it.`);
  const target = repository.ref?.target;
  if (!target) throw new LookupError(`The branch ${q.branch} of ${q.repo.owner}/${q.repo.repo} was not found.`);

  const head = { commit: target.oid, tree: target.tree.oid };
  const config = await fileText(octokit, q.repo, q.configPath, head.commit, target.config);
  const registry = await fileText(octokit, q.repo, q.registryPath, head.commit, target.registry);
  let card: Uint8Array | null = null;
  if (q.version) card = await fileBytes(octokit, q.repo, q.version.cardPath, q.version.commit, repository.version?.card ?? null);

  const pr = repository.pullRequest ?? null;
  const teamMembers = new Map<string, Actor[]>();
  for (const [i, team] of teams.entries()) {
    const node = TeamSchema.safeParse(raw[`team${i}`]);
    const members = node.success ? node.data?.team?.members.nodes : undefined;
    if (members) teamMembers.set(team, members.flatMap((m) => (m && m.databaseId ? [{ id: m.databaseId, login: m.login }] : [])));
  }
  return {
    head,
    config,
    registry,
    card,
    pr: pr
      ? {
          number: pr.number,
          merged: pr.merged,
          url: pr.url,
          decision: pr.reviewDecision,
          author: actorOf(pr.author),
          reviews: (pr.latestOpinionatedReviews?.nodes ?? []).flatMap((r) => (r ? [{ state: r.state, author: actorOf(r.author) }] : [])),
        }
      : null,
    teams: teamMembers,
  };
}

const FILE = 'object { ... on Blob { text isTruncated byteSize } }';

function actorOf(author: z.infer<typeof AuthorSchema>): Actor | null {
  return author && typeof author.databaseId === 'number' ? { id: author.databaseId, login: author.login } : null;
}

/** A file's text at a commit; GraphQL truncates large blobs and gives no text for binary ones, so those are read raw. */
async function fileText(octokit: RepoFactsClient, repo: RepoRef, path: string, ref: string, file: z.infer<typeof FileSchema>): Promise<string | null> {
  const blob = file?.object ?? null;
  if (file === null || blob === null) return null;
  if (blob.text !== null && !blob.isTruncated) return blob.text;
  const bytes = await rawBytes(octokit, repo, path, ref);
  return bytes === null ? null : new TextDecoder().decode(bytes);
}

async function fileBytes(octokit: RepoFactsClient, repo: RepoRef, path: string, ref: string, file: z.infer<typeof FileSchema>): Promise<Uint8Array | null> {
  const blob = file?.object ?? null;
  if (file === null || blob === null) return null;
  // Text is UTF-8 as GitHub decoded it; binary or truncated content is read as bytes.
  if (blob.text !== null && !blob.isTruncated) return new TextEncoder().encode(blob.text);
  return rawBytes(octokit, repo, path, ref);
}

async function rawBytes(octokit: RepoFactsClient, repo: RepoRef, path: string, ref: string): Promise<Uint8Array | null> {
  try {
    const read = await readFile(octokit, repo, path, ref);
    return read.kind === 'file' ? read.bytes : null;
  } catch (error) {
    throw new LookupError(`GitHub could not read ${path} at ${ref.slice(0, 7)}: ${httpStatus(error) ?? ''} ${(error as Error).message}`.replace(/\s+/g, ' '));
  }
}

/** One line saying why a GraphQL request failed: GitHub's own messages, bounded. */
export function describeGraphqlError(error: unknown): string {
  const errors = (error as { errors?: Array<{ message?: unknown; type?: unknown }> }).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    return errors
      .slice(0, 3)
      .map((e) => (typeof e.message === 'string' ? e.message : String(e.type ?? 'error')))
      .join('; ')
      .slice(0, 500);
  }
  const status = httpStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  return `${status ? `HTTP ${status}: ` : ''}${message}`.slice(0, 500);
}
