/**
 * A repository as the REST API addresses it. (Request shapes in these modules are type
 * aliases, not interfaces, so Octokit's index-signature parameter types accept them.)
 */
export type RepoRef = {
  owner: string;
  repo: string;
};
