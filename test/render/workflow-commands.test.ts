import { describe, expect, test } from '@jest/globals';
import { annotationCommand, escapeCommandData, escapeCommandProperty, workflowCommand } from '../../src/render/workflow-commands.js';

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

describe('annotationCommand', () => {
  test('a single-line annotation carries the column', () => {
    expect(
      annotationCommand({
        path: 'models/a, b/README.md',
        start_line: 2,
        end_line: 2,
        start_column: 10,
        end_column: 10,
        annotation_level: 'failure',
        title: 'card/invalid-license',
        message: 'Bad: license\nUse mit',
      }),
    ).toBe('::error file=models/a%2C b/README.md,line=2,col=10,title=card/invalid-license::Bad: license%0AUse mit');
  });

  test('a multi-line annotation carries endLine and a warning level', () => {
    expect(
      annotationCommand({ path: 'c.yml', start_line: 2, end_line: 4, annotation_level: 'warning', title: 'card/x', message: 'm' }),
    ).toBe('::warning file=c.yml,line=2,endLine=4,title=card/x::m');
  });
});
