import { isAbsolute, relative } from 'node:path';

/**
 * How a file is named in findings and output: relative to the root, with forward slashes
 * (the form the core and GitHub expect). Outside the root it keeps a `../` prefix; on another
 * drive it stays absolute.
 */
export function displayPath(root: string, absolute: string): string {
  const rel = relative(root, absolute);
  if (rel === '') return '.';
  return (isAbsolute(rel) ? absolute : rel).replace(/\\/g, '/');
}
