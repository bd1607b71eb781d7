/** Deeper metadata than this is refused: real cards nest under 10 levels. */
export const MAX_DEPTH = 100;

/**
 * Most nodes YAML aliases may add when expanded: "billion laughs" documents expand
 * exponentially, while real cards alias a few small values if any.
 */
export const MAX_ALIAS_EXPANSION = 10_000;
