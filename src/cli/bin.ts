/**
 * The installed `modelgate` command: real process I/O around the CLI. bin/modelgate.js runs
 * the build of this file in lib/; the CLI package (packages/cli) ships it bundled.
 */
import * as nodeModule from 'node:module';
import { main } from './main.js';
import type { CliIO } from './io.js';

if (Number(process.versions.node.split('.')[0]) < 20) {
  process.stderr.write(`modelgate: needs Node.js 20 or later; this is ${process.version}. Install a newer Node.js (https://nodejs.org/).\n`);
  process.exit(2);
}

// Node 22.1+ keeps compiled code between runs (a faster start for a command run by every commit hook); older ones lack it.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// `modelgate validate | head` closes stdout early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

/** Standard input up to `limit` bytes (a file over the limit is reported by the reader, which sees limit bytes). */
async function readStdin(limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = chunk as Buffer;
    chunks.push(buffer);
    size += buffer.length;
    if (size >= limit) break;
  }
  return new Uint8Array(Buffer.concat(chunks).subarray(0, limit));
}

const io: CliIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  cwd: process.cwd(),
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
  readStdin,
};

process.exitCode = await main(process.argv.slice(2), io);
