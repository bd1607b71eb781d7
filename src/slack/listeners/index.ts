/**
 * Every Slack listener, registered in one place. Each is acknowledged at once (Slack gives 3 s)
 * and does its work after; a failure is logged and answered, never left silent.
 */
import type { App } from '@slack/bolt';
import { APPROVE_ACTION, REJECT_ACTION } from '../../render/slack/promotion.js';
import { BlockActionSchema, CommandSchema, ViewSubmissionSchema, type Ack, type Respond, type SlackDeps } from '../context.js';
import { approveAction, rejectAction } from './actions/decision.js';
import { modelgateCommand } from './commands/modelgate.js';
import { modelsCommand } from './commands/models.js';
import { moveCommand } from './commands/promote.js';
import { REJECT_CALLBACK, rejectSubmission } from './views/reject-reason.js';

/**
 * Listeners doing their work (after their ack) at once; the rest wait their turn. Acks never
 * wait: a burst of commands is answered at once and worked through a few at a time, so the
 * event loop stays free to acknowledge the next request within Slack's 3 s.
 */
export const MAX_CONCURRENT_WORK = 8;

class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(size: number) {
    this.free = size;
  }
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

const SORRY = 'Something went wrong on modelgate\'s side, and nothing more was done. Try again; if it keeps happening, tell your operator (the server log says why).';

export function registerListeners(app: App, deps: SlackDeps, slots = new Slots(MAX_CONCURRENT_WORK)): void {
  const guarded = async (what: string, ack: Ack, respond: Respond | null, work: (ack: Ack) => Promise<void>) => {
    let acked = false;
    let holding = false;
    // Listeners ack first and then work: the ack answers Slack at once, then waits for a slot.
    const once: Ack = async (response) => {
      if (acked) return;
      acked = true;
      await ack(response);
      await slots.acquire();
      holding = true;
    };
    try {
      await work(once);
    } catch (error) {
      deps.log.warn({ slack: what, error: (error as Error).message }, 'A Slack listener failed.');
      await once();
      await respond?.({ response_type: 'ephemeral', replace_original: false, text: SORRY }).catch(() => undefined);
    } finally {
      if (holding) slots.release();
    }
  };

  for (const [name, run] of [
    ['/promote', (c, ack, respond) => moveCommand(deps, 'promote', c, ack, respond)],
    ['/rollback', (c, ack, respond) => moveCommand(deps, 'rollback', c, ack, respond)],
    ['/models', (c, ack, respond) => modelsCommand(deps, c, ack, respond)],
    ['/modelgate', (c, ack, respond) => modelgateCommand(deps, c, ack, respond)],
  ] as const satisfies ReadonlyArray<readonly [string, (c: ReturnType<typeof CommandSchema.parse>, ack: Ack, respond: Respond) => Promise<void>]>) {
    app.command(name, async ({ command, ack, respond }) => {
      const r = respond as unknown as Respond;
      await guarded(name, ack as Ack, r, async (once) => {
        const parsed = CommandSchema.safeParse(command);
        if (!parsed.success) return void (await once({ response_type: 'ephemeral', text: 'Slack sent a command modelgate could not read.' }));
        await run(parsed.data, once, r);
      });
    });
  }

  for (const [id, run] of [
    [APPROVE_ACTION, approveAction],
    [REJECT_ACTION, rejectAction],
  ] as const) {
    app.action(id, async ({ body, ack, respond }) => {
      const r = respond as unknown as Respond;
      await guarded(id, ack as Ack, r, async (once) => {
        const parsed = BlockActionSchema.safeParse(body);
        if (!parsed.success) return void (await once());
        await run(deps, parsed.data, once, r);
      });
    });
  }

  app.view(REJECT_CALLBACK, async ({ body, ack }) => {
    await guarded(REJECT_CALLBACK, ack as Ack, null, async (once) => {
      const parsed = ViewSubmissionSchema.safeParse(body);
      if (!parsed.success) return void (await once());
      await rejectSubmission(deps, parsed.data, once);
    });
  });
}
