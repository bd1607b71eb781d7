import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The architecture's boundaries (docs/architecture.md), as lint rules: the core is pure (no
 * I/O, no GitHub, Slack, Actions or database libraries, no adapter code), and adapters reach a
 * core module only through its public entry, `src/core/<module>/index.ts`. Exported so that
 * test/lint-boundaries.test.ts checks these very objects.
 */
export const boundaries = [
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', ...builtinModules],
              message: 'The core does no I/O: pass data (or a function, such as a hash) in from an adapter instead.',
            },
            {
              group: ['probot', '@octokit/*', '@actions/*', '@slack/*', 'pg', 'better-sqlite3'],
              message: 'The core speaks no wire format and holds no client: put this in an adapter (src/github, src/slack, src/store, …).',
            },
            {
              // From src/core/<module>/, `../x` is another core module and `../../x` is src/x: an adapter.
              regex: '^(\\.\\./){2,}(app|cli|github|node|promotion|render|slack|store)(/|$)|^(\\.\\./){2,}server\\.js$',
              message: 'The core may not import adapters; adapters import the core.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'actions/*/src/**/*.ts'],
    ignores: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)core/[a-z-]+/(?!index\\.js$)[^/]+$',
              message: 'Import a core module through its public entry (core/<module>/index.js), not its internals.',
            },
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['lib/', 'node_modules/', 'actions/*/dist/', 'packages/cli/dist/', 'coverage/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Type-aware rules: a promise nobody awaits (or one handed to a callback that ignores it) loses its errors.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  ...boundaries,
  {
    files: ['test/**/*.ts', 'test/**/*.mts', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
