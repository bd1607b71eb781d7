import { didYouMean } from '../common/suggest.js';
import { GITHUB_LOGIN, isModelName, isPromotionId, isStageName, isVersionName } from './names.js';

/**
 * The promotion commands' arguments, shared by PR comments (`/modelgate promote …`) and Slack
 * (`/promote …`): the same grammar, the same allow-listed names. Every problem is a neutral
 * value that keeps the offending text raw, for each adapter to quote safely.
 */

/** A model, optionally in another repository: `sentiment` or `acme/models:sentiment` (Slack). */
export interface ModelRef {
  repo: { owner: string; name: string } | null;
  model: string;
}

export type PromotionCommand =
  | { kind: 'promote'; ref: ModelRef; version: string; stage: string | null; dryRun: boolean; emergency: string | null }
  | { kind: 'rollback'; ref: ModelRef; stage: string; dryRun: boolean; emergency: string | null }
  | { kind: 'approve'; id: string }
  | { kind: 'reject'; id: string; reason: string | null }
  | { kind: 'status'; ref: ModelRef | null };

export type PromotionVerb = PromotionCommand['kind'];
export const PROMOTION_VERBS: readonly PromotionVerb[] = ['promote', 'approve', 'reject', 'rollback', 'status'];

export type ArgumentProblem =
  | { kind: 'missing-argument'; name: 'model' | 'version' | 'stage' | 'request id' }
  | { kind: 'too-many-arguments'; max: number; got: readonly string[] }
  | { kind: 'invalid-model'; value: string }
  | { kind: 'invalid-repo'; value: string }
  | { kind: 'invalid-version'; value: string }
  | { kind: 'invalid-stage'; value: string }
  | { kind: 'invalid-id'; value: string }
  | { kind: 'unknown-flag'; flag: string; suggestion: string | null }
  | { kind: 'flag-needs-value'; flag: string }
  | { kind: 'invalid-reason'; why: 'empty' | 'too long' | 'control characters' }
  | { kind: 'unclosed-quote' }
  | { kind: 'too-long'; max: number };

export type ParsedArguments = { ok: true; command: PromotionCommand } | { ok: false; problem: ArgumentProblem };

/** A command line is a line, not a document. */
export const MAX_COMMAND_CHARS = 2000;
export const MAX_REASON_CHARS = 500;
const FLAGS = ['--dry-run', '--emergency'] as const;
const REPO_OWNER = GITHUB_LOGIN;
const REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** Parses the words after the verb (`sentiment v3 production --dry-run`). Never throws. */
export function parsePromotionArguments(verb: PromotionVerb, text: string): ParsedArguments {
  if (text.length > MAX_COMMAND_CHARS) return fail({ kind: 'too-long', max: MAX_COMMAND_CHARS });
  const tokens = tokenize(text);
  if (tokens === null) return fail({ kind: 'unclosed-quote' });
  switch (verb) {
    case 'promote':
    case 'rollback':
      return parseMove(verb, tokens);
    case 'approve': {
      const [id, ...rest] = words(tokens);
      if (id === undefined) return fail({ kind: 'missing-argument', name: 'request id' });
      if (rest.length > 0) return fail({ kind: 'too-many-arguments', max: 1, got: [id, ...rest] });
      return isPromotionId(id) ? ok({ kind: 'approve', id }) : fail({ kind: 'invalid-id', value: id });
    }
    case 'reject': {
      const [first, ...rest] = tokens;
      if (first === undefined) return fail({ kind: 'missing-argument', name: 'request id' });
      if (!isPromotionId(first.text)) return fail({ kind: 'invalid-id', value: first.text });
      if (rest.length === 0) return ok({ kind: 'reject', id: first.text, reason: null });
      const reason = checkReason(rest.map((t) => t.text).join(' '));
      return typeof reason === 'string' ? ok({ kind: 'reject', id: first.text, reason }) : fail(reason);
    }
    case 'status': {
      const [model, ...rest] = words(tokens);
      if (model === undefined) return ok({ kind: 'status', ref: null });
      if (rest.length > 0) return fail({ kind: 'too-many-arguments', max: 1, got: [model, ...rest] });
      const ref = parseModelRef(model);
      return 'kind' in ref ? fail(ref) : ok({ kind: 'status', ref });
    }
  }
}

function parseMove(verb: 'promote' | 'rollback', tokens: readonly Token[]): ParsedArguments {
  const positional: string[] = [];
  let dryRun = false;
  let emergency: string | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!token.quoted && token.text.startsWith('--')) {
      const [flag, inline] = splitFlag(token.text);
      if (flag === '--dry-run' && inline === null) {
        dryRun = true;
        continue;
      }
      if (flag === '--emergency') {
        const value = inline ?? tokens[++i]?.text;
        if (value === undefined) return fail({ kind: 'flag-needs-value', flag });
        const reason = checkReason(value);
        if (typeof reason !== 'string') return fail(reason);
        emergency = reason;
        continue;
      }
      return fail({ kind: 'unknown-flag', flag: token.text, suggestion: didYouMean(flag, FLAGS) ?? null });
    }
    positional.push(token.text);
  }
  const [model, second, third, ...extra] = positional;
  if (model === undefined) return fail({ kind: 'missing-argument', name: 'model' });
  const ref = parseModelRef(model);
  if ('kind' in ref) return fail(ref);
  if (verb === 'rollback') {
    if (second === undefined) return fail({ kind: 'missing-argument', name: 'stage' });
    if (third !== undefined) return fail({ kind: 'too-many-arguments', max: 2, got: positional });
    if (!isStageName(second)) return fail({ kind: 'invalid-stage', value: second });
    return ok({ kind: 'rollback', ref, stage: second, dryRun, emergency });
  }
  if (second === undefined) return fail({ kind: 'missing-argument', name: 'version' });
  if (extra.length > 0) return fail({ kind: 'too-many-arguments', max: 3, got: positional });
  if (!isVersionName(second)) return fail({ kind: 'invalid-version', value: second });
  if (third !== undefined && !isStageName(third)) return fail({ kind: 'invalid-stage', value: third });
  return ok({ kind: 'promote', ref, version: second, stage: third ?? null, dryRun, emergency });
}

/** `sentiment` or `owner/repo:sentiment`; a problem for anything else. */
export function parseModelRef(text: string): ModelRef | ArgumentProblem {
  const colon = text.indexOf(':');
  if (colon === -1) return isModelName(text) ? { repo: null, model: text } : { kind: 'invalid-model', value: text };
  const repo = text.slice(0, colon);
  const model = text.slice(colon + 1);
  const [owner, name, ...more] = repo.split('/');
  if (owner === undefined || name === undefined || more.length > 0 || !REPO_OWNER.test(owner) || !REPO_NAME.test(name) || name === '.' || name === '..') {
    return { kind: 'invalid-repo', value: repo };
  }
  return isModelName(model) ? { repo: { owner, name }, model } : { kind: 'invalid-model', value: model };
}

function splitFlag(token: string): [string, string | null] {
  const eq = token.indexOf('=');
  return eq === -1 ? [token.toLowerCase(), null] : [token.slice(0, eq).toLowerCase(), token.slice(eq + 1)];
}

function checkReason(text: string): string | ArgumentProblem {
  const reason = text.trim();
  if (reason === '') return { kind: 'invalid-reason', why: 'empty' };
  if (reason.length > MAX_REASON_CHARS) return { kind: 'invalid-reason', why: 'too long' };
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(reason)) return { kind: 'invalid-reason', why: 'control characters' };
  return reason;
}

interface Token {
  text: string;
  quoted: boolean;
}

const QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '„': '“' };

/**
 * Words, with "double", 'single' and typographic quotes (Slack's clients turn " into “ ”)
 * holding spaces. Null for an unclosed quote.
 */
function tokenize(text: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    let word = '';
    let quoted = false;
    while (i < text.length && !/\s/.test(text[i]!)) {
      const c = text[i]!;
      const close = QUOTES[c];
      if (close !== undefined) {
        const end = text.indexOf(close, i + 1);
        if (end === -1) return null;
        // A token that starts with a quote is a value, never a flag (`"--dry-run"` is text).
        if (word === '') quoted = true;
        word += text.slice(i + 1, end);
        i = end + 1;
        continue;
      }
      word += c;
      i++;
    }
    tokens.push({ text: word, quoted });
  }
  return tokens;
}

function words(tokens: readonly Token[]): string[] {
  return tokens.map((t) => t.text);
}

const ok = (command: PromotionCommand): ParsedArguments => ({ ok: true, command });
const fail = (problem: ArgumentProblem): ParsedArguments => ({ ok: false, problem });
