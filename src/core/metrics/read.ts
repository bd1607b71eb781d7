import { isModelCardToolkitCard, isModelIndexCard, readModelCardToolkit, readModelIndex } from './cards.js';
import { cellOffsets, parseCsv, sniffDelimiter } from './csv.js';
import { flattenTree, MAX_METRICS, MetricCollector, TooManyMetricsError } from './flatten.js';
import { parseJsonTree, streamJsonMetrics } from './json.js';
import { Notes } from './notes.js';
import { readCellValue } from './scalars.js';
import { decodeText, fail, Locator, MAX_METRICS_BYTES } from './text.js';
import type { Tree } from './tree.js';
import type { MetricSet, MetricsFormat, ReadResult } from './types.js';
import { parseYamlTree } from './yaml.js';

export interface ReadMetricsOptions {
  /** Override detection (from the file name, then the content). */
  format?: 'json' | 'yaml' | 'csv' | 'tsv' | 'markdown';
}

type Syntax = 'json' | 'yaml' | 'csv' | 'tsv' | 'markdown';

const NAME_HEADERS = new Set(['metric', 'metrics', 'name', 'key', 'metric_name']);
const VALUE_HEADERS = new Set(['value', 'score', 'result', 'metric_value']);

/**
 * Reads a metrics file: JSON or YAML (nested maps flattened to dotted keys), CSV/TSV (either
 * `metric,value` rows under a header, or a header row of names over one row of values), or a
 * model card (Markdown front matter, YAML or JSON) with `model-index` results, or a Model
 * Card Toolkit JSON card. Never throws: unreadable input is an error with a position.
 */
export function readMetrics(file: string, content: Uint8Array | string, options: ReadMetricsOptions = {}): ReadResult<MetricSet> {
  const decoded = decodeText(file, content, MAX_METRICS_BYTES);
  if (!decoded.ok) return decoded;
  const text = decoded.value;
  if (text.trim() === '') return fail(file, 1, 1, 'The file is empty.', 'Write the metrics as JSON, YAML or CSV.');
  const syntax = options.format ?? detectSyntax(file, text);
  try {
    switch (syntax) {
      case 'csv':
      case 'tsv':
        return readCsvMetrics(file, text, syntax);
      case 'markdown':
        return readMarkdownCard(file, text);
      default:
        return readTreeMetrics(file, text, syntax, 0);
    }
  } catch (e) {
    if (e instanceof TooManyMetricsError) {
      const at = new Locator(text).at(e.offset);
      return fail(file, at.line, at.column, e.message, `Keep it under ${MAX_METRICS.toLocaleString('en-US')}; per-example values belong in a predictions file.`);
    }
    throw e;
  }
}

function detectSyntax(file: string, text: string): Syntax {
  const ext = /\.([a-z0-9]+)$/i.exec(file)?.[1]?.toLowerCase();
  switch (ext) {
    case 'json':
      return 'json';
    case 'yaml':
    case 'yml':
      return 'yaml';
    case 'csv':
      return 'csv';
    case 'tsv':
    case 'tab':
      return 'tsv';
    case 'md':
    case 'markdown':
      return 'markdown';
  }
  const start = text.trimStart();
  // Front matter is `---` … `---` (or `...`) with more after it; a lone `---` starts a YAML document.
  if (/^---[ \t]*\r?\n/.test(text) && /\n(?:---|\.\.\.)[ \t]*\r?(?:\n|$)/.test(text)) return 'markdown';
  if (start.startsWith('{') || start.startsWith('[')) return 'json';
  const firstLine = start.split('\n', 1)[0]!;
  if (!firstLine.includes(':') && (firstLine.includes(',') || firstLine.includes('\t'))) return sniffDelimiter(start) === '\t' ? 'tsv' : 'csv';
  return 'yaml';
}

function readTreeMetrics(file: string, text: string, syntax: 'json' | 'yaml', lineOffset: number, cardOnly = false): ReadResult<MetricSet> {
  const locator = new Locator(text, lineOffset);
  if (syntax === 'json' && !cardOnly) {
    // The usual file, a JSON object of metrics, is read in one pass; anything else (a card,
    // an error to report) is read the general way, from the tree.
    const notes = new Notes();
    const collector = new MetricCollector(locator, notes, { scoped: true });
    if (streamJsonMetrics(text, collector, notes, locator) === 'metrics') {
      return { ok: true, value: { file, format: 'json', metrics: collector.metrics, notes: notes.done(), model: null } };
    }
  }
  let tree: Tree | null;
  if (syntax === 'json') {
    const parsed = parseJsonTree(text);
    if (!parsed.ok) {
      const at = locator.at(parsed.offset);
      return fail(file, at.line, at.column, `Invalid JSON: ${parsed.message}`);
    }
    tree = parsed.tree;
  } else {
    const parsed = parseYamlTree(text);
    if (!parsed.ok) {
      const at = locator.at(parsed.offset);
      return fail(file, at.line, at.column, `Invalid YAML: ${parsed.message}`);
    }
    tree = parsed.tree;
  }
  const start = locator.at(0);
  if (tree === null) return fail(file, start.line, start.column, 'The document is empty.', 'Write the metrics as `name: value` pairs.');
  if (tree.kind !== 'map') {
    const at = locator.at(tree.offset);
    const found = tree.kind === 'list' ? 'a list' : 'a single value';
    return fail(file, at.line, at.column, `Expected an object of metrics (name: value) at the top level, found ${found}.`, 'Write e.g. {"accuracy": 0.91, "loss": 0.23}.');
  }
  const notes = new Notes();
  const collector = new MetricCollector(locator, notes);
  let format: MetricsFormat;
  let model: string | null = null;
  if (isModelIndexCard(tree)) {
    format = 'model-index';
    model = readModelIndex(tree, collector, notes, locator);
  } else if (syntax === 'json' && isModelCardToolkitCard(tree)) {
    format = 'mct';
    model = readModelCardToolkit(tree, collector, notes, locator);
  } else if (cardOnly) {
    return fail(file, start.line, start.column, 'The front matter has no `model-index` results to compare.', 'Add `model-index` results to the card, or give a JSON, YAML or CSV metrics file.');
  } else {
    format = syntax;
    flattenTree(tree, collector, notes, locator);
  }
  return { ok: true, value: { file, format, metrics: collector.metrics, notes: notes.done(), model } };
}

function readMarkdownCard(file: string, text: string): ReadResult<MetricSet> {
  const open = /^---[ \t]*\r?\n/.exec(text);
  if (!open) {
    return fail(file, 1, 1, 'The Markdown file has no YAML front matter (a first line of `---`).', 'A model card keeps its metrics in `model-index` in the front matter.');
  }
  const close = /^(?:---|\.\.\.)[ \t]*\r?$/m;
  const rest = text.slice(open[0].length);
  const end = close.exec(rest);
  if (!end) return fail(file, 1, 1, 'The front matter is never closed (no second `---` line).', 'End the front matter with a line of `---`.');
  return readTreeMetrics(file, rest.slice(0, end.index), 'yaml', 1, true);
}

function readCsvMetrics(file: string, text: string, syntax: 'csv' | 'tsv'): ReadResult<MetricSet> {
  const delimiter = syntax === 'tsv' ? '\t' : ',';
  const locator = new Locator(text);
  const parsed = parseCsv(text, delimiter, { maxRows: MAX_METRICS + 1, maxColumns: MAX_METRICS });
  if (!parsed.ok) {
    const at = locator.at(parsed.offset);
    return fail(file, at.line, at.column, `Invalid ${syntax.toUpperCase()}: ${parsed.message}`);
  }
  const { rows, offsets } = parsed.table;
  const notes = new Notes();
  const collector = new MetricCollector(locator, notes);
  const header = rows[0]!.map((h) => h.trim());
  const lowered = header.map((h) => h.toLowerCase());
  const nameCol = lowered.findIndex((h) => NAME_HEADERS.has(h));
  const valueCol = lowered.findIndex((h) => VALUE_HEADERS.has(h));
  const headerless = rows.every((r) => r.length === 2) && readCellValue(rows[0]![1]!)?.value.kind === 'number';

  const add = (key: string, cell: string, offset: number) => {
    const reading = readCellValue(cell);
    const at = locator.at(offset);
    if (key === '') {
      notes.add(at.line, at.column, 'metrics/unnamed-value', 'A value has no metric name; it is ignored.');
      return;
    }
    if (reading === null) {
      notes.add(at.line, at.column, 'metrics/empty-value', `\`${key}\` has an empty value; it is ignored.`);
      return;
    }
    if (reading.why === 'percent' && reading.value.kind === 'number') {
      notes.add(at.line, at.column, 'metrics/percent', `\`${key}\`: the percent string ${JSON.stringify(cell.trim())} is read as the fraction ${reading.value.value}.`, 'Write plain numbers to keep units unambiguous.');
    }
    collector.add(key, reading.value, offset);
  };
  const checkWidth = (row: number, width: number): ReadResult<MetricSet> | null => {
    if (rows[row]!.length === width) return null;
    const at = locator.at(offsets[row]!);
    return fail(file, at.line, at.column, `This row has ${rows[row]!.length} columns but the ${headerless ? 'first row' : 'header'} has ${width}.`, 'Quote values that contain the delimiter.');
  };

  if ((nameCol !== -1 && valueCol !== -1 && nameCol !== valueCol) || headerless) {
    // Long shape: one metric per row.
    const [n, v] = headerless ? [0, 1] : [nameCol, valueCol];
    if (!headerless && header.length > 2) {
      const ignored = header.filter((_, i) => i !== n && i !== v);
      notes.add(1, 1, 'metrics/ignored-column', `Columns other than \`${header[n]}\` and \`${header[v]}\` are ignored: ${ignored.map((h) => `\`${h}\``).join(', ')}.`);
    }
    for (let r = headerless ? 0 : 1; r < rows.length; r++) {
      const bad = checkWidth(r, header.length);
      if (bad) return bad;
      add(rows[r]![n]!.trim(), rows[r]![v]!, cellOffsets(text, offsets[r]!, delimiter)[v]!);
    }
  } else if (rows.length === 2) {
    // Wide shape: a header of names over one row of values.
    const bad = checkWidth(1, header.length);
    if (bad) return bad;
    const cells = cellOffsets(text, offsets[1]!, delimiter);
    for (let c = 0; c < header.length; c++) add(header[c]!, rows[1]![c]!, cells[c]!);
  } else {
    const at = locator.at(offsets[rows.length === 1 ? 0 : 2]!);
    return fail(
      file,
      at.line,
      at.column,
      rows.length === 1
        ? 'The file has a header row but no values.'
        : `Cannot tell the layout: ${rows.length} rows, and no \`metric\` and \`value\` columns in the header.`,
      'Write either rows of `metric,value` under that header, or one header row of metric names and one row of values.',
    );
  }
  return { ok: true, value: { file, format: syntax, metrics: collector.metrics, notes: notes.done(), model: null } };
}
