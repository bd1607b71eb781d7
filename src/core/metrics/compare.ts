import type { MetricRule } from '../config/schema.js';
import type { BootstrapOptions } from './bootstrap.js';
import { compileRules, goalFor, type Goal, type SegmentGoals } from './direction.js';
import { formatNumber } from './format-number.js';
import { evaluateGate, type GateResult } from './gates.js';
import type { PredictionSet } from './predictions.js';
import { notComputed, pairedSignificance, type Significance } from './significance.js';
import { formatNote, type MetricSet, type MetricValue } from './types.js';

export type Status = 'improved' | 'regressed' | 'unchanged' | 'changed' | 'added' | 'removed' | 'invalid';

/**
 * Values closer than this, relative to the larger magnitude, are equal: binary floating-point
 * noise (0.1 + 0.2 vs 0.3), not a change. A rule's `tolerance` widens it.
 */
export const RELATIVE_NOISE = 1e-9;

export interface DiffRow {
  metric: string;
  base: MetricValue | null;
  head: MetricValue | null;
  /** head − base, when both are numbers. */
  delta: number | null;
  /** delta / |base|; null when base is 0 (or either is not a number). */
  relativeDelta: number | null;
  status: Status;
  goal: Goal | null;
  /** Where the goal came from: the config rule, the built-in name defaults, or nowhere. */
  goalSource: 'rule' | 'default' | null;
  /** Index of the most specific config rule that matches, or null. */
  rule: number | null;
  /** Every matching config rule, highest precedence first: each property comes from the first of them that sets it. */
  rules: readonly number[];
  gate: GateResult;
  reason: string;
  /** Bootstrap interval of the head − base difference of the per-example mean. */
  ci: [number, number] | null;
  /** Whether `ci` excludes 0; null when no interval was computed. */
  significant: boolean | null;
  /** Something about this row people should know (e.g. units that may differ). */
  note: string | null;
}

export interface MetricsDiff {
  /** Base order, then metrics only head has, then required metrics neither has. */
  rows: DiffRow[];
  gatesPassed: boolean;
  gates: { pass: number; fail: number; none: number };
  counts: Record<Status, number>;
  significance: Significance;
  /** Notes about the inputs, one line each (`file:line:column: message`). */
  notes: string[];
  /** The model, when a card names it (head first). */
  model: string | null;
}

export interface CompareOptions {
  /** `config.metrics`. */
  rules?: readonly MetricRule[];
  basePredictions?: PredictionSet | null;
  headPredictions?: PredictionSet | null;
  bootstrap?: BootstrapOptions;
}

/** The `rules` of every row no rule matches: one array, not one per row of a 100,000-row diff. */
const NO_RULES: readonly number[] = Object.freeze([]);

const STATUSES: Status[] = ['improved', 'regressed', 'unchanged', 'changed', 'added', 'removed', 'invalid'];

/** Compares two metric sets: one row per metric, with status, gate and significance. */
export function compareMetrics(base: MetricSet, head: MetricSet, options: CompareOptions = {}): MetricsDiff {
  const rules = options.rules ?? [];
  const match = compileRules(rules);
  const notes: string[] = [...base.notes.map((n) => formatNote(base.file, n)), ...head.notes.map((n) => formatNote(head.file, n))];

  const significance = computeSignificance(options, notes);
  // Both files usually list the same keys in the same order, so head's row of the same number
  // is tried first: comparing it is a sequential read, and neither side needs its key index,
  // which is a 100,000-key Map built on the first lookup (issue 12). Head is scanned for keys
  // of its own only when it has some (it has more keys than base shares with it).
  const keys: string[] = [];
  const baseValues: (MetricValue | null)[] = [];
  const headValues: (MetricValue | null)[] = [];
  const baseTable = base.metrics;
  const headTable = head.metrics;
  let shared = 0;
  for (let row = 0; row < baseTable.size; row++) {
    const key = baseTable.keyAt(row);
    const h = row < headTable.size && headTable.keyAt(row) === key ? row : headTable.indexOf(key);
    if (h !== -1) shared++;
    keys.push(key);
    baseValues.push(baseTable.valueAt(row));
    headValues.push(h === -1 ? null : headTable.valueAt(h));
  }
  if (shared < headTable.size) {
    for (let row = 0; row < headTable.size; row++) {
      const key = headTable.keyAt(row);
      if (baseTable.has(key)) continue;
      keys.push(key);
      baseValues.push(null);
      headValues.push(headTable.valueAt(row));
    }
  }
  const columnFor = mapColumns(keys, significance, notes);

  const rows: DiffRow[] = [];
  const ruleUsed = new Set<number>();
  const segmentGoals: SegmentGoals = new Map();
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const b = baseValues[i] ?? null;
    const h = headValues[i] ?? null;
    const m = match(key);
    if (m) for (const index of m.indices) ruleUsed.add(index);
    const { goal, source } = goalFor(key, m, segmentGoals);
    const column = columnFor.get(key);
    const sig = column === undefined ? undefined : significance.columns.get(column);
    const ci: [number, number] | null = sig ? [sig.interval.lo, sig.interval.hi] : null;
    const { status, delta, relativeDelta, within } = classify(b, h, goal, m?.rule.tolerance ?? 0);
    // Most metrics of a large file match no rule: their gate is known without evaluateGate's
    // input object (at 100,000 rows every object per row is a walk through memory, issue 12).
    const { gate, reason } = m
      ? evaluateGate({ rule: m.rule, goal, base: b, head: h, withinTolerance: within, ci, noCiReason: noCiReason(significance, column) })
      : NO_RULE_GATE;
    rows.push({
      metric: key,
      base: b,
      head: h,
      delta,
      relativeDelta,
      status,
      goal,
      goalSource: source,
      rule: m?.index ?? null,
      rules: m?.indices ?? NO_RULES,
      gate,
      reason,
      ci,
      significant: sig ? sig.significant : null,
      note: unitsNote(b, h),
    });
    if (sig && column !== undefined) checkMean(key, h, column, options.headPredictions ?? null, notes);
  }

  // A required rule that no metric reached: its metric is missing on both sides.
  rules.forEach((rule, index) => {
    if (!rule.required || ruleUsed.has(index)) return;
    rows.push({
      metric: rule.match,
      base: null,
      head: null,
      delta: null,
      relativeDelta: null,
      status: 'removed',
      goal: rule.goal ?? null,
      goalSource: rule.goal ? 'rule' : null,
      rule: index,
      rules: [index],
      gate: 'fail',
      reason: `required, but no metric matching ${JSON.stringify(rule.match)} is in head (or base)`,
      ci: null,
      significant: null,
      note: null,
    });
  });

  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  const gates = { pass: 0, fail: 0, none: 0 };
  for (const row of rows) {
    counts[row.status]++;
    gates[row.gate]++;
  }
  return { rows, gatesPassed: gates.fail === 0, gates, counts, significance, notes, model: head.model ?? base.model };
}

/** evaluateGate's answer for a metric no rule matches. */
const NO_RULE_GATE = evaluateGate({ rule: null, goal: null, base: null, head: null, withinTolerance: false, ci: null, noCiReason: '' });

/** Why a metric has no interval, for a gate that needs one. */
function noCiReason(significance: Significance, column: string | undefined): string {
  if (!significance.computed) return significance.reason;
  return (column !== undefined && significance.skipped.get(column)) || 'no per-example values for this metric';
}

function classify(
  b: MetricValue | null,
  h: MetricValue | null,
  goal: Goal | null,
  tolerance: number,
): { status: Status; delta: number | null; relativeDelta: number | null; within: boolean } {
  const none = { delta: null, relativeDelta: null, within: false };
  if (b?.kind === 'invalid' || h?.kind === 'invalid') return { status: 'invalid', ...none };
  if (b === null) return { status: h === null ? 'removed' : 'added', ...none };
  if (h === null) return { status: 'removed', ...none };
  if (b.kind === 'text' || h.kind === 'text') {
    const same = b.kind === 'text' && h.kind === 'text' && b.value === h.value;
    return { status: same ? 'unchanged' : 'changed', ...none, within: same };
  }
  const delta = h.value - b.value;
  const relativeDelta = b.value === 0 ? (delta === 0 ? 0 : null) : delta / Math.abs(b.value);
  const noise = RELATIVE_NOISE * Math.max(Math.abs(b.value), Math.abs(h.value));
  const within = Math.abs(delta) <= Math.max(noise, tolerance + noise);
  if (within) return { status: 'unchanged', delta, relativeDelta, within };
  if (!goal) return { status: 'changed', delta, relativeDelta, within };
  const better = goal === 'maximize' ? delta > 0 : delta < 0;
  return { status: better ? 'improved' : 'regressed', delta, relativeDelta, within };
}

/** One side wrote "67.6%" (read as 0.676) while the other wrote a number over 1: likely 67.6. */
function unitsNote(b: MetricValue | null, h: MetricValue | null): string | null {
  if (b?.kind !== 'number' || h?.kind !== 'number' || Boolean(b.percent) === Boolean(h.percent)) return null;
  const [pct, plain, pctSide] = b.percent ? [b, h, 'base'] : [h, b, 'head'];
  if (Math.abs(plain.value) <= 1 || Math.abs(pct.value) > 1) return null;
  return `${pctSide} wrote a percent (read as the fraction ${formatNumber(pct.value)}) but the other side has ${formatNumber(plain.value)}: the units may differ`;
}

function computeSignificance(options: CompareOptions, notes: string[]): Significance {
  const { basePredictions: bp, headPredictions: hp } = options;
  for (const p of [bp, hp]) if (p) notes.push(...p.notes.map((n) => formatNote(p.file, n)));
  if (!bp && !hp) return notComputed('no per-example results were given', options.bootstrap);
  if (!bp || !hp) return notComputed(`per-example results were given for ${bp ? 'base' : 'head'} only; both sides are needed`, options.bootstrap);
  const s = pairedSignificance(bp, hp, options.bootstrap);
  if (s.baseOnly || s.headOnly) {
    const list = (ids: string[], n: number) => `${ids.map((id) => JSON.stringify(id)).join(', ')}${n > ids.length ? ', …' : ''}`;
    const parts: string[] = [];
    if (s.baseOnly) parts.push(`${s.baseOnly} only in ${bp.file} (${list(s.baseOnlyIds, s.baseOnly)})`);
    if (s.headOnly) parts.push(`${s.headOnly} only in ${hp.file} (${list(s.headOnlyIds, s.headOnly)})`);
    notes.push(`Unpaired example ids, left out of the bootstrap: ${parts.join('; ')}.`);
  }
  return s;
}

/**
 * Which per-example column gives each metric its interval: the column named exactly like the
 * metric, else the one named like its last segment (`accuracy` for `eval.accuracy`) when
 * exactly one metric ends that way.
 */
function mapColumns(keys: readonly string[], significance: Significance, notes: string[]): Map<string, string> {
  const byKey = new Map<string, string>();
  const names = new Set([...significance.columns.keys(), ...significance.skipped.keys()]);
  for (const name of names) {
    if (keys.includes(name)) {
      byKey.set(name, name);
      continue;
    }
    const candidates = keys.filter((k) => lastSegment(k) === name && !names.has(k));
    if (candidates.length === 1) byKey.set(candidates[0]!, name);
    else if (significance.columns.has(name)) {
      notes.push(
        candidates.length === 0
          ? `Per-example \`${name}\` matches no metric, so its interval is not shown.`
          : `Per-example \`${name}\` could belong to ${candidates.map((c) => `\`${c}\``).join(' or ')}; name the column after the full metric key.`,
      );
    }
  }
  return byKey;
}

function lastSegment(key: string): string {
  const parts = key.split(/[./]/);
  return parts[parts.length - 1]!;
}

/** The per-example mean should be the metric; a gap usually means other units or another column. */
function checkMean(key: string, head: MetricValue | null, column: string, predictions: PredictionSet | null, notes: string[]): void {
  const values = predictions?.columns.get(column);
  if (!values || head?.kind !== 'number') return;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) {
      sum += v;
      n++;
    }
  }
  if (n === 0) return;
  const mean = sum / n;
  if (Math.abs(mean - head.value) > Math.max(1e-3, 0.01 * Math.abs(head.value))) {
    notes.push(
      `The mean of per-example \`${column}\` in ${predictions!.file} is ${formatNumber(mean)}, but head reports \`${key}\` = ${formatNumber(head.value)}; check the units and that the files belong together.`,
    );
  }
}
