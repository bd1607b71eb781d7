import { describeFsError, InputError } from './errors.js';
import { readUpTo } from './read-limited.js';

/** The validator's size cap (it reports `card/file-too-large` above it). */
export const MAX_CARD_BYTES = 1024 * 1024;

/**
 * Reads a card's bytes for the validator. Never more than the cap plus one byte: enough for
 * the validator to see that the file is too large, without loading a huge file into memory.
 */
export async function readCard(absolutePath: string, displayPath: string = absolutePath): Promise<Uint8Array> {
  try {
    return await readUpTo(absolutePath, MAX_CARD_BYTES + 1);
  } catch (error) {
    throw new InputError(`Cannot read ${displayPath}: ${describeFsError(error)}.`);
  }
}
