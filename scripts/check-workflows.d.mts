// Types for check-workflows.mjs, for the TypeScript tests that import it.
import type { Problem } from './workflow-checks.mjs';

export function collectProblems(root: string): Promise<Problem[]>;
export function markdownSnippets(markdown: string): ({ kind: 'workflow'; line: number; offset: number; text: string } | { kind: 'yaml'; line: number } | { kind: 'problem'; line: number; message: string })[];
