// Shared by the promotion benchmarks (bench/promotion.mjs, bench/slack.mjs): the fake GitHub's
// repository holding `models`, each with v2 in staging and v3 registered from pull request
// 100 + i (its card at a merge commit), and the given config on the default branch.
import { createHash } from 'node:crypto';
import { fakePull } from '../test/helpers/fake-github-server.mjs';

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const card = (model, version) => `---\nlicense: mit\nmodelgate: {model: ${model}, version: ${version}}\n---\n# ${model}\n`;

/** @param {import('../test/helpers/fake-github-server.mjs').FakeGitHubServer} github */
export function seedRegistry(github, models, config) {
  const lines = ['models:'];
  for (const [i, model] of models.entries()) {
    const v2 = github.detachedCommit({ [`models/${model}/README.md`]: card(model, 'v2') });
    const v3 = github.detachedCommit({ [`models/${model}/README.md`]: card(model, 'v3') });
    github.pulls.set(100 + i, fakePull(100 + i));
    lines.push(
      `  ${model}:`,
      '    versions:',
      `      v2: {card: models/${model}/README.md, commit: ${v2}, pr: null, card_digest: "sha256:${sha256(card(model, 'v2'))}", evaluation: null, registered_at: "2026-11-01T10:00:00Z"}`,
      `      v3: {card: models/${model}/README.md, commit: ${v3}, pr: ${100 + i}, card_digest: "sha256:${sha256(card(model, 'v3'))}", evaluation: null, registered_at: "2026-11-30T10:00:00Z"}`,
      '    stages: {staging: v2}',
    );
  }
  github.setFiles({ '.github/modelgate.yml': config, 'models/registry.yaml': `${lines.join('\n')}\n` });
}
