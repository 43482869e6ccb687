import { MAX_DISCOVERY_DEPTH, MAX_DISCOVERY_DIRS } from './discover.js';
import { MAX_CLUSTER_OBJECTS, MAX_FLUX_KUSTOMIZATIONS } from './flux.js';
import { MAX_BUILD_OBJECTS } from './kustomize.js';
import { MAX_FILE_BYTES } from './repo-fs.js';
import { MAX_ALIAS_COUNT, MAX_DOCUMENTS, MAX_FULL_PARSE_BYTES, MAX_FULL_PARSE_TOKENS, MAX_YAML_DEPTH, MAX_YAML_TOKENS } from './parse/yaml-file.js';

/**
 * Every limit the loader enforces, by name (README "Limits" lists each). Going past one is a finding
 * (file-unreadable, yaml-syntax or limit-exceeded), never a crash or a hang.
 */
export const LIMITS = {
  /** Bytes per file; a bigger file is reported and not parsed. */
  MAX_FILE_BYTES,
  /** YAML documents per file. */
  MAX_DOCUMENTS,
  /** YAML lexer tokens per file; a file with more is reported and not parsed. */
  MAX_YAML_TOKENS,
  /** Tokens and bytes past which a file is read by the fast path only (positions from its events), not the `yaml` Document parser. */
  MAX_FULL_PARSE_TOKENS,
  MAX_FULL_PARSE_BYTES,
  /** Nesting of YAML collections. */
  MAX_YAML_DEPTH,
  /** Nodes an alias may expand to (`maxAliasCount`): "billion laughs". */
  MAX_ALIAS_COUNT,
  /** Objects one kustomize build emits. */
  MAX_BUILD_OBJECTS,
  /** Objects per cluster, over all its Flux Kustomizations. */
  MAX_CLUSTER_OBJECTS,
  /** Flux Kustomizations per cluster. */
  MAX_FLUX_KUSTOMIZATIONS,
  /** Directories looked at when searching a path for clusters, and how deep below it. */
  MAX_DISCOVERY_DIRS,
  MAX_DISCOVERY_DEPTH,
} as const;
