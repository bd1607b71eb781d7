import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import {
  asMap,
  asScalar,
  asSeq,
  at,
  checkKeys,
  deref,
  keyOf,
  nearMiss,
  pairOf,
  scalarValue,
  stringValue,
  closestKnown,
  valueAt,
  type Ctx,
} from './ast.js';
import {
  DATASET_KEYS,
  ENTRY_KEYS,
  GATED_PREFIX,
  LEGACY_MODEL_INDEX,
  METRIC_KEYS,
  RESULT_KEYS,
  SOURCE_KEYS,
  TASK_KEYS,
  TOP_LEVEL_KEYS,
} from './data/hf-keys.js';
import { LIBRARY_NAMES, PIPELINE_TAGS, SUBTASK_PARENT, TASK_IDS } from './data/hub-metadata.js';
import { LANGUAGE_CODES, LANGUAGE_NAMES } from './data/languages.js';
import { HF_LICENSE_IDS, HF_LICENSE_SET } from './data/licenses.js';
import { finding } from './finding.js';
import { quote, show } from './quote.js';

const LICENSES_URL = 'https://huggingface.co/docs/hub/repositories-licenses';

/**
 * Checks Hugging Face model card metadata (a mapping) the way the Hub validates it on push and
 * huggingface_hub reads it — stricter where a card that passes the Hub still breaks later
 * (non-numeric metric values, self-asserted verification, YAML that other parsers read otherwise).
 */
export function checkHfMetadata(root: YAMLMap, ctx: Ctx): void {
  let license: Pair | undefined;
  for (const pair of root.items) {
    const key = keyOf(pair);
    if (key === null) continue;
    switch (key) {
      case 'language':
        checkLanguage(pair, ctx);
        break;
      case 'license':
        license ??= pair;
        checkLicense(pair, ctx);
        break;
      case 'library_name':
        checkLibrary(pair, ctx);
        break;
      case 'tags':
      case 'datasets':
      case 'metrics':
        checkStringList(key, pair, ctx);
        break;
      case 'pipeline_tag':
        checkPipelineTag(pair, ctx);
        break;
      case 'model-index':
        checkModelIndex(pair, ctx);
        break;
      case LEGACY_MODEL_INDEX:
        ctx.findings.push(
          finding(
            'card/legacy-model-index',
            at(pair.key, ctx),
            'The key `model_index` is the legacy spelling; the Hub ignores it.',
            'Rename it to `model-index` (with a hyphen) so the Hub shows these evaluation results.',
          ),
        );
        break;
      default:
        if (TOP_LEVEL_KEYS.has(key) || key.startsWith(GATED_PREFIX)) break;
        checkUnknownTopLevel(key, pair, ctx);
    }
  }
  if (license && scalarValue(license.value, ctx) === 'other' && stringValue(pairOf(root, 'license_name')?.value, ctx) === null) {
    ctx.findings.push(
      finding(
        'card/license-name-missing',
        valueAt(license, ctx),
        '`license: other` needs a `license_name`.',
        'Add `license_name:` (a short id for the license, e.g. my-company-license) and `license_link:` (where to read it).',
      ),
    );
  }
}

function checkUnknownTopLevel(key: string, pair: Pair, ctx: Ctx): void {
  const suggestion = nearMiss(key, TOP_LEVEL_KEYS);
  if (!suggestion) return;
  ctx.findings.push(
    finding(
      'card/unknown-key',
      at(pair.key, ctx),
      `Unknown key ${quote(key)} in the metadata.`,
      `Did you mean \`${suggestion}\`? The Hub keeps unknown keys but does not use them.`,
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// language

const LANGUAGE_TAG = /^([A-Za-z]{2,3})((?:-[A-Za-z0-9]{1,8})*)$/;

function checkLanguage(pair: Pair, ctx: Ctx): void {
  const value = deref(pair.value, ctx);
  const seq = asSeq(value, ctx);
  if (seq) {
    for (const item of seq.items) checkLanguageCode(item, ctx);
  } else if (isScalar(value) && value.value === null) {
    // `language:` left empty: nothing claimed, nothing wrong.
  } else {
    checkLanguageCode(pair.value, ctx);
  }
}

function checkLanguageCode(node: unknown, ctx: Ctx): void {
  const value = scalarValue(node, ctx);
  if (typeof value === 'string' && isLanguageCode(value)) return;
  const where = at(node, ctx);
  if (ctx.findings.skip('card/invalid-language', where)) return;
  let hint = 'Use ISO 639 codes such as `en`, `fr` or `zh`, optionally with a region (`en-US`), or `multilingual`.';
  if (typeof value === 'string') {
    if (value.includes('_') && isLanguageCode(value.replace(/_/g, '-'))) hint = `Use a hyphen: \`${value.replace(/_/g, '-')}\`.`;
    else if (/[,;\s]/.test(value.trim())) hint = 'List each language as its own item, e.g. `language: [en, fr]`.';
    else if (LANGUAGE_NAMES.has(value.toLowerCase())) hint = `Use the ISO 639 code \`${LANGUAGE_NAMES.get(value.toLowerCase())}\`, not the language's name.`;
    else if (value.length > 3 && /^[A-Za-z]+$/.test(value)) hint = `Use the ISO 639 code, not the language's name: codes such as \`en\`, \`fr\` or \`zh\`.`;
    else if (isLanguageCode(value.toLowerCase())) hint = `Write language codes in lowercase: \`${value.toLowerCase()}\`.`;
  }
  ctx.findings.push(finding('card/invalid-language', where, `Language ${show(value)} is not an ISO 639 language code.`, hint));
}

function isLanguageCode(value: string): boolean {
  if (value === 'multilingual') return true;
  const m = LANGUAGE_TAG.exec(value);
  return m !== null && LANGUAGE_CODES.has(m[1]!);
}

// ---------------------------------------------------------------------------------------------
// license, library_name, lists of ids, pipeline_tag

function checkLicense(pair: Pair, ctx: Ctx): void {
  const value = scalarValue(pair.value, ctx);
  if (typeof value === 'string' && HF_LICENSE_SET.has(value)) return;
  if (value === null) {
    ctx.findings.push(finding('card/invalid-license', valueAt(pair, ctx), '`license` is empty.', `Set it to one of the Hub's license ids (${LICENSES_URL}), or remove it.`));
    return;
  }
  const where = valueAt(pair, ctx);
  if (ctx.findings.skip('card/invalid-license', where)) return;
  let hint = `Use one of the Hub's license ids (${LICENSES_URL}), or \`license: other\` with \`license_name\` and \`license_link\`.`;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    const exact = HF_LICENSE_IDS.find((id) => id === lower);
    const close = exact ?? closestKnown(value, HF_LICENSE_IDS);
    if (close) hint = `Did you mean \`${close}\`? License ids are lowercase and case-sensitive (${LICENSES_URL}).`;
  } else if (value === undefined) {
    hint = `\`license\` takes a single license id. ${hint}`;
  }
  ctx.findings.push(finding('card/invalid-license', where, `License ${show(value)} is not a Hugging Face Hub license id.`, hint));
}

function checkLibrary(pair: Pair, ctx: Ctx): void {
  const value = scalarValue(pair.value, ctx);
  if (typeof value === 'string' && LIBRARY_NAMES.has(value)) return;
  const where = valueAt(pair, ctx);
  if (ctx.findings.skip('card/unknown-library', where)) return;
  const suggestion = typeof value === 'string' ? closestKnown(value, LIBRARY_NAMES) : undefined;
  ctx.findings.push(
    finding(
      'card/unknown-library',
      where,
      `Library ${show(value)} is not a library the Hugging Face Hub knows.`,
      suggestion
        ? `Did you mean \`${suggestion}\`?`
        : 'Use a library id the Hub knows (transformers, diffusers, sentence-transformers, peft, …), or remove `library_name`.',
    ),
  );
}

const LIST_HINTS: Record<string, string> = {
  datasets: 'Hub dataset ids',
  tags: 'tags',
  metrics: 'metric ids',
};

/** `datasets`, `tags` and `metrics`: a list of strings (a single string is accepted as a list of one). */
function checkStringList(key: string, pair: Pair, ctx: Ctx): void {
  const value = deref(pair.value, ctx);
  if (isScalar(value) && (typeof value.value === 'string' || value.value === null)) return;
  const seq = asSeq(value, ctx);
  if (!seq) {
    ctx.findings.push(
      finding(
        'card/non-string-item',
        valueAt(pair, ctx),
        `\`${key}\` must be a list of strings, not ${describe(value, ctx)}.`,
        `Write \`${key}\` as a list of ${LIST_HINTS[key]}, one \`- item\` per line.`,
      ),
    );
    return;
  }
  seq.items.forEach((item, i) => {
    const v = scalarValue(item, ctx);
    if (typeof v === 'string') return;
    const where = at(item, ctx, (item as Node | null)?.range ? undefined : valueAt(pair, ctx));
    if (ctx.findings.skip('card/non-string-item', where)) return;
    ctx.findings.push(
      finding(
        'card/non-string-item',
        where,
        `\`${key}[${i}]\` is ${describe(item, ctx)}, not a string.`,
        isMap(deref(item, ctx))
          ? `Each item must be a plain string (one of the ${LIST_HINTS[key]}); a \`name: value\` item is a mapping.`
          : v === null
            ? 'Remove the empty item, or fill it in.'
            : `Quote it (\`"${String(v)}"\`) if it is meant as text; items must be ${LIST_HINTS[key]}.`,
      ),
    );
  });
}

function checkPipelineTag(pair: Pair, ctx: Ctx): void {
  const value = scalarValue(pair.value, ctx);
  if (typeof value === 'string' && PIPELINE_TAGS.has(value)) return;
  const where = valueAt(pair, ctx);
  if (ctx.findings.skip('card/unknown-pipeline-tag', where)) return;
  let hint = 'Use one of the Hub\'s tasks (https://huggingface.co/tasks), e.g. `text-generation` or `text-classification`.';
  if (typeof value === 'string') {
    const parent = SUBTASK_PARENT.get(value);
    const close = closestKnown(value, PIPELINE_TAGS);
    if (parent) hint = `\`${value}\` is no longer a pipeline tag on the Hub (it is now a subtask of \`${parent}\`): use \`pipeline_tag: ${parent}\`.`;
    else if (close) hint = `Did you mean \`${close}\`?`;
  }
  ctx.findings.push(finding('card/unknown-pipeline-tag', where, `Pipeline tag ${show(value)} is not a Hugging Face Hub task.`, hint));
}

// ---------------------------------------------------------------------------------------------
// model-index

function checkModelIndex(pair: Pair, ctx: Ctx): void {
  const seq = asSeq(pair.value, ctx);
  if (!seq) {
    const value = deref(pair.value, ctx);
    ctx.findings.push(
      finding(
        'card/model-index-not-list',
        valueAt(pair, ctx),
        `\`model-index\` must be a list, not ${isMap(value) ? 'a mapping' : show(scalarValue(value, ctx))}.`,
        'Start each entry with `- name:` — `model-index` is a list of models, each with `name` and `results`.',
      ),
    );
    return;
  }
  seq.items.forEach((item, i) => checkEntry(item, `model-index[${i}]`, ctx));
}

function checkEntry(node: unknown, path: string, ctx: Ctx): void {
  const entry = asMap(node, ctx);
  if (!entry) {
    ctx.findings.push(
      finding('card/model-index-missing-field', at(node, ctx), `${path} must be a mapping with \`name\` and \`results\`.`, ENTRY_HINT),
    );
    return;
  }
  checkKeys(entry, ENTRY_KEYS, path, ctx);
  const name = pairOf(entry, 'name');
  if (!name || stringValue(name.value, ctx) === null) {
    ctx.findings.push(
      finding(
        'card/model-index-missing-field',
        name ? valueAt(name, ctx) : at(entry, ctx),
        `${path} has no \`name\`${name ? ' (it is empty or not a string)' : ''}.`,
        'Give the entry `name:` — the model\'s name, usually its repository id.',
      ),
    );
  }
  const results = pairOf(entry, 'results');
  if (!results) {
    ctx.findings.push(finding('card/model-index-missing-field', at(entry, ctx), `${path} has no \`results\`.`, ENTRY_HINT));
    return;
  }
  const list = asSeq(results.value, ctx);
  if (!list) {
    ctx.findings.push(
      finding(
        'card/model-index-missing-field',
        valueAt(results, ctx),
        `${path}.results must be a list of results, not ${describe(results.value, ctx)}.`,
        'Start each result with `- task:`; write `results: []` if there are none yet.',
      ),
    );
    return;
  }
  if (list.items.length === 0) {
    ctx.findings.push(
      finding(
        'card/empty-results',
        valueAt(results, ctx),
        `${path} has no results.`,
        'Add the evaluation results (task, dataset, metrics), or remove the `model-index` entry.',
      ),
    );
  }
  list.items.forEach((item, i) => checkResult(item, `${path}.results[${i}]`, ctx));
}

const ENTRY_HINT = 'Each `model-index` entry needs `name:` and `results:` (a list of task/dataset/metrics results).';
const RESULT_HINT = 'A result needs `task: {type}`, `dataset: {type, name}` and `metrics: [{type, value}]`.';

function checkResult(node: unknown, path: string, ctx: Ctx): void {
  const result = asMap(node, ctx);
  if (!result) {
    ctx.findings.push(
      finding('card/result-missing-field', at(node, ctx), `${path} must be a mapping with \`task\`, \`dataset\` and \`metrics\`, not ${describe(node, ctx)}.`, RESULT_HINT),
    );
    return;
  }
  checkKeys(result, RESULT_KEYS, path, ctx);
  const missing = (what: string, where = at(result, ctx), detail = 'has no'): void => {
    ctx.findings.push(finding('card/result-missing-field', where, `${path} ${detail} ${what}.`, RESULT_HINT));
  };

  const task = pairOf(result, 'task');
  const taskMap = task ? asMap(task.value, ctx) : null;
  if (!task) missing('`task` (with `type`)');
  else if (!taskMap) missing('`task` mapping', valueAt(task, ctx), 'has no');
  else {
    checkKeys(taskMap, TASK_KEYS, `${path}.task`, ctx);
    const type = pairOf(taskMap, 'type');
    const value = type ? stringValue(type.value, ctx) : null;
    if (value === null) missing('`task.type`', type ? valueAt(type, ctx) : at(taskMap, ctx));
    else if (!TASK_IDS.has(value) && !ctx.findings.skip('card/unknown-task-type', valueAt(type!, ctx))) {
      const close = closestKnown(value, TASK_IDS);
      ctx.findings.push(
        finding(
          'card/unknown-task-type',
          valueAt(type!, ctx),
          `Task type ${quote(value)} in ${path} is not a Hugging Face Hub task id.`,
          close
            ? `Did you mean \`${close}\`? Task ids are lowercase and hyphenated.`
            : 'Use a Hub task id (https://huggingface.co/tasks) such as `text-classification`; put a display name in `task.name`.',
        ),
      );
    }
  }

  const dataset = pairOf(result, 'dataset');
  const datasetMap = dataset ? asMap(dataset.value, ctx) : null;
  if (!dataset) missing('`dataset` (with `type` and `name`)');
  else if (!datasetMap) missing('`dataset` mapping', valueAt(dataset, ctx));
  else {
    checkKeys(datasetMap, DATASET_KEYS, `${path}.dataset`, ctx);
    for (const field of ['type', 'name'] as const) {
      const p = pairOf(datasetMap, field);
      if (!p || stringValue(p.value, ctx) === null) missing(`\`dataset.${field}\``, p ? valueAt(p, ctx) : at(datasetMap, ctx));
    }
    const config = pairOf(datasetMap, 'config');
    if (config && typeof scalarValue(config.value, ctx) !== 'string') {
      const v = scalarValue(config.value, ctx);
      ctx.findings.push(
        finding(
          'card/dataset-config-not-string',
          valueAt(config, ctx),
          `\`dataset.config\` in ${path} is ${v === undefined ? describe(config.value, ctx) : show(v)}, not a string.`,
          v === null || v === undefined
            ? 'Set it to the dataset configuration\'s name, or remove it.'
            : `Quote it (\`config: "${String(v)}"\`): configuration names are strings.`,
        ),
      );
    }
  }

  const metrics = pairOf(result, 'metrics');
  if (!metrics) missing('`metrics`');
  else {
    const list = asSeq(metrics.value, ctx);
    if (!list) {
      ctx.findings.push(
        finding(
          'card/metrics-not-list',
          valueAt(metrics, ctx),
          `${path}.metrics must be a list, not ${describe(metrics.value, ctx)}.`,
          'Start each metric with `- type:`, e.g. `metrics: [{type: accuracy, value: 0.91}]`.',
        ),
      );
    } else {
      list.items.forEach((item, i) => checkMetric(item, `${path}.metrics[${i}]`, ctx));
    }
  }

  const source = pairOf(result, 'source');
  if (source) {
    const sourceMap = asMap(source.value, ctx);
    if (sourceMap) checkKeys(sourceMap, SOURCE_KEYS, `${path}.source`, ctx);
    const url = sourceMap ? pairOf(sourceMap, 'url') : undefined;
    if (!sourceMap || !url || stringValue(url.value, ctx) === null) {
      ctx.findings.push(
        finding(
          'card/source-missing-url',
          url ? valueAt(url, ctx) : valueAt(source, ctx),
          `${path}.source has no \`url\`.`,
          'Give the source a `url:` where the results can be checked (and optionally a `name:`), or remove `source`.',
        ),
      );
    }
  }
}

function checkMetric(node: unknown, path: string, ctx: Ctx): void {
  const metric = asMap(node, ctx);
  const hint = 'A metric needs `type:` (a metric id such as accuracy) and `value:` (a number).';
  if (!metric) {
    ctx.findings.push(finding('card/metric-missing-field', at(node, ctx), `${path} must be a mapping with \`type\` and \`value\`, not ${describe(node, ctx)}.`, hint));
    return;
  }
  checkKeys(metric, METRIC_KEYS, path, ctx);
  const type = pairOf(metric, 'type');
  if (!type || stringValue(type.value, ctx) === null) {
    ctx.findings.push(
      finding('card/metric-missing-field', type ? valueAt(type, ctx) : at(metric, ctx), `${path} has no \`type\`${type ? ' (it is empty or not a string)' : ''}.`, hint),
    );
  }
  const value = pairOf(metric, 'value');
  const v = value ? deref(value.value, ctx) : undefined;
  const raw = value ? scalarValue(v, ctx) : undefined;
  if (!value || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    ctx.findings.push(finding('card/metric-missing-field', value ? valueAt(value, ctx) : at(metric, ctx), `${path} has no \`value\`${value ? ' (it is empty)' : ''}.`, hint));
  } else if (!isNumeric(raw)) {
    ctx.findings.push(
      finding(
        'card/non-numeric-metric',
        valueAt(value, ctx),
        `The value of ${path} is not a number: ${raw === undefined ? describe(v, ctx) : show(raw)}.`,
        typeof raw === 'string' && /^\s*-?[\d.]+\s*%\s*$/.test(raw)
          ? `Write the number without the percent sign (\`value: ${raw.replace(/[\s%]/g, '')}\`), and say it is a percentage in \`name\`.`
          : 'Write a number (e.g. `value: 0.87`); leave the metric out if there is no result yet.',
      ),
    );
  }
  const verified = pairOf(metric, 'verified');
  if (verified && scalarValue(verified.value, ctx) === true && stringValue(pairOf(metric, 'verifyToken')?.value, ctx) === null) {
    ctx.findings.push(
      finding(
        'card/self-verified',
        valueAt(verified, ctx),
        `${path} claims \`verified: true\`, but only the Hub's own evaluation can verify a result.`,
        'Remove `verified: true` (or set it to false): self-reported results are not verified.',
      ),
    );
  }
}

/** Numbers, and strings that are exactly a number (some tools quote values); NaN and infinities are not results. */
function isNumeric(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  // Unambiguous alternatives: no backtracking blow-up on a long run of digits.
  if (typeof value === 'string' && /^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$/.test(value)) return true;
  return false;
}

function describe(node: unknown, ctx: Ctx): string {
  const n = deref(node, ctx);
  if (isMap(n)) return 'a mapping';
  if (isSeq(n)) return 'a list';
  const s = asScalar(n, ctx);
  return show(s ? s.value : null);
}
