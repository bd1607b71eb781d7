import type { CheckAnnotation } from './markdown/cards.js';

/**
 * GitHub Actions workflow commands (`::error file=…::message`), as the runner parses them from
 * stdout. Escaping keeps card text from ending a command early or starting a new one.
 */

export function escapeCommandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function workflowCommand(command: string, properties: Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${escapeCommandProperty(String(value))}`)
    .join(',');
  return `::${command}${props ? ` ${props}` : ''}::${escapeCommandData(message)}`;
}

/** An annotation as an `::error`/`::warning` command; columns only where GitHub accepts them. */
export function annotationCommand(annotation: CheckAnnotation): string {
  return workflowCommand(
    annotation.annotation_level === 'failure' ? 'error' : annotation.annotation_level,
    {
      file: annotation.path,
      line: annotation.start_line,
      endLine: annotation.end_line === annotation.start_line ? undefined : annotation.end_line,
      col: annotation.start_column,
      title: annotation.title,
    },
    annotation.message,
  );
}
