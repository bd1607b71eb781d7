import { ALL_MODEL_LIBRARY_KEYS, PIPELINE_DATA, PIPELINE_TYPES } from '@huggingface/tasks';

/**
 * What the Hugging Face Hub knows, from `@huggingface/tasks` (the package the Hub itself uses),
 * turned into lookup sets once at load.
 */

/** Pipeline tags (tasks) the Hub shows and filters by. */
export const PIPELINE_TAGS: ReadonlySet<string> = new Set(PIPELINE_TYPES);

/**
 * Subtask → its pipeline. Several former pipeline tags live on only as subtasks
 * (`conversational` and `text2text-generation` under `text-generation`): a card that still uses
 * one gets pointed at the pipeline that replaced it.
 */
export const SUBTASK_PARENT: ReadonlyMap<string, string> = (() => {
  const parents = new Map<string, string>();
  for (const [pipeline, data] of Object.entries(PIPELINE_DATA)) {
    const subtasks = 'subtasks' in data ? (data.subtasks as readonly { type: string }[]) : [];
    for (const sub of subtasks) if (!parents.has(sub.type)) parents.set(sub.type, pipeline);
  }
  return parents;
})();

/** Task ids allowed as `model-index` `task.type`: pipeline tags and their subtasks. */
export const TASK_IDS: ReadonlySet<string> = new Set([...PIPELINE_TYPES, ...SUBTASK_PARENT.keys()]);

/** `library_name` values the Hub recognises. */
export const LIBRARY_NAMES: ReadonlySet<string> = new Set(ALL_MODEL_LIBRARY_KEYS);
