import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeWith } from '../helpers/prerequisite.js';
import { privateKey } from '../helpers/probot.js';

/**
 * The image's entrypoint, run directly (this machine's CI has no Docker daemon): the
 * environment checks it makes before the server starts, each problem one line, and the
 * server it then execs. As the image does, it runs as an unprivileged user where the tests
 * run as root (uid 65534, nobody), so "not writable" means what it means in a container.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRYPOINT = join(ROOT, 'docker/entrypoint.sh');
const HEALTHCHECK = join(ROOT, 'docker/healthcheck.mjs');
const built = existsSync(join(ROOT, 'lib/server.js'));
const asRoot = process.getuid?.() === 0;
/** As root, the entrypoint runs as nobody, which needs the checkout readable by nobody (a clone under a private home is not). */
const nobodyReads =
  asRoot &&
  spawnSync(process.execPath, ['-e', `for (const p of ${JSON.stringify([ENTRYPOINT, join(ROOT, 'lib/server.js'), join(ROOT, 'node_modules/probot/package.json')])}) require('fs').accessSync(p, 4)`], { uid: 65534, gid: 65534 }).status === 0;
const RUN_AS = nobodyReads ? { uid: 65534, gid: 65534 } : {};
/** Whether file modes bind the entrypoint's user (they never bind root). */
const unprivileged = !asRoot || nobodyReads;
const WHO = nobodyReads ? 'user nobody (uid 65534)' : `user ${userInfo().username} (uid ${process.getuid?.()})`;
if (!unprivileged) console.warn(`Skipping the entrypoint's permission tests: they run as root, and uid 65534 cannot read the checkout at ${ROOT}.`);
const permissionTest = unprivileged ? test : test.skip;

let dir = '';
let child: ChildProcess | null = null;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelgate-entrypoint-'));
  chmodSync(dir, 0o777);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = null;
});

/** A directory the entrypoint's user owns (or, for `writable: false`, cannot write). */
function volume(name: string, writable: boolean): string {
  const path = join(dir, name);
  mkdirSync(path);
  if (nobodyReads && writable) chownSync(path, 65534, 65534);
  chmodSync(path, writable ? 0o755 : 0o555);
  return path;
}

function entrypoint(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(ENTRYPOINT, [], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8', ...RUN_AS });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const CREDENTIALS = { NODE_ENV: 'production', APP_ID: '123', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: 'a-webhook-secret', LOG_LEVEL: 'info' };

describeWith('docker/entrypoint.sh (the image entrypoint, run directly)', built ? null : 'lib/ is not built (run `npm run build`)', () => {
  test('without credentials in production it stops with one line saying what to pass', () => {
    const result = entrypoint({ NODE_ENV: 'production', DATABASE_URL: join(volume('empty', true), 'modelgate.db') });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'modelgate: APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET are not set: the container runs a registered GitHub App ' +
        '(Probot refuses its setup page when NODE_ENV=production). Register the App first (docs/deploy.md) and pass them in the env file.\n',
    );
    expect(result.stdout).toBe('');
  });

  permissionTest('a SQLite volume the user cannot write is one line naming the directory, the user and the remedies', () => {
    const data = volume('read-only', false);
    const result = entrypoint({ ...CREDENTIALS, DATABASE_URL: join(data, 'modelgate.db') });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `modelgate: The SQLite volume ${data} is not writable by ${WHO} (the database and its journal are written there): ` +
        'mount a volume there that this user can write (docker run -v modelgate-data:/data), or set DATABASE_URL to a PostgreSQL URL.\n',
    );
  });

  permissionTest('a missing database directory that cannot be created is reported, not left to SQLite', () => {
    const parent = volume('locked', false);
    const result = entrypoint({ ...CREDENTIALS, DATABASE_URL: `file://${parent}/data/modelgate.db` });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `modelgate: The SQLite database directory ${parent}/data does not exist, and ${parent} is not writable by ${WHO} to create it: ` +
        'mount a volume there that this user can write (docker run -v modelgate-data:/data), or set DATABASE_URL to a PostgreSQL URL.\n',
    );
  });

  test("the server's own checks, a key file the user cannot read and an unsupported DATABASE_URL: one line each, no stack trace", () => {
    const key = join(dir, 'app.pem');
    writeFileSync(key, privateKey, { mode: 0o600 });
    if (!asRoot) chmodSync(key, 0o000);
    const unreadable = unprivileged ? [`modelgate: PRIVATE_KEY_PATH ${key} is not readable by ${WHO}: make the secret file readable by that user (compose: secrets with uid/mode).`] : [];
    const result = entrypoint({ NODE_ENV: 'production', APP_ID: '123', PRIVATE_KEY_PATH: key, WEBHOOK_SECRET: 's', PORT: 'http', DATABASE_URL: 'mysql://u:hunter2@db/modelgate' });
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      'modelgate: PORT must be a port number from 0 to 65535 (0 picks a free port); got "http".',
      ...unreadable,
      expect.stringMatching(/^modelgate: DATABASE_URL mysql:\/\/u:\*+@db\/modelgate is not supported \(scheme "mysql:"\): use a file path/),
      '',
    ]);
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).not.toContain('    at ');
  });

  test('with a good environment it execs the server (same process), which answers the healthcheck and stops on SIGTERM', async () => {
    const port = await freePort();
    const data = volume('data', true);
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', ...CREDENTIALS, HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: join(data, 'modelgate.db') };
    const running: ChildProcess = spawn(ENTRYPOINT, [], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], ...RUN_AS });
    child = running;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(`Listening on http://127.0.0.1:${port}`)) resolve();
      };
      running.stdout!.on('data', onData);
      running.stderr!.on('data', onData);
      running.once('exit', (code) => reject(new Error(`the entrypoint exited with ${code} before listening:\n${output}`)));
    });

    // exec: the process the entrypoint started as is now node running lib/server.js, not a shell waiting on it.
    const argv = readFileSync(`/proc/${running.pid}/cmdline`, 'utf8').split('\0');
    expect(argv[0]).toMatch(/(^|\/)node$/);
    expect(argv[1]).toBe(join(ROOT, 'lib/server.js'));
    expect(existsSync(join(data, 'modelgate.db'))).toBe(true);
    expect(output).toContain(`modelgate store: ${join(data, 'modelgate.db')}`);

    const healthy = spawnSync(process.execPath, [HEALTHCHECK], { env: { PORT: String(port), HOST: '0.0.0.0' }, encoding: 'utf8' });
    expect({ status: healthy.status, stderr: healthy.stderr }).toEqual({ status: 0, stderr: '' });

    const exited = new Promise<number | null>((resolve) => running.once('exit', (code) => resolve(code)));
    running.kill('SIGTERM');
    expect(await exited).toBe(0);

    const down = spawnSync(process.execPath, [HEALTHCHECK], { env: { PORT: String(port) }, encoding: 'utf8' });
    expect({ status: down.status, stderr: down.stderr }).toEqual({ status: 1, stderr: `modelgate healthcheck: http://127.0.0.1:${port}/healthz did not answer (ECONNREFUSED)\n` });
  });
});

describe('docker/healthcheck.mjs', () => {
  test('a server answering non-2xx is unhealthy, with the status in its one line', async () => {
    const { createServer: createHttpServer } = await import('node:http');
    const server = createHttpServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const result = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const run = spawn(process.execPath, [HEALTHCHECK], { env: { PORT: String(port) } });
        let stderr = '';
        run.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        run.once('close', (status) => resolve({ status, stderr }));
      });
      expect(result).toEqual({ status: 1, stderr: `modelgate healthcheck: http://127.0.0.1:${port}/healthz answered 503\n` });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
