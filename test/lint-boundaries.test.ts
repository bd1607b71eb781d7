import { describe, expect, test } from '@jest/globals';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
// The very rule objects the project's eslint.config.js applies.
import { boundaries } from '../eslint.config.js';

/** An ESLint with only the boundary rules (they need no type information). */
function boundaryLinter(): ESLint {
  return new ESLint({
    cwd: process.cwd(),
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, linterOptions: { reportUnusedDisableDirectives: 'off' } }, ...boundaries],
  });
}

/** Lints `code` as if it were the file at `path`. */
async function boundaryErrors(path: string, code: string): Promise<string[]> {
  const [result] = await boundaryLinter().lintText(code, { filePath: path });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('architecture boundaries (eslint no-restricted-imports)', () => {
  test.each([
    ["import { readFileSync } from 'node:fs';", 'The core does no I/O'],
    ["import { createHash } from 'crypto';", 'The core does no I/O'],
    ["import type { Context } from 'probot';", 'The core speaks no wire format'],
    ["import { Octokit } from '@octokit/rest';", 'The core speaks no wire format'],
    ["import * as core from '@actions/core';", 'The core speaks no wire format'],
    ["import { App } from '@slack/bolt';", 'The core speaks no wire format'],
    ["import pg from 'pg';", 'The core speaks no wire format'],
    ["import Database from 'better-sqlite3';", 'The core speaks no wire format'],
    ["import { escapeMarkdown } from '../../render/markdown/escape.js';", 'The core may not import adapters'],
    ["import type { Store } from '../../store/index.js';", 'The core may not import adapters'],
    ["import { requestPromotion } from '../../promotion/service.js';", 'The core may not import adapters'],
  ])('the core refuses %s', async (line, message) => {
    expect(await boundaryErrors('src/core/cards/example.ts', line)).toEqual([expect.stringContaining(message)]);
  });

  test('the core may import its own modules, zod and yaml', async () => {
    const code =
      "import { z } from 'zod';\nimport { parseDocument } from 'yaml';\nimport { truncate } from '../common/text.js';\nimport { readMetrics } from '../metrics/index.js';\nimport { readRegistry } from '../promotion/index.js';\n";
    expect(await boundaryErrors('src/core/cards/example.ts', code)).toEqual([]);
  });

  test.each([
    ['src/app/flows/example.ts', "import { validateCard } from '../../core/cards/validate.js';"],
    ['src/cli/example.ts', "import type { Finding } from '../core/common/findings.js';"],
    ['actions/evaluate/src/example.ts', "import { parseManifest } from '../../../src/core/evaluation/manifest.js';"],
  ])('%s may not deep-import a core file', async (path, line) => {
    expect(await boundaryErrors(path, line)).toEqual([expect.stringContaining('through its public entry')]);
  });

  test('adapters import a core module through its index', async () => {
    expect(await boundaryErrors('src/app/flows/example.ts', "import { validateCard } from '../../core/cards/index.js';")).toEqual([]);
  });

  test('the real tree passes the boundary rules', async () => {
    const results = await boundaryLinter().lintFiles(['src/**/*.ts', 'actions/*/src/**/*.ts']);
    expect(results.flatMap((r) => r.messages.map((m) => `${r.filePath}: ${m.message}`))).toEqual([]);
  });
});
