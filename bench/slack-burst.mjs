// The load generator of bench/slack.mjs, in a process of its own so that its own work is not
// counted against the server's: fires the signed requests given on stdin (JSON lines
// {url, body, headers}) all at once and prints each one's time to its HTTP answer (ms) as JSON.
/* global fetch */
import { performance } from 'node:perf_hooks';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const requests = input.trim().split('\n').map((line) => JSON.parse(line));
const times = await Promise.all(
  requests.map(async ({ url, body, headers }) => {
    const start = performance.now();
    const res = await fetch(url, { method: 'POST', headers, body });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return performance.now() - start;
  }),
);
process.stdout.write(JSON.stringify(times));
