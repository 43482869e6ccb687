import type { Document, LineCounter } from 'yaml';

/** Keys and indexes from a document's root to a node, e.g. ['spec', 'dependsOn', 0, 'name']. */
export type NodePath = readonly (string | number)[];

/** Why a file could not be parsed at all; each becomes a diagnostic instead of a crash. */
export type FileProblem =
  | { kind: 'binary' }
  | { kind: 'not-utf8' }
  | { kind: 'too-large'; size: number; limit: number }
  | { kind: 'unreadable'; reason: string }
  /** A documented limit (README "Limits") the file exceeds: it is reported by limit-exceeded, not parsed. */
  | { kind: 'limit'; reason: string }
  | { kind: 'symlink-loop' }
  | { kind: 'outside-root'; realPath: string };

/** How a file took part in the build; a file can have several roles. */
export type FileRole =
  | 'kustomization'
  | 'resource'
  | 'patch'
  | 'generator-input'
  | 'crd'
  | 'openapi'
  | 'helm-chart'
  | 'bootstrap'
  /** kustomize's own configuration: `configurations:` field specs, `replacements:` files, `transformers:` plugin configs. */
  | 'configuration';

export interface SourceFile {
  /** POSIX path relative to the repo root. */
  path: string;
  text: string;
  lineCounter: LineCounter;
  docs: YamlDoc[];
  problem?: FileProblem;
  roles: Set<FileRole>;
}

export interface YamlProblem {
  code: string;
  message: string;
  /** Byte offsets into the file text. */
  start: number;
  end: number;
}

export interface YamlDoc {
  file: SourceFile;
  /** 0-based position of the document in its file. */
  index: number;
  ast: Document.Parsed;
  /** Plain JS value of the document; undefined when it could not be converted. */
  value: unknown;
  problems: YamlProblem[];
}

/** A place in a YAML document that a diagnostic can point at. */
export interface Location {
  doc: YamlDoc;
  path: NodePath;
  /** Point at the key of the last path segment rather than its value. */
  key?: boolean;
}

export type RefKind =
  | 'resource'
  | 'component'
  | 'patch'
  | 'generator'
  | 'crd'
  | 'openapi'
  | 'configuration'
  | 'replacement'
  | 'transformer'
  | 'flux-path'
  | 'flux-component'
  | 'terraform-path'
  | 'helm-chart-path';

export type RefStatus =
  /** Resolved to an existing file or directory. */
  | 'ok'
  | 'missing'
  | 'outside-root'
  | 'remote'
  /** A directory used as a kustomize resource or component with no kustomization file. */
  | 'no-kustomization'
  /** A kustomization that includes itself through this reference. */
  | 'cycle'
  /** A symlink that loops or cannot be read. */
  | 'unreadable'
  /** A path in a source that is not this checkout (other repo, other branch, OCI artifact). */
  | 'foreign-source';

/** A documented limit (README "Limits") the repository exceeded: the load stopped there instead of hanging. */
export interface LimitHit {
  /** Where: a place in a document, or (discovery, before any file is read) the directory given. */
  at: Location | { path: string };
  message: string;
}

/** Why kustomize (and so Flux) would refuse a build, at the place that makes it fail. */
export interface KustomizeError {
  at: Location;
  message: string;
}

/** A path written in a YAML file and what it resolved to. */
export interface PathRef {
  kind: RefKind;
  /** The path as written. */
  raw: string;
  from: Location;
  /** Repo-relative directory the path is relative to. */
  base: string;
  /** Repo-relative POSIX path it resolves to, when it resolves inside the root. */
  target?: string;
  status: RefStatus;
  /** For 'missing': the closest existing path, repo-relative. */
  suggestion?: string;
  /** Extra words for the message: the foreign source's name, the cycle, ... */
  detail?: string;
}

export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
}

/** A Kubernetes object as one build produces it. The same document can produce objects in several builds. */
export interface KObject {
  apiVersion: string;
  kind: string;
  name: string;
  /** Effective namespace after kustomize `namespace` and Flux `targetNamespace`. */
  namespace?: string;
  /** Effective value after kustomize and Flux transformations. */
  value: Record<string, unknown>;
  /** The document it came from; positions always point there. */
  doc: YamlDoc;
  /** Path of the object inside its document ([] unless it is an item of a List). */
  docPath: NodePath;
  /** Key (`namespace/name`) of the Flux Kustomization whose build applies it. */
  builtBy: string;
  cluster: string;
  /** Made by a configMapGenerator/secretGenerator rather than written in a file. */
  generated?: boolean;
  /**
   * `namespace/name` of the ResourceSet the Flux Operator makes it from; `doc`/`docPath` are then the template
   * (a `spec.resources` item, or `spec.resourcesTemplate`) in that ResourceSet's document.
   */
  generatedBy?: string;
  /**
   * The cluster the object is applied to, when it is not this one: a Kustomization with `spec.kubeConfig` (or one
   * below it) applies to the cluster that kubeconfig names, e.g. `kubeConfig secret flux-system/staging`.
   */
  target?: string;
  /** Values set by patches: where each patched path (JSON of its NodePath) was written. */
  provenance?: Map<string, Location>;
}

/** What substitution a Flux Kustomization's postBuild will do (src/load/substitute.ts). */
export interface Substitution {
  /** Variables whose values the linter knows (inline `substitute`, ConfigMaps in the tree). */
  vars: Map<string, string>;
  /** Variables defined with a value the linter cannot know or must not show: the keys of a Secret. */
  unknown?: Set<string>;
  /**
   * False when some substituteFrom source cannot be read (missing, optional and absent, SOPS-encrypted, written by
   * an ExternalSecret): any variable may then be defined, with an unknown value. Unknown is not undefined.
   */
  complete: boolean;
  /** Variable names the controller rejects (VALID_NAME), which fail the whole Kustomization; `from` says where. */
  invalid?: { name: string; from: string; path: NodePath }[];
}

export interface FluxKustomization {
  /** `namespace/name`. */
  key: string;
  /** Undefined for a synthetic root (a directory linted without a flux-system bootstrap). */
  object?: KObject;
  /** Key of the Kustomization whose build contains this one; undefined for the cluster's root. */
  parent?: string;
  /** The directory built, repo-relative, when it is in this checkout. */
  path?: string;
  pathRef?: PathRef;
  objects: KObject[];
  substitution: Substitution;
  /** Where its objects are applied when not this cluster (see KObject.target). */
  target?: string;
  /** `namespace/name` of the ResourceSet the Flux Operator makes it from (src/load/resourceset.ts). */
  generatedBy?: string;
  /**
   * The spec it builds with when no object in the tree writes it: the sync Kustomization a FluxInstance makes
   * (with the instance's kustomize patches applied).
   */
  spec?: Record<string, unknown>;
}

export interface Cluster {
  /** Repo-relative directory of the cluster (what the root Kustomization builds). */
  dir: string;
  name: string;
  /** How its root Kustomization was found. */
  bootstrap: 'flux-system' | 'in-tree' | 'synthetic';
  rootKey: string;
  /** Sources that exist without a manifest in the tree: the root's (bootstrap or a FluxInstance's sync creates it). */
  implicitSources: ObjectRef[];
  /**
   * Sources built from a folder of this checkout other than its root: an OCI artifact or Bucket that CI pushes from
   * a folder (config `sources:`, or inferred from a FluxInstance's sync path).
   */
  sourceRoots: SourceRoot[];
  /** The ResourceSets the cluster applies, and what expanding them offline gave. */
  resourceSets: { object: KObject; expansion: ResourceSetExpansion }[];
  kustomizations: Map<string, FluxKustomization>;
  objects: KObject[];
}

/*
 * What expanding a Flux Operator ResourceSet offline gives (src/load/resourceset.ts makes it; a Cluster keeps it for
 * the rules): https://fluxcd.control-plane.io/operator/resourceset/
 */

/** A place in the ResourceSet document; `line`/`column` (1-based) are inside the string at `path`, when known. */
export interface TemplatePoint {
  path: NodePath;
  /** Point at the key of the last path segment. */
  key?: boolean;
  line?: number;
  column?: number;
}

export type ResourceSetIssueCode =
  /** A template does not parse (or calls a function the operator does not define). */
  | 'template-parse'
  /** Rendering fails for an input set: missing input key, wrong type, `fail`, ... */
  | 'template-exec'
  /** The rendered text is not a Kubernetes object the operator can read or apply. */
  | 'template-output'
  /** The spec breaks a rule the CRD or the operator enforces. */
  | 'invalid-spec'
  /** Two steps generate the same object. */
  | 'duplicate-resource'
  /** An `inputsFrom` name matches no ResourceSetInputProvider the caller found. */
  | 'provider-not-found'
  /** The template uses something this module does not evaluate offline (date functions, ...). */
  | 'unsupported'
  /** The expansion would exceed a limit (operator's or ours). */
  | 'limit'
  /** The ResourceSet is disabled: the operator does not reconcile it. */
  | 'disabled'
  /** A rendered document the operator silently drops (no apiVersion/kind/name, or a kustomize Kustomization). */
  | 'dropped';

export interface ResourceSetIssue {
  code: ResourceSetIssueCode;
  /** `error`: the operator fails on it too. `warning`: it fails unless the cluster has what the repository lacks. */
  severity: 'error' | 'warning' | 'info';
  message: string;
  at: TemplatePoint;
}

export interface ResourceSetDependency {
  apiVersion: string;
  kind: string;
  name: string;
  /** As written: the operator does not default it (a namespaced kind needs it). */
  namespace?: string;
  ready: boolean;
  readyExpr?: string;
  path: NodePath;
}

export interface OfflineProvider {
  name: string;
  namespace?: string;
  type: string;
  path: NodePath;
}

export interface GeneratedObject {
  /** The object as the operator applies it (plain JSON). */
  value: Record<string, unknown>;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** The template it came from: `spec.resources[i]`, `spec.resourcesTemplate`, or the same under `spec.steps[s]`. */
  template: TemplatePoint;
  /** The step that applies it, for `spec.steps`. */
  step?: string;
  /** Index of its input set; undefined when the ResourceSet has no inputs at all. */
  inputIndex?: number;
  /** Values the rendering read that are only known on the cluster (e.g. a Static provider's `inputs.id`). */
  placeholders: string[];
  /** Where paths of `value` were written (JSON of the path → point), computed when first read; see locateGenerated. */
  readonly sources: Map<string, TemplatePoint>;
}

export interface ResourceSetExpansion {
  /** `partial`: some input sets come from providers that need a live API (Flatten keeps the others). */
  status: 'expanded' | 'partial' | 'not-expandable';
  objects: GeneratedObject[];
  issues: ResourceSetIssue[];
  dependsOn: ResourceSetDependency[];
  /** Providers whose inputs need a live API (GitHub, GitLab, OCI registries, ...). */
  offlineProviders: OfflineProvider[];
  /** Input sets rendered. */
  inputSets: number;
}

/** A Flux source whose files are a folder of this checkout. */
export interface SourceRoot {
  source: ObjectRef;
  /** Repo-relative folder that is the source's root ('.' for the checkout itself). */
  path: string;
  /** 'config': the config's `sources:` says so; 'inferred': the only folder where the root's sync path exists. */
  reason: 'config' | 'inferred';
  /** Where the evidence for an inferred root is written (the sync path). */
  at?: Location;
  /** The sync path that was found there. */
  syncPath?: string;
}

/** A config `sources:` entry: this source is built from a folder of the checkout. */
export interface SourceMapping {
  kind: string;
  name: string;
  namespace?: string;
  path: string;
}

/** A CustomResourceDefinition read from outside the repository (`--crds`). */
export interface ExtraCrd {
  /** Its file, relative to the working directory. */
  source: string;
  value: unknown;
}

export interface KustomizeDir {
  dir: string;
  /** Kustomization files present in the directory (kustomize refuses more than one). */
  files: string[];
  doc?: YamlDoc;
  /** True for a kustomization Flux generates for a directory without one. */
  generated: boolean;
}

export type RootReason =
  | 'option'
  | 'flux-path'
  | 'git'
  | 'flux-paths'
  | 'cwd'
  /** summary only: a cluster's root source is a folder of the checkout, inferred from a FluxInstance's sync path or given by `sources:`. */
  | 'source-inferred'
  | 'source-config';

export interface RepoModel {
  /** Absolute path of the repo root. */
  root: string;
  rootReason: RootReason;
  /** CRD files from the config's `crdDirectories` and `--crds` (installed outside git), repo-relative; also in `files` with role 'crd'. */
  externalCrdFiles?: string[];
  /** CustomResourceDefinitions from `--crds` paths outside the repository (they are not repository files). */
  extraCrds?: ExtraCrd[];
  /** Absolute folders of JSON schemas in kubeconform's CRD layout (`--schema-location`, config `schemaLocations`). */
  schemaLocations?: string[];
  files: Map<string, SourceFile>;
  clusters: Cluster[];
  refs: PathRef[];
  /** Limits exceeded while building (objects per build or cluster, Flux Kustomizations per cluster). */
  limits: LimitHit[];
  /** kustomize build failures the path rules do not cover (the kustomize-build rule); absent in a run-level model. */
  kustomizeErrors?: KustomizeError[];
  kustomizeDirs: Map<string, KustomizeDir>;
  /** YAML files under the linted clusters and beside the files the build reads. */
  yamlFilesInScope: string[];
  /** `# Flux Version:` of the gotk-components.yaml files reached, when present. */
  fluxVersions: string[];
}
