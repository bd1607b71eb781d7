import { describe, expect, test } from '@jest/globals';
import type { CardReport } from '../../src/core/cards/index.js';
import { renderJson } from '../../src/render/json/cards.js';
import { printable, renderFindingsText, renderText } from '../../src/render/text/cards.js';
import { cardsWorkflowCommands as renderGithub } from '../../src/render/workflow-commands.js';

/** The three sibling renderers of `modelgate validate`'s results: text, JSON, workflow commands. */

const failing: CardReport = {
  path: 'models/a/README.md',
  format: 'markdown',
  model: { name: 'a', version: null, source: 'folder' },
  findings: [
    { severity: 'error', rule: 'card/invalid-license', message: 'Bad license.', hint: 'Use a Hub id.', line: 2, column: 10 },
    { severity: 'warning', rule: 'card/unknown-pipeline-tag', message: 'Unknown tag.', line: 3, column: 15, endLine: 3, endColumn: 20 },
  ],
  errors: 1,
  warnings: 1,
};
const warningOnly: CardReport = {
  path: 'models/b/README.md',
  format: 'markdown',
  model: { name: 'b', version: '1.0', source: 'card' },
  findings: [{ severity: 'warning', rule: 'card/no-metadata', message: 'No metadata.', line: 1, column: 1 }],
  errors: 0,
  warnings: 1,
};
const clean: CardReport = { path: 'MODEL_CARD.md', format: 'markdown', model: null, findings: [], errors: 0, warnings: 0 };

describe('renderText', () => {
  test('path:line:col, severity, message, rule, hint; files grouped; a final summary', () => {
    expect(renderText([clean, failing, warningOnly], 'error', { color: false })).toBe(
      [
        'models/a/README.md:2:10  error    Bad license.  card/invalid-license',
        '    hint: Use a Hub id.',
        'models/a/README.md:3:15  warning  Unknown tag.  card/unknown-pipeline-tag',
        '',
        'models/b/README.md:1:1  warning  No metadata.  card/no-metadata',
        '',
        '✖ 1 model card failed: 1 error, 2 warnings',
        '',
      ].join('\n'),
    );
  });

  test('all clean: only the summary', () => {
    expect(renderText([clean], 'error', { color: false })).toBe('✔ 1 model card valid\n');
  });

  test('warnings fail with fail-on warning', () => {
    expect(renderText([warningOnly], 'warning', { color: false })).toBe(
      'models/b/README.md:1:1  warning  No metadata.  card/no-metadata\n\n✖ 1 model card failed: 0 errors, 1 warning\n',
    );
    expect(renderText([warningOnly], 'error', { color: false })).toMatch(/\n✔ 1 model card passed with 1 warning\n$/);
  });

  test('no cards', () => {
    expect(renderText([], 'error', { color: false })).toBe('No model cards found.\n');
  });

  test('colour: ANSI styles only when asked', () => {
    const colored = renderText([failing], 'error', { color: true });
    expect(colored).toContain('\u001b[31merror  \u001b[0m');
    expect(colored).toContain('\u001b[33mwarning\u001b[0m');
    expect(colored).toContain('\u001b[31m✖ 1 model card failed: 1 error, 1 warning\u001b[0m');
    expect(renderText([failing], 'error', { color: false })).not.toContain('\u001b');
  });

  test('card text cannot inject terminal escapes or bidi overrides', () => {
    const evil: CardReport = {
      ...failing,
      path: 'x\u001b[2J.md',
      findings: [{ severity: 'error', rule: 'card/yaml-syntax', message: 'a\u001b[31mb\rc\u202ed', hint: 'h\nx', line: 1, column: 1 }],
    };
    expect(renderText([evil], 'error', { color: false })).toBe(
      'x\\x1b[2J.md:1:1  error    a\\x1b[31mb\\x0dc\\u202ed  card/yaml-syntax\n    hint: h\\x0ax\n\n✖ 1 model card failed: 1 error, 1 warning\n',
    );
  });
});

describe('printable', () => {
  test('leaves ordinary text, including non-ASCII, alone', () => {
    expect(printable('Modèle — 模型 ✓')).toBe('Modèle — 模型 ✓');
  });
});

describe('renderFindingsText', () => {
  test('uses the same layout as card findings', () => {
    expect(
      renderFindingsText('.github/modelgate.yml', [{ severity: 'error', rule: 'config/unknown-key', message: 'Unknown key.', hint: 'Did you mean x?', line: 2, column: 1 }], { color: false }),
    ).toBe('.github/modelgate.yml:2:1  error    Unknown key.  config/unknown-key\n    hint: Did you mean x?\n');
  });
});

describe('renderJson', () => {
  test('one document with the documented keys', () => {
    const text = renderJson([failing, clean], 'error');
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual({
      files: [
        {
          path: 'models/a/README.md',
          format: 'markdown',
          model: { name: 'a', version: null, source: 'folder' },
          valid: false,
          findings: [
            { severity: 'error', rule: 'card/invalid-license', message: 'Bad license.', hint: 'Use a Hub id.', line: 2, column: 10 },
            { severity: 'warning', rule: 'card/unknown-pipeline-tag', message: 'Unknown tag.', hint: null, line: 3, column: 15 },
          ],
        },
        { path: 'MODEL_CARD.md', format: 'markdown', model: null, valid: true, findings: [] },
      ],
      summary: { files: 2, valid: 1, invalid: 1, errors: 1, warnings: 1 },
    });
  });

  test('valid follows fail-on', () => {
    expect(JSON.parse(renderJson([warningOnly], 'warning')).summary).toEqual({ files: 1, valid: 0, invalid: 1, errors: 0, warnings: 1 });
  });

  test('no cards', () => {
    expect(JSON.parse(renderJson([], 'error'))).toEqual({ files: [], summary: { files: 0, valid: 0, invalid: 0, errors: 0, warnings: 0 } });
  });
});

describe('renderGithub', () => {
  test('one workflow command per finding (hint on a second line), then the verdict', () => {
    expect(renderGithub([failing, clean], 'error')).toBe(
      [
        '::error file=models/a/README.md,line=2,col=10,title=card/invalid-license::Bad license.%0AUse a Hub id.',
        '::warning file=models/a/README.md,line=3,col=15,title=card/unknown-pipeline-tag::Unknown tag.',
        '1 model card failed: 1 error, 1 warning',
        '',
      ].join('\n'),
    );
  });

  test('no cards', () => {
    expect(renderGithub([], 'error')).toBe('No model cards found.\n');
  });
});
