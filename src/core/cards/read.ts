import type { Finding } from '../common/findings.js';
import { finding, START } from './finding.js';

/** Cards larger than this are refused unread: no real card comes close (the largest known is ~70 KB). */
export const MAX_CARD_BYTES = 1024 * 1024;

export type ReadResult = { ok: true; text: string } | { ok: false; finding: Finding };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/**
 * Turns a card's bytes into text, or into the one finding that says why it cannot be read:
 * too large, empty, binary, or not UTF-8. A leading byte order mark is dropped, so positions
 * count characters as editors show them.
 */
export function readCard(content: Uint8Array | string): ReadResult {
  if (typeof content === 'string') return readString(content);
  if (content.length > MAX_CARD_BYTES) return tooLarge();
  if (content.length === 0) return empty();
  const nul = content.indexOf(0);
  if (nul !== -1) return binary(bytePosition(content, nul));
  let text: string;
  try {
    text = utf8.decode(content);
  } catch {
    const at = firstInvalidUtf8(content);
    return {
      ok: false,
      finding: finding(
        'card/invalid-encoding',
        bytePosition(content, at),
        `The file is not valid UTF-8 (byte 0x${content[at]!.toString(16).padStart(2, '0')} at offset ${at}).`,
        'Save the card as UTF-8; a Latin-1 or UTF-16 file must be converted first.',
      ),
    };
  }
  return whitespaceOnly(text) ? empty() : { ok: true, text };
}

function readString(text: string): ReadResult {
  // Every UTF-16 unit is at least one UTF-8 byte: measure exactly only when it could matter.
  if (text.length > MAX_CARD_BYTES) return tooLarge();
  if (text.length * 3 > MAX_CARD_BYTES) {
    if (utf8Length(text) > MAX_CARD_BYTES) return tooLarge();
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length === 0) return empty();
  const nul = text.indexOf('\0');
  if (nul !== -1) return binary(stringPosition(text, nul));
  return whitespaceOnly(text) ? empty() : { ok: true, text };
}

// Adapters may read only the first MAX_CARD_BYTES + 1 bytes, so the true size is not stated.
function tooLarge(): ReadResult {
  return {
    ok: false,
    finding: finding(
      'card/file-too-large',
      START,
      'The file is larger than 1 MiB, the limit for a model card.',
      'Keep large content (tables, images, logs) in separate files and link to them from the card.',
    ),
  };
}

function empty(): ReadResult {
  return {
    ok: false,
    finding: finding('card/empty-file', START, 'The file is empty.', 'Write the model card, or delete the file.'),
  };
}

function binary(at: { line: number; column: number }): ReadResult {
  return {
    ok: false,
    finding: finding(
      'card/binary-content',
      at,
      `The file holds binary data (a NUL byte at line ${at.line}).`,
      'A model card is text: check that the right file was committed under this name.',
    ),
  };
}

function whitespaceOnly(text: string): boolean {
  return !/\S/.test(text);
}

function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Line and column of a byte offset; the column counts characters of the (valid) text before it. */
function bytePosition(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  let prefix = lenient.decode(bytes.subarray(lineStart, offset));
  if (line === 1 && prefix.charCodeAt(0) === 0xfeff) prefix = prefix.slice(1);
  return { line, column: prefix.length + 1 };
}

function stringPosition(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      // Overlong forms (E0 80..9F) and UTF-16 surrogates (ED A0..BF) are invalid.
      min = b === 0xe0 ? 0xa0 : 0x80;
      if (b === 0xed) max = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = b === 0xf0 ? 0x90 : 0x80;
      if (b === 0xf4) max = 0x8f;
    } else {
      return i;
    }
    const second = bytes[i + 1];
    if (second === undefined || second < min || second > max) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}
