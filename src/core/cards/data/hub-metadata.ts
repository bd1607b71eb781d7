import { HUB_LIBRARY_NAMES, HUB_PIPELINE_TYPES, HUB_SUBTASKS } from './hub-tasks.js';

/**
 * What the Hugging Face Hub knows, from `@huggingface/tasks` (the package the Hub itself uses,
 * copied as plain data into hub-tasks.ts so the CLI does not load the package), turned into
 * lookup sets once at load.
 */

/** Pipeline tags (tasks) the Hub shows and filters by. */
export const PIPELINE_TAGS: ReadonlySet<string> = new Set(HUB_PIPELINE_TYPES);

/**
 * Subtask → its pipeline. Several former pipeline tags live on only as subtasks
 * (`conversational` and `text2text-generation` under `text-generation`): a card that still uses
 * one gets pointed at the pipeline that replaced it.
 */
export const SUBTASK_PARENT: ReadonlyMap<string, string> = (() => {
  const parents = new Map<string, string>();
  for (const [sub, pipeline] of HUB_SUBTASKS) if (!parents.has(sub)) parents.set(sub, pipeline);
  return parents;
})();

/** Task ids allowed as `model-index` `task.type`: pipeline tags and their subtasks. */
export const TASK_IDS: ReadonlySet<string> = new Set([...HUB_PIPELINE_TYPES, ...SUBTASK_PARENT.keys()]);

/** `library_name` values the Hub recognises. */
export const LIBRARY_NAMES: ReadonlySet<string> = new Set(HUB_LIBRARY_NAMES);
