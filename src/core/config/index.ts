/** `.github/modelgate.yml`: its schema (the one source of truth), parsing with positioned errors, and the defaults. */
export { CONFIG_PATH, parseConfig, type ConfigResult } from './parse.js';
export {
  configJsonSchema,
  ConfigSchema,
  DEFAULT_CARD_GLOBS,
  DEFAULT_CONFIG,
  MetricRuleSchema,
  resolveConfig,
  type Config,
  type ConfigInput,
  type MetricRule,
} from './schema.js';
export { parseSchemaFile, type SchemaFileOptions, type SchemaFileResult } from './schema-file.js';
