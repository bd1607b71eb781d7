import type { MetricValue } from './types.js';

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const PERCENT = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE]([+-]?\d+))?\s*%$/;
const NON_FINITE = /^([+-]?)(nan|inf|infinity)$/i;

/**
 * A percent string such as "67.6%" as a fraction (0.676): a percent *is* a hundredth, so this
 * is the one reading that does not guess the author's units. Shifting the decimal exponent
 * (rather than dividing by 100) gives the nearest double: 0.676, not 0.6759999999999999.
 */
export function parsePercent(text: string): number | null {
  const m = PERCENT.exec(text.trim());
  if (!m) return null;
  const exponent = m[2] === undefined ? 0 : Number(m[2]);
  return Number(`${m[1]}e${exponent - 2}`);
}

export function isNumberText(text: string): boolean {
  return NUMBER.test(text.trim());
}

/** A non-finite spelling (NaN, nan, inf, -Infinity, …) as its canonical raw form, else null. */
export function nonFiniteRaw(text: string): 'NaN' | 'Infinity' | '-Infinity' | null {
  const m = NON_FINITE.exec(text.trim());
  if (!m) return null;
  if (m[2]!.toLowerCase() === 'nan') return 'NaN';
  return m[1] === '-' ? '-Infinity' : 'Infinity';
}

export function numberValue(value: number): MetricValue {
  if (Number.isNaN(value)) return { kind: 'invalid', raw: 'NaN' };
  if (value === Infinity) return { kind: 'invalid', raw: 'Infinity' };
  if (value === -Infinity) return { kind: 'invalid', raw: '-Infinity' };
  return { kind: 'number', value };
}

export type StringReading = { value: MetricValue; why: 'percent' | 'numeric-string' | null };

/**
 * A string value from JSON or YAML. Percent strings become numbers (with a note); anything
 * else stays text, since a quoted value is the author's choice — but a string that looks like
 * a number gets a note, because it will not be compared.
 */
export function readStringValue(text: string): StringReading {
  const percent = parsePercent(text);
  if (percent !== null) return { value: { kind: 'number', value: percent, percent: true }, why: 'percent' };
  return { value: { kind: 'text', value: text }, why: isNumberText(text) ? 'numeric-string' : null };
}

/**
 * A CSV cell, where every value is text: numbers, non-finite spellings (pandas writes `nan`,
 * `inf`) and percents are read as such; other text stays text. Empty cells are null.
 */
export function readCellValue(text: string): StringReading | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (NUMBER.test(trimmed)) return { value: numberValue(Number(trimmed)), why: null };
  const raw = nonFiniteRaw(trimmed);
  if (raw) return { value: { kind: 'invalid', raw }, why: null };
  const percent = parsePercent(trimmed);
  if (percent !== null) return { value: { kind: 'number', value: percent, percent: true }, why: 'percent' };
  return { value: { kind: 'text', value: text }, why: null };
}
