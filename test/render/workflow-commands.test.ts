import { describe, expect, test } from '@jest/globals';
import { escapeCommandData, escapeCommandProperty, findingCommand, workflowCommand } from '../../src/render/workflow-commands.js';

describe('workflow command escaping', () => {
  test('data escapes %, CR and LF (so card text cannot start a new command)', () => {
    expect(escapeCommandData('100% sure\r\n::error::pwned')).toBe('100%25 sure%0D%0A::error::pwned');
  });

  test('properties also escape : and ,', () => {
    expect(escapeCommandProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');
  });

  test('% is escaped first, so escapes are not double-escaped', () => {
    expect(escapeCommandData('%0A')).toBe('%250A');
  });
});

describe('workflowCommand', () => {
  test('omits undefined properties', () => {
    expect(workflowCommand('warning', { file: 'a.md', line: 3, col: undefined, title: 'r' }, 'm')).toBe('::warning file=a.md,line=3,title=r::m');
  });

  test('no properties: no space before ::', () => {
    expect(workflowCommand('error', {}, 'boom')).toBe('::error::boom');
  });
});

describe('findingCommand', () => {
  test('a single-line finding carries the column, and its hint on a second line', () => {
    expect(
      findingCommand('models/a, b/README.md', { severity: 'error', rule: 'card/invalid-license', message: 'Bad: license', hint: 'Use mit', line: 2, column: 10 }),
    ).toBe('::error file=models/a%2C b/README.md,line=2,col=10,title=card/invalid-license::Bad: license%0AUse mit');
  });

  test('a multi-line finding carries endLine and no column', () => {
    expect(findingCommand('c.yml', { severity: 'warning', rule: 'card/x', message: 'm', line: 2, column: 3, endLine: 4 })).toBe(
      '::warning file=c.yml,line=2,endLine=4,title=card/x::m',
    );
  });

  test('a long message is bounded', () => {
    expect(findingCommand('c.yml', { severity: 'error', rule: 'card/x', message: 'x'.repeat(10_000), line: 1, column: 1 }).length).toBeLessThan(4100);
  });
});
