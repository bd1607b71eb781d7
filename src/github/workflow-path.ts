/** `.github/workflows/evaluate.yml` (or `…@refs/heads/main`, as `workflow_run.path` may carry a ref) → `evaluate.yml`. */
export function workflowFileName(path: string): string {
  return path.split('@')[0]!.split('/').pop() ?? '';
}

/** Whether a run's workflow path is the workflow file `name` (a file name in .github/workflows). */
export function isWorkflowFile(path: string, name: string): boolean {
  return workflowFileName(path) === name;
}
