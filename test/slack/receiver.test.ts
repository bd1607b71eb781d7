import { afterEach, describe, expect, test } from '@jest/globals';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import { SlackReceiver } from '../../src/slack/receiver.js';
import { FUTURE_SKEW_S, SIGNATURE_WINDOW_S, verifySlackSignature } from '../../src/slack/verify.js';
import { signature, SIGNING_SECRET } from '../helpers/slack.js';

const silent = { info: () => undefined, warn: () => undefined };

describe('verifySlackSignature', () => {
  const body = Buffer.from('token=x&command=%2Fpromote&text=sentiment+v3');
  const now = 1_764_590_400_000;
  const at = (ts: number, secret = SIGNING_SECRET) => {
    const h = signature(body.toString(), ts, secret);
    return verifySlackSignature(SIGNING_SECRET, { signature: h['x-slack-signature'], timestamp: h['x-slack-request-timestamp'] }, body, now);
  };
  test('accepts Slack\'s signature within the window, both sides of now', () => {
    expect(at(now / 1000)).toEqual({ ok: true });
    expect(at(now / 1000 - SIGNATURE_WINDOW_S)).toEqual({ ok: true });
    expect(at(now / 1000 + FUTURE_SKEW_S)).toEqual({ ok: true });
  });
  test('refuses stale, future-dated, forged and missing signatures', () => {
    expect(at(now / 1000 - SIGNATURE_WINDOW_S - 1)).toEqual({ ok: false, reason: 'stale' });
    expect(at(now / 1000 + FUTURE_SKEW_S + 1)).toEqual({ ok: false, reason: 'future' });
    expect(at(now / 1000, 'another-secret')).toEqual({ ok: false, reason: 'signature' });
    expect(verifySlackSignature(SIGNING_SECRET, { signature: undefined, timestamp: String(now / 1000) }, body, now)).toEqual({ ok: false, reason: 'missing' });
    expect(verifySlackSignature(SIGNING_SECRET, { signature: 'v0=zz', timestamp: '1e9' }, body, now)).toEqual({ ok: false, reason: 'missing' });
  });
});

describe('SlackReceiver', () => {
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = null;
  });

  const listen = async (receiver: SlackReceiver, onBytes: ((n: number) => void) | null) => {
    server = createServer((req, res) => {
      if (onBytes) req.on('data', (chunk: Buffer) => onBytes(chunk.length));
      void receiver.handle(req, res).then((handled) => handled || res.writeHead(404).end());
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };

  test('a body over the cap is refused with 413 without being read to the end (chunked, no length given)', async () => {
    let read = 0;
    const claims: string[] = [];
    const receiver = new SlackReceiver({ signingSecret: SIGNING_SECRET, store: { claimDelivery: async (id) => (claims.push(id), true) }, log: silent, maxBody: 64 * 1024 });
    const port = await listen(receiver, (n) => (read += n));
    const status = await new Promise<number>((resolve) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/slack/events', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', () => undefined);
      const chunk = Buffer.alloc(16 * 1024, 'a');
      // 50 MiB offered; the receiver stops after the cap.
      let sent = 0;
      const pump = () => {
        while (sent < 50 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(read).toBeLessThan(64 * 1024 + 2 * 1024 * 1024);
    expect(claims).toEqual([]);
  });

  test('a declared length over the cap is refused from the header alone, signed or not', async () => {
    const claims: string[] = [];
    const receiver = new SlackReceiver({ signingSecret: SIGNING_SECRET, store: { claimDelivery: async (id) => (claims.push(id), true) }, log: silent, maxBody: 1024 });
    const port = await listen(receiver, null);
    const body = 'x'.repeat(4096);
    const response = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', headers: signature(body, Math.floor(Date.now() / 1000)), body });
    expect(response.status).toBe(413);
    expect(claims).toEqual([]);
  });

  test('the answer goes out when the listener acks, before its work ends; a listener that never acks is answered for', async () => {
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const app = {
      processEvent: async ({ body, ack }: { body: Record<string, unknown>; ack: (r?: unknown) => Promise<void> }) => {
        if (body['text'] === 'ack') await ack({ text: 'ok' });
        await done;
      },
    } as unknown as App;
    const receiver = new SlackReceiver({ signingSecret: SIGNING_SECRET, store: { claimDelivery: async () => true }, log: silent });
    receiver.init(app);
    const port = await listen(receiver, null);
    const send = (text: string) => {
      const body = `command=%2Fpromote&text=${text}`;
      return fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...signature(body, Math.floor(Date.now() / 1000)) }, body });
    };
    const acked = await send('ack');
    expect(acked.status).toBe(200);
    expect(await acked.json()).toEqual({ text: 'ok' });
    const silentListener = await send('never');
    expect(silentListener.status).toBe(200);
    expect(await silentListener.text()).toBe('');
    finish();
    await receiver.drain(1000);
  });
});
