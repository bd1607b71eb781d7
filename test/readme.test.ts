import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { RULES } from '../src/core/cards/rules.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('lists every rule with its default severity', () => {
    for (const rule of RULES) expect(readme).toContain(`| \`${rule.id}\` | ${rule.severity} |`);
  });

  it('gives the quick start commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
