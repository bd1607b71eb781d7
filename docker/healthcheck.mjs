/* global fetch, AbortSignal */
// The image's HEALTHCHECK: GET /healthz on this container's server with Node's fetch (the
// image has no curl). Exit 0 when it answers 2xx, else 1 with one line for `docker inspect`.
const port = process.env.PORT && process.env.PORT !== '0' ? process.env.PORT : '3000';
const host = !process.env.HOST || ['0.0.0.0', '::'].includes(process.env.HOST) ? '127.0.0.1' : process.env.HOST;
const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/healthz`;
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(4000) });
  if (!response.ok) {
    console.error(`modelgate healthcheck: ${url} answered ${response.status}`);
    process.exit(1);
  }
} catch (error) {
  console.error(`modelgate healthcheck: ${url} did not answer (${error.cause?.code ?? error.name})`);
  process.exit(1);
}
