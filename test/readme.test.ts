import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

describe('README configuration reference', () => {
  const root = new URL('../', import.meta.url);
  const table = readme.slice(readme.indexOf('### Configuration reference'), readme.indexOf('## Promotion'));
  /** The first cell of each row: the variables it documents. */
  const documented = new Set(
    table
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .flatMap((line) => [...line.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!)),
  );
  const sources = (dir: string): string[] =>
    readdirSync(new URL(dir, root), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && /\.(ts|mjs)$/.test(e.name) && !e.parentPath.includes('/dist'))
      .map((e) => join(e.parentPath, e.name));

  it('has a row for every environment variable the product reads (src/, actions/*/src/, docker/)', () => {
    const files = [...sources('src/'), ...sources('actions/'), ...sources('docker/')];
    const read = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\benv(?:\?)?(?:\.([A-Z][A-Z0-9_]+)\b|\[['"]([A-Z][A-Z0-9_]+)['"]\])/g)) read.add((m[1] ?? m[2])!);
    }
    expect(read.size).toBeGreaterThan(20);
    expect([...read].filter((name) => !documented.has(name)).sort()).toEqual([]);
  });

  it('one table: the variables are not listed again elsewhere as a second table', () => {
    expect(readme.match(/^\| Variable \|/gm)).toHaveLength(1);
  });
});
