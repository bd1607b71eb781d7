import { createHmac } from 'node:crypto';
import nock from 'nock';

/**
 * Slack, as modelgate's Slack app meets it in tests: requests signed exactly as Slack signs them
 * (form-encoded commands; interactivity as a `payload=` form field holding JSON), and Slack's Web
 * API and response URLs mocked with nock, every call recorded with its body for exact assertions.
 */

export const SIGNING_SECRET = 'slack-signing-secret-for-tests';
export const BOT_TOKEN = 'xoxb-test-token';
export const SLACK_API = 'https://slack.test';
export const HOOKS = 'https://hooks.slack.test';
export const TEAM = 'T0TEAM';
export const CHANNEL = 'C0MODELS';

export const SLACK_ENV = { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: `${SLACK_API}/api/` };

export interface SlackUser {
  id: string;
  name: string;
}
export const U_ALICE: SlackUser = { id: 'U0ALICE', name: 'alice' };
export const U_BOB: SlackUser = { id: 'U0BOB', name: 'bob' };
export const U_BOB2: SlackUser = { id: 'U0BOBTWO', name: 'bob.phone' };
export const U_MALLORY: SlackUser = { id: 'U0MALLORY', name: 'mallory' };
export const U_CAROL: SlackUser = { id: 'U0CAROL', name: 'carol' };
export const U_ERIN: SlackUser = { id: 'U0ERIN', name: 'erin' };

/** Slack's v0 signature headers for `body` at `timestamp` (seconds). */
export function signature(body: string, timestamp: number, secret = SIGNING_SECRET): Record<string, string> {
  return {
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`,
  };
}

export interface SendOptions {
  /** Seconds; default now (real time: Slack signs with its clock, the server checks with its own). */
  timestamp?: number;
  secret?: string;
  headers?: Record<string, string>;
  /** The exact body to send (a retry resends the same bytes). */
  body?: string;
}

let responseCounter = 0;

export function commandBody(command: string, text: string, user: SlackUser, options: { team?: string; channel?: string } = {}): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: options.team ?? TEAM,
    team_domain: 'acme',
    channel_id: options.channel ?? CHANNEL,
    channel_name: 'models',
    user_id: user.id,
    user_name: user.name,
    command,
    text,
    api_app_id: 'A0MODELGATE',
    is_enterprise_install: 'false',
    response_url: `${HOOKS}/commands/${TEAM}/${++responseCounter}/token`,
    trigger_id: `${responseCounter}.trigger`,
  }).toString();
}

/** POSTs a slash command to /slack/events the way Slack does. */
export function sendCommand(url: string, command: string, text: string, user: SlackUser, options: SendOptions & { team?: string; channel?: string } = {}): Promise<Response> {
  return post(url, options.body ?? commandBody(command, text, user, options), options);
}

/** A button click (`block_actions`) on the message `ts` in `channel`. */
export function blockAction(actionId: string, value: string, user: SlackUser, message: { channel: string; ts: string }, options: { team?: string } = {}): string {
  const team = options.team ?? TEAM;
  const payload = {
    type: 'block_actions',
    user: { id: user.id, username: user.name, name: user.name, team_id: team },
    api_app_id: 'A0MODELGATE',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: `${++responseCounter}.trigger`,
    team: { id: team, domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: message.channel, name: 'models' },
    message: { type: 'message', ts: message.ts, bot_id: 'B0BOT', text: 'request' },
    response_url: `${HOOKS}/actions/${team}/${responseCounter}/token`,
    actions: [{ type: 'button', action_id: actionId, block_id: 'modelgate_decision', value, action_ts: `${Date.now() / 1000}` }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function viewSubmission(callbackId: string, privateMetadata: string, reason: string | null, user: SlackUser, options: { team?: string } = {}): string {
  const team = options.team ?? TEAM;
  const payload = {
    type: 'view_submission',
    team: { id: team, domain: 'acme' },
    user: { id: user.id, username: user.name, name: user.name, team_id: team },
    api_app_id: 'A0MODELGATE',
    token: 'deprecated-verification-token',
    trigger_id: `${++responseCounter}.trigger`,
    view: { id: 'V0VIEW', type: 'modal', callback_id: callbackId, private_metadata: privateMetadata, state: { values: { reason: { reason: { type: 'plain_text_input', value: reason } } } }, hash: 'h' },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function post(url: string, body: string, options: SendOptions = {}): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(`${url}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...signature(body, timestamp, options.secret), ...options.headers },
    body,
  });
}

/** A request body sent to Slack (Web API arguments or a response-URL message). */
export interface SlackBody {
  text?: any;
  response_type?: any;
  replace_original?: any;
  blocks?: any;
  channel?: any;
  ts?: any;
  thread_ts?: any;
  view?: any;
  [key: string]: any;
}

export interface SlackCall {
  method: string;
  body: SlackBody;
}

/**
 * Slack's Web API at SLACK_API_URL and the response URLs: each call recorded (blocks and views
 * parsed), answered as Slack answers (`ok`, a message `ts`), or with an error set by `failNext`.
 */
export class FakeSlack {
  calls: SlackCall[] = [];
  responses: Array<{ url: string; body: SlackBody }> = [];
  private faults: Array<{ method: string; error: string }> = [];
  private ts = 0;

  install(): void {
    nock(SLACK_API)
      .persist()
      .post(/^\/api\/[a-zA-Z.]+$/)
      .reply((uri, raw) => {
        const method = uri.replace('/api/', '');
        const body = parseBody(raw);
        this.calls.push({ method, body });
        const fault = this.faults.findIndex((f) => f.method === method);
        if (fault !== -1) return [200, { ok: false, error: this.faults.splice(fault, 1)[0]!.error }];
        switch (method) {
          case 'auth.test':
            return [200, { ok: true, url: 'https://acme.slack.com/', team: 'Acme', user: 'modelgate', team_id: TEAM, user_id: 'U0BOT', bot_id: 'B0BOT' }];
          case 'chat.postMessage':
            return [200, { ok: true, channel: body['channel'], ts: `1764590400.${String(++this.ts).padStart(6, '0')}`, message: {} }];
          case 'chat.update':
            return [200, { ok: true, channel: body['channel'], ts: body['ts'] }];
          default:
            return [200, { ok: true }];
        }
      });
    nock(HOOKS)
      .persist()
      .post(/.*/)
      .reply((uri, raw) => {
        this.responses.push({ url: `${HOOKS}${uri}`, body: parseBody(raw) });
        return [200, 'ok'];
      });
  }

  failNext(method: string, error: string): void {
    this.faults.push({ method, error });
  }

  /** The Web API calls after auth.test, as `method channel` lines. */
  summary(): string[] {
    return this.calls.filter((c) => c.method !== 'auth.test').map((c) => `${c.method}${c.body['thread_ts'] ? ' (thread)' : ''}`);
  }

  posted(): SlackCall[] {
    return this.calls.filter((c) => c.method === 'chat.postMessage' && !c.body['thread_ts']);
  }
}

function parseBody(raw: unknown): SlackBody {
  let body: SlackBody;
  if (typeof raw === 'string') {
    try {
      body = JSON.parse(raw) as Record<string, any>;
    } catch {
      body = Object.fromEntries(new URLSearchParams(raw));
    }
  } else {
    body = { ...(raw as Record<string, any>) };
  }
  for (const key of ['blocks', 'view', 'attachments']) {
    if (typeof body[key] === 'string') body[key] = JSON.parse(body[key] as string);
  }
  return body;
}
