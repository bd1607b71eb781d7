/** What a CLI command needs from the outside world; tests pass fakes. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  /** Whether stdout is a terminal (colours, layout for people). */
  isTTY: boolean;
  env: Record<string, string | undefined>;
  /** Standard input, at most `limit` bytes (for `-` as a file); absent where there is none. */
  readStdin?: (limit: number) => Promise<Uint8Array>;
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A usage or input error: printed as one clear line, exit code 2, never a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
  }
}
