/**
 * GitHub's limits, defined once: renderers are given these as budgets by the GitHub adapters,
 * and nothing outside src/github knows them.
 */

/** A check run's `output.summary` (GitHub rejects longer ones). */
export const CHECK_SUMMARY_MAX_CHARS = 65_535;
/** An issue or pull request comment's body (GitHub allows 65,536; one is kept spare). */
export const COMMENT_MAX_CHARS = 65_535;
/** Annotations per check run create/update request. */
export const ANNOTATIONS_PER_REQUEST = 50;
export const ANNOTATION_TITLE_MAX_CHARS = 255;
export const ANNOTATION_MESSAGE_MAX_CHARS = 64 * 1024;
