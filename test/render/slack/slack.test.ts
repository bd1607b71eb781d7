import { describe, expect, test } from '@jest/globals';
import { compareMetrics } from '../../../src/core/metrics/index.js';
import { readMetrics } from '../../../src/core/metrics/read.js';
import type { Promotion, PromotionView } from '../../../src/core/promotion/index.js';
import { code, escapeSlack, link, preformatted } from '../../../src/render/slack/escape.js';
import { problemText, statusBlocks } from '../../../src/render/slack/messages.js';
import { biggestChanges, promotionMessage } from '../../../src/render/slack/promotion.js';

const metrics = (values: Record<string, number>) => {
  const r = readMetrics('m.json', JSON.stringify(values));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

const promotion = {
  id: 'p-abcdefghij23',
  kind: 'promote',
  model: 'sentiment',
  version: 'v3',
  stage: 'staging',
  emergency: null,
  state: 'requested',
  stateReason: null,
  fromVersion: 'v2',
  repoFullName: 'acme/models',
  repoUrl: 'https://github.com/acme/models',
  requestedBy: { id: 10, login: 'alice' },
  source: { kind: 'slack', team: 'T0TEAM', channel: 'C0MODELS', user: 'U0ALICE' },
  evidence: { pr: { number: 12, url: 'https://github.com/acme/models/pull/12' }, policy: { approvers: ['bob'], excludePrAuthor: false } },
  approvalsRequired: 1,
  comparison: { head: 3, base: { version: 'v2', evaluation: 2 }, rules: [] },
  createdAt: '2026-12-01T12:00:00.000Z',
  updatedAt: '2026-12-01T12:00:00.000Z',
  expiresAt: '2026-12-02T12:00:00.000Z',
  result: {},
} as unknown as Promotion;

describe('Slack text', () => {
  test('user text can never mention, link or break out of code', () => {
    expect(escapeSlack('<!channel> & <@U123> <https://evil|x>')).toBe('&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://evil|x&gt;');
    expect(code('a`b\nc')).toBe('`aʼb c`');
    expect(preformatted('```<!here>')).toBe('ʼʼʼ&lt;!here&gt;');
    expect(link('javascript:alert(1)', 'x')).toBe('x');
    expect(link('https://github.com/a|b', 'x')).toBe('x');
    expect(link('https://github.com/acme', 'a|b')).toBe('<https://github.com/acme|a¦b>');
  });

  test('argument problems quote the text safely', () => {
    expect(problemText('/promote', { kind: 'invalid-model', value: '<!channel>' })).toBe('`&lt;!channel&gt;` is not a valid model name: use lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 64 characters, without `..`.');
    expect(problemText('/rollback', { kind: 'missing-argument', name: 'stage' })).toBe('`/rollback` needs a stage. Usage: `/rollback <model> <stage> [--dry-run]`.');
  });

  test('/models with no model yet says how one is registered', () => {
    expect(statusBlocks([{ fullName: 'acme/models', url: 'https://github.com/acme/models', models: [] }]).blocks![1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '_No model is in the registry yet. Merging a pull request that adds a model card with a `modelgate: {model, version}` key registers it._' },
    });
  });
});

describe('the request message', () => {
  test('biggest changes first, failed gates before everything, unchanged last', () => {
    const diff = compareMetrics(metrics({ a: 1, b: 1, c: 1, d: 1 }), metrics({ a: 1.01, b: 2, c: 1, d: 0.5 }), { rules: [{ match: 'a', goal: 'maximize', min: 1.5 }] });
    expect(biggestChanges(diff.rows).map((r) => r.metric)).toEqual(['a', 'b', 'd', 'c']);
  });

  test('10,000 hostile metric names: a bounded message, every block within Slack\'s limits, no mention', () => {
    const base: Record<string, number> = {};
    const head: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) {
      base[`<!channel> m${i} \`\`\``] = 0.5;
      head[`<!channel> m${i} \`\`\``] = 0.5 + i / 1e5;
    }
    const diff = compareMetrics(metrics(base), metrics(head));
    const view: PromotionView = { promotion, checks: [], approvals: [], diff: { diff, baseline: { label: 'staging (v2)', ref: null, sha: null, version: 'v2' } as never } };
    const message = promotionMessage(view, { now: new Date('2026-12-01T12:00:00Z') });
    const json = JSON.stringify(message);
    expect(json.length).toBeLessThan(12_000);
    expect(json).not.toMatch(/<!channel>/);
    expect(message.blocks!.length).toBeLessThanOrEqual(50);
    for (const block of message.blocks!) {
      if ('text' in block && block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    }
    const metricsBlock = message.blocks!.find((b) => 'text' in b && b.text.text.startsWith('*Metrics against'))!;
    expect('text' in metricsBlock && metricsBlock.text.text).toContain('&lt;!channel&gt; m9999 ʼʼʼ');
    expect('text' in metricsBlock && metricsBlock.text.text).toContain('…and 9987 more changed. The full diff: <https://github.com/acme/models/pull/12|#12 on GitHub>');
  });
});
