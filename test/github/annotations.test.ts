import { describe, expect, it } from '@jest/globals';
import type { Finding } from '../../src/core/common/index.js';
import { findingsToAnnotations } from '../../src/github/annotations.js';

const finding = (over: { [K in keyof Finding]?: Finding[K] | undefined } = {}): Finding => ({
  severity: 'error',
  rule: 'card/invalid-license',
  message: 'License `foo` is not a Hub license id.',
  hint: 'Use one of the Hub ids.',
  line: 3,
  column: 10,
  ...over,
}) as Finding;

describe('findingsToAnnotations', () => {
  it('maps severities and keeps columns only on single-line findings', () => {
    expect(
      findingsToAnnotations('a/MODEL_CARD.md', [
        finding(),
        finding({ severity: 'warning', rule: 'card/tab-indentation', hint: undefined, line: 5, endLine: 7 }),
      ]),
    ).toEqual([
      {
        path: 'a/MODEL_CARD.md',
        start_line: 3,
        end_line: 3,
        start_column: 10,
        end_column: 10,
        annotation_level: 'failure',
        title: 'card/invalid-license',
        message: 'License `foo` is not a Hub license id.\nUse one of the Hub ids.',
      },
      {
        path: 'a/MODEL_CARD.md',
        start_line: 5,
        end_line: 7,
        annotation_level: 'warning',
        title: 'card/tab-indentation',
        message: 'License `foo` is not a Hub license id.',
      },
    ]);
  });
});
