// Types for fake-github-server.mjs (a plain ES module, so benchmarks can use it too).
export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
}

export class FakeGitHubServer {
  constructor(options?: { owner?: string; repo?: string; repoId?: number; branch?: string; delayMs?: number; appId?: number });
  owner: string;
  repo: string;
  repoId: number;
  branchName: string;
  delayMs: number;
  appId: number;
  head: string;
  port: number;
  commits: Map<string, { files: Map<string, string>; parent: string | null; message: string }>;
  pulls: Map<number, object>;
  teams: Map<string, Array<{ id: number; login: string }>>;
  permissions: Map<string, string>;
  pullFiles: Map<number, Array<{ filename: string; status: string }>>;
  calls: RecordedCall[];
  comments: Array<{ id: number; issue: number; body: string }>;
  deployments: Array<{ id: number; ref: string; environment: string; payload: any; [key: string]: any }>;
  statuses: Array<{ deployment: number; state: string; [key: string]: any }>;
  checkRuns: Array<{ id: number; [key: string]: any }>;
  checkUpdates: Array<{ id: number; [key: string]: any }>;
  onCall: ((call: string) => void) | null;
  killAt: ((call: string) => boolean) | null;
  setFiles(files: Record<string, string | null>, message?: string): string;
  detachedCommit(files: Record<string, string>, message?: string): string;
  file(path: string, ref?: string): string | null;
  issueOauthCode(code: string, user: { id: number; login: string }): void;
  fail(match: RegExp, status: number, body?: unknown): void;
  failAfterEffect(match: RegExp, status: number, body?: unknown): void;
  start(): Promise<number>;
  stop(): Promise<void>;
}

export function fakePull(
  number: number,
  options?: { merged?: boolean; reviewDecision?: string | null; author?: { login: string; databaseId: number }; reviews?: Array<{ state: string; author: { login: string; databaseId: number } }> },
): object;
