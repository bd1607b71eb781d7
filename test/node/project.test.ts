import { afterEach, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { findProject, repositoryRoot } from '../../src/node/project.js';
import { tmpRepo, type TmpRepo } from '../helpers/tmp-repo.js';

let repo: TmpRepo;
afterEach(() => repo?.remove());

describe('findProject', () => {
  test('walks up from the working directory to the repository root for .github/modelgate.yml', () => {
    repo = tmpRepo({ '.git/HEAD': 'ref: refs/heads/main\n', '.github/modelgate.yml': 'fail_on: warning\n', 'models/ner/README.md': 'x' });
    expect(repositoryRoot(join(repo.root, 'models/ner'))).toBe(repo.root);
    expect(findProject(join(repo.root, 'models/ner'))).toEqual({ root: repo.root, configFile: join(repo.root, '.github/modelgate.yml'), explicit: false });
  });

  test('the nearest config wins (a project inside a monorepo)', () => {
    repo = tmpRepo({ '.git/HEAD': 'x', '.github/modelgate.yml': '', 'ml/.github/modelgate.yml': '', 'ml/models/a/README.md': 'x' });
    expect(findProject(join(repo.root, 'ml/models/a'))).toMatchObject({ root: join(repo.root, 'ml'), configFile: join(repo.root, 'ml/.github/modelgate.yml') });
  });

  test('never above the repository root; without a config, the defaults at the repository root', () => {
    repo = tmpRepo({ '.github/modelgate.yml': '', 'inner/.git': 'gitdir: ../elsewhere\n', 'inner/models/README.md': 'x' });
    // inner/ is a repository of its own (a .git file, as in worktrees and submodules): the outer config is not its config.
    expect(findProject(join(repo.root, 'inner/models'))).toEqual({ root: join(repo.root, 'inner'), configFile: null, explicit: false });
  });

  test('outside any repository only the working directory is looked at', () => {
    repo = tmpRepo({ '.github/modelgate.yml': '', 'sub/x.md': 'x' });
    expect(findProject(join(repo.root, 'sub'))).toEqual({ root: join(repo.root, 'sub'), configFile: null, explicit: false });
    expect(findProject(repo.root)).toMatchObject({ root: repo.root, configFile: join(repo.root, '.github/modelgate.yml') });
  });

  test('--config wins, relative to the working directory', () => {
    repo = tmpRepo({ '.git/HEAD': 'x', '.github/modelgate.yml': '', 'models/strict.yml': '' });
    expect(findProject(join(repo.root, 'models'), 'strict.yml')).toEqual({ root: repo.root, configFile: join(repo.root, 'models/strict.yml'), explicit: true });
  });
});
