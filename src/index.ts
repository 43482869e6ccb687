/** The library API: what the CLI, tests and editors call. */
import { lint as lintWith, type LintOptions, type LintResult } from './engine/lint.js';
import { lintAndFix as lintAndFixWith, type FixResult } from './engine/fix.js';
import { loadRepo as loadWith, parseCacheScope, planRepo, type LoadOptions } from './load/index.js';
import type { RepoModel } from './model/types.js';
import { cacheStores } from './cache/stores.js';
import { ParseCache } from './cache/parses.js';
import { cacheDirOf } from './cache/dir.js';

export { runRules, lintRun, type LintOptions, type LintResult, type LintHooks, type LintRun, type RunContext, type ClusterPart, type Summary, type RuleSetting } from './engine/lint.js';
export type { RunStores, OpenStores } from './engine/stores.js';
export { UsageError, parseCacheScope, planRepo, type LoadOptions, type RepoPlan } from './load/index.js';
export { Disk, type DiskRecorder } from './load/disk.js';
import { Disk } from './load/disk.js';
export { cacheStores } from './cache/stores.js';

/**
 * Loads the repository and runs every enabled rule (src/engine/lint.ts), with `cache` opening the stores of the
 * user cache directory, or the one given (src/cache/stores.ts).
 */
export function lint(options: LintOptions & { model: false }): Omit<LintResult, 'model'>;
export function lint(options: LintOptions): LintResult;
export function lint(options: LintOptions): LintResult | Omit<LintResult, 'model'> {
  return lintWith(options, { stores: cacheStores(options) });
}

/** `--fix` (src/engine/fix.ts), with the stores `cache` names. */
export function lintAndFix(options: LintOptions): FixResult {
  return lintAndFixWith(options, { stores: cacheStores(options) });
}

/** Reads a repository into one model (src/load/index.ts); `cache`: keep parses in the user cache directory, or the one given. */
export function loadRepo(options: LoadOptions & { cache?: boolean | string }, disk: Disk = new Disk()): RepoModel {
  const { cache, ...rest } = options;
  if (!cache || rest.parses) return loadWith(rest, disk);
  // The parse cache is kept per root and clusters: plan first (one discovery walk for both).
  const { model, parses } = disk.withDiscoveryMemo(() => {
    const plan = planRepo(rest, disk);
    const parses = ParseCache.open(cacheDirOf(cache, plan.cwd), parseCacheScope(plan));
    return { parses, model: loadWith({ ...rest, parses }, disk) };
  });
  try {
    parses.save();
  } catch {
    // The next run parses again.
  }
  return model;
}
export type { RepoModel } from './model/types.js';
/** The loader's documented limits (README "Limits"): past one, a finding instead of a crash or a hang. */
export { LIMITS } from './model/limits.js';
export { rules, ruleById, type Rule, type RuleContext } from './rules/index.js';
export type { Diagnostic, Severity } from './model/diagnostic.js';
export { formatJson } from './report/json.js';
export { formatStylish } from './report/stylish.js';
export { FORMATS, format, formatSarif, formatGithub, formatJunit, formatMarkdown, type FormatName, type FormatOptions } from './report/index.js';
export { resolveConfig, configToOptions, parseConfig, configSchema, isExternal, ConfigError, type LintGitopsConfig, type ExternalObject } from './config/index.js';
export type { FixResult, AppliedFix } from './engine/fix.js';
/** lint() with the result cache (README "The result cache"): clusters whose files did not change are not linted again. */
export { lintCached, type CacheContext } from './cache/lint-cached.js';
export type { CachedLint } from './cache/run-entry.js';
export { affectedClusters, type ChangedSelection } from './engine/changed.js';
export { graph, type GraphResult } from './engine/graph.js';
export { clusterWaves, type ClusterWaves, type WaveKustomization, type WaveRef } from './graph/waves.js';
export { formatGraphTable } from './report/graph-table.js';
export { formatGraphJson } from './report/graph-json.js';
export { formatGraphMermaid } from './report/graph-mermaid.js';
export { formatGraphDot } from './report/graph-dot.js';
