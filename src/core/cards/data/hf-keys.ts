/**
 * The keys of Hugging Face model card metadata (the Hub's model card spec and huggingface_hub's
 * ModelCardData), and of the structures inside `model-index`. Unknown keys are allowed — the Hub
 * keeps custom keys — but one that is a near miss of these is most likely a typo.
 */
export const TOP_LEVEL_KEYS: ReadonlySet<string> = new Set([
  'language',
  'license',
  'license_name',
  'license_link',
  'library_name',
  'tags',
  'datasets',
  'metrics',
  'base_model',
  'base_model_relation',
  'new_version',
  'pipeline_tag',
  'model-index',
  'model_name',
  'inference',
  'widget',
  'co2_eq_emissions',
  'thumbnail',
  'extra_gated_prompt',
  'extra_gated_fields',
  'extra_gated_heading',
  'extra_gated_description',
  'extra_gated_button_content',
  'extra_gated_eu_disallowed',
  // modelgate's own namespace: cannot collide with a Hub key.
  'modelgate',
]);

/** Any `extra_gated_*` key configures the Hub's access form. */
export const GATED_PREFIX = 'extra_gated_';

/** The pre-2021 spelling, which the Hub ignores. */
export const LEGACY_MODEL_INDEX = 'model_index';

export const ENTRY_KEYS: ReadonlySet<string> = new Set(['name', 'results']);
export const RESULT_KEYS: ReadonlySet<string> = new Set(['task', 'dataset', 'metrics', 'source']);
export const TASK_KEYS: ReadonlySet<string> = new Set(['type', 'name']);
export const DATASET_KEYS: ReadonlySet<string> = new Set(['type', 'name', 'config', 'split', 'revision', 'args']);
export const METRIC_KEYS: ReadonlySet<string> = new Set(['type', 'value', 'name', 'config', 'args', 'verified', 'verifyToken']);
export const SOURCE_KEYS: ReadonlySet<string> = new Set(['name', 'url']);
export const MODELGATE_KEYS: ReadonlySet<string> = new Set(['model', 'version']);
