// The load generator of bench/intake.mjs, in a process of its own so that its own work (building
// requests, parsing answers) is not counted against the server's. Reads one JSON document on
// stdin: { url, warmup: [request], rounds: [[request]] } with request = { headers, body }, fires
// the warm-up round and then each round's requests all at once, as GitHub does: a new connection
// per delivery (no keep-alive agent). A request's time runs from its connection being established
// (its first byte is written then) to the last byte of the answer. Prints the measured rounds'
// times (ms) and statuses as JSON: { times: number[], statuses: Record<string, number> }.
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const { url, warmup, rounds } = JSON.parse(input);
const target = new URL(url);

/** One delivery on a fresh connection: resolves with its status and time from first byte sent to answer received. */
function deliver({ headers, body }) {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(body);
    let t0 = 0;
    const req = request({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: 'POST',
      agent: false,
      headers: { ...headers, 'content-length': String(payload.length) },
    });
    req.once('socket', (socket) => socket.once('connect', () => (t0 = performance.now())));
    req.once('response', (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode, ms: performance.now() - t0 }));
    });
    req.once('error', reject);
    req.end(payload);
  });
}

await Promise.all(warmup.map(deliver));
const times = [];
const statuses = {};
for (const round of rounds) {
  for (const { status, ms } of await Promise.all(round.map(deliver))) {
    times.push(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
}
process.stdout.write(JSON.stringify({ times, statuses }));
