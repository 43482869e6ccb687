import type { Diagnostic } from './diagnostic.js';

/*
 * The result of `lint-gitops diff` (src/diff/), as types only: the commands on top produce it, the formatters in
 * src/report/ print it, and neither has to import the other (issue 17: result types next to Diagnostic).
 */

/** The base as the outputs name it. */
export type BaseLabel = { ref: string; commit: string; subject: string } | { dir: string };

/**
 * What a change does to each cluster: the documented shape of `lint-gitops diff --format json` (README "Diff"),
 * with, for the text formats, each changed object's diff tree (`node`, left out of the JSON).
 */
export interface DiffResult {
  base: BaseLabel;
  /** Files that differ below the repo root; a removed and an added file with the same content are a rename. */
  files: FileChange[];
  summary: DiffSummary;
  clusters: ClusterDiff[];
  findings: { introduced: Diagnostic[]; resolved: Diagnostic[] };
}

export interface FileChange {
  path: string;
  status: 'added' | 'removed' | 'modified' | 'renamed';
  /** For a rename: where the file was. */
  from?: string;
}

export interface Counts {
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
}

export interface DiffSummary {
  clusters: Counts;
  kustomizations: Counts;
  objects: Omit<Counts, 'unchanged'>;
  findings: { introduced: number; resolved: number };
}

export type Status = 'added' | 'removed' | 'changed' | 'unchanged';

export interface ClusterDiff {
  /** Repo-relative directory. */
  cluster: string;
  status: Status;
  /** Flux Kustomizations of the cluster in the head (the base for a removed cluster). */
  kustomizationCount: number;
  /** Objects of the cluster in the head (the base for a removed cluster). */
  objectCount: number;
  /** The Kustomizations that changed, came or went, by key; the others are only counted. */
  kustomizations: KustomizationDiff[];
  unchangedKustomizations: number;
  graph?: GraphDiff;
}

export interface KustomizationDiff {
  /** `namespace/name`. */
  key: string;
  status: Exclude<Status, 'unchanged'>;
  /** The directory it builds, repo-relative, before and after (when it has one in this checkout). */
  path: { before?: string; after?: string };
  added: ObjectDiff[];
  removed: ObjectDiff[];
  changed: ObjectDiff[];
}

export interface ObjectId {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface ObjectDiff extends ObjectId {
  /** The apiVersion before, when it changed. */
  apiVersionBefore?: string;
  /** The file it comes from (the head's; the base's for a removed object). */
  file: string;
  /** Field changes of the built object (changed objects only). */
  changes: FieldChange[];
  /** A HelmRelease's chart, version and values, when any of them differs (or it came or went). */
  helmRelease?: HelmReleaseChange;
  /** The diff tree the text formats print (not in the JSON). */
  node?: DiffNode;
}

export interface HelmReleaseChange {
  chart: Pair<string>;
  version: Pair<string>;
  /** The chart's source, `Kind namespace/name`. */
  source: Pair<string>;
  /** Changes of `spec.values`, paths relative to it. */
  values: FieldChange[];
  /** `spec.valuesFrom` changed (the entries are in `changes`). */
  valuesFrom: boolean;
}

export interface Pair<T> {
  before?: T;
  after?: T;
}

/** How a change moves a cluster's dependsOn graph (src/graph/waves.ts): Kustomizations, edges and waves. */
export interface GraphDiff {
  /** `namespace/name` of Flux Kustomizations only the head has, and only the base has. */
  added: string[];
  removed: string[];
  /** dependsOn edges: `from` depends on `to` (namespace/name each). */
  edgesAdded: Edge[];
  edgesRemoved: Edge[];
  /** Kustomizations in both whose wave differs (null: in or behind a dependsOn cycle). */
  moved: Array<{ kustomization: string; before: number | null; after: number | null }>;
  /** A Mermaid flowchart of what changed and what it touches (see graphMermaid in src/diff/graph.ts). */
  mermaid: string;
}

export interface Edge {
  from: string;
  to: string;
}

/**
 * A field-level diff of two values (a built object before and after), as a tree of the fields that differ: maps by
 * key, lists by item (Kubernetes lists of named items — containers, env, volumes, ports — by `name`, as a strategic
 * merge patch matches them; other lists by position, or by longest common subsequence when their lengths differ).
 * Leaves hold the values before and after, except in fields that hold secrets: there a leaf says only that the value
 * was added, removed or changed (see `secretFields` in src/diff/values.ts).
 */
export type Change = 'added' | 'removed' | 'changed';

export type DiffNode =
  | { type: 'map'; entries: Array<{ key: string; node: DiffNode }> }
  | { type: 'seq'; items: Array<{ index: number; label?: string; node: DiffNode }> }
  | Leaf;

export interface Leaf {
  type: 'leaf';
  change: Change;
  before?: unknown;
  after?: unknown;
  /** The value is a secret's: never shown, only that it changed. Set by the redaction, not by a value. */
  secret?: true;
}

/** A field change as the JSON output lists it: the path from the object's root, and the values unless secret. */
export interface FieldChange {
  path: Array<string | number>;
  change: Change;
  before?: unknown;
  after?: unknown;
  secret?: true;
}
