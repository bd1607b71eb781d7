import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { isSafeName } from '../../../src/core/cards/index.js';
import { validateCard } from '../../../src/core/cards/index.js';
import { DEFAULT_CONFIG } from '../../../src/core/config/index.js';
import type { Manifest } from '../../../src/core/evaluation/index.js';
import { describeFsError, InputError } from '../../../src/node/errors.js';
import { displayPath } from '../../../src/node/paths.js';
import { readCard } from '../../../src/node/read-card.js';

export interface ResolvedModel {
  identity: Manifest['model'];
  /** The card, when the `model` input named one. */
  card: Manifest['card'];
}

const NAME_RULE = 'lowercase letters, digits, `.`, `_` and `-`, at most 64 characters, starting with a letter or digit';

/**
 * The `model` input is a card path (relative to the working directory) or a model name. A file
 * at that path makes it a card, whose identity (its `modelgate:` mapping, else its folder) names
 * the model; otherwise it must be a safe model name.
 */
export async function resolveModel(input: string, workingDirectory: string, workspace: string): Promise<ResolvedModel> {
  const absolute = resolve(workingDirectory, input);
  let isFile = false;
  try {
    const stats = await stat(absolute);
    if (stats.isDirectory()) {
      throw new InputError(`The model input '${input}' is a directory. Name the model card in it (e.g. ${input.replace(/\/+$/, '')}/README.md), or give the model's name.`);
    }
    isFile = true;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new InputError(`Cannot read the model card ${input}: ${describeFsError(error)}.`);
  }

  if (!isFile) {
    if (isSafeName(input)) return { identity: { name: input, version: null, source: 'input' }, card: null };
    throw new InputError(
      `The model input '${input}' is neither a model card (there is no file at ${displayPath(workspace, absolute)}) nor a model name (${NAME_RULE}).`,
    );
  }

  const path = displayPath(workspace, absolute);
  if (path.startsWith('../') || isAbsolute(path)) {
    throw new InputError(`The model card ${input} is outside the repository (${workspace}); name a card in the repository.`);
  }
  const bytes = await readCard(absolute, path);
  const report = validateCard(path, bytes, DEFAULT_CONFIG);
  if (report.model === null) {
    // The findings that say why: an invalid `modelgate:` mapping, or a file that is not a card at all.
    const why = report.findings
      .filter((f) => f.rule === 'modelgate/invalid-identity' || (report.format === null && f.severity === 'error'))
      .slice(0, 3)
      .map((f) => ` ${path}:${f.line}:${f.column}: ${f.message}${f.hint ? ` ${f.hint}` : ''}`)
      .join('');
    const fix = why
      ? " Fix the card, or give the model's name as the model input."
      : " Name it in the card's metadata (modelgate: {model: <name>, version: <version>}), keep the card in a folder named after the model, or give the model's name as the model input.";
    throw new InputError(`Cannot tell which model ${path} describes.${why}${fix}`);
  }
  return {
    identity: { name: report.model.name, version: report.model.version, source: report.model.source },
    card: { path, sha256: createHash('sha256').update(bytes).digest('hex') },
  };
}
