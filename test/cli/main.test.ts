import { describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { loadOperatorCommand, main, USAGE } from '../../src/cli/main.js';
import { VALIDATE_USAGE } from '../../src/cli/validate.js';
import { fakeIO } from '../helpers/fake-io.js';
import { describeWith } from '../helpers/prerequisite.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('main', () => {
  test('--help prints the usage to stdout and exits 0', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const io = fakeIO('/');
      expect(await main([flag], io)).toBe(0);
      expect(io.out).toBe(USAGE);
      expect(io.err).toBe('');
    }
    expect(USAGE).toContain('\n  validate  ');
    expect(USAGE).toContain('\n  diff      ');
  });

  test('no arguments: usage on stderr, exit 2', async () => {
    const io = fakeIO('/');
    expect(await main([], io)).toBe(2);
    expect(io.err).toBe(USAGE);
    expect(io.out).toBe('');
  });

  test('--version prints the version from package.json', async () => {
    const io = fakeIO('/');
    expect(await main(['--version'], io)).toBe(0);
    expect(io.out).toBe(`${pkg.version}\n`);
  });

  test('a mistyped command gets a suggestion and exit 2', async () => {
    const io = fakeIO('/');
    expect(await main(['valdate'], io)).toBe(2);
    expect(io.err).toBe("modelgate: Unknown command 'valdate'. Did you mean 'validate'? Run 'modelgate --help' for usage.\n");
    expect(io.out).toBe('');
  });

  test('an unknown command without a close match', async () => {
    const io = fakeIO('/');
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.err).toBe("modelgate: Unknown command 'frobnicate'. Run 'modelgate --help' for usage.\n");
  });

  test('an unknown option before the command', async () => {
    const io = fakeIO('/');
    expect(await main(['--verbose', 'validate'], io)).toBe(2);
    expect(io.err).toBe("modelgate: Unknown option '--verbose'. Run 'modelgate --help' for usage.\n");
  });

  test('object prototype names are not commands', async () => {
    const io = fakeIO('/');
    expect(await main(['constructor'], io)).toBe(2);
    expect(io.err).toBe("modelgate: Unknown command 'constructor'. Run 'modelgate --help' for usage.\n");
  });

  test('help <command> and <command> --help print the command usage', async () => {
    for (const argv of [['help', 'validate'], ['validate', '--help'], ['validate', '-h']]) {
      const io = fakeIO('/');
      expect(await main(argv, io)).toBe(0);
      expect(io.out).toBe(VALIDATE_USAGE);
    }
  });

  test('a CliError from a command becomes one line on stderr and its exit code', async () => {
    const io = fakeIO('/');
    expect(await main(['validate', '--format', 'yml'], io)).toBe(2);
    expect(io.err).toBe("modelgate: --format must be one of text, json, github, not 'yml'.\n");
  });

  test('an unexpected error: one line, exit 2, no stack', async () => {
    const io = fakeIO('/');
    io.stdout = () => {
      throw new Error('stdout is gone\nsecond line');
    };
    expect(await main(['--help'], io)).toBe(2);
    expect(io.err).toBe(
      "modelgate: unexpected error: stdout is gone\nSet MODELGATE_DEBUG=1 for details, and please report this at the project's issue tracker.\n",
    );
  });

  test("'deliveries' (the App's operator command) is loaded only when run; without the App's module it is one clear line", async () => {
    const io = fakeIO('/');
    const code = await main(['deliveries', 'list'], io);
    // On a branch with the App's src/ops/deliveries.ts this runs it; the loader itself is tested below.
    if (code === 2) expect(io.err).toMatch(/^modelgate: 'modelgate deliveries' is an App operator command: it needs the modelgate App and its store \(pg or better-sqlite3\)/);
    await expect(loadOperatorCommand('../ops/no-such-module.js', 'run', 'deliveries')).rejects.toThrow(/is an App operator command/);
    // A module that is there but whose own imports (the App's server dependencies) are not installed.
    await expect(loadOperatorCommand('../../test/fixtures/cli/needs-missing-package.js', 'run', 'deliveries')).rejects.toThrow(/is an App operator command/);
    const run = await loadOperatorCommand('../../test/fixtures/cli/operator-command.js', 'run', 'deliveries');
    expect(await run(['x'], io)).toBe(7);
  });

  test('MODELGATE_DEBUG=1 adds the stack', async () => {
    const io = fakeIO('/', { env: { MODELGATE_DEBUG: '1' } });
    io.stdout = () => {
      throw new Error('stdout is gone');
    };
    expect(await main(['--version'], io)).toBe(2);
    expect(io.err).toMatch(/^modelgate: unexpected error: stdout is gone\nError: stdout is gone\n\s+at /);
  });
});

// The installed command runs the build in lib/ (made by `npm ci` through `prepare`, or `npm run build`).
const built = existsSync(new URL('../../lib/cli/main.js', import.meta.url));
describeWith('bin/modelgate.js (built lib/)', built ? null : 'lib/ is not built (run `npm run build`)', () => {
  const run = promisify(execFile);
  const bin = new URL('../../bin/modelgate.js', import.meta.url).pathname;

  test('--help and --version work from a real process', async () => {
    const help = await run(process.execPath, [bin, '--help']);
    expect(help.stdout).toMatch(/^Usage: modelgate <command> \[options\]\n/);
    const version = await run(process.execPath, [bin, '--version']);
    expect(version.stdout).toBe(`${pkg.version}\n`);
  });

  test('the exit code reaches the process', async () => {
    const error = (await run(process.execPath, [bin, 'nope']).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(2);
    expect(error.stderr).toBe("modelgate: Unknown command 'nope'. Run 'modelgate --help' for usage.\n");
  });
});
