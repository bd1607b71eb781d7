import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/**
 * The image's and compose's hardening, read from the files themselves so that it cannot
 * regress unnoticed: what runs is production dependencies only, as a non-root user, checked
 * by a healthcheck that needs no curl; no secret is baked in or written inline.
 */
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name: string | null;
  instructions: Instruction[];
}

/** The Dockerfile as stages of instructions (continuation lines joined, comments dropped). */
function stages(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const result: Stage[] = [];
  for (const line of lines) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === 'FROM') {
      const [, from = '', name = null] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      result.push({ from, name, instructions: [] });
    } else if (result.length > 0) {
      result.at(-1)!.instructions.push({ op: op.toUpperCase(), args });
    }
  }
  return result;
}

const dockerfile = read('Dockerfile');
const all = stages(dockerfile);
const runtime = all.at(-1)!;
const of = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op).map((i) => i.args);

describe('Dockerfile', () => {
  test('is multi-stage: the build stage runs npm ci and npm run build', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    const build = all.find((stage) => stage.name === 'build')!;
    expect(of(build, 'RUN').join('\n')).toMatch(/npm ci\b/);
    expect(of(build, 'RUN')).toContain('npm run build');
  });

  test("the runtime's node_modules are production dependencies only (npm ci --omit=dev), and it copies only lib/ from the build", () => {
    const copies = of(runtime, 'COPY');
    const modules = copies.find((args) => / \.\/node_modules$/.test(args))!;
    const source = /--from=(\S+)/.exec(modules)![1];
    const deps = all.find((stage) => stage.name === source)!;
    expect(of(deps, 'RUN').join('\n')).toMatch(/npm ci --omit=dev\b/);
    expect(copies.filter((args) => args.includes('--from=build'))).toEqual(['--from=build /app/lib ./lib']);
    expect(of(runtime, 'RUN').join('\n')).not.toMatch(/npm (ci|install)(?! --omit=dev)/);
  });

  test('runs as a non-root user, set after the last RUN', () => {
    const users = of(runtime, 'USER');
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    const ops = runtime.instructions.map((i) => i.op);
    expect(ops.lastIndexOf('RUN')).toBeLessThan(ops.indexOf('USER'));
  });

  test("has a HEALTHCHECK on /healthz with node's fetch (no curl or wget), exposes 3000 and enters through docker/entrypoint.sh", () => {
    const [healthcheck] = of(runtime, 'HEALTHCHECK');
    expect(healthcheck).toMatch(/CMD \["node", "docker\/healthcheck\.mjs"\]$/);
    expect(read('docker/healthcheck.mjs')).toMatch(/await fetch\(url/);
    expect(read('docker/healthcheck.mjs')).toContain('/healthz');
    expect(dockerfile).not.toMatch(/\b(curl|wget)\b/);
    expect(of(runtime, 'EXPOSE')).toEqual(['3000']);
    expect(of(runtime, 'ENTRYPOINT')).toEqual(['["/app/docker/entrypoint.sh"]']);
  });

  test('defaults DATABASE_URL to the SQLite volume, and bakes in no secret', () => {
    const env = of(runtime, 'ENV').join(' ');
    expect(env).toMatch(/DATABASE_URL=\/data\/modelgate\.db\b/);
    expect(of(runtime, 'VOLUME')).toEqual(['["/data"]']);
    expect(env).toMatch(/NODE_ENV=production/);
    for (const stage of all) {
      for (const { op, args } of stage.instructions.filter((i) => i.op === 'ENV' || i.op === 'ARG')) {
        expect(`${op} ${args}`).not.toMatch(/SECRET|PRIVATE_KEY|PASSWORD|TOKEN|APP_ID/);
      }
    }
  });

  test('.dockerignore sends only what the stages copy: never .env, keys or local state', () => {
    const rules = read('.dockerignore').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(rules[0]).toBe('**');
    const allowed = rules.filter((rule) => rule.startsWith('!')).map((rule) => rule.slice(1));
    expect(allowed).not.toEqual(expect.arrayContaining([expect.stringMatching(/\.env|\.pem|^data|node_modules|^lib/)]));
    for (const copy of all.flatMap((stage) => of(stage, 'COPY')).filter((args) => !args.startsWith('--from'))) {
      for (const source of copy.split(/\s+/).slice(0, -1)) {
        expect(allowed.some((rule) => rule === source || rule === `${source}/**`)).toBe(true);
      }
    }
  });
});

describe('compose.yaml', () => {
  const compose = parseYaml(read('compose.yaml')) as {
    services: Record<string, Record<string, any>>;
    secrets: Record<string, { file: string }>;
  };
  const { app, postgres } = compose.services as { app: Record<string, any>; postgres: Record<string, any> };

  test('runs the App after PostgreSQL is healthy, each with a healthcheck', () => {
    expect(app['depends_on']).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(postgres['image']).toMatch(/^postgres:/);
    expect(postgres['healthcheck'].test).toEqual(['CMD-SHELL', 'pg_isready -U modelgate -d modelgate']);
    expect(app['healthcheck'].test).toEqual(['CMD', 'node', 'docker/healthcheck.mjs']);
  });

  test('takes secrets from env files and a secret file, never inline', () => {
    expect(app['env_file']).toEqual(['modelgate.env']);
    expect(postgres['env_file']).toEqual(['postgres.env']);
    expect(app['environment']).toEqual({ PRIVATE_KEY_PATH: '/run/secrets/github_app_key' });
    expect(compose.secrets).toEqual({ github_app_key: { file: './github-app.pem' } });
    for (const service of Object.values(compose.services)) {
      for (const key of Object.keys(service['environment'] ?? {})) expect(key).not.toMatch(/SECRET$|PASSWORD$|^PRIVATE_KEY$|^DATABASE_URL$|TOKEN/);
    }
    // The env files stay out of git.
    const ignored = read('.gitignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['/modelgate.env', '/postgres.env', '*.pem']));
  });

  test('the App runs unprivileged: no root user, read-only filesystem, no capabilities; the database is not published', () => {
    expect(app['user']).toBeUndefined();
    expect(app['read_only']).toBe(true);
    expect(app['cap_drop']).toEqual(['ALL']);
    expect(app['security_opt']).toEqual(['no-new-privileges:true']);
    expect(postgres['ports']).toBeUndefined();
  });

  test("the example env files name every variable compose's comments promise, with no real secret", () => {
    const example = read('docker/modelgate.env.example');
    for (const name of ['APP_ID=', 'WEBHOOK_SECRET=', 'DATABASE_URL=postgres://modelgate:CHANGE-ME@postgres:5432/modelgate']) expect(example).toContain(name);
    expect(read('docker/postgres.env.example')).toContain('POSTGRES_PASSWORD=CHANGE-ME');
  });
});
