import path from 'node:path';
import type { LintOptions } from '../engine/lint.js';
import { repoRootFor } from '../load/index.js';
import { Disk } from '../load/disk.js';
import type { Rule } from '../rules/types.js';
import { findConfigFile, readConfigFile, type LoadedConfig } from './load.js';
import type { LintGitopsConfig } from './types.js';

export { ConfigError, CONFIG_FILES, PACKAGE_JSON_KEY, findConfigFile, parseConfig, readConfigFile, type LoadedConfig } from './load.js';
export { configSchema, CONFIG_SCHEMA_ID } from './schema.js';
export { isExternal, type ExternalObject } from '../model/external.js';
export { dropIgnored } from './ignore.js';
export type { LintGitopsConfig } from './types.js';

export interface ResolveConfigOptions {
  paths: string[];
  root?: string;
  cwd?: string;
  /** A config file to use instead of looking at the repo root; false: no config at all (`--no-config`). */
  config?: string | false;
  rules: readonly Rule[];
}

/**
 * The config that applies to a lint run: `--config FILE`, else the one at the repo root, else none; read through
 * `disk` (the run's, whose recorder the result cache plugs in; a new one when none is given).
 */
export function resolveConfig(options: ResolveConfigOptions, disk: Disk = new Disk()): LoadedConfig {
  if (options.config === false) return { config: {} };
  const cwd = options.cwd ?? process.cwd();
  const file = typeof options.config === 'string' ? path.resolve(cwd, options.config) : findConfigFile(repoRootFor(options, disk), disk);
  if (!file) return { config: {} };
  const display = path.relative(cwd, file).split(path.sep).join('/') || file;
  return { config: readConfigFile(file, options.rules, display, disk), file };
}

/** Lint options from a config; command-line settings are merged over them by the caller. */
export function configToOptions(config: LintGitopsConfig): Pick<LintOptions, 'preset' | 'rules' | 'ignore' | 'crdDirs' | 'schemaLocationDirs' | 'external' | 'crossNamespacePolicy' | 'sources'> {
  return {
    ...(config.preset ? { preset: config.preset } : {}),
    ...(config.rules ? { rules: config.rules } : {}),
    ...(config.ignore ? { ignore: config.ignore } : {}),
    ...(config.crdDirectories ? { crdDirs: config.crdDirectories } : {}),
    ...(config.schemaLocations ? { schemaLocationDirs: config.schemaLocations } : {}),
    ...(config.external ? { external: config.external } : {}),
    ...(config.sources ? { sources: config.sources } : {}),
    ...(config.crossNamespace ? { crossNamespacePolicy: config.crossNamespace } : {}),
  };
}
