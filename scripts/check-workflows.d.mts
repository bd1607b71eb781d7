// Types for check-workflows.mjs, for the TypeScript tests that import it.
import type { Problem } from './workflow-checks.mjs';

export function collectProblems(root: string): Promise<Problem[]>;
