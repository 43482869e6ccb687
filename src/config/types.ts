import type { Preset, RuleSetting } from '../rules/types.js';
import type { ExternalObject } from '../model/external.js';
import type { SourceMapping } from '../model/types.js';

/** `.lint-gitops.yaml` at the repo root, or the `lint-gitops` key of its package.json (see config.schema.json). */
export interface LintGitopsConfig {
  /** Editors' schema hint; ignored. */
  $schema?: string;
  /** The rules' defaults: `recommended` (default) or `strict`. Command-line `--preset` wins. */
  preset?: Preset;
  /** Per-rule severity, or `off`, over the preset's. Command-line `--rule` wins. */
  rules?: Record<string, RuleSetting>;
  /** Globs, relative to the repo root: findings in matching files are dropped (the files are still read). */
  ignore?: string[];
  /** Directories, relative to the repo root, whose YAML files are CustomResourceDefinitions installed outside git. */
  crdDirectories?: string[];
  /** Folders of JSON schemas in kubeconform's CRD layout (`<group>/<kind>_<version>.json`), relative to the repo root. */
  schemaLocations?: string[];
  /** Objects created outside git that references may name. */
  external?: ExternalObject[];
  /** Flux sources built from a folder of this checkout (an OCI artifact pushed by CI). */
  sources?: SourceMapping[];
  /** How cross-namespace references that the controllers accept are reported (default: allow; strict: warn). */
  crossNamespace?: 'allow' | 'warn' | 'deny';
}
