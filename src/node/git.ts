import { execFile } from 'node:child_process';
import { InputError } from './errors.js';

/**
 * Reading files at git revisions, for `modelgate diff main`: the revision's commit, the files
 * under a path at it, one file's bytes. Runs the `git` on PATH in the repository (never a shell).
 */

interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

function git(cwd: string, args: readonly string[], maxBuffer = 16 * 1024 * 1024): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, encoding: 'buffer', maxBuffer, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      if (code === 'ENOENT') return reject(new InputError('git is not installed (or not on PATH), so git revisions cannot be read. Compare two files instead.'));
      if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return resolve({ code: -1, stdout: Buffer.alloc(0), stderr: 'too large' });
      resolve({ code: typeof code === 'number' ? code : error ? 1 : 0, stdout, stderr: stderr.toString('utf8') });
    });
  });
}

/** The commit a revision names (`main`, `HEAD~1`, a tag, a SHA), or null when it names none here. */
export async function resolveRevision(cwd: string, revision: string): Promise<string | null> {
  if (revision.startsWith('-')) return null; // never an option to git
  const r = await git(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`]);
  return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
}

/** Files (blobs) at `sha` under `path` (relative to `cwd`; '.' for all), as paths relative to `cwd`. */
export async function listFilesAt(cwd: string, sha: string, path: string): Promise<string[]> {
  const r = await git(cwd, ['ls-tree', '-r', '-z', '--name-only', sha, '--', path], 64 * 1024 * 1024);
  if (r.code !== 0) throw new InputError(`Cannot list ${path} at ${sha.slice(0, 12)}: ${r.stderr.trim().split('\n')[0] ?? 'git failed'}.`);
  return r.stdout.toString('utf8').split('\0').filter(Boolean);
}

/** What `path` (relative to `cwd`) is at `sha`: a file, a directory, or nothing. */
export async function pathKindAt(cwd: string, sha: string, path: string): Promise<'file' | 'directory' | null> {
  const r = await git(cwd, ['cat-file', '-t', `${sha}:./${path}`]);
  if (r.code !== 0) return null;
  const type = r.stdout.toString('utf8').trim();
  return type === 'tree' ? 'directory' : type === 'blob' ? 'file' : null;
}

/** A file's bytes at `sha` (`path` relative to `cwd`), or null when it is not there; at most `limit` bytes are kept. */
export async function readFileAt(cwd: string, sha: string, path: string, limit: number): Promise<Uint8Array | null> {
  const r = await git(cwd, ['cat-file', 'blob', `${sha}:./${path}`], limit);
  if (r.code === -1) {
    // Over the limit: the reader reports the size, from a prefix one byte over it.
    return new Uint8Array(limit);
  }
  return r.code === 0 ? new Uint8Array(r.stdout) : null;
}
