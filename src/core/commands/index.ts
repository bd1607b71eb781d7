/** modelgate's commands (PR comments today, Slack next): strict parsing into neutral results. */
export { COMMAND_PREFIX, VERBS, commandLine, parseCommand, type Command, type CommandProblem, type Verb } from './parse.js';
export { MAX_COMMAND_CHARS, MAX_REASON_CHARS, parseModelRef, parsePromotionArguments, PROMOTION_VERBS, type ArgumentProblem, type ModelRef, type PromotionCommand, type PromotionVerb } from '../promotion/commands.js';
