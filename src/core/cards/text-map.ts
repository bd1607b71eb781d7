import { LineCounter } from 'yaml';
import { SourceMap } from '../common/yaml-positions.js';

/** A SourceMap over a whole file's text, for findings in the Markdown body. */
export function textMap(text: string): SourceMap {
  const counter = new LineCounter();
  counter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) counter.addNewLine(i + 1);
  return new SourceMap(counter, 0);
}
