/*
 * The limits the loader enforces (issue 17: limits belong to the model, which every stage may read). Each is
 * defined here with its reason; src/load/ enforces them. Going past one is a finding (file-unreadable,
 * yaml-syntax or limit-exceeded), never a crash or a hang.
 */

/** Files larger than this are reported, not parsed: a 50 MB YAML file is a mistake, not a manifest. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** An alias expanding into more nodes than this is a "billion laughs" bomb, not configuration. */
export const MAX_ALIAS_COUNT = 1000;

/**
 * Collections nested deeper than this are reported, not read. No manifest nests a tenth as deep (a CRD schema
 * reaches about 20), and the parser and every recursive step after it would otherwise exhaust the stack.
 */
export const MAX_YAML_DEPTH = 256;

/** More documents than this in one file are reported, not parsed: the parser slows down badly past it. */
export const MAX_DOCUMENTS = 10_000;

/**
 * Lexer tokens (indicators, scalars, line breaks, indentation) one file may hold: past it the file is reported,
 * not parsed. Any input up to MAX_FILE_BYTES must be refused or parsed within 2 s and 300 MB (bench/hostile.mjs):
 * parsing time and memory grow with tokens, and 10 MB of `- 1` lines is 10 million of them. A CRD bundle holds
 * about 80,000 per MB.
 */
export const MAX_YAML_TOKENS = 1_000_000;

/**
 * Files with more tokens or bytes than these are not given to the `yaml` Document parser, whose time and memory
 * are several times the fast path's (a 10 MB double-quoted scalar: seconds and 400 MB): their values come from the
 * fast path (src/load/parse/fast-parse.ts) and their positions from its events (src/load/parse/light-ast.ts); such a file the
 * fast path declines (anchors, tags, a tab...) is reported, not parsed.
 */
export const MAX_FULL_PARSE_TOKENS = 300_000;
export const MAX_FULL_PARSE_BYTES = 2 * 1024 * 1024;

/**
 * One kustomize build emits at most this many objects; the rest are dropped and reported (limit-exceeded).
 * Bases can multiply: two overlays of two overlays of ... a base double the objects at every level.
 */
export const MAX_BUILD_OBJECTS = 50_000;

/** A cluster holds at most this many Flux Kustomizations and objects; past either the walk stops and says so. */
export const MAX_FLUX_KUSTOMIZATIONS = 10_000;
export const MAX_CLUSTER_OBJECTS = 250_000;

/** How deep below a given directory clusters are looked for, and how many directories at most. */
export const MAX_DISCOVERY_DEPTH = 8;
export const MAX_DISCOVERY_DIRS = 20_000;

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
