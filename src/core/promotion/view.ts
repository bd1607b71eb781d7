import type { Baseline, MetricsDiff } from '../metrics/index.js';
import type { Check } from './policy.js';
import type { Approval, Promotion } from './types.js';

/** The neutral results messages about requests are rendered from (PR comments, Slack). */

/** Everything a message about a request shows: its checks, approvals and metric diff. */
export interface PromotionView {
  promotion: Promotion;
  checks: Check[];
  approvals: Approval[];
  /** The candidate's metrics against the stage holder's, when both were evaluated. */
  diff: { diff: MetricsDiff; baseline: Baseline } | null;
}

/** One model in `status`: what each stage holds since when, and its pending requests. */
export interface StatusModel {
  model: string;
  stages: Array<{ stage: string; version: string | null; since: string | null }>;
  pending: Promotion[];
  versions: string[];
}
