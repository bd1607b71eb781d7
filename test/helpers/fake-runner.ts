import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a job sees after an action step: its status, outputs, job summary and workflow commands. */
export interface StepResult {
  failed: boolean;
  outputs: Record<string, string>;
  summary: string;
  /** The `::error …`, `::warning …`, `::notice …` lines the step printed. */
  commands: string[];
}

/**
 * Plays the GitHub Actions runner for an action's `run()`: env vars, the output and summary
 * files, the event payload, and stdout (where workflow commands go). One per test file:
 * @actions/core caches the summary path on first use, so the files are reused, emptied per run.
 */
export class FakeRunner {
  readonly dir = mkdtempSync(join(tmpdir(), 'modelgate-runner-'));
  readonly summaryFile = join(this.dir, 'step-summary.md');
  readonly outputFile = join(this.dir, 'output');
  readonly eventFile = join(this.dir, 'event.json');
  stdout = '';
  private readonly savedEnv = { ...process.env };

  /** Before each test: capture stdout. */
  start(): void {
    this.stdout = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      this.stdout += chunk.toString();
      return true;
    });
  }

  /**
   * Before each run: empty files and stdout, drop the previous run's INPUT_*, GITHUB_* and
   * RUNNER_* variables, then set the job's environment and the step's inputs.
   */
  prepare({ inputs, env, event = {} }: { inputs: Record<string, string>; env: Record<string, string>; event?: unknown }): void {
    this.stdout = '';
    writeFileSync(this.summaryFile, '');
    writeFileSync(this.outputFile, '');
    writeFileSync(this.eventFile, JSON.stringify(event));
    for (const key of Object.keys(process.env)) {
      if (key.startsWith('INPUT_') || key.startsWith('GITHUB_') || key.startsWith('RUNNER_')) delete process.env[key];
    }
    Object.assign(process.env, {
      GITHUB_STEP_SUMMARY: this.summaryFile,
      GITHUB_OUTPUT: this.outputFile,
      GITHUB_EVENT_PATH: this.eventFile,
      ...env,
    });
    for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value;
  }

  /** After a run: what the job sees. */
  result(): StepResult {
    return {
      // setFailed sets the exit code of the process running the tests.
      failed: process.exitCode === 1,
      outputs: this.outputs(),
      summary: readFileSync(this.summaryFile, 'utf8'),
      commands: this.stdout.split('\n').filter((l) => l.startsWith('::')),
    };
  }

  /** After each test: restore stdout, the environment and the exit code. */
  reset(): void {
    jest.restoreAllMocks();
    process.env = { ...this.savedEnv };
    process.exitCode = undefined;
  }

  /** After all tests. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Parses the `name<<delimiter` blocks @actions/core appends to GITHUB_OUTPUT. */
  private outputs(): Record<string, string> {
    const outputs: Record<string, string> = {};
    for (const m of readFileSync(this.outputFile, 'utf8').matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2\n/gm)) outputs[m[1]!] = m[3]!;
    return outputs;
  }
}
