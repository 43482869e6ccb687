/** The library API: what the CLI, tests and editors call. */
export { lint, runRules, type LintOptions, type LintResult, type Summary, type RuleSetting } from './engine/lint.js';
export { loadRepo, UsageError, type LoadOptions } from './load/index.js';
export type { RepoModel } from './model/types.js';
/** The loader's documented limits (README "Limits"): past one, a finding instead of a crash or a hang. */
export { LIMITS } from './model/limits.js';
export { rules, ruleById, type Rule, type RuleContext } from './rules/index.js';
export type { Diagnostic, Severity } from './model/diagnostic.js';
export { formatJson } from './report/json.js';
export { formatStylish } from './report/stylish.js';
export { FORMATS, format, formatSarif, formatGithub, formatJunit, formatMarkdown, type FormatName, type FormatOptions } from './report/index.js';
export { resolveConfig, configToOptions, parseConfig, configSchema, isExternal, ConfigError, type LintGitopsConfig, type ExternalObject } from './config/index.js';
export { lintAndFix, type FixResult, type AppliedFix } from './engine/fix.js';
/** lint() with the result cache (README "The result cache"): clusters whose files did not change are not linted again. */
export { lintCached, type CacheContext } from './cache/run.js';
export type { CachedLint } from './cache/run-entry.js';
export { affectedClusters, type ChangedSelection } from './engine/changed.js';
export { graph, type GraphResult } from './engine/graph.js';
export { clusterWaves, type ClusterWaves, type WaveKustomization, type WaveRef } from './graph/waves.js';
export { formatGraphTable } from './report/graph-table.js';
export { formatGraphJson } from './report/graph-json.js';
export { formatGraphMermaid } from './report/graph-mermaid.js';
export { formatGraphDot } from './report/graph-dot.js';
