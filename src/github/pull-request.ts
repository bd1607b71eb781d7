/** The parts of a webhook's `repository` modelgate uses. */
export interface RepositoryLike {
  id: number;
  name: string;
  owner: { login: string };
  default_branch: string;
}

/** The parts of a full pull request object (webhook or REST) modelgate uses. */
export interface PullRequestLike {
  number: number;
  head: { sha: string; repo: { name: string; owner: { login: string } | null } | null };
  base?: { ref: string; sha: string };
  changed_files?: number;
}
