import { describe, expect, it } from '@jest/globals';
import { parseCommand } from '../../../src/core/commands/parse.js';

describe('parseCommand', () => {
  it('parses evaluate, with and without a model', () => {
    expect(parseCommand('/modelgate evaluate')).toEqual({ kind: 'evaluate', model: null });
    expect(parseCommand('/modelgate evaluate sentiment-v2')).toEqual({ kind: 'evaluate', model: 'sentiment-v2' });
    expect(parseCommand('  /modelgate   evaluate\tbert.base_1  ')).toEqual({ kind: 'evaluate', model: 'bert.base_1' });
  });

  it('parses help, and a bare /modelgate as help', () => {
    expect(parseCommand('/modelgate help')).toEqual({ kind: 'help' });
    expect(parseCommand('/modelgate')).toEqual({ kind: 'help' });
  });

  it('takes the prefix and verb in any case, but model names only in lowercase', () => {
    expect(parseCommand('/Modelgate Evaluate')).toEqual({ kind: 'evaluate', model: null });
    expect(parseCommand('/modelgate evaluate Sentiment')).toMatchObject({ kind: 'invalid', verb: 'evaluate' });
  });

  it('reads the command from the first non-empty line; the rest is free text', () => {
    expect(parseCommand('\n\r\n  \n/modelgate evaluate fraud\r\nThe last run timed out, trying again.')).toEqual({ kind: 'evaluate', model: 'fraud' });
  });

  it('is not a command unless it is the first line that counts', () => {
    expect(parseCommand('LGTM\n/modelgate evaluate')).toBeNull();
    expect(parseCommand('Please run /modelgate evaluate')).toBeNull();
    expect(parseCommand('')).toBeNull();
    expect(parseCommand(null)).toBeNull();
    expect(parseCommand(undefined)).toBeNull();
  });

  it('needs the prefix as a whole word', () => {
    expect(parseCommand('/modelgates evaluate')).toBeNull();
    expect(parseCommand('/modelgate-evaluate')).toBeNull();
    expect(parseCommand('modelgate evaluate')).toBeNull();
  });

  it('ignores quoted lines, so a reply that quotes a command does not run it', () => {
    expect(parseCommand('> /modelgate evaluate\n\nThanks, that worked!')).toBeNull();
    expect(parseCommand('> /modelgate evaluate')).toBeNull();
    expect(parseCommand('> earlier discussion\n>> nested\n\n/modelgate evaluate')).toEqual({ kind: 'evaluate', model: null });
  });

  it('ignores fenced code blocks, however they are fenced', () => {
    expect(parseCommand('```\n/modelgate evaluate\n```\nThis is how you run it.')).toBeNull();
    expect(parseCommand('~~~sh\n/modelgate evaluate\n~~~')).toBeNull();
    // A shorter or different fence does not close the block.
    expect(parseCommand('````\n```\n/modelgate evaluate\n~~~~\n```` \nexample above')).toBeNull();
    expect(parseCommand('```\nexample\n```\n/modelgate evaluate nlp')).toEqual({ kind: 'evaluate', model: 'nlp' });
    // An unclosed fence runs to the end of the comment.
    expect(parseCommand('```\n/modelgate evaluate')).toBeNull();
  });

  it('ignores indented code blocks', () => {
    expect(parseCommand('    /modelgate evaluate\nexample')).toBeNull();
    expect(parseCommand('\t/modelgate evaluate')).toBeNull();
  });

  it('rejects unsafe model names, keeping the raw value for the reply', () => {
    expect(parseCommand('/modelgate evaluate ../../etc/passwd')).toEqual({ kind: 'invalid', verb: 'evaluate', problem: { kind: 'invalid-model', value: '../../etc/passwd' } });
    for (const name of ['-rf', '.hidden', 'a'.repeat(65), 'a/b', 'a$b', '`x`', 'é', 'a..b', 'model.', 'model.lock']) {
      expect(parseCommand(`/modelgate evaluate ${name}`)).toMatchObject({ kind: 'invalid' });
    }
    expect(parseCommand(`/modelgate evaluate ${'a'.repeat(64)}`)).toEqual({ kind: 'evaluate', model: 'a'.repeat(64) });
  });

  it('rejects more than one model', () => {
    expect(parseCommand('/modelgate evaluate a b')).toEqual({ kind: 'invalid', verb: 'evaluate', problem: { kind: 'too-many-arguments', max: 1, got: ['a', 'b'] } });
  });

  it('answers an unknown verb with the closest known one', () => {
    expect(parseCommand('/modelgate evalute')).toEqual({ kind: 'unknown', verb: 'evalute', suggestion: 'evaluate' });
    expect(parseCommand('/modelgate deploy prod')).toEqual({ kind: 'unknown', verb: 'deploy', suggestion: null });
  });
});
