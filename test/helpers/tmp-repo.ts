import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throwaway directory tree with real files, for tests of code that reads the filesystem. */
export interface TmpRepo {
  root: string;
  write(path: string, content: string | Uint8Array): string;
  remove(): void;
}

export function tmpRepo(files: Record<string, string | Uint8Array> = {}): TmpRepo {
  const root = mkdtempSync(join(tmpdir(), 'modelgate-test-'));
  const repo: TmpRepo = {
    root,
    write(path, content) {
      const absolute = join(root, path);
      mkdirSync(dirname(absolute), { recursive: true });
      writeFileSync(absolute, content);
      return absolute;
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
  for (const [path, content] of Object.entries(files)) repo.write(path, content);
  return repo;
}

export const VALID_CARD = '---\nlicense: mit\npipeline_tag: text-classification\n---\n# Model\n';
export const BAD_LICENSE_CARD = '---\nlicense: not-a-license\npipeline_tag: text-classification\n---\n# Model\n';
export const YAML_ERROR_CARD = '---\nlicense: mit\ntags: [a, b\n---\n# Model\n';
