import { z } from 'zod';
import { EvaluationSchema, type Evaluation } from '../core/evaluation/index.js';
import { StoreCorruptRowError } from './errors.js';
import { HeadShaSchema, type HeadSha } from './ports.js';

/*
 * Row decoders: one per table, column by column, so an error names the column. They also absorb
 * the drivers' differences: PostgreSQL returns BIGINT as text and TIMESTAMPTZ as Date, SQLite
 * returns booleans as 0/1 and timestamps as ISO text.
 */

export const dbInteger = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+$/, 'expected an integer')
    .transform(Number),
  z.bigint().transform(Number),
]);

const dbBoolean = z.union([
  z.boolean(),
  z.literal(0).transform(() => false),
  z.literal(1).transform(() => true),
]);

export const dbTimestamp = z.union([z.date(), z.string()]).transform((value, ctx) => {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: `not a timestamp (${JSON.stringify(String(value))})` });
    return z.NEVER;
  }
  return date.toISOString();
});

export const jsonText = z.string().transform((text, ctx): unknown => {
  try {
    return JSON.parse(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `not valid JSON (${(error as Error).message})` });
    return z.NEVER;
  }
});

const E = EvaluationSchema.shape;

/** The columns every evaluation query selects, in the order of the table. */
export const EVALUATION_COLUMNS =
  'id, repo_id, repo_full_name, model, model_version, sha, ref, pr, run_id, run_attempt, run_url, status, ' +
  'metrics, predictions_digest, card_digest, manifest, verdict, created_at';

const EvaluationRow = z
  .object({
    id: dbInteger.pipe(E.id),
    repo_id: dbInteger.pipe(E.repoId),
    repo_full_name: E.repoFullName,
    model: E.model,
    model_version: E.modelVersion,
    sha: E.sha,
    ref: E.ref,
    pr: dbInteger.pipe(E.pr.unwrap()).nullable(),
    run_id: dbInteger.pipe(E.runId),
    run_attempt: dbInteger.pipe(E.runAttempt.unwrap()).nullable(),
    run_url: E.runUrl,
    status: E.status,
    metrics: jsonText.pipe(E.metrics),
    predictions_digest: E.predictionsDigest,
    card_digest: E.cardDigest,
    manifest: jsonText.pipe(E.manifest.unwrap()).nullable(),
    verdict: dbBoolean.nullable(),
    created_at: dbTimestamp.pipe(E.createdAt),
  })
  .transform(
    (r): Evaluation => ({
      id: r.id,
      repoId: r.repo_id,
      repoFullName: r.repo_full_name,
      model: r.model,
      modelVersion: r.model_version,
      sha: r.sha,
      ref: r.ref,
      pr: r.pr,
      runId: r.run_id,
      runAttempt: r.run_attempt,
      runUrl: r.run_url,
      status: r.status,
      metrics: r.metrics,
      predictionsDigest: r.predictions_digest,
      cardDigest: r.card_digest,
      manifest: r.manifest,
      verdict: r.verdict,
      createdAt: r.created_at,
    }),
  );

const H = HeadShaSchema.shape;

const HeadRow = z
  .object({
    repo_id: dbInteger.pipe(H.repoId),
    pr: dbInteger.pipe(H.pr),
    sha: H.sha,
    seen_at: dbTimestamp.pipe(H.at),
  })
  .transform((r): HeadSha => ({ repoId: r.repo_id, pr: r.pr, sha: r.sha, at: r.seen_at }));

const CommentRow = z.object({ comment_id: dbInteger.pipe(z.number().int().positive()) });

export function decodeEvaluation(row: unknown): Evaluation {
  return decode('evaluations', row, (r) => display(r['id']), EvaluationRow);
}

export function decodeHead(row: unknown): HeadSha {
  return decode('pr_heads', row, (r) => `(repo_id ${display(r['repo_id'])}, pr ${display(r['pr'])})`, HeadRow);
}

export function decodeCommentId(row: unknown): number {
  const key = (r: Record<string, unknown>): string =>
    `(repo_id ${display(r['repo_id'])}, pr ${display(r['pr'])}, comment_key ${display(r['comment_key'])})`;
  return decode('pr_comments', row, key, CommentRow).comment_id;
}

const DeliveryStepRow = z.object({ step: z.string(), value: dbInteger.pipe(z.number().int().nonnegative()) });

/** A delivery_steps row as [step, value]. */
export function decodeDeliveryStep(row: unknown): [string, number] {
  const key = (r: Record<string, unknown>): string => `(delivery_id ${display(r['delivery_id'])}, step ${display(r['step'])})`;
  const { step, value } = decode('delivery_steps', row, key, DeliveryStepRow);
  return [step, value];
}

export function decode<T>(
  table: string,
  row: unknown,
  rowId: (row: Record<string, unknown>) => string | null,
  schema: z.ZodType<T>,
): T {
  const record = typeof row === 'object' && row !== null ? (row as Record<string, unknown>) : {};
  const parsed = schema.safeParse(row);
  if (parsed.success) return parsed.data;
  throw new StoreCorruptRowError(table, rowId(record), describeIssues(parsed.error));
}

/** `column metrics at "acc": expected number, …` — the first column is the table's, the rest is inside its JSON. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const [column, ...inside] = issue.path;
      if (column === undefined) return issue.message;
      const where = inside.length > 0 ? ` at ${inside.map((p) => JSON.stringify(String(p))).join('.')}` : '';
      return `column ${String(column)}${where}: ${issue.message}`;
    })
    .join('; ');
}

function display(value: unknown): string | null {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return JSON.stringify(value).length <= 80 ? value : `${value.slice(0, 77)}...`;
  return null;
}
