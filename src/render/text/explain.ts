import type { MetricRule } from '../../core/config/index.js';
import type { MetricExplanation } from '../../core/metrics/index.js';

const rule = (rules: readonly MetricRule[], index: number): string => `#${index + 1} ${JSON.stringify(rules[index]!.match)}`;

/** `modelgate explain-metric NAME`: which rules match a metric, and where each setting comes from. */
export function renderExplanation(e: MetricExplanation, rules: readonly MetricRule[]): string {
  const lines = [`${e.metric}`];
  if (e.matches.length === 0) {
    lines.push(rules.length === 0 ? '  no metric rules in the config' : `  no rule matches (${rules.length} ${rules.length === 1 ? 'rule' : 'rules'} in the config)`);
  } else {
    lines.push(`  matching rules, highest precedence first:`);
    for (const m of e.matches) lines.push(`    ${rule(rules, m.index)}  ${m.exact ? 'exact name' : `glob, ${m.literals} literal characters`}`);
    for (const s of e.settings) {
      const overridden = s.overrides.length ? ` (overrides ${s.overrides.map((i) => rule(rules, i)).join(', ')})` : '';
      lines.push(`  ${s.property}: ${JSON.stringify(s.value)}  from ${rule(rules, s.from)}${overridden}`);
    }
  }
  lines.push(`  direction: ${e.goal ?? 'none (compared, never improved or regressed)'}${e.goalSource === 'default' ? ' (built-in default for the name)' : e.goalSource === 'rule' ? ' (from the rules)' : ''}`);
  return lines.join('\n') + '\n';
}
