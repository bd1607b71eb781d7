/**
 * The hidden markers that make a comment "ours, about this": the first line of a sticky comment's
 * body. Only the marker at that fixed position counts, and only on a comment this App (or this
 * workflow's token) wrote, so text a user or a metric name puts elsewhere in a body can never
 * make modelgate edit the wrong comment.
 */

const PREFIX = '<!-- modelgate:';

/** `<!-- modelgate:metrics-diff model=sentiment -->`: one comment per model on a pull request. */
export function metricsDiffMarker(model?: string | null): string {
  return `${PREFIX}metrics-diff model=${markerValue(model)} -->`;
}

/**
 * A value as it may appear inside a marker: characters that cannot end the HTML comment, at
 * most 100 of them (`default` for none).
 */
export function markerValue(value: string | null | undefined): string {
  return (value ?? '').replace(/[^A-Za-z0-9._/@+-]/g, '_').replace(/-{2,}/g, '-').slice(0, 100) || 'default';
}

/** Whether `body` is marked with `marker`: its first line, exactly. */
export function hasMarker(body: string | null | undefined, marker: string): boolean {
  if (!body) return false;
  const end = body.indexOf('\n');
  return (end === -1 ? body : body.slice(0, end)).replace(/\r$/, '') === marker;
}

/** A marked body: the marker as its first line, then the text. */
export function withMarker(marker: string, text: string): string {
  return `${marker}\n${text}`;
}

/** The text of a marked body, without its marker line. */
export function withoutMarker(body: string): string {
  return body.startsWith(PREFIX) ? body.slice(body.indexOf('\n') + 1) : body;
}

/** `<!-- modelgate:promotion id=p-abcdefgh2345 -->`: one comment per promotion request. */
export function promotionMarker(id: string): string {
  return `${PREFIX}promotion id=${markerValue(id)} -->`;
}
