// A stateful fake of the GitHub API on loopback (node:http), for tests that run the App in a
// real child process (crash and restart) and for benchmarks: the App reaches it through
// GHE_HOST=127.0.0.1:<port> and GHE_PROTOCOL=http. It keeps a repository's default branch as
// real commits (trees of files), so a registry commit moves the branch and the next read sees
// it; deployments, statuses and comments are recorded. Loopback only; nothing leaves the machine.
/* global setTimeout */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

const sha = (text) => createHash('sha1').update(text).digest('hex');

export class FakeGitHubServer {
  /** @param {{ owner?: string, repo?: string, repoId?: number, branch?: string, delayMs?: number, appId?: number }} options */
  constructor(options = {}) {
    this.owner = options.owner ?? 'acme';
    this.repo = options.repo ?? 'models';
    this.repoId = options.repoId ?? 4242;
    this.branchName = options.branch ?? 'main';
    this.delayMs = options.delayMs ?? 0;
    this.appId = options.appId ?? 123;
    /** @type {Map<string, { files: Map<string, string>, parent: string | null, message: string }>} */
    this.commits = new Map();
    this.head = this.#commit(new Map(), null, 'initial');
    /** @type {Map<number, object>} */
    this.pulls = new Map();
    /** @type {Map<string, Array<{ id: number, login: string }>>} */
    this.teams = new Map();
    /** @type {Map<number, Array<{ filename: string, status: string }>>} a pull request's changed files */
    this.pullFiles = new Map();
    /** @type {Map<string, string>} login → permission */
    this.permissions = new Map();
    /** @type {Map<string, { id: number, login: string }>} OAuth codes → who authorized */
    this.oauthCodes = new Map();
    this.calls = [];
    this.comments = [];
    this.deployments = [];
    this.statuses = [];
    /** Check runs as created (and then updated), and each update as sent. */
    this.checkRuns = [];
    this.checkUpdates = [];
    this.trees = new Map();
    this.nextId = 1000;
    /** Called with "METHOD path" after each request is answered (tests kill the App on a given step). */
    this.onCall = null;
    /** Faults: the next requests matching `match` get `status` and `body` instead. */
    this.faults = [];
    /**
     * Called with "METHOD path" once a request's effect is applied, before it is answered; when it
     * returns true the request is never answered (the test killed the App: a crash at the worst moment).
     */
    this.killAt = null;
  }

  /** A commit on the default branch that sets these files (text). */
  setFiles(files, message = 'update files') {
    const next = new Map(this.commits.get(this.head).files);
    for (const [path, text] of Object.entries(files)) {
      if (text === null) next.delete(path);
      else next.set(path, text);
    }
    this.head = this.#commit(next, this.head, message);
    return this.head;
  }

  /** A commit that is not on the branch (a pull request's merge commit, say) holding these files. */
  detachedCommit(files, message = 'detached') {
    return this.#commit(new Map([...this.commits.get(this.head).files, ...Object.entries(files)]), this.head, message);
  }

  file(path, ref = this.head) {
    return this.commits.get(ref)?.files.get(path) ?? null;
  }

  /** Everyone an OAuth code was issued for. */
  *oauthUsers() {
    yield* this.issuedUsers ?? [];
  }

  /** A code GitHub's authorize page would hand back for this user. */
  issueOauthCode(code, user) {
    this.oauthCodes.set(code, user);
    (this.issuedUsers ??= []).push(user);
  }

  fail(match, status, body) {
    this.faults.push({ match, status, body });
  }

  /** Like fail, but the request's effect happens first: GitHub did it, and the answer says otherwise (a lost answer, retried). */
  failAfterEffect(match, status, body) {
    this.faults.push({ match, status, body, afterEffect: true });
  }

  #commit(files, parent, message) {
    const id = sha(`${parent}\n${message}\n${[...files].map(([p, t]) => `${p}\0${t}`).join('\n')}\n${this.commits.size}`);
    this.commits.set(id, { files, parent, message });
    return id;
  }

  async start() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const path = decodeURIComponent(url.pathname).replace(/^\/api\/v3/, '').replace(/^\/api\/graphql$/, '/graphql');
        const call = `${req.method} ${path}`;
        this.lastAuthorization = req.headers.authorization ?? null;
        this.calls.push({ method: req.method, path, query: Object.fromEntries(url.searchParams), body: body ? safeJson(body) : undefined });
        const send = (status, data) =>
          setTimeout(() => {
            res.writeHead(status, { 'content-type': 'application/json' }).end(data === undefined ? '' : JSON.stringify(data));
            this.onCall?.(call);
          }, this.delayMs);
        const fault = this.faults.findIndex((f) => f.match.test(call));
        const f = fault === -1 ? null : this.faults.splice(fault, 1)[0];
        if (f && !f.afterEffect) return send(f.status, f.body ?? { message: 'fault' });
        try {
          const [status, data] = this.#route(req.method ?? 'GET', path, url.searchParams, body ? safeJson(body) : undefined);
          if (f) return send(f.status, f.body ?? { message: 'fault' });
          if (this.killAt?.(call)) return;
          send(status, data);
        } catch (error) {
          send(500, { message: String(error?.stack ?? error) });
        }
      });
    });
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = this.server.address().port;
    return this.port;
  }

  stop() {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  #route(method, path, query, body) {
    const repoPath = `/repos/${this.owner}/${this.repo}`;
    let m;
    if (method === 'POST' && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) return [201, { token: 'ghs_fake', expires_at: '2999-01-01T00:00:00Z' }];
    if (method === 'POST' && path === '/graphql') return [200, { data: this.#graphql(body.variables ?? {}) }];
    // GitHub's OAuth web flow (on the web host) and the user a token belongs to.
    if (method === 'POST' && path === '/login/oauth/access_token') {
      const user = this.oauthCodes.get(body?.code);
      if (!user || body.client_id !== 'Iv1.client' || body.client_secret !== 'client-secret') return [200, { error: 'bad_verification_code' }];
      this.oauthCodes.delete(body.code);
      return [200, { access_token: `ghu_${user.id}`, token_type: 'bearer' }];
    }
    if (method === 'GET' && path === '/user') {
      const user = [...this.oauthUsers()].find((u) => this.lastAuthorization === `Bearer ghu_${u.id}`);
      return user ? [200, user] : [401, { message: 'Bad credentials' }];
    }
    if (method === 'GET' && path === `${repoPath}/installation`) return [200, { id: 7 }];
    if (method === 'GET' && path === repoPath) return [200, { id: this.repoId, full_name: `${this.owner}/${this.repo}`, default_branch: this.branchName, html_url: `https://github.com/${this.owner}/${this.repo}` }];
    if (method === 'GET' && path === '/app/installations') return [200, [{ id: 7 }]];
    if (method === 'GET' && path === '/installation/repositories') {
      return [200, { total_count: 1, repositories: [{ id: this.repoId, full_name: `${this.owner}/${this.repo}`, default_branch: this.branchName, html_url: `https://github.com/${this.owner}/${this.repo}` }] }];
    }
    if (!path.startsWith(repoPath)) return [404, { message: `fake GitHub: no route for ${method} ${path}` }];
    const rest = path.slice(repoPath.length);
    if (method === 'GET' && (m = /^\/contents\/(.+)$/.exec(rest))) {
      const text = this.file(m[1], this.#resolve(query.get('ref')));
      return text === null ? [404, { message: 'Not Found' }] : [200, { type: 'file', encoding: 'base64', content: Buffer.from(text).toString('base64') }];
    }
    if (method === 'GET' && (m = /^\/pulls\/(\d+)\/files$/.exec(rest))) {
      const page = Number(query.get('page') ?? 1);
      return [200, (this.pullFiles.get(Number(m[1])) ?? []).slice((page - 1) * 100, page * 100)];
    }
    if (method === 'POST' && rest === '/git/trees') {
      const id = sha(`tree ${JSON.stringify(body)}`);
      this.trees.set(id, body);
      return [201, { sha: id }];
    }
    if (method === 'POST' && rest === '/git/commits') {
      const tree = this.trees.get(body.tree);
      const parent = body.parents[0];
      const files = new Map(this.commits.get(parent)?.files ?? []);
      for (const entry of tree?.tree ?? []) files.set(entry.path, entry.content);
      const id = this.#commit(files, parent, body.message);
      return [201, { sha: id, html_url: `https://github.com/${this.owner}/${this.repo}/commit/${id}` }];
    }
    if (method === 'PATCH' && rest === `/git/refs/heads/${this.branchName}`) {
      const commit = this.commits.get(body.sha);
      if (!commit) return [422, { message: 'Object does not exist' }];
      if (commit.parent !== this.head && !body.force) return [422, { message: 'Update is not a fast forward' }];
      this.head = body.sha;
      return [200, { ref: `refs/heads/${this.branchName}`, object: { sha: body.sha } }];
    }
    if (method === 'GET' && rest === '/commits') {
      const found = [];
      for (let c = this.head; c && found.length < 100; c = this.commits.get(c).parent) {
        found.push({ sha: c, html_url: `https://github.com/${this.owner}/${this.repo}/commit/${c}`, commit: { message: this.commits.get(c).message } });
      }
      return [200, found];
    }
    if (method === 'POST' && rest === '/deployments') {
      const deployment = { id: ++this.nextId, ...body, sha: body.ref };
      this.deployments.push(deployment);
      return [201, deployment];
    }
    if (method === 'GET' && rest === '/deployments') {
      return [200, this.deployments.filter((d) => (!query.get('sha') || d.sha === query.get('sha')) && (!query.get('environment') || d.environment === query.get('environment')))];
    }
    if (method === 'POST' && (m = /^\/deployments\/(\d+)\/statuses$/.exec(rest))) {
      this.statuses.push({ deployment: Number(m[1]), ...body });
      return [201, { id: ++this.nextId, state: body.state }];
    }
    if (method === 'POST' && (m = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const comment = { id: ++this.nextId, issue: Number(m[1]), body: body.body, user: { login: 'modelgate[bot]', type: 'Bot' }, performed_via_github_app: { id: this.appId } };
      this.comments.push(comment);
      return [201, comment];
    }
    if (method === 'GET' && (m = /^\/issues\/(\d+)\/comments$/.exec(rest))) return [200, this.comments.filter((c) => c.issue === Number(m[1]))];
    if (method === 'PATCH' && (m = /^\/issues\/comments\/(\d+)$/.exec(rest))) {
      const comment = this.comments.find((c) => c.id === Number(m[1]));
      if (!comment) return [404, { message: 'Not Found' }];
      comment.body = body.body;
      return [200, comment];
    }
    if (method === 'POST' && rest === '/check-runs') {
      const run = { id: this.nextId++, ...body, app: { id: this.appId } };
      this.checkRuns.push(run);
      return [201, run];
    }
    if (method === 'GET' && (m = /^\/commits\/([^/]+)\/check-runs$/.exec(rest))) {
      // Newest first, as GitHub lists them; one page is plenty here.
      const runs = this.checkRuns.filter((r) => r.head_sha === m[1] && (!query.get('check_name') || r.name === query.get('check_name'))).reverse();
      return [200, { total_count: runs.length, check_runs: runs }];
    }
    if (method === 'PATCH' && (m = /^\/check-runs\/(\d+)$/.exec(rest))) {
      const run = this.checkRuns.find((r) => r.id === Number(m[1]));
      if (!run) return [404, { message: 'Not Found' }];
      Object.assign(run, body);
      this.checkUpdates.push({ id: run.id, ...body });
      return [200, run];
    }
    if (method === 'GET' && (m = /^\/collaborators\/([^/]+)\/permission$/.exec(rest))) {
      const permission = this.permissions.get(m[1]) ?? 'none';
      return [200, { permission, role_name: permission, user: { login: m[1] } }];
    }
    return [404, { message: `fake GitHub: no route for ${method} ${path}` }];
  }

  #resolve(ref) {
    if (!ref || ref === this.branchName || ref === `refs/heads/${this.branchName}`) return this.head;
    return ref;
  }

  #graphql(v) {
    const blob = (text) => (text === null ? null : { object: { text, isTruncated: false, byteSize: Buffer.byteLength(text) } });
    const head = this.commits.get(this.head);
    const repository = {
      ref: { target: { oid: this.head, tree: { oid: `tree-${this.head}` }, config: blob(head.files.get(v.configPath) ?? null), registry: blob(head.files.get(v.registryPath) ?? null) } },
    };
    if (v.withVersion) {
      const commit = this.commits.get(v.commit);
      repository.version = commit ? { card: blob(commit.files.get(v.cardPath) ?? null) } : null;
    }
    if (v.withPr) repository.pullRequest = this.pulls.get(v.pr) ?? null;
    const data = { repository };
    for (let i = 0; v[`org${i}`] !== undefined; i++) {
      const members = this.teams.get(`@${v[`org${i}`]}/${v[`slug${i}`]}`.toLowerCase());
      data[`team${i}`] = members
        ? { team: { members: { nodes: members.filter((m) => !v.member || m.login.toLowerCase().includes(String(v.member).toLowerCase())).map((m) => ({ login: m.login, databaseId: m.id })) } } }
        : { team: null };
    }
    return data;
  }
}

/** A pull request as the GraphQL query returns it. */
export function fakePull(number, options = {}) {
  const author = options.author ?? { login: 'erin', databaseId: 30 };
  return {
    number,
    merged: options.merged ?? true,
    url: `https://github.com/acme/models/pull/${number}`,
    reviewDecision: options.reviewDecision === undefined ? 'APPROVED' : options.reviewDecision,
    author,
    latestOpinionatedReviews: { nodes: options.reviews ?? [{ state: 'APPROVED', author: { login: 'dave', databaseId: 41 } }] },
  };
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
