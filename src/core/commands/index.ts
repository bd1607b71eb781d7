/** modelgate's commands (PR comments today, Slack next): strict parsing into neutral results. */
export { COMMAND_PREFIX, VERBS, commandLine, parseCommand, type Command, type CommandProblem, type Verb } from './parse.js';
