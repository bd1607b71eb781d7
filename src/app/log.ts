/**
 * The log a flow writes to: structured fields first, then the message (pino's order, which
 * Probot's logger has). Flows take this, not Probot's Logger, so they run wherever a log is.
 */
export interface Log {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}
