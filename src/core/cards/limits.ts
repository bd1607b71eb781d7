/** Deeper metadata than this is refused: real cards nest under 10 levels. */
export const MAX_DEPTH = 100;

/**
 * Most nodes YAML aliases may add when expanded: "billion laughs" documents expand
 * exponentially, while real cards alias a few small values if any.
 */
export const MAX_ALIAS_EXPANSION = 10_000;

/**
 * Most findings one file reports (errors first, then the earliest): a reader fixes the first few
 * and validates again, and GitHub shows a check's annotations 50 at a time. Real cards have fewer
 * than 20; a hostile one can break a rule once per line, 160,000 times.
 */
export const MAX_FINDINGS_PER_FILE = 200;

/**
 * Most nodes (keys, values, list items, collections) the metadata of one card may have. Every
 * check walks them, and building one costs a microsecond or two, so this bounds the work: 1 MiB
 * holds up to a million (`[[[[]]]]`), while the largest real card known (69 KB, ~1,000 metrics)
 * has 8,900. (It is no lower so that 30,000 aliases, 90,000 nodes, stay fine.) Past it the card
 * is refused (`card/metadata-too-complex`).
 */
export const MAX_METADATA_NODES = 100_000;

/** A list or mapping counts as this many nodes: `yaml`'s collections cost about twice a scalar to build. */
export const COLLECTION_COST = 2;

/**
 * Most YAML tokens (the `yaml` lexer's lexemes; a long one counts once more per 8 characters) of
 * metadata that the general parser reads. The
 * fast parser (fast-yaml.ts) reads the plain style of nearly every card, but whatever it does
 * not read goes to `yaml`, which costs 2–3 µs per token: 1 MiB of hostile YAML is up to 700,000
 * tokens (seconds). The largest real card known is 22,000 tokens. Past the limit, the lines read
 * so far are still checked for syntax errors, then the card is refused (`card/metadata-too-complex`).
 */
export const MAX_YAML_TOKENS = 50_000;

/**
 * Syntax errors kept from the `yaml` composer, which would otherwise build one error object
 * (with a stack trace) per bad line — 100,000 of them for 100,000 tab-indented lines. Only the
 * first is reported.
 */
export const MAX_YAML_ERRORS = 1;
