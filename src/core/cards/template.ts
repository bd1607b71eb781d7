import type { SourceMap } from '../common/yaml-positions.js';
import { isHidden, type BodyScan } from './body.js';
import type { FindingCollector } from './collector.js';
import { finding } from './finding.js';
import { quote } from './quote.js';

// The placeholder the Hugging Face card templates (and the Trainer's generated cards) leave in
// every section: "More information needed", or "[More Information Needed]".
const PLACEHOLDER = /\[?more information needed\]?/gi;

/**
 * One finding per placeholder left in the Markdown body, at its line; placeholders inside code
 * blocks and HTML comments are not shown to readers and are ignored.
 */
export function checkTemplate(text: string, bodyStart: number, scan: () => BodyScan, map: () => SourceMap, findings: FindingCollector): void {
  PLACEHOLDER.lastIndex = bodyStart;
  for (let m = PLACEHOLDER.exec(text); m !== null; m = PLACEHOLDER.exec(text)) {
    if (isHidden(scan().hidden, m.index)) continue;
    const at = map().at(m.index);
    if (findings.skip('card/unfilled-template', at)) continue;
    findings.push(
      finding(
        'card/unfilled-template',
        at,
        `Unfilled template placeholder ${quote(m[0])}.`,
        'Write this section, or remove it if it does not apply to the model.',
      ),
    );
  }
}
