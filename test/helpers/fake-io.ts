import type { CliIO } from '../../src/cli/io.js';

/** A CliIO that records what a command prints. */
export interface FakeIO extends CliIO {
  out: string;
  err: string;
}

export function fakeIO(cwd: string, { isTTY = false, env = {} }: { isTTY?: boolean; env?: Record<string, string> } = {}): FakeIO {
  const io: FakeIO = {
    out: '',
    err: '',
    stdout: (text) => void (io.out += text),
    stderr: (text) => void (io.err += text),
    cwd,
    isTTY,
    env,
  };
  return io;
}
