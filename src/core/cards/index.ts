/**
 * Model cards: the one entry adapters import. Validation of every format the Hub and the Model
 * Card Toolkit use, the identity a card declares, and the verdict over a set of cards.
 */
export { validateCard } from './validate.js';
export { cardPasses, type CardFormat, type CardReport, type ModelIdentity } from './types.js';
export { cardsVerdict, configVerdict, type CardsConclusion, type CardsScope, type CardsVerdict, type ConfigVerdict } from './verdict.js';
export { cardMatcher, isCardPath } from './paths.js';
export { hasModelCardMetadata, isRootReadme, ROOT_README } from './hub-layout.js';
export { folderIdentity, isSafeName, isSafeVersion } from './identity.js';
export { RULE_IDS, RULES, type RuleId, type RuleInfo } from './rules.js';
