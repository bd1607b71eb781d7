import { readStringValue, numberValue, isNumberText } from './scalars.js';
import type { MetricCollector } from './flatten.js';
import type { Notes } from './notes.js';
import type { Locator } from './text.js';
import { child, scalarText, type Tree } from './tree.js';
import type { MetricValue } from './types.js';

/**
 * Metrics from model cards.
 *
 * Hugging Face `model-index`: each `results[].metrics[]` entry becomes the key
 * `<dataset>/<metric>`, where `<dataset>` is `dataset.name`, else `dataset.type`, and
 * `<metric>` is `metrics[].type`, else `metrics[].name`. When several entries share a key,
 * they get qualifiers from the fields that tell them apart, taken in this order until every key
 * is unique: `config` (`dataset.config`), `split` (`dataset.split`), `task` (`task.type`),
 * `task_name` (`task.name`), `metric_name` (`metrics[].name`), `model` (`model-index[].name`)
 * — e.g. `ai2_arc/acc#config=ARC-Challenge` or `accuracy#task_name=POS`. Entries still alike
 * after that are numbered in file order: `…#2`, `…#3`.
 *
 * Model Card Toolkit: each `quantitative_analysis.performance_metrics[]` entry becomes
 * `<type>`, or `<slice>/<type>` when it has a slice; alike entries are told apart by
 * `threshold`, then numbered.
 */

interface Candidate {
  base: string;
  qualifiers: [name: string, value: string | undefined][];
  value: Tree | undefined;
  offset: number;
}

export function isModelIndexCard(tree: Tree | null): boolean {
  return child(tree ?? undefined, 'model-index')?.kind === 'list';
}

export function isModelCardToolkitCard(tree: Tree | null): boolean {
  return child(tree ?? undefined, 'quantitative_analysis')?.kind === 'map' || (child(tree ?? undefined, 'model_details')?.kind === 'map' && child(tree ?? undefined, 'schema_version') !== undefined);
}

/** Reads `model-index` results; returns the first model's name. */
export function readModelIndex(tree: Tree, collector: MetricCollector, notes: Notes, locator: Locator): string | null {
  const models = child(tree, 'model-index');
  if (models?.kind !== 'list') return null;
  const candidates: Candidate[] = [];
  for (const model of models.items) {
    const modelName = scalarText(child(model, 'name'));
    const results = child(model, 'results');
    if (results?.kind !== 'list') continue;
    for (const result of results.items) {
      const dataset = child(result, 'dataset');
      const datasetName = nonEmpty(scalarText(child(dataset, 'name'))) ?? nonEmpty(scalarText(child(dataset, 'type')));
      const metrics = child(result, 'metrics');
      if (metrics?.kind !== 'list') continue;
      for (const metric of metrics.items) {
        const metricName = nonEmpty(scalarText(child(metric, 'type'))) ?? nonEmpty(scalarText(child(metric, 'name')));
        if (!metricName) {
          const at = locator.at(metric.offset);
          notes.add(at.line, at.column, 'metrics/unnamed-result', 'A model-index metric has neither `type` nor `name`; it is ignored.', 'Give it a `type`, e.g. accuracy.');
          continue;
        }
        candidates.push({
          base: datasetName ? `${datasetName}/${metricName}` : metricName,
          qualifiers: [
            ['config', nonEmpty(scalarText(child(dataset, 'config')))],
            ['split', nonEmpty(scalarText(child(dataset, 'split')))],
            ['task', nonEmpty(scalarText(child(child(result, 'task'), 'type')))],
            ['task_name', nonEmpty(scalarText(child(child(result, 'task'), 'name')))],
            ['metric_name', nonEmpty(scalarText(child(metric, 'name')))],
            ['model', nonEmpty(modelName)],
          ],
          value: child(metric, 'value'),
          offset: metric.offset,
        });
      }
    }
  }
  addCandidates(candidates, collector, notes, locator);
  const first = models.items[0];
  return nonEmpty(scalarText(child(first, 'name'))) ?? null;
}

/** Reads a Model Card Toolkit card's performance metrics; returns the model's name. */
export function readModelCardToolkit(tree: Tree, collector: MetricCollector, notes: Notes, locator: Locator): string | null {
  const metrics = child(child(tree, 'quantitative_analysis'), 'performance_metrics');
  const candidates: Candidate[] = [];
  if (metrics?.kind === 'list') {
    for (const metric of metrics.items) {
      const type = nonEmpty(scalarText(child(metric, 'type')));
      if (!type) {
        const at = locator.at(metric.offset);
        notes.add(at.line, at.column, 'metrics/unnamed-result', 'A performance metric has no `type`; it is ignored.', 'Give it a `type`, e.g. accuracy.');
        continue;
      }
      const slice = nonEmpty(scalarText(child(metric, 'slice')));
      candidates.push({
        base: slice ? `${slice}/${type}` : type,
        qualifiers: [['threshold', nonEmpty(scalarText(child(metric, 'threshold')))]],
        value: child(metric, 'value'),
        offset: metric.offset,
      });
    }
  }
  addCandidates(candidates, collector, notes, locator);
  return nonEmpty(scalarText(child(child(tree, 'model_details'), 'name'))) ?? null;
}

function addCandidates(candidates: Candidate[], collector: MetricCollector, notes: Notes, locator: Locator): void {
  const groups = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const group = groups.get(c.base);
    if (group) group.push(c);
    else groups.set(c.base, [c]);
  }
  const keys = new Map<Candidate, string>();
  for (const [base, group] of groups) {
    if (group.length === 1) {
      keys.set(group[0]!, base);
      continue;
    }
    // Take qualifiers that differ within the group, in order, until the keys are unique.
    const used: number[] = [];
    const keyOf = (c: Candidate) => {
      const parts = used.flatMap((i) => {
        const [name, v] = c.qualifiers[i]!;
        return v === undefined ? [] : [`${name}=${v}`];
      });
      return parts.length ? `${base}#${parts.join(',')}` : base;
    };
    for (let i = 0; i < group[0]!.qualifiers.length; i++) {
      if (new Set(group.map(keyOf)).size === group.length) break;
      if (new Set(group.map((c) => c.qualifiers[i]![1] ?? '')).size > 1) used.push(i);
    }
    const seen = new Map<string, number>();
    for (const c of group) {
      let key = keyOf(c);
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      if (n > 1) key = `${key}#${n}`;
      keys.set(c, key);
    }
  }
  for (const c of candidates) {
    const key = keys.get(c)!;
    const value = cardValue(key, c, notes, locator);
    if (value === null) continue;
    collector.add(key, value, c.value?.offset ?? c.offset);
  }
}

/** Card values: numbers, or numbers written as strings (common in cards, and MCT's format). */
function cardValue(key: string, c: Candidate, notes: Notes, locator: Locator): MetricValue | null {
  const v = c.value;
  if (v === undefined || v.kind === 'null') {
    const at = locator.at(v?.offset ?? c.offset);
    notes.add(at.line, at.column, 'metrics/missing-value', `\`${key}\` has no value.`, 'Fill in `value` or remove the entry.');
    return { kind: 'invalid', raw: 'null' };
  }
  switch (v.kind) {
    case 'number':
      return numberValue(v.value);
    case 'string': {
      if (isNumberText(v.value)) return numberValue(Number(v.value.trim()));
      const reading = readStringValue(v.value);
      if (reading.why === 'percent' && reading.value.kind === 'number') {
        const at = locator.at(v.offset);
        notes.add(at.line, at.column, 'metrics/percent', `\`${key}\`: the percent string ${JSON.stringify(v.value)} is read as the fraction ${reading.value.value}.`, 'Write plain numbers to keep units unambiguous.');
      }
      return reading.value;
    }
    case 'bool':
      return { kind: 'text', value: String(v.value) };
    default: {
      const at = locator.at(v.offset);
      notes.add(at.line, at.column, 'metrics/ignored-value', `\`${key}\`: the value is a ${v.kind === 'list' ? 'list' : 'mapping'}, not a number; it is ignored.`);
      return null;
    }
  }
}

function nonEmpty(text: string | undefined): string | undefined {
  const t = text?.trim();
  return t ? t : undefined;
}
