// Types for workflow-checks.mjs, for the TypeScript tests that import it.
export interface Problem {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

export function checkWorkflow(text: string, file: string): Problem[];
export function checkAction(text: string, file: string, options?: { usedInputs?: readonly string[]; exists?: (path: string) => boolean }): Problem[];
export function runScripts(text: string): { script: string; line: number; shell: string | null }[];
export function formatProblem(problem: Problem): string;
