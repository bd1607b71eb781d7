import { describe, expect, test } from '@jest/globals';
import { brief, card, check } from './helpers.js';

/**
 * One small card per rule: the exact findings (position, severity, rule). Line 1 of every card
 * is the opening `---`, so the first metadata line is line 2.
 */
function findings(frontMatter: string, body?: string): string[] {
  return brief(check(card(frontMatter, body)).findings);
}

function first(frontMatter: string, rule: string) {
  return check(card(frontMatter)).findings.find((f) => f.rule === rule)!;
}

describe('YAML structure', () => {
  test('syntax error: one finding, at the problem', () => {
    expect(findings('license: mit\ntags: [a, b\n')).toEqual(['4:1 error card/yaml-syntax']);
    const f = first('license: mit\ntags: [a, b\n', 'card/yaml-syntax');
    expect(f.message).toMatch(/^YAML syntax error: /);
  });

  test('an unclosed quote gets a hint about continuation lines', () => {
    const f = first('widget:\n- text: "a long\ntext"\n', 'card/yaml-syntax');
    expect(f.hint).toBe('Close the quote. A quoted value that spans lines must indent its continuation lines more than its key.');
  });

  test('tab indentation is a syntax error with a hint', () => {
    const report = check(card('tags:\n\t- a\n'));
    expect(brief(report.findings)).toEqual(['3:1 error card/yaml-syntax']);
    expect(report.findings[0]!.hint).toBe('Indent with spaces: YAML does not allow tabs for indentation.');
  });

  test('duplicate keys: an error at the second, and checking goes on', () => {
    expect(findings('license: mit\ntags: [a]\nlicense: MIT\n')).toEqual(['4:1 error card/duplicate-key', '4:10 error card/invalid-license']);
    expect(first('license: mit\nlicense: mit\n', 'card/duplicate-key').message).toBe('The key "license" appears twice in the same mapping.');
  });

  test('duplicate keys nested in model-index', () => {
    expect(findings('model-index:\n- name: m\n  name: m2\n  results: []\n')).toEqual(['4:3 error card/duplicate-key', '5:12 warning card/empty-results']);
  });

  test('metadata that is a list, or a single value, is not a mapping', () => {
    expect(findings('- a\n- b\n')).toEqual(['2:1 error card/not-a-mapping']);
    expect(findings('just text\n')).toEqual(['2:1 error card/not-a-mapping']);
  });

  test('an empty front matter has no metadata', () => {
    expect(brief(check('---\n---\n# Model\n').findings)).toEqual(['2:1 warning card/no-metadata']);
    expect(brief(check('---\n# only a comment\n---\n# Model\n').findings)).toEqual(['2:1 warning card/no-metadata']);
  });

  test('no front matter at all', () => {
    const report = check('# Model\n\nProse.\n');
    expect(brief(report.findings)).toEqual(['1:1 warning card/no-metadata']);
    expect(report.findings[0]!.message).toBe('The card has no metadata: no YAML front matter.');
  });

  test('an opening --- without a closing one', () => {
    expect(brief(check('---\nlicense: mit\n# Model\n').findings)).toEqual(['1:1 error card/unclosed-front-matter']);
  });

  test('a second YAML document is a syntax error', () => {
    expect(brief(check('a: 1\n---\nb: 2\n', 'models/x/model_card.yml').findings)).toEqual(['2:1 error card/yaml-syntax']);
  });
});

describe('model-index', () => {
  const result = (r: string) => `model-index:\n- name: m\n  results:\n  - ${r.replace(/\n/g, '\n    ')}\n`;

  test('a complete result passes', () => {
    expect(findings(result('task: {type: text-classification}\ndataset: {type: imdb, name: IMDb, config: plain_text}\nmetrics:\n- {type: accuracy, value: 0.9}\nsource: {name: paper, url: "https://x.y"}'))).toEqual([]);
  });

  test('not a list', () => {
    expect(findings('model-index:\n  name: m\n  results: []\n')).toEqual(['3:3 error card/model-index-not-list']);
    expect(findings('model-index:\n')).toEqual(['2:1 error card/model-index-not-list']);
  });

  test('an entry without name or results', () => {
    expect(findings('model-index:\n- results: []\n')).toEqual(['3:3 error card/model-index-missing-field', '3:12 warning card/empty-results']);
    expect(findings('model-index:\n- name: m\n')).toEqual(['3:3 error card/model-index-missing-field']);
    expect(findings('model-index:\n- name: ""\n  results: []\n')).toEqual(['3:9 error card/model-index-missing-field', '4:12 warning card/empty-results']);
    expect(findings('model-index:\n- name: m\n  results: {task: x}\n')).toEqual(['4:12 error card/model-index-missing-field']);
    expect(findings('model-index:\n- just a string\n')).toEqual(['3:3 error card/model-index-missing-field']);
  });

  test('empty results', () => {
    expect(findings('model-index:\n- name: m\n  results: []\n')).toEqual(['4:12 warning card/empty-results']);
  });

  test('a result without task.type, dataset.type, dataset.name or metrics: one finding each', () => {
    expect(findings(result('task: {name: T}\ndataset: {config: c}\nmetrics: [{type: a, value: 1}]'))).toEqual([
      '5:11 error card/result-missing-field',
      '6:14 error card/result-missing-field',
      '6:14 error card/result-missing-field',
    ]);
    expect(findings(result('metrics: [{type: a, value: 1}]'))).toEqual(['5:5 error card/result-missing-field', '5:5 error card/result-missing-field']);
    expect(findings(result('task: {type: text-classification}\ndataset: {type: d, name: D}'))).toEqual(['5:5 error card/result-missing-field']);
    expect(findings('model-index:\n- name: m\n  results: [oops]\n')).toEqual(['4:13 error card/result-missing-field']);
  });

  test('messages name the path and the missing field', () => {
    const messages = check(card(result('task: {name: T}\ndataset: {type: d}\nmetrics: []'))).findings.map((f) => f.message);
    expect(messages).toEqual(['model-index[0].results[0] has no `task.type`.', 'model-index[0].results[0] has no `dataset.name`.']);
  });

  test('metrics not a list', () => {
    expect(findings(result('task: {type: text-classification}\ndataset: {type: d, name: D}\nmetrics: {type: a, value: 1}'))).toEqual(['7:14 error card/metrics-not-list']);
  });

  const metric = (m: string) => result(`task: {type: text-classification}\ndataset: {type: d, name: D}\nmetrics:\n- ${m}`);

  test('a metric without type or value, or with an empty one', () => {
    expect(findings(metric('{value: 1}'))).toEqual(['8:7 error card/metric-missing-field']);
    expect(findings(metric('{type: acc}'))).toEqual(['8:7 error card/metric-missing-field']);
    expect(findings(metric('{type: acc, value: }'))).toEqual(['8:19 error card/metric-missing-field']);
    expect(findings(metric('{type: acc, value: ""}'))).toEqual(['8:26 error card/metric-missing-field']);
    expect(findings(metric('{type: "", value: 1}'))).toEqual(['8:14 error card/metric-missing-field']);
    expect(findings(metric('{type: ~, value: ~}'))).toEqual(['8:14 error card/metric-missing-field', '8:24 error card/metric-missing-field']);
    expect(findings(metric('just-a-string'))).toEqual(['8:7 error card/metric-missing-field']);
  });

  test('non-numeric metric values', () => {
    expect(findings(metric('{type: acc, value: NA}'))).toEqual(['8:26 warning card/non-numeric-metric']);
    expect(findings(metric('{type: acc, value: 67.6%}'))).toEqual(['8:26 warning card/non-numeric-metric']);
    expect(findings(metric('{type: acc, value: true}'))).toEqual(['8:26 warning card/non-numeric-metric']);
    expect(findings(metric('{type: acc, value: [1, 2]}'))).toEqual(['8:26 warning card/non-numeric-metric']);
    expect(findings(metric('{type: acc, value: .nan}'))).toEqual(['8:26 warning card/non-numeric-metric']);
    // Numbers, also written as quoted numbers or in exponent form, are fine.
    expect(findings(metric('{type: acc, value: "0.5"}'))).toEqual([]);
    expect(findings(metric('{type: acc, value: -1.5e-3}'))).toEqual([]);
    expect(findings(metric('{type: acc, value: 0}'))).toEqual([]);
  });

  test('a percentage gets a hint to drop the sign', () => {
    const f = first(metric('{type: acc, value: 67.6%}'), 'card/non-numeric-metric');
    expect(f.message).toBe('The value of model-index[0].results[0].metrics[0] is not a number: "67.6%".');
    expect(f.hint).toBe('Write the number without the percent sign (`value: 67.6`), and say it is a percentage in `name`.');
  });

  test('self-asserted verified: true', () => {
    expect(findings(metric('{type: acc, value: 1, verified: true}'))).toEqual(['8:39 warning card/self-verified']);
    expect(findings(metric('{type: acc, value: 1, verified: false}'))).toEqual([]);
    // A Hub-signed result carries its verifyToken.
    expect(findings(metric('{type: acc, value: 1, verified: true, verifyToken: eyJhbGciOi}'))).toEqual([]);
  });

  test('a source without url', () => {
    expect(findings(result('task: {type: text-classification}\ndataset: {type: d, name: D}\nmetrics: []\nsource: {name: paper}'))).toEqual(['8:13 error card/source-missing-url']);
    expect(findings(result('task: {type: text-classification}\ndataset: {type: d, name: D}\nmetrics: []\nsource: https://x.y'))).toEqual(['8:13 error card/source-missing-url']);
  });

  test('dataset.config that is not a string', () => {
    expect(findings(result('task: {type: text-classification}\ndataset: {type: d, name: D, config: 2020}\nmetrics: []'))).toEqual(['6:41 error card/dataset-config-not-string']);
    expect(first(result('task: {type: text-classification}\ndataset: {type: d, name: D, config: 2020}\nmetrics: []'), 'card/dataset-config-not-string').hint).toBe(
      'Quote it (`config: "2020"`): configuration names are strings.',
    );
  });

  test('task.type that is not a Hub task id, with a suggestion when close', () => {
    expect(findings(result('task: {type: Summarization}\ndataset: {type: d, name: D}\nmetrics: []'))).toEqual(['5:18 warning card/unknown-task-type']);
    expect(first(result('task: {type: Summarization}\ndataset: {type: d, name: D}\nmetrics: []'), 'card/unknown-task-type').hint).toBe(
      'Did you mean `summarization`? Task ids are lowercase and hyphenated.',
    );
    // Subtasks are task ids too.
    expect(findings(result('task: {type: named-entity-recognition}\ndataset: {type: d, name: D}\nmetrics: []'))).toEqual([]);
  });

  test('the legacy model_index key', () => {
    expect(findings('model_index:\n- name: m\n')).toEqual(['2:1 warning card/legacy-model-index']);
  });

  test('typos in model-index keys', () => {
    expect(findings(result('task: {tpye: text-classification}\ndataset: {type: d, name: D}\nmetrics: []'))).toEqual([
      '5:11 error card/result-missing-field',
      '5:12 warning card/unknown-key',
    ]);
  });
});

describe('top-level fields', () => {
  test('license: case-sensitive Hub ids', () => {
    expect(findings('license: mit\n')).toEqual([]);
    expect(findings('license: Apache-2.0\n')).toEqual(['2:10 error card/invalid-license']);
    const f = first('license: Apache-2.0\n', 'card/invalid-license');
    expect(f.message).toBe('License "Apache-2.0" is not a Hugging Face Hub license id.');
    expect(f.hint).toContain('Did you mean `apache-2.0`?');
    expect(first('license: apache2.0\n', 'card/invalid-license').hint).toContain('Did you mean `apache-2.0`?');
    expect(findings('license: [mit, apache-2.0]\n')).toEqual(['2:10 error card/invalid-license']);
    expect(findings('license:\n')).toEqual(['2:1 error card/invalid-license']);
  });

  test('license: other needs license_name', () => {
    expect(findings('license: other\n')).toEqual(['2:10 error card/license-name-missing']);
    expect(findings('license: other\nlicense_name: acme\nlicense_link: LICENSE\n')).toEqual([]);
  });

  test('non-string items in datasets, tags and metrics', () => {
    expect(findings('tags:\n- ok\n- 2023\n- [a]\n')).toEqual(['4:3 error card/non-string-item', '5:3 error card/non-string-item']);
    expect(findings('datasets: {squad: 1}\n')).toEqual(['2:11 error card/non-string-item']);
    expect(findings('metrics: 5\n')).toEqual(['2:10 error card/non-string-item']);
    expect(findings('datasets: squad\n')).toEqual([]);
    expect(first('tags:\n- 2023\n', 'card/non-string-item').hint).toBe('Quote it (`"2023"`) if it is meant as text; items must be tags.');
  });

  test('pipeline_tag', () => {
    expect(findings('pipeline_tag: text-generation\n')).toEqual([]);
    expect(findings('pipeline_tag: conversational\n')).toEqual(['2:15 warning card/unknown-pipeline-tag']);
    expect(first('pipeline_tag: text2text-generation\n', 'card/unknown-pipeline-tag').hint).toBe(
      '`text2text-generation` is no longer a pipeline tag on the Hub (it is now a subtask of `text-generation`): use `pipeline_tag: text-generation`.',
    );
    expect(first('pipeline_tag: text-generaton\n', 'card/unknown-pipeline-tag').hint).toBe('Did you mean `text-generation`?');
  });

  test('library_name', () => {
    expect(findings('library_name: transformers\n')).toEqual([]);
    expect(findings('library_name: Transformers\n')).toEqual(['2:15 warning card/unknown-library']);
    expect(first('library_name: Transformers\n', 'card/unknown-library').hint).toBe('Did you mean `transformers`?');
  });

  test('language codes: ISO 639-1/2/3, regions, multilingual', () => {
    expect(findings('language: [en, fra, yue, en-US, zh-Hant-TW, sr-Latn, multilingual]\n')).toEqual([]);
    expect(findings('language: english\n')).toEqual(['2:11 warning card/invalid-language']);
    expect(findings('language:\n- en\n- xx\n- 1\n')).toEqual(['4:3 warning card/invalid-language', '5:3 warning card/invalid-language']);
    expect(first('language: en_US\n', 'card/invalid-language').hint).toBe('Use a hyphen: `en-US`.');
    expect(first('language: EN\n', 'card/invalid-language').hint).toBe('Write language codes in lowercase: `en`.');
    expect(first('language: English\n', 'card/invalid-language').hint).toBe("Use the ISO 639 code `en`, not the language's name.");
    expect(first('language: klingon\n', 'card/invalid-language').hint).toBe("Use the ISO 639 code, not the language's name: codes such as `en`, `fr` or `zh`.");
  });

  test('typos of known keys; custom keys that are not close pass', () => {
    expect(findings('licence: mit\n')).toEqual(['2:1 warning card/unknown-key']);
    expect(first('licence: mit\n', 'card/unknown-key').hint).toBe('Did you mean `license`? The Hub keeps unknown keys but does not use them.');
    expect(findings('Tags: [a]\n')).toEqual(['2:1 warning card/unknown-key']);
    expect(findings('pipline_tag: text-generation\n')).toEqual(['2:1 warning card/unknown-key']);
    expect(findings('model_type: llama\nmodel_creator: Meta\nquantized_by: me\nprompt_template: x\nTask: Summarization\n')).toEqual([]);
    expect(findings('extra_gated_anything: x\nmodelgate: {model: m}\n')).toEqual([]);
  });
});

describe('YAML that other parsers read differently', () => {
  test('YAML 1.1 booleans, unquoted only, keys too', () => {
    expect(findings('on: push\nflag: yes\nq: "no"\nt: true\nlist: [Y, n, OFF, maybe]\n')).toEqual([
      '2:1 warning card/yaml11-boolean',
      '3:7 warning card/yaml11-boolean',
      '6:8 warning card/yaml11-boolean',
      '6:11 warning card/yaml11-boolean',
      '6:14 warning card/yaml11-boolean',
    ]);
    const f = first('flag: yes\n', 'card/yaml11-boolean');
    expect(f.message).toBe('Unquoted "yes" is the text "yes" here, but the boolean true to YAML 1.1 parsers such as PyYAML.');
  });

  test('tabs outside quoted text and comments: one finding per line', () => {
    expect(findings('tags: [a,\tb]\nname: "x\ty"\nk: v # a\tcomment\nz:\t1\t\n')).toEqual(['2:10 warning card/tab-indentation', '5:3 warning card/tab-indentation']);
  });
});

describe('unfilled template sections', () => {
  test('one finding per placeholder, at its line and column, in any case', () => {
    const body = '# Model\n\n## Uses\n\nMore information needed\n\n## Bias\n\nSee: [More Information Needed]\n\nMORE INFORMATION NEEDED.\n';
    expect(brief(check(card('license: mit', body)).findings)).toEqual([
      '8:1 warning card/unfilled-template',
      '12:6 warning card/unfilled-template',
      '14:1 warning card/unfilled-template',
    ]);
    expect(check(card('license: mit', body)).findings[1]!.message).toBe('Unfilled template placeholder "[More Information Needed]".');
  });

  test('not inside code blocks or HTML comments', () => {
    const body = '# Model\n\n```\nMore information needed\n```\n\n<!-- More information needed -->\n<!--\n[More Information Needed]\n-->\n~~~~\nmore information needed\n';
    expect(brief(check(card('license: mit', body)).findings)).toEqual([]);
  });

  test('not in the front matter', () => {
    expect(findings('license: mit\nnote: More information needed\n')).toEqual([]);
  });
});
