import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/**
 * Runs the repository's evaluation command with bash, as a `run:` step would
 * (`bash --noprofile --norc -eo pipefail`). The command is bash's script argument, byte for
 * byte: nothing is ever pasted into a shell string, so quotes and `$(…)` in other inputs cannot
 * become code. Not @actions/exec: it gives no handle on the child, and a timeout has to kill
 * the child's whole process group (the Python process, its data loader workers, a server it
 * started), not just bash.
 */

export interface CommandOptions {
  command: string;
  cwd: string;
  env: Record<string, string>;
  /** null: no limit of our own (the job's timeout still applies). */
  timeoutMs: number | null;
  /** After SIGTERM, how long the command gets to exit before SIGKILL. */
  killGraceMs: number;
  /** Receives the command's stdout and stderr as they come. */
  output(chunk: Buffer): void;
}

export type CommandOutcome =
  | { kind: 'exited'; code: number }
  | { kind: 'signaled'; signal: string }
  | { kind: 'timed-out' }
  | { kind: 'not-started'; message: string };

const SHELL = 'bash';
const SHELL_ARGS = ['--noprofile', '--norc', '-eo', 'pipefail', '-c'];
/** After the command exits, how long its output pipes may stay open (a background process holding them). */
const DRAIN_MS = 2_000;
const IS_WINDOWS = process.platform === 'win32';

export function runCommand(options: CommandOptions): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(SHELL, [...SHELL_ARGS, options.command], {
        cwd: options.cwd,
        env: options.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group (POSIX), so one signal reaches everything the command started.
        detached: !IS_WINDOWS,
        windowsHide: true,
      });
    } catch (error) {
      resolve({ kind: 'not-started', message: startError(error) });
      return;
    }

    let timedOut = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let finished = false;
    const timers: NodeJS.Timeout[] = [];

    const forward = (signal: NodeJS.Signals) => killTree(child, signal);
    const onSigint = () => forward('SIGINT');
    const onSigterm = () => forward('SIGTERM');
    // A cancelled job signals this process; the command is in another process group, so pass it on.
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);

    const finish = (outcome: CommandOutcome) => {
      if (finished) return;
      finished = true;
      timers.forEach(clearTimeout);
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      // Whatever the command left running in its group (a server, a stuck worker) goes with it.
      if (child.pid !== undefined) killTree(child, 'SIGKILL');
      resolve(outcome);
    };
    const settle = () => {
      if (timedOut) finish({ kind: 'timed-out' });
      else if (exit?.code !== null && exit?.code !== undefined) finish({ kind: 'exited', code: exit.code });
      else finish({ kind: 'signaled', signal: exit?.signal ?? 'unknown signal' });
    };

    child.stdout?.on('data', (chunk: Buffer) => options.output(chunk));
    child.stderr?.on('data', (chunk: Buffer) => options.output(chunk));
    child.on('error', (error) => {
      // Only a failed start reports here; a failed kill is ignored (the process is gone).
      if (child.pid === undefined) finish({ kind: 'not-started', message: startError(error) });
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      timers.push(setTimeout(settle, DRAIN_MS));
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      exit ??= { code, signal };
      settle();
    });

    if (options.timeoutMs !== null) {
      timers.push(
        setTimeout(() => {
          if (exit !== null) return;
          timedOut = true;
          killTree(child, 'SIGTERM');
          timers.push(setTimeout(() => killTree(child, 'SIGKILL'), options.killGraceMs));
        }, options.timeoutMs),
      );
    }
  });
}

/** Signals the command's whole process group (POSIX) or process tree (Windows). */
function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (IS_WINDOWS) {
    // No process groups: taskkill /T ends the tree. It cannot send SIGTERM, so this is always forceful.
    spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function startError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return `${SHELL} was not found on PATH: the evaluation command runs with ${SHELL}, as \`run:\` steps do.`;
  return `Could not start ${SHELL}: ${error instanceof Error ? error.message : String(error)}.`;
}
