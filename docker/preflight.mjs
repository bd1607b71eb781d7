// Run by docker/entrypoint.sh before the server: checks what only shows inside a container
// (a volume the unprivileged user cannot write, a secret file it cannot read, credentials
// missing where setup mode is refused) and the server's own checks of the environment, and
// prints one line per problem. Exit 0: the entrypoint execs the server; exit 1: it stops there.
import { accessSync, constants, existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { checkEnv } from '../lib/server.js';
import { resolveDatabaseLocation } from '../lib/store/open.js';

const env = process.env;
const cwd = process.cwd();
const problems = [];
const who = user();

if (env.NODE_ENV === 'production' && !env.APP_ID && !env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH) {
  problems.push(
    'APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET are not set: the container runs a registered GitHub App ' +
      '(Probot refuses its setup page when NODE_ENV=production). Register the App first (docs/deploy.md) and pass them in the env file.',
  );
} else {
  try {
    checkEnv(env, cwd);
  } catch (error) {
    problems.push(...String(error.message).split('\n'));
  }
}

if (env.PRIVATE_KEY_PATH && !env.PRIVATE_KEY) {
  const path = resolve(cwd, env.PRIVATE_KEY_PATH);
  if (existsSync(path) && !can(path, constants.R_OK)) {
    problems.push(`PRIVATE_KEY_PATH ${path} is not readable by ${who}: make the secret file readable by that user (compose: secrets with uid/mode).`);
  }
}

let location = null;
try {
  location = resolveDatabaseLocation(env.DATABASE_URL, cwd);
} catch (error) {
  problems.push(error.message);
}
if (location?.kind === 'sqlite' && location.path !== ':memory:') {
  const remedy = 'mount a volume there that this user can write (docker run -v modelgate-data:/data), or set DATABASE_URL to a PostgreSQL URL';
  const dir = dirname(location.path);
  if (!existsSync(dir)) {
    const parent = nearestExisting(dir);
    if (!can(parent, constants.W_OK)) {
      problems.push(`The SQLite database directory ${dir} does not exist, and ${parent} is not writable by ${who} to create it: ${remedy}.`);
    }
  } else if (!can(dir, constants.W_OK)) {
    problems.push(`The SQLite volume ${dir} is not writable by ${who} (the database and its journal are written there): ${remedy}.`);
  } else if (existsSync(location.path) && !can(location.path, constants.W_OK)) {
    problems.push(`The SQLite database ${location.path} is not writable by ${who}: chown it to that user, or ${remedy}.`);
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`modelgate: ${problem}`);
  process.exit(1);
}

function can(path, mode) {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

function nearestExisting(path) {
  let current = path;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

function user() {
  const uid = process.getuid?.();
  let name = null;
  try {
    name = userInfo().username;
  } catch {
    // a uid without a passwd entry (docker run --user 12345)
  }
  return name ? `user ${name} (uid ${uid})` : `uid ${uid}`;
}
