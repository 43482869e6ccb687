import type { Diagnostic, Severity, TextEdit } from '../model/diagnostic.js';
import type { ExternalObject } from '../model/external.js';
import type { Location, RepoModel, SourceFile } from '../model/types.js';
import type { SchemaCache } from '../schema/index.js';
import type { Disk } from '../load/disk.js';

/** A span of a file given by byte offsets, for findings that are not tied to a YAML node (syntax errors). */
export interface FileSpan {
  file: SourceFile;
  start: number;
  end: number;
}

/** The start of a file that may not have been read (an unreferenced file). */
export interface FileStart {
  path: string;
}

export type At = Location | FileSpan | FileStart;

export interface ReportOptions {
  fix?: TextEdit;
  /** This finding's severity when it differs from the rule's default (a user's per-rule setting still wins). */
  severity?: Severity;
  /** For the rule's `combine` (Diagnostic.data). */
  data?: unknown;
}

/** A rule's setting: a severity, or off. */
export type RuleSetting = Severity | 'off';

/**
 * The presets, from the quietest. `recommended` (the default) reports what breaks or races for real when Flux
 * reconciles; `strict` adds the pedantic findings: what only delays a first install until a retry, what couples
 * namespaces, what was left to a default. Each rule says what it is in each (Rule.severity, Rule.presets) and what
 * strict adds (Rule.strict); `--rule`/`rules:` settings override both.
 */
export const PRESETS = ['recommended', 'strict'] as const;
export type Preset = (typeof PRESETS)[number];
export const DEFAULT_PRESET: Preset = 'recommended';

/** Settings that change what rules report (from the library options; the config file feeds them too). */
export interface RuleOptions {
  /** The preset of the run; rules with findings that only `strict` reports read it. Default 'recommended'. */
  preset?: Preset;
  /**
   * How cross-namespace references that the controllers accept are reported (`cross-namespace-ref`, config
   * `crossNamespace`); default 'allow' under `recommended`, 'warn' under `strict`.
   */
  crossNamespacePolicy?: 'allow' | 'warn' | 'deny';
  /**
   * Objects that exist in the cluster without being in git (config `external`: a Secret from `flux bootstrap` or
   * SOPS, one made by hand). A reference rule treats a reference to one as resolved: `isExternal()` from
   * src/config/external.ts matches kind, name and namespace (an entry without namespace matches any).
   */
  external?: readonly ExternalObject[];
  /** Where the schema rules keep what they compute between runs (src/schema/context.ts); the engine sets it from the run's stores. */
  schemaCache?: SchemaCache;
}

export interface RuleContext {
  model: RepoModel;
  options: RuleOptions;
  /**
   * The run's disk (src/load/disk.ts): a rule that reads a file outside the model (the schema rules' folders of
   * `--schema-location`) reads it through this, so the result cache records it. The engine gives it.
   */
  disk?: Disk;
  /** Records a finding; the runner turns the location into file/line/column. */
  report(at: At, message: string, options?: ReportOptions): void;
}

export interface RuleDocs {
  /** Why this matters when Flux reconciles. */
  why: string;
  /** A short YAML example that triggers the rule, and its corrected form. */
  wrong?: string;
  right?: string;
}

/**
 * What a rule looks at, so the engine knows when to run it (src/engine/lint.ts):
 *  - 'cluster' (the default): each cluster's model on its own; findings are merged over the clusters;
 *  - 'run': once per run, over a model of what only the whole run knows (the YAML files in scope that no cluster
 *    read, the limits discovery hit); unreferenced-file needs every cluster's reads, as a base one cluster leaves
 *    out may be another's;
 *  - 'cluster-and-run': both (limit-exceeded: limits a cluster's build hit, and those discovery hit);
 *  - 'suppressions': reported by the engine while it applies the suppression comments, after every other rule
 *    (unused-suppression); check() is never called.
 */
export type RuleScope = 'cluster' | 'run' | 'cluster-and-run' | 'suppressions';

/** Whether a rule runs cluster by cluster, and once per run. */
export function runsPerCluster(rule: Pick<Rule, 'scope'>): boolean {
  const scope = rule.scope ?? 'cluster';
  return scope === 'cluster' || scope === 'cluster-and-run';
}
export function runsPerRun(rule: Pick<Rule, 'scope'>): boolean {
  return rule.scope === 'run' || rule.scope === 'cluster-and-run';
}

export interface Rule {
  id: string;
  /** When the engine runs it (default 'cluster'): see RuleScope. */
  scope?: RuleScope;
  /** Its severity under `recommended` (a finding may carry its own: ReportOptions.severity). */
  severity: Severity;
  /** Its setting in the other presets where it differs from `severity` (e.g. `{ strict: 'warning' }`). */
  presets?: Partial<Record<Exclude<Preset, 'recommended'>, RuleSetting>>;
  /** What `strict` adds to the findings of `recommended`, one phrase (README, `lint-gitops rules`). */
  strict?: string;
  /** One sentence: what the rule catches. */
  description: string;
  docs: RuleDocs;
  /** True when findings carry a fix that `--fix` can apply. */
  fixable?: boolean;
  check(context: RuleContext): void;
  /**
   * Merges this rule's findings from every cluster of a run into what the run reports (schema-missing: one line
   * for the run). Called once per run, after suppressions and ignore globs, with the findings of this rule only.
   */
  combine?(found: Diagnostic[]): Diagnostic[];
}

/** A rule's setting in a preset: `severity` under recommended, else its `presets` entry or `severity`. */
export function presetSetting(rule: Pick<Rule, 'severity' | 'presets'>, preset: Preset): RuleSetting {
  return preset === 'recommended' ? rule.severity : (rule.presets?.[preset] ?? rule.severity);
}
