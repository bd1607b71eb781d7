/** What every core module and adapter shares: findings, suggestions, plain-text helpers. */
export { countBySeverity, findingSpan, findingText, sortFindings, type Finding, type Severity } from './findings.js';
export { didYouMean, editDistance } from './suggest.js';
export { plural, truncate } from './text.js';
