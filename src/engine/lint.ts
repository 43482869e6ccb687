import path from 'node:path';
import { dedupeDiagnostics, sortDiagnostics, type Diagnostic, type Severity } from '../model/diagnostic.js';
import { ClusterLoader, planRepo, readFiles, yamlFilesInScope, type LoadOptions, type RepoPlan } from '../load/index.js';
import { rules as allRules, DEFAULT_PRESET, presetSetting, runsPerCluster, runsPerRun, type At, type Preset, type Rule, type RuleOptions, type RuleSetting } from '../rules/index.js';
import { dropIgnored } from '../config/ignore.js';
import { clusterDone } from './heap.js';
import { applyDirectives, findDirectives, type Directive } from './suppress.js';
import { unusedSuppression } from '../rules/unused-suppression.js';
import { locate, toRange } from '../model/location.js';
import { type KustomizeDir, type RepoModel, type RootReason, type SourceFile } from '../model/types.js';
import type { OpenStores, RunStores } from './stores.js';
import { Disk } from '../load/disk.js';

export type { RuleSetting };

export interface LintOptions extends LoadOptions, RuleOptions {
  /** The rules' defaults: 'recommended' (the default) or 'strict' (README "Presets"). */
  preset?: Preset;
  /** Per-rule severity overrides, or 'off' (over the preset's). */
  rules?: Record<string, RuleSetting>;
  /** Globs (repo-relative) of files whose findings are dropped (config `ignore`). */
  ignore?: string[];
  /** Rules to run instead of the built-in set (tests, editors). */
  ruleSet?: readonly Rule[];
  /**
   * False: no `model` in the result. Each cluster's model (its files, parsed documents, builds) is then dropped
   * as soon as its findings are taken, so a run holds one cluster's model at a time instead of every cluster's
   * (the CLI's way). Default true.
   */
  model?: boolean;
  /**
   * Keep parses, compiled validators and validation results between runs: a directory, or true for the user cache
   * directory ($LINT_GITOPS_CACHE_DIR, else e.g. ~/.cache/lint-gitops). Off by default. Read where the stores are
   * opened (src/cache/stores.ts: the library entry src/index.ts and the CLI); the engine is handed the stores.
   */
  cache?: boolean | string;
  /** With `cache`, also keep schema validation results (src/cache/validations.ts); true unless false. `--fix` turns it off. */
  validationCache?: boolean;
}

export interface Summary {
  errorCount: number;
  warningCount: number;
  infoCount: number;
  fixableCount: number;
  /** Repo root relative to the working directory, and how it was chosen. */
  root: string;
  rootReason: RootReason;
  clusters: string[];
  filesRead: number;
  objects: number;
  fluxKustomizations: number;
  fluxVersions: string[];
  /**
   * Flux sources read from a folder of this checkout other than its root (an OCI artifact CI pushes from a
   * folder): from the config's `sources:`, or inferred from where a FluxInstance's sync path is.
   */
  sourceRoots: SourceRootSummary[];
}

export interface SourceRootSummary {
  /** `Kind namespace/name`. */
  source: string;
  /** Repo-relative folder. */
  path: string;
  reason: 'config' | 'inferred';
}

export interface LintResult {
  diagnostics: Diagnostic[];
  summary: Summary;
  model: RepoModel;
}

/**
 * What one cluster contributes to a run: its findings, and what the run-wide steps need from it. A function of
 * that cluster's files alone (each cluster is loaded and checked on its own), which is what lets the result cache
 * (src/cache/) keep it between runs and reuse it when other clusters change.
 */
export interface ClusterPart {
  /** The cluster directories loaded together (one, or none for a shard without clusters). */
  dirs: string[];
  /** Findings of the cluster-level rules, deduplicated and sorted; fixes included. */
  diagnostics: Diagnostic[];
  /** Files its build reads (any role), in the order they were read. */
  read: string[];
  /** Suppression comments in the files it looked at. */
  directives: Directive[];
  objects: number;
  fluxKustomizations: number;
  fluxVersions: string[];
  sourceRoots: SourceRootSummary[];
}

export interface RunSettings {
  ruleSet: readonly Rule[];
  /** The user's settings (`--rule`, config `rules:`); a rule without one has its preset's (ruleOptions.preset). */
  settings: Record<string, RuleSetting>;
  ruleOptions: RuleOptions;
  /** The run's disk, handed to the rules (RuleContext.disk). */
  disk?: Disk;
}

export function runSettings(options: LintOptions, disk?: Disk): RunSettings {
  return {
    ruleSet: options.ruleSet ?? allRules,
    settings: options.rules ?? {},
    ruleOptions: { preset: options.preset ?? DEFAULT_PRESET, crossNamespacePolicy: options.crossNamespacePolicy, external: options.external },
    disk,
  };
}

/** What a rule runs as: the user's setting, else its preset's. */
function settingOf(rule: Rule, settings: Record<string, RuleSetting>, ruleOptions: RuleOptions): RuleSetting {
  return settings[rule.id] ?? presetSetting(rule, ruleOptions.preset ?? DEFAULT_PRESET);
}

/** The groups of clusters a run loads: each cluster on its own (none: still one load, for the CRD directories). */
export function clusterGroups(plan: RepoPlan): string[][] {
  return plan.clusterDirs.length > 0 ? plan.clusterDirs.map((d) => [d]) : [[]];
}

/**
 * Loads the repository and runs every enabled rule: each cluster is loaded and checked on its own (a base two
 * clusters share is read by each), then the findings are merged (a finding both report once), the run-wide rules
 * run, and suppressions and ignore globs apply.
 */
export function lint(options: LintOptions & { model: false }, context?: RunContext): Omit<LintResult, 'model'>;
export function lint(options: LintOptions, context?: RunContext): LintResult;
export function lint(options: LintOptions, context: RunContext = {}): LintResult | Omit<LintResult, 'model'> {
  const keepModels = options.model !== false;
  const models: RepoModel[] = [];
  const done = lintRun(options, keepModels ? { ...context, model: (m) => models.push(m) } : context);
  const { composed } = done;
  if (!keepModels) return { diagnostics: composed.diagnostics, summary: composed.summary };
  return { diagnostics: composed.diagnostics, summary: composed.summary, model: mergeModels(done.plan, models, composed.yamlFilesInScope) };
}

/**
 * How a caller takes part in lint()'s one loop over the clusters (the result cache, src/cache/lint-cached.ts, keeps each
 * cluster's part between runs and records the disk questions asked). Every hook is optional; with none, lintRun is
 * lint().
 */
export interface LintHooks extends RunContext {
  /** The plan, when the caller already has it (a resumed run); else planRepo(options), inside `runLevel`. */
  plan?: RepoPlan;
  /** Wraps the run-level steps (finding the root and clusters, composing the run). */
  runLevel?<T>(step: () => T): T;
  /** A part kept from an earlier run for this group of clusters (asked for every group first), or undefined. */
  reuse?(dirs: string[], index: number, plan: RepoPlan): ClusterPart | undefined;
  /** Wraps the load and check of one group of clusters that was not reused; sees the part it made. */
  cluster?(dirs: string[], index: number, check: () => ClusterPart): ClusterPart;
  /** Sees each cluster model loaded (lint() keeps them for LintResult.model). */
  model?(model: RepoModel): void;
  /** The YAML files in scope when known for the files the clusters read (composeRun's `scope`). */
  scope?(read: string[]): string[] | undefined;
  /** False: never keep the parse store (lint-gitops diff's base side). Else it is kept when every cluster was loaded. */
  saveParses?: boolean;
}

/** What a run is given from outside: where it keeps what it computes, and its door to the disk. */
export interface RunContext {
  /** The run's stores (src/engine/stores.ts), opened when a cluster is to be loaded; none: everything is computed. */
  stores?: OpenStores;
  /**
   * The disk the run reads (src/load/disk.ts): the plan's when `plan` is given, else a new one. The result cache
   * plugs its journal into it; the CLI shares one between the config, the roots and the run (one discovery walk).
   */
  disk?: Disk;
}

export interface LintRun {
  plan: RepoPlan;
  composed: ComposedRun;
  /** Each group's part, in the plan's order, and whether it was reused. */
  parts: { dirs: string[]; part: ClusterPart; reused: boolean }[];
}

/**
 * The one coordinating loop: plan, load and check each cluster on its own (or take its kept part), then the
 * run-wide steps. lint() and the result cache's lintCached() both run it.
 */
export function lintRun(options: LintOptions, hooks: LintHooks): LintRun {
  const runLevel = hooks.runLevel ?? (<T>(step: () => T) => step());
  const disk = hooks.plan?.repoFs.disk ?? hooks.disk ?? new Disk();
  const plan = hooks.plan ?? runLevel(() => planRepo(options, disk));
  const run = runSettings(options, disk);
  const groups = clusterGroups(plan).map((dirs, i) => ({ dirs, kept: hooks.reuse?.(dirs, i, plan) }));
  const stale = groups.filter((g) => !g.kept).length;
  const stores: RunStores = stale > 0 ? (hooks.stores?.(plan, options) ?? {}) : {};
  const loader = stale > 0 ? new ClusterLoader(plan, { ...options, parses: stores.parses }) : undefined;
  // The schema rules' stores are given to the rules, not kept in the model.
  const clusterRun: RunSettings = stores.schema ? { ...run, ruleOptions: { ...run.ruleOptions, schemaCache: stores.schema } } : run;
  const parts: LintRun['parts'] = [];
  try {
    let toLint = stale;
    for (const [i, { dirs, kept }] of groups.entries()) {
      if (kept) {
        parts.push({ dirs, part: kept, reused: true });
        continue;
      }
      const check = () => {
        const model = loader!.load(dirs, { scope: false });
        hooks.model?.(model);
        return lintCluster(model, dirs, clusterRun);
      };
      parts.push({ dirs, part: hooks.cluster ? hooks.cluster(dirs, i, check) : check(), reused: false });
      clusterDone(--toLint > 0);
    }
  } catch (e) {
    loader?.close();
    stores.close?.(false);
    throw e;
  }
  loader?.close();
  // The parse store keeps what this run used: a run that reused some clusters does not keep it (RunStores.close).
  stores.close?.(hooks.saveParses !== false && stale === groups.length);
  const composed = runLevel(() =>
    composeRun(
      plan,
      parts.map((p) => p.part),
      options,
      run,
      hooks.scope,
    ),
  );
  return { plan, composed, parts };
}

/** Runs the cluster-level rules over a model of one cluster. */
export function lintCluster(model: RepoModel, dirs: string[], { ruleSet, settings, ruleOptions, disk }: RunSettings): ClusterPart {
  const diagnostics = runRules(model, ruleSet.filter(runsPerCluster), settings, ruleOptions, disk);
  let objects = 0;
  let fluxKustomizations = 0;
  for (const c of model.clusters) {
    objects += c.objects.length;
    fluxKustomizations += c.kustomizations.size;
  }
  const sourceRoots = model.clusters.flatMap((c) =>
    c.sourceRoots.map((s) => ({ source: `${s.source.kind} ${s.source.namespace}/${s.source.name}`, path: s.path, reason: s.reason })),
  );
  return { dirs, diagnostics, read: readFiles(model.files), directives: findDirectives(model), objects, fluxKustomizations, fluxVersions: model.fluxVersions, sourceRoots };
}

export interface ComposedRun {
  diagnostics: Diagnostic[];
  summary: Summary;
  yamlFilesInScope: string[];
  /** Every file the clusters read, in order (what the scope depends on besides the disk). */
  read: string[];
}

/**
 * The run-wide steps over the clusters' parts: merge, unreferenced files, discovery limits, suppressions, ignore
 * globs, summary. `scope`: the YAML files in scope when known (the result cache keeps them with what they depend on).
 */
export function composeRun(
  plan: RepoPlan,
  parts: ClusterPart[],
  options: Pick<LintOptions, 'ignore'>,
  { ruleSet, settings, ruleOptions, disk }: RunSettings,
  scope?: (read: string[]) => string[] | undefined,
): ComposedRun {
  const read: string[] = [];
  const isRead = new Set<string>();
  for (const part of parts) {
    for (const f of part.read) {
      if (isRead.has(f)) continue;
      isRead.add(f);
      read.push(f);
    }
  }
  const inScope = scope?.(read) ?? yamlFilesInScope(plan, read);
  const runModel: RepoModel = {
    root: plan.root,
    rootReason: plan.rootReason,
    files: new Map(),
    clusters: [],
    refs: [],
    limits: plan.discoveryLimits,
    kustomizeDirs: new Map(),
    yamlFilesInScope: inScope.filter((f) => !isRead.has(f)),
    fluxVersions: [],
  };
  const runFound = runRules(runModel, ruleSet.filter(runsPerRun), settings, ruleOptions, disk);
  const found = sortDiagnostics(dedupeDiagnostics([...parts.flatMap((p) => p.diagnostics), ...runFound]));
  // A file two clusters read holds the same comments for both: its directives count once.
  const directives: Directive[] = [];
  const withDirectives = new Set<string>();
  for (const part of parts) {
    const files = new Set(part.directives.map((d) => d.file));
    for (const d of part.directives) if (!withDirectives.has(d.file)) directives.push(d);
    for (const f of files) withDirectives.add(f);
  }
  // Inline `# lint-gitops-disable...` comments, then the config's ignore globs (src/engine/suppress.ts, src/config/ignore.ts).
  const ran = new Set(ruleSet.filter((r) => settingOf(r, settings, ruleOptions) !== 'off').map((r) => r.id));
  const unusedSetting = settingOf(unusedSuppression, settings, ruleOptions);
  const unused = ran.has(unusedSuppression.id) && unusedSetting !== 'off' ? unusedSetting : undefined;
  const known = new Set([...allRules, ...ruleSet].map((r) => r.id));
  const diagnostics = combineRun(ruleSet, dropIgnored(applyDirectives(directives, found, ran, known, unused), options.ignore));
  return { diagnostics, summary: summarize(plan, parts, read.length, diagnostics), yamlFilesInScope: inScope, read };
}

/** Rules that merge their findings of every cluster into the run's (Rule.combine) do it here; then all are sorted. */
function combineRun(ruleSet: readonly Rule[], found: Diagnostic[]): Diagnostic[] {
  const combining = ruleSet.filter((r) => r.combine);
  if (combining.length === 0) return sortDiagnostics(found);
  const ids = new Set(combining.map((r) => r.id));
  const out = found.filter((d) => !ids.has(d.ruleId));
  for (const r of combining) {
    const mine = found.filter((d) => d.ruleId === r.id);
    if (mine.length > 0) out.push(...r.combine!(mine));
  }
  return sortDiagnostics(out);
}

/** The clusters' models as one (LintResult.model): files by path (roles merged), everything else side by side. */
function mergeModels(plan: RepoPlan, models: RepoModel[], scope: string[]): RepoModel {
  const files = new Map<string, SourceFile>();
  const kustomizeDirs = new Map<string, KustomizeDir>();
  for (const m of models) {
    for (const [p, f] of m.files) {
      const had = files.get(p);
      if (!had) files.set(p, f);
      else for (const role of f.roles) had.roles.add(role);
    }
    for (const [d, kd] of m.kustomizeDirs) if (!kustomizeDirs.has(d)) kustomizeDirs.set(d, kd);
  }
  return {
    root: plan.root,
    rootReason: plan.rootReason,
    externalCrdFiles: models[0]?.externalCrdFiles ?? [],
    extraCrds: models[0]?.extraCrds ?? [],
    files,
    clusters: models.flatMap((m) => m.clusters),
    refs: models.flatMap((m) => m.refs),
    limits: [...plan.discoveryLimits, ...models.flatMap((m) => m.limits)],
    kustomizeErrors: models.flatMap((m) => m.kustomizeErrors ?? []),
    kustomizeDirs,
    yamlFilesInScope: scope,
    fluxVersions: [...new Set(models.flatMap((m) => m.fluxVersions))].sort(),
  };
}

/**
 * Runs rules over a model. A finding's severity is the user's setting for its rule, else the one the finding carries
 * (cross-namespace-ref's refused references are errors), else the rule's in the preset.
 */
export function runRules(model: RepoModel, ruleSet: readonly Rule[], settings: Record<string, RuleSetting>, ruleOptions: RuleOptions = {}, disk?: Disk): Diagnostic[] {
  const out: Diagnostic[] = [];
  const options: RuleOptions = { ...ruleOptions, preset: ruleOptions.preset ?? DEFAULT_PRESET };
  for (const rule of ruleSet) {
    const base = settingOf(rule, settings, options);
    if (base === 'off') continue;
    const setting = settings[rule.id];
    rule.check({
      model,
      options,
      ...(disk ? { disk } : {}),
      report(at, message, opts) {
        const severity = (setting as Severity | undefined) ?? opts?.severity ?? base;
        out.push({ ruleId: rule.id, severity, message, ...position(at), ...(opts?.fix ? { fix: opts.fix } : {}), ...(opts?.data !== undefined ? { data: opts.data } : {}) });
      },
    });
  }
  return sortDiagnostics(dedupeDiagnostics(out));
}

function position(at: At): Pick<Diagnostic, 'file' | 'line' | 'column' | 'endLine' | 'endColumn'> {
  if ('doc' in at) {
    const r = locate(at);
    return { file: at.doc.file.path, line: r.line, column: r.column, endLine: r.endLine, endColumn: r.endColumn };
  }
  if ('file' in at) {
    const r = toRange(at.file, at.start, at.end);
    return { file: at.file.path, line: r.line, column: r.column, endLine: r.endLine, endColumn: r.endColumn };
  }
  return { file: at.path, line: 1, column: 1, endLine: 1, endColumn: 1 };
}

function summarize(plan: RepoPlan, parts: ClusterPart[], filesRead: number, diagnostics: Diagnostic[]): Summary {
  const count = (s: Severity) => diagnostics.filter((d) => d.severity === s).length;
  let objects = 0;
  let fluxKustomizations = 0;
  for (const p of parts) {
    objects += p.objects;
    fluxKustomizations += p.fluxKustomizations;
  }
  const sourceRoots = new Map<string, SourceRootSummary>();
  for (const p of parts) for (const s of p.sourceRoots ?? []) sourceRoots.set(`${s.source}\0${s.path}\0${s.reason}`, s);
  const roots = [...sourceRoots.values()].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.path < b.path ? -1 : 1));
  return {
    errorCount: count('error'),
    warningCount: count('warning'),
    infoCount: count('info'),
    fixableCount: diagnostics.filter((d) => d.fix).length,
    root: path.relative(plan.cwd, plan.root).split(path.sep).join('/') || '.',
    // A source read from a folder of the checkout is where the clusters' Flux paths start, so it is the reason.
    rootReason: roots.some((s) => s.reason === 'inferred') ? 'source-inferred' : roots.length > 0 ? 'source-config' : plan.rootReason,
    clusters: [...plan.clusterDirs],
    filesRead,
    objects,
    fluxKustomizations,
    fluxVersions: [...new Set(parts.flatMap((p) => p.fluxVersions))].sort(),
    sourceRoots: roots,
  };
}
