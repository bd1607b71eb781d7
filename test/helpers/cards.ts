/** A Hugging Face card with `model-index` results on imdb (keys `imdb/accuracy`, `imdb/f1`). */
export function metricsCard(metrics: { accuracy: number; f1: number }, name = 'sentiment'): string {
  return [
    '---',
    'license: mit',
    'pipeline_tag: text-classification',
    'model-index:',
    `- name: ${name}`,
    '  results:',
    '  - task:',
    '      type: text-classification',
    '    dataset:',
    '      name: imdb',
    '      type: imdb',
    '    metrics:',
    '    - type: accuracy',
    `      value: ${metrics.accuracy}`,
    '    - type: f1',
    `      value: ${metrics.f1}`,
    '---',
    '# Sentiment classifier',
    '',
    'A small model that labels product reviews as positive or negative.',
    '',
  ].join('\n');
}

/** A config whose one gate fails when accuracy drops by more than 0.02. */
export const ACCURACY_GATE = 'metrics:\n  - match: "*/accuracy"\n    max_regression: 0.02\n';
