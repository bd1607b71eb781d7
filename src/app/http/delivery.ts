/**
 * What the intake checks of a signed delivery before it is acknowledged: the parts of each
 * event's payload that the handlers read unconditionally. A payload GitHub would never send
 * (`{"action":"opened"}` for pull_request) is refused here with a 400 naming what is missing,
 * rather than failing later inside a handler, over and over, until it is a dead letter.
 */
import { z } from 'zod';

// z.object, not looseObject: only the fields named here are read (and the raw body is what is
// stored), so the rest of a large payload is never walked or copied on the hot path.
import type { NewInboxDelivery } from '../../store/index.js';

const Id = z.number().int().positive();
const Sha = z.string().regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/, 'expected a commit SHA');

const Repository = z.object({
  id: Id,
  name: z.string().min(1),
  full_name: z.string().min(3),
  owner: z.object({ login: z.string().min(1) }),
});
const Installation = z.object({ id: Id });
const PullRefs = z.array(z.object({ number: Id })).optional();

const Common = { action: z.string().min(1), repository: Repository, installation: Installation };

const SCHEMAS = {
  pull_request: z.object({
    ...Common,
    number: Id,
    pull_request: z.object({
      number: Id,
      head: z.object({ sha: Sha, ref: z.string() }),
      base: z.object({ sha: Sha, ref: z.string() }),
    }),
  }),
  issue_comment: z.object({
    ...Common,
    issue: z.object({ number: Id }),
    comment: z.object({ id: Id, body: z.string() }),
  }),
  check_run: z.object({ ...Common, check_run: z.object({ id: Id, head_sha: Sha, pull_requests: PullRefs }) }),
  check_suite: z.object({ ...Common, check_suite: z.object({ id: Id, head_sha: Sha, pull_requests: PullRefs }) }),
  workflow_run: z.object({ ...Common, workflow_run: z.object({ id: Id, head_sha: Sha, pull_requests: PullRefs }) }),
} as const;

export type HandledEvent = keyof typeof SCHEMAS;

/** The event.action pairs the App has handlers for (src/app/index.ts registers exactly these). */
export function isHandled(handled: readonly string[], event: string, action: unknown): event is HandledEvent {
  return Object.hasOwn(SCHEMAS, event) && typeof action === 'string' && handled.includes(`${event}.${action}`);
}

export type Checked = { ok: true; delivery: NewInboxDelivery } | { ok: false; reason: string };

/** Validates a handled event's payload and says what the inbox keeps about it. */
export function checkDelivery(id: string, event: HandledEvent, payload: unknown, raw: string): Checked {
  const parsed = SCHEMAS[event].safeParse(payload);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(payload)'}: ${issue.message}`)
      .join('; ');
    return { ok: false, reason: `malformed ${event} payload: ${problems}` };
  }
  const p = parsed.data as z.infer<(typeof SCHEMAS)['pull_request']> & Record<string, unknown>;
  const pr = pullNumber(event, parsed.data as Record<string, unknown>);
  return {
    ok: true,
    delivery: {
      id,
      event,
      action: p.action,
      installationId: p.installation.id,
      repo: p.repository.full_name,
      pr,
      // One PR's deliveries are handled in the order received, so an older head never overwrites a newer one.
      orderingKey: pr === null ? null : `${p.repository.id}#${pr}`,
      payload: raw,
    },
  };
}

function pullNumber(event: HandledEvent, payload: Record<string, unknown>): number | null {
  const value = (key: string) => payload[key] as Record<string, unknown>;
  switch (event) {
    case 'pull_request':
      return payload['number'] as number;
    case 'issue_comment':
      return (value('issue')['number'] as number) ?? null;
    default: {
      const refs = value(event)['pull_requests'] as Array<{ number: number }> | undefined;
      return refs?.[0]?.number ?? null;
    }
  }
}
