#!/usr/bin/env node
// The installed `modelgate` command: real process I/O around the CLI built into lib/.
import { main } from '../lib/cli/main.js';

// `modelgate validate | head` closes stdout early; that is not an error worth a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const io = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  cwd: process.cwd(),
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
};

process.exitCode = await main(process.argv.slice(2), io);
