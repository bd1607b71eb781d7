/** How the card's text is to be parsed; Model Card Toolkit cards are told apart after parsing, by their keys. */
export type SourceKind = 'markdown' | 'yaml' | 'json';

/**
 * The extension decides (`.md` → Markdown with front matter, `.yml`/`.yaml` → YAML, `.json` →
 * JSON); files with any other name are sniffed: `{` first means JSON, anything else Markdown.
 */
export function detectKind(path: string, text: string): SourceKind {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1) : '';
  switch (ext) {
    case 'md':
    case 'markdown':
    case 'mdx':
      return 'markdown';
    case 'yml':
    case 'yaml':
      return 'yaml';
    case 'json':
      return 'json';
    default:
      return /^\s*\{/.test(text) ? 'json' : 'markdown';
  }
}
