import nock from 'nock';

export interface Recorded {
  method: string;
  path: string;
  body: any;
}

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('%2F');
const base64 = (text: string | Uint8Array) => Buffer.from(text).toString('base64');

/**
 * nock interceptors for the GitHub API, one method per endpoint the App calls, with every
 * request recorded in order so tests can assert exact calls and bodies.
 */
export class FakeGitHub {
  readonly calls: Recorded[] = [];
  readonly scope: nock.Scope;

  constructor(
    readonly baseUrl = 'https://api.github.com',
    private readonly apiPrefix = '',
  ) {
    this.scope = nock(baseUrl);
    this.scope.on('request', (req: { method: string; path: string }, _interceptor: unknown, body: string) => {
      this.calls.push({ method: req.method, path: req.path, body: body ? JSON.parse(body) : undefined });
    });
  }

  private p(path: string) {
    return `${this.apiPrefix}${path}`;
  }

  /** Installation token creation (Probot authenticates as the installation). */
  token(installationId = 1): this {
    this.scope.post(this.p(`/app/installations/${installationId}/access_tokens`)).reply(201, {
      token: `ghs_test${installationId}`,
      expires_at: '2999-01-01T00:00:00Z',
      permissions: { checks: 'write', contents: 'read', pull_requests: 'write' },
      repository_selection: 'all',
    });
    return this;
  }

  /** .github/modelgate.yml on the default branch: text, or null for 404. */
  config(repo: string, ref: string, text: string | null): this {
    return this.file(repo, '.github/modelgate.yml', ref, text);
  }

  file(repo: string, path: string, ref: string, content: string | Uint8Array | null, status = 404): this {
    const interceptor = this.scope.get(this.p(`/repos/${repo}/contents/${encodePath(path)}`)).query({ ref });
    if (content === null) interceptor.reply(status, { message: status === 404 ? 'Not Found' : 'Forbidden' });
    else interceptor.reply(200, { type: 'file', encoding: 'base64', path, content: base64(content) });
    return this;
  }

  /** One page of the PR's files; `next` adds a Link rel="next" header. */
  files(repo: string, pull: number, files: Array<{ filename: string; status?: string; previous_filename?: string }>, page = 1, next = false): this {
    this.scope
      .get(this.p(`/repos/${repo}/pulls/${pull}/files`))
      .query({ per_page: 100, page })
      .reply(
        200,
        files.map((f) => ({ status: 'modified', ...f })),
        next ? { link: `<${this.baseUrl}${this.p(`/repositories/1/pulls/${pull}/files`)}?per_page=100&page=${page + 1}>; rel="next"` } : {},
      );
    return this;
  }

  createCheck(repo: string, id = 77, name = 'modelgate / model cards'): this {
    this.scope.post(this.p(`/repos/${repo}/check-runs`)).reply(201, { id, name });
    return this;
  }

  /** One page of a PR's comments (the sticky comment search). */
  listComments(repo: string, issue: number, comments: object[], page = 1): this {
    this.scope.get(this.p(`/repos/${repo}/issues/${issue}/comments`)).query({ per_page: 100, page }).reply(200, comments);
    return this;
  }

  createComment(repo: string, issue: number, id: number): this {
    this.scope
      .post(this.p(`/repos/${repo}/issues/${issue}/comments`))
      .reply(201, (_uri: string, body: any) => ({ id, body: body.body, user: { login: 'modelgate[bot]', type: 'Bot' }, performed_via_github_app: { id: 123 } }));
    return this;
  }

  updateComment(repo: string, id: number, status = 200): this {
    this.scope
      .patch(this.p(`/repos/${repo}/issues/comments/${id}`))
      .reply(status, (_uri: string, body: any) => (status === 200 ? { id, body: body.body } : { message: 'Not Found' }));
    return this;
  }

  updateCheck(repo: string, id = 77, times = 1): this {
    this.scope.patch(this.p(`/repos/${repo}/check-runs/${id}`)).times(times).reply(200, { id });
    return this;
  }

  pull(repo: string, number: number, data: object): this {
    this.scope.get(this.p(`/repos/${repo}/pulls/${number}`)).reply(200, data);
    return this;
  }

  pullsForCommit(repo: string, sha: string, data: object[]): this {
    this.scope.get(this.p(`/repos/${repo}/commits/${sha}/pulls`)).query({ per_page: 100 }).reply(200, data);
    return this;
  }

  /** The run's artifacts (one page). */
  artifacts(repo: string, runId: number, artifacts: object[]): this {
    this.scope
      .get(this.p(`/repos/${repo}/actions/runs/${runId}/artifacts`))
      .query({ per_page: 100, page: 1 })
      .reply(200, { total_count: artifacts.length, artifacts });
    return this;
  }

  /** An artifact's zip: GitHub's redirect, then the bytes from the blob host (not recorded: it is not the API). */
  download(repo: string, artifactId: number, bytes: Uint8Array, blob = 'https://blob.example.net'): this {
    this.scope.get(this.p(`/repos/${repo}/actions/artifacts/${artifactId}/zip`)).reply(302, '', { location: `${blob}/artifact/${artifactId}?sig=x` });
    nock(blob, { badheaders: ['authorization'] }).get(`/artifact/${artifactId}`).query({ sig: 'x' }).reply(200, Buffer.from(bytes), { 'content-type': 'application/zip' });
    return this;
  }

  /** A check run created complete or queued in one request (a failed run, a fork's waiting evaluation). */
  reportCheck(repo: string, id = 99): this {
    return this.createCheck(repo, id, 'modelgate / evaluation');
  }

  dispatch(repo: string, workflow: string, status = 204, message = ''): this {
    this.scope
      .post(this.p(`/repos/${repo}/actions/workflows/${encodeURIComponent(workflow)}/dispatches`))
      .reply(status, status === 204 ? '' : { message });
    return this;
  }

  permission(repo: string, user: string, permission: string, roleName = permission): this {
    this.scope.get(this.p(`/repos/${repo}/collaborators/${user}/permission`)).reply(200, { permission, role_name: roleName, user: { login: user } });
    return this;
  }

  reaction(repo: string, commentId: number): this {
    this.scope.post(this.p(`/repos/${repo}/issues/comments/${commentId}/reactions`)).reply(201, { id: 1, content: 'eyes' });
    return this;
  }

  /** The open PRs with head `owner:branch` (how a fork's or a dispatched run's PR is found). */
  pullsWithHead(repo: string, head: string, data: object[]): this {
    this.scope.get(this.p(`/repos/${repo}/pulls`)).query({ state: 'open', head, per_page: 100 }).reply(200, data);
    return this;
  }

  /** The calls as "METHOD path" lines, in order. */
  get summary(): string[] {
    return this.calls.map((c) => `${c.method} ${c.path}`);
  }

  get checkCreates(): any[] {
    return this.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/check-runs')).map((c) => c.body);
  }

  get checkUpdates(): any[] {
    return this.calls.filter((c) => c.method === 'PATCH' && c.path.includes('/check-runs/')).map((c) => c.body);
  }

  /** The calls on issue comments (list, create, update), as "METHOD path" lines. */
  get commentCalls(): string[] {
    return this.calls.filter((c) => c.path.includes('/issues/')).map((c) => `${c.method} ${c.path}`);
  }

  /** The bodies of comment creates and updates, in order. */
  get commentBodies(): string[] {
    return this.calls.filter((c) => c.path.includes('/issues/') && c.method !== 'GET').map((c) => c.body.body);
  }
}

