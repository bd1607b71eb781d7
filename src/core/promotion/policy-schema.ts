import { z } from 'zod';
import { DURATION, durationMs } from './duration.js';
import { GITHUB_LOGIN, GITHUB_TEAM, STAGE_NAME } from './names.js';

/**
 * The `promotion:` section of `.github/modelgate.yml`: where the registry is, the ordered
 * stages and what each requires. Read from the default branch only, so a pull request cannot
 * loosen the policy it is promoted under.
 */

const Duration = z.string().regex(DURATION, 'a duration such as "30m", "24h" or "7d"');
const StageName = z.string().regex(STAGE_NAME, 'a stage name: lowercase letters, digits, `-` and `_`, starting with a letter, at most 32 characters');

export const REQUIREMENTS = ['card_valid', 'gates_passed', 'pr_approved'] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

const Approver = z
  .string()
  .refine((s) => GITHUB_LOGIN.test(s) || GITHUB_TEAM.test(s), 'a GitHub login (alice) or a team as "@org/team-slug"')
  .describe('A GitHub login, or a team as "@org/team-slug" (its members, checked through the API at approval time).');

export const StagePolicySchema = z
  .strictObject({
    name: StageName.describe('The stage, e.g. staging or production. It names the deployment environment.'),
    approvals: z.number().int().min(0).max(10).optional().describe('Approvals needed from distinct eligible approvers other than the requester (default 1; 0 promotes on the request alone).'),
    approvers: z
      .array(Approver)
      .min(1)
      .optional()
      .describe('Who may approve: logins and @org/team slugs. Default: anyone with write access to the repository.'),
    after: StageName.optional().describe('A stage the version must have been in first (an earlier stage).'),
    soak: Duration.optional().describe('How long the version must have been in `after` first, e.g. "24h".'),
    require: z
      .array(z.enum(REQUIREMENTS))
      .optional()
      .describe('Evidence required: card_valid (the card has no errors), gates_passed (a recorded evaluation of the version passed its gates), pr_approved (the version\'s pull request was approved and merged). Default: all three.'),
    rollback_approvals: z.number().int().min(0).max(10).optional().describe('Approvals a rollback of this stage needs (default: `approvals`).'),
  })
  .describe('One stage of the promotion path.');

export const PromotionPolicySchema = z
  .strictObject({
    registry: z
      .string()
      .regex(/^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._/-]+\.ya?ml$/, 'a repository path to a .yaml file, such as "models/registry.yaml"')
      .optional()
      .describe('The registry file (default models/registry.yaml).'),
    expire_after: Duration.optional().describe('Pending requests expire after this long (default 24h).'),
    emergency: z.enum(['allow', 'deny']).optional().describe('Whether `--emergency "reason"` may skip the evaluation and soak requirements (default deny).'),
    emergency_self_approve: z.boolean().optional().describe('Let the requester approve their own emergency request (default false).'),
    exclude_pr_author: z.boolean().optional().describe('The author of the version\'s pull request may not approve its promotion (default false).'),
    environment: z
      .string()
      .regex(/^[A-Za-z0-9._/{}-]{1,100}$/, 'letters, digits, `.`, `_`, `-`, `/` and the placeholders {model} and {stage}')
      .optional()
      .describe('The GitHub deployment environment (default "{model}/{stage}").'),
    slack_channel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,20}$/, 'a Slack channel id such as C0123ABCD (not its name)')
      .optional()
      .describe('The Slack channel (its id) where requests made in pull request comments are announced.'),
    baseline_stage: StageName.optional().describe('Metric diffs compare against the version in this stage (default: the last stage).'),
    stages: z.array(StagePolicySchema).min(1).describe('The stages, in promotion order.'),
  })
  .superRefine((policy, ctx) => {
    const seen = new Set<string>();
    for (const [i, stage] of policy.stages.entries()) {
      if (seen.has(stage.name)) ctx.addIssue({ code: 'custom', path: ['stages', i, 'name'], message: `stage "${stage.name}" is listed twice` });
      if (stage.after !== undefined && !seen.has(stage.after)) {
        ctx.addIssue({ code: 'custom', path: ['stages', i, 'after'], message: `"${stage.after}" is not an earlier stage` });
      }
      if (stage.soak !== undefined && stage.after === undefined) {
        ctx.addIssue({ code: 'custom', path: ['stages', i, 'soak'], message: 'soak needs `after`: the stage whose time it counts' });
      }
      seen.add(stage.name);
    }
    if (policy.baseline_stage !== undefined && !seen.has(policy.baseline_stage)) {
      ctx.addIssue({ code: 'custom', path: ['baseline_stage'], message: `"${policy.baseline_stage}" is not one of the stages` });
    }
  })
  .describe('How models are promoted: the registry, the stages and what each requires.');

export type PromotionPolicyInput = z.input<typeof PromotionPolicySchema>;

export interface StagePolicy {
  name: string;
  approvals: number;
  /** Logins and `@org/team` slugs; null: anyone with write access. */
  approvers: string[] | null;
  after: string | null;
  soakMs: number;
  require: Requirement[];
  rollbackApprovals: number;
}

/** The promotion policy with every default filled in. */
export interface PromotionPolicy {
  registry: string;
  expireAfterMs: number;
  emergency: 'allow' | 'deny';
  emergencySelfApprove: boolean;
  excludePrAuthor: boolean;
  environment: string;
  slackChannel: string | null;
  baselineStage: string;
  stages: StagePolicy[];
}

export const DEFAULT_REGISTRY_PATH = 'models/registry.yaml';

export function resolvePromotionPolicy(input: z.output<typeof PromotionPolicySchema>): PromotionPolicy {
  const stages = input.stages.map((s): StagePolicy => {
    const approvals = s.approvals ?? 1;
    return {
      name: s.name,
      approvals,
      approvers: s.approvers ?? null,
      after: s.after ?? null,
      soakMs: s.soak === undefined ? 0 : durationMs(s.soak),
      require: s.require ?? [...REQUIREMENTS],
      rollbackApprovals: s.rollback_approvals ?? approvals,
    };
  });
  return {
    registry: input.registry ?? DEFAULT_REGISTRY_PATH,
    expireAfterMs: durationMs(input.expire_after ?? '24h'),
    emergency: input.emergency ?? 'deny',
    emergencySelfApprove: input.emergency_self_approve ?? false,
    excludePrAuthor: input.exclude_pr_author ?? false,
    environment: input.environment ?? '{model}/{stage}',
    slackChannel: input.slack_channel ?? null,
    baselineStage: input.baseline_stage ?? stages[stages.length - 1]!.name,
    stages,
  };
}
