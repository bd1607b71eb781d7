import * as z from 'zod';
import { PromotionPolicySchema, resolvePromotionPolicy, type PromotionPolicy } from '../promotion/policy-schema.js';

/**
 * The schema of `.github/modelgate.yml`. It is the single source of truth: the TypeScript
 * types are derived from it, and `schema/modelgate.schema.json` (for editors) is generated
 * from it by `npm run schema` — a test fails when the two drift.
 */

export const DEFAULT_CARD_GLOBS = [
  '**/MODEL_CARD.md',
  '**/model_card.md',
  '**/model_card.{yml,yaml,json}',
  'models/**/README.md',
] as const;

const severitySetting = z
  .enum(['error', 'warning', 'off'])
  .describe('Severity for this rule: error fails the check, warning is shown, off disables it.');

const relativeRegression = z
  .string()
  .regex(/^\d+(\.\d+)?%$/, 'a percentage such as "10%"')
  .describe('Relative to the baseline, e.g. "10%".');

export const MetricRuleSchema = z
  .strictObject({
    match: z.string().min(1).describe('Glob over flattened metric keys, e.g. "eval.accuracy" or "latency_ms.*".'),
    goal: z.enum(['maximize', 'minimize']).optional().describe('Which direction is better.'),
    tolerance: z
      .number()
      .nonnegative()
      .optional()
      .describe('Differences up to this (absolute) count as unchanged.'),
    max_regression: z
      .union([z.number().nonnegative(), relativeRegression])
      .optional()
      .describe('Largest allowed regression: absolute in the metric\'s units, or relative like "10%".'),
    min: z.number().optional().describe('The head value must be at least this.'),
    max: z.number().optional().describe('The head value must be at most this.'),
    required: z.boolean().optional().describe('Fail the gate when the metric is missing in head.'),
    fail_only_if_significant: z
      .boolean()
      .optional()
      .describe('Only fail a regression gate when the bootstrap interval says the change is real. Without max_regression, any significant regression fails.'),
  })
  .describe('A metric rule: matches metrics by glob and sets direction and gates.');

export const ConfigSchema = z
  .strictObject({
    cards: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe(`Globs of the files that are model cards. Default: ${DEFAULT_CARD_GLOBS.join(', ')}.`),
    fail_on: z
      .enum(['error', 'warning'])
      .optional()
      .describe('Fail the check on errors only (default) or on warnings too.'),
    rules: z
      .record(z.string(), severitySetting)
      .optional()
      .describe('Severity per rule id, e.g. { "card/unknown-pipeline-tag": "off" }.'),
    require: z
      .strictObject({
        fields: z
          .array(z.string().min(1))
          .optional()
          .describe(
            'Metadata fields every card must have: a key (license) or a dotted path (modelgate.version, model-index.results: a list on the way needs the rest in every item; model-index.0.results picks one).',
          ),
        sections: z
          .array(z.string().min(1))
          .optional()
          .describe('Markdown headings every card must have, e.g. "Intended use" (case-insensitive).'),
      })
      .optional()
      .describe('What every model card in this repository must contain.'),
    licenses: z
      .strictObject({
        allow: z
          .array(z.string().min(1))
          .min(1)
          .optional()
          .describe('The only licenses allowed, as Hub license ids (lowercase: mit, apache-2.0); other:NAME allows license: other with license_name: NAME.'),
      })
      .optional()
      .describe('License policy.'),
    metrics: z.array(MetricRuleSchema).optional().describe('Metric directions and regression gates.'),
    evaluation: z
      .strictObject({
        workflow: z
          .string()
          .regex(/^[A-Za-z0-9._-]+\.ya?ml$/, 'a workflow file name in .github/workflows, such as "evaluate.yml"')
          .optional()
          .describe(
            'The workflow (file name in .github/workflows, with a workflow_dispatch trigger) the App dispatches when a pull request changes a model card, and on `/modelgate evaluate`.',
          ),
      })
      .optional()
      .describe('How the App runs evaluations.'),
    promotion: PromotionPolicySchema.optional(),
  })
  .describe('modelgate configuration (.github/modelgate.yml).');

export type ConfigInput = z.input<typeof ConfigSchema>;
export type MetricRule = z.output<typeof MetricRuleSchema>;

/** The configuration with every default filled in: what the core works with. */
export interface Config {
  cards: string[];
  failOn: 'error' | 'warning';
  rules: Record<string, 'error' | 'warning' | 'off'>;
  require: { fields: string[]; sections: string[] };
  licenses: { allow: string[] | null };
  metrics: MetricRule[];
  evaluation: { workflow: string | null };
  /** Null when the repository has no `promotion:` section: it has no stages, and promotion commands say how to add them. */
  promotion: PromotionPolicy | null;
}

export function resolveConfig(input: ConfigInput = {}): Config {
  return {
    cards: input.cards ?? [...DEFAULT_CARD_GLOBS],
    failOn: input.fail_on ?? 'error',
    rules: input.rules ?? {},
    require: { fields: input.require?.fields ?? [], sections: input.require?.sections ?? [] },
    licenses: { allow: input.licenses?.allow ?? null },
    metrics: input.metrics ?? [],
    evaluation: { workflow: input.evaluation?.workflow ?? null },
    promotion: input.promotion ? resolvePromotionPolicy(input.promotion) : null,
  };
}

export const DEFAULT_CONFIG: Config = resolveConfig();

/** The JSON Schema published at schema/modelgate.schema.json. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://github.com/modelgate/modelgate/schema/modelgate.schema.json',
    title: 'modelgate configuration',
    ...z.toJSONSchema(ConfigSchema, { target: 'draft-2020-12', io: 'input' }),
  };
}
