/** Why a JSON string literal could not be read, and where. */
export type JsonStringProblem =
  | { kind: 'unterminated'; offset: number }
  | { kind: 'control-character'; offset: number }
  | { kind: 'bad-unicode-escape'; offset: number }
  | { kind: 'bad-escape'; offset: number; escape: string };

export type JsonStringResult = { ok: true; value: string; end: number } | ({ ok: false } & JsonStringProblem);

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Decodes the JSON string literal whose opening quote is at `start`. On success `end` is the
 * offset just past the closing quote. Both JSON readers (cards, metrics) use it and word the
 * problems their own way.
 */
export function decodeJsonString(text: string, start: number): JsonStringResult {
  let i = start + 1;
  let from = i;
  let out = '';
  for (;;) {
    if (i >= text.length) return { ok: false, kind: 'unterminated', offset: start };
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) return { ok: true, value: out + text.slice(from, i), end: i + 1 };
    if (c < 0x20) return { ok: false, kind: 'control-character', offset: i };
    if (c !== 92 /* \ */) {
      i++;
      continue;
    }
    out += text.slice(from, i);
    const e = text[i + 1] ?? '';
    if (e === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return { ok: false, kind: 'bad-unicode-escape', offset: i };
      out += String.fromCharCode(parseInt(hex, 16));
      i += 6;
    } else {
      const decoded = SIMPLE_ESCAPES[e];
      if (decoded === undefined) return { ok: false, kind: 'bad-escape', offset: i, escape: text.slice(i, i + 2) };
      out += decoded;
      i += 2;
    }
    from = i;
  }
}
