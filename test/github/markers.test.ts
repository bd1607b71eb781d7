import { describe, expect, it } from '@jest/globals';
import { hasMarker, metricsDiffMarker, withMarker, withoutMarker } from '../../src/github/markers.js';

describe('metricsDiffMarker', () => {
  it('is a hidden HTML comment that no model name can break out of', () => {
    expect(metricsDiffMarker('org/model-v2')).toBe('<!-- modelgate:metrics-diff model=org/model-v2 -->');
    expect(metricsDiffMarker(null)).toBe('<!-- modelgate:metrics-diff model=default -->');
    expect(metricsDiffMarker('a --> <script>')).toBe('<!-- modelgate:metrics-diff model=a_-___script_ -->');
    expect(metricsDiffMarker('x'.repeat(500))).toHaveLength('<!-- modelgate:metrics-diff model='.length + 100 + ' -->'.length);
  });
});

describe('hasMarker', () => {
  const marker = metricsDiffMarker('victim');

  it('counts only the marker as the first line, exactly', () => {
    expect(hasMarker(withMarker(marker, 'body'), marker)).toBe(true);
    expect(hasMarker(`${marker}\r\nbody`, marker)).toBe(true);
    expect(hasMarker(marker, marker)).toBe(true);
  });

  it('ignores the marker anywhere else: a metric name or user text can never claim a comment', () => {
    expect(hasMarker(`${metricsDiffMarker('attacker')}\n| \`${marker}\` | 1 |`, marker)).toBe(false);
    expect(hasMarker(` ${marker}\nbody`, marker)).toBe(false);
    expect(hasMarker(`${marker} extra\nbody`, marker)).toBe(false);
    expect(hasMarker(null, marker)).toBe(false);
    expect(hasMarker('', marker)).toBe(false);
  });

  it('withoutMarker gives the text back', () => {
    expect(withoutMarker(withMarker(marker, 'a\nb'))).toBe('a\nb');
    expect(withoutMarker('plain')).toBe('plain');
  });
});
