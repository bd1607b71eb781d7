import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { Config } from '../config/schema.js';
import { countBySeverity } from '../common/findings.js';
import type { Position, SourceMap } from '../common/yaml-positions.js';
import { at, has, type Ctx } from './ast.js';
import { FindingCollector } from './collector.js';
import { normalizeHeading, scanBody, type BodyScan } from './body.js';
import { detectKind } from './detect.js';
import { finding, START } from './finding.js';
import { extractFrontMatter } from './front-matter.js';
import { checkHfMetadata } from './hf-rules.js';
import { folderIdentity, hfIdentity, mctIdentity } from './identity.js';
import { parseJson } from './json.js';
import { checkMct, isMctData, pathLocator } from './mct.js';
import { parseYaml } from './parse-yaml.js';
import {
  checkHfLicenseAllowed,
  checkMctLicensesAllowed,
  checkRequiredFields,
  checkRequiredSections,
  fieldPresentInData,
  fieldPresentInYaml,
  keysOfData,
  keysOfYaml,
  topLevelKeysOfData,
  topLevelKeysOfYaml,
} from './policy.js';
import { readCard } from './read.js';
import { checkYamlPortability } from './style.js';
import { checkTemplate } from './template.js';
import { textMap } from './text-map.js';
import type { CardFormat, CardReport, ModelIdentity } from './types.js';
import { toPlain } from './to-plain.js';

/**
 * Validates one model card. `path` is repository-relative with forward slashes; `content` is the
 * file's bytes (or text). Never throws: whatever is wrong with the input becomes findings, each
 * with its rule id, position in the original file, message and hint. Severities follow
 * `config.rules` ('off' drops a rule's findings).
 */
export function validateCard(path: string, content: Uint8Array | string, config: Config): CardReport {
  const cleanPath = path.replace(/\\/g, '/').replace(/^\.\//, '');
  let outcome: Outcome;
  let collected = new FindingCollector(config.rules);
  try {
    outcome = check(cleanPath, content, config, collected);
  } catch (e) {
    outcome = { format: null, model: safeFolderIdentity(cleanPath) };
    collected = new FindingCollector(config.rules);
    collected.push(
      finding(
        'card/validator-error',
        START,
        `modelgate could not check this card: ${e instanceof Error ? e.name : 'unknown error'}.`,
        'This is a bug in modelgate, not in the card; please report it with the card attached.',
      ),
    );
  }
  const findings = collected.finish();
  return { path: cleanPath, format: outcome.format, model: outcome.model, findings, ...countBySeverity(findings) };
}

interface Outcome {
  format: CardFormat | null;
  model: ModelIdentity | null;
}

function safeFolderIdentity(path: string): ModelIdentity | null {
  try {
    return folderIdentity(path);
  } catch {
    return null;
  }
}

function check(path: string, content: Uint8Array | string, config: Config, findings: FindingCollector): Outcome {
  const read = readCard(content);
  if (!read.ok) {
    findings.push(read.finding);
    return { format: null, model: folderIdentity(path) };
  }
  const text = read.text;
  const kind = detectKind(path, text);
  if (kind === 'markdown') return checkMarkdown(path, text, config, findings);
  if (kind === 'yaml') return checkYamlCard(path, text, config, findings);
  return checkJsonCard(path, text, config, findings);
}

/** Markdown with YAML front matter: the Hugging Face model card format. */
function checkMarkdown(path: string, text: string, config: Config, findings: FindingCollector): Outcome {
  const fm = extractFrontMatter(text);
  const bodyStart = fm.kind === 'present' ? fm.bodyStart : 0;
  let scan: BodyScan | undefined;
  const body = (): BodyScan => (scan ??= scanBody(text, bodyStart));
  let fileMap: SourceMap | undefined;
  const lines = (): SourceMap => (fileMap ??= textMap(text));
  checkTemplate(text, bodyStart, body, lines, findings);
  // Only the headings that are required sections: a body can have 200,000 headings.
  const headings = (): Set<string> => {
    const wanted = new Set(config.require.sections.map(normalizeHeading));
    const found = new Set<string>();
    for (const h of body().headings) if (wanted.has(h.key)) found.add(h.key);
    return found;
  };

  if (fm.kind === 'unclosed') {
    findings.push(
      finding(
        'card/unclosed-front-matter',
        START,
        'The front matter starts with `---` on line 1 but has no closing `---` line.',
        'Add a line with just `---` after the metadata (or remove the first line if it is not front matter).',
      ),
    );
    return { format: 'markdown', model: folderIdentity(path) };
  }

  if (fm.kind === 'none') {
    findings.push(
      finding(
        'card/no-metadata',
        START,
        'The card has no metadata: no YAML front matter.',
        'Start the file with a `---` line, the metadata (license, language, tags, model-index, …), and another `---` line.',
      ),
    );
    checkRequiredFields(config, () => false, START, findings);
    checkRequiredSections(config, headings, 'heading', START, findings);
    if (config.licenses.allow) checkHfLicenseAllowed(config, null, START, { map: lines(), aliases: null, findings });
    return { format: 'markdown', model: folderIdentity(path) };
  }

  const parsed = parseYaml(fm.yaml, fm.yamlLineOffset, findings);
  checkRequiredSections(config, headings, 'heading', START, findings);
  if (parsed.fatal) return { format: 'markdown', model: folderIdentity(path) };

  const ctx: Ctx = { map: parsed.map, aliases: parsed.aliases, findings };
  checkYamlPortability(parsed.root, fm.yaml, ctx);
  const model = checkHfDocument(path, parsed.root, ctx, config, { where: `between the \`---\` lines (1–${fm.closeLine})`, sectionKeys: false });
  return { format: 'markdown', model };
}

/** A YAML card (`model_card.yml`): the same keys as front matter, or a toolkit card written in YAML. */
function checkYamlCard(path: string, text: string, config: Config, findings: FindingCollector): Outcome {
  const parsed = parseYaml(text, 0, findings);
  if (parsed.fatal) return { format: 'yaml', model: folderIdentity(path) };
  const ctx: Ctx = { map: parsed.map, aliases: parsed.aliases, findings };
  checkYamlPortability(parsed.root, text, ctx);
  if (isMap(parsed.root) && (has(parsed.root, 'schema_version') || has(parsed.root, 'model_details'))) {
    return checkToolkit(path, toPlain(parsed.root, ctx), parsed.root, parsed.map, config, findings);
  }
  const model = checkHfDocument(path, parsed.root, ctx, config, { where: 'in the file', sectionKeys: true });
  return { format: 'yaml', model };
}

/** A JSON card: Model Card Toolkit when it has the toolkit's keys, else Hugging Face keys in JSON. */
function checkJsonCard(path: string, text: string, config: Config, findings: FindingCollector): Outcome {
  const parsed = parseJson(text, findings);
  if (parsed.fatal) return { format: 'json', model: folderIdentity(path) };
  if (isMctData(parsed.value)) return checkToolkit(path, parsed.value, parsed.root, parsed.map, config, findings);
  const ctx: Ctx = { map: parsed.map, aliases: null, findings };
  const model = checkHfDocument(path, parsed.root, ctx, config, { where: 'in the file', sectionKeys: true });
  return { format: 'json', model };
}

/** Hugging Face metadata, its identity and the repository policy; returns the model identity. */
function checkHfDocument(
  path: string,
  root: Node | null,
  ctx: Ctx,
  config: Config,
  { where, sectionKeys }: { where: string; sectionKeys: boolean },
): ModelIdentity | null {
  const start: Position = ctx.map.start();
  if (root === null || (isScalar(root) && root.value === null)) {
    ctx.findings.push(
      finding('card/no-metadata', start, `The metadata is empty: there is nothing ${where}.`, 'Add the card\'s metadata: license, language, tags, model-index, …'),
    );
    checkRequiredFields(config, () => false, start, ctx.findings);
    checkHfLicenseAllowed(config, null, start, ctx);
    return folderIdentity(path);
  }
  if (!isMap(root)) {
    ctx.findings.push(
      finding(
        'card/not-a-mapping',
        at(root, ctx, start),
        `The metadata must be a mapping of keys to values (such as \`license: mit\`), not ${describeNode(root)}.`,
        'Write the metadata as `key: value` lines; a list of tags goes under `tags:`.',
      ),
    );
    return folderIdentity(path);
  }
  const map = root as YAMLMap;
  checkHfMetadata(map, ctx);
  const model = hfIdentity(map, path, ctx);
  checkRequiredFields(config, (field) => fieldPresentInYaml(map, field, ctx), start, ctx.findings, () => topLevelKeysOfYaml(map));
  if (sectionKeys) checkRequiredSections(config, () => keysOfYaml(map, ctx), 'key', start, ctx.findings);
  checkHfLicenseAllowed(config, map, start, ctx);
  return model;
}

function checkToolkit(path: string, data: unknown, root: Node | null, map: SourceMap, config: Config, findings: FindingCollector): Outcome {
  const locate = pathLocator(root, map);
  checkMct(data, locate, findings);
  checkRequiredFields(config, (field) => fieldPresentInData(data, field), START, findings, () => topLevelKeysOfData(data));
  checkRequiredSections(config, () => keysOfData(data), 'key', START, findings);
  checkMctLicensesAllowed(config, data, (p) => locate(p), findings);
  return { format: 'mct', model: mctIdentity(data, path) };
}

function describeNode(node: Node): string {
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return typeof node.value === 'string' ? 'a single text value' : `the value ${String(node.value)}`;
  return 'an alias';
}
