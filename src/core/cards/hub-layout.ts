import { extractFrontMatter } from './front-matter.js';

/**
 * The Hugging Face Hub layout: a model repository's card is its root `README.md`. A repository's
 * root README is a card only when its front matter has keys only a model card has — a project
 * README (no front matter, or a static site's `title:`/`layout:`) is not one.
 */
export const ROOT_README = 'README.md';

/** Top-level keys that make front matter a model card's (the Hub's card metadata and modelgate's own). */
const MODEL_CARD_KEYS = [
  'license',
  'license_name',
  'pipeline_tag',
  'library_name',
  'model-index',
  'model_index',
  'base_model',
  'datasets',
  'metrics',
  'model_name',
  'inference',
  'widget',
  'co2_eq_emissions',
  'modelgate',
];
const KEY_LINE = new RegExp(`^(?:${MODEL_CARD_KEYS.map((k) => k.replace(/[-_]/g, '[-_]')).join('|')})[ \\t]*:`, 'm');

/** Whether a Markdown file's front matter has model-card keys (read cheaply: top-level key lines, no YAML parse). */
export function hasModelCardMetadata(text: string): boolean {
  const fm = extractFrontMatter(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  return fm.kind === 'present' && KEY_LINE.test(fm.yaml);
}

/** Whether `path` (repository-relative) is where the Hub layout keeps a card: the root README.md. */
export function isRootReadme(path: string): boolean {
  return path.replace(/^\.\//, '') === ROOT_README;
}
