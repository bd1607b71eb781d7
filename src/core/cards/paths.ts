import picomatch from 'picomatch';

const matchers = new Map<string, (path: string) => boolean>();

/** A matcher for repository-relative paths (forward slashes) against the config's card globs. */
export function cardMatcher(globs: readonly string[]): (path: string) => boolean {
  const key = globs.join('\0');
  let m = matchers.get(key);
  if (!m) {
    // dot: cards may live under dotted folders; nocase off: GitHub paths are case-sensitive.
    m = picomatch([...globs], { dot: true });
    matchers.set(key, m);
  }
  return m;
}

export function isCardPath(path: string, globs: readonly string[]): boolean {
  return cardMatcher(globs)(path.replace(/\\/g, '/').replace(/^\.\//, ''));
}
