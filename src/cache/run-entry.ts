import type { Diagnostic } from '../model/diagnostic.js';
import type { ClusterPart, LintOptions, Summary } from '../engine/lint.js';
import type { LimitHit, RootReason } from '../model/types.js';
import { Journal, digest, isStoredJournal, type StoredJournal } from './journal.js';
import { readEntry, writeEntry } from './store.js';
import { toolId } from './tool-id.js';
import { Verifier } from './verify.js';

/*
 * The run-level cache entry, for the CLI's fast path: deciding a hit needs only node builtins and this module's
 * imports (no parser, no schemas, no rules), so an unchanged re-run costs little more than starting Node.
 */

/** A cluster's entry: what it saw of the disk, and what it contributes to a run. */
export interface ClusterEntry {
  journal: StoredJournal;
  part: ClusterPart;
}

/** A cluster entry as read or written: its key, and the hash of its body (what a run entry names it by). */
export interface KeptCluster {
  key: string;
  entry: ClusterEntry;
  /** Undefined when it could not be kept (the disk changed while it was linted, or the cache cannot be written). */
  digest?: string;
}

/**
 * A cluster's part as a run holds it until the run is composed: its entry's key and body hash (what the run entry
 * names), without the journal, which has been checked or written by then and is a cluster's largest piece.
 */
export interface RunCluster {
  key: string;
  /** Undefined when it could not be kept (see KeptCluster). */
  digest?: string;
  part: ClusterPart;
}

/** A run's plan (src/load/index.ts RepoPlan) without its RepoFs. */
export interface StoredPlan {
  root: string;
  rootReason: RootReason;
  cwd: string;
  clusterDirs: string[];
  /** Limits discovery hit (always at a path, before any file is read). */
  discoveryLimits: LimitHit[];
}

/** The YAML files in scope, and the files read they were found from (a hash of the list). */
export interface StoredScope {
  read: string;
  files: string[];
}

/** What lintCached returns. */
export interface CachedLint {
  diagnostics: Diagnostic[];
  summary: Summary;
  /** Clusters whose part came from the cache, and clusters linted. */
  reused: string[];
  linted: string[];
  /** Facts of the run outside its clusters: config lookup, discovery, the run-wide steps. */
  journal: Journal;
  clusters: RunCluster[];
  options: LintOptions;
  plan: StoredPlan;
  scope: StoredScope;
}

/**
 * A run's entry (the CLI's fast path): the facts of the run outside its clusters, its clusters' entries (by key and
 * body hash: an entry another run has since replaced is not this run's), the result, and how the CLI shows it.
 */
export interface RunEntry<Show = unknown> {
  journal: StoredJournal;
  /** What the run-level facts decided: the options (with the config's), the root and clusters, the scope. */
  options: LintOptions;
  plan: StoredPlan;
  scope: StoredScope;
  /**
   * The cluster entries it was composed from: each by the hash of its body, and by the hash of its part alone
   * (`part`; absent in entries of older builds). Concurrent runs of the same command each write the cluster entry
   * and the run entry; a journal may record a file's stat signature or not (depending on how recently the file
   * changed), so the two entries that survive can come from different runs. Another entry of the same key whose part
   * is the very part this run composed, and whose facts hold now, gives the same output.
   */
  clusters: { key: string; digest: string; part?: string }[];
  diagnostics: Diagnostic[];
  summary: Summary;
  /** What the CLI needs to print the result as the uncached run did (format, flags, rule metadata, version). */
  show: Show;
  /**
   * A run over several Flux roots (src/engine/roots.ts): how many. Its journal and clusters are every root's; options,
   * plan and scope the first root's, so it is never resumed (a run whose clusters changed runs in full).
   */
  roots?: number;
}

/** Environment variables lint-gitops reads: part of every key, though none is known to change a result. */
export function envKey(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(env).sort()) if (k.startsWith('LINT_GITOPS_')) out[k] = env[k]!;
  return out;
}

/** The key of a CLI run: the tool, where and how it was called (every argument, as given). */
export function runKey(cacheDir: string, argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return digest(JSON.stringify({ tool: toolId(cacheDir), env: envKey(env), cwd, argv }));
}

/** Keeps a run's result for the CLI's fast path, unless the disk changed while it ran or a cluster was not kept. */
export function saveRun<Show>(cacheDir: string, key: string, result: CachedLint, show: Show): void {
  if (result.journal.conflict || result.clusters.some((c) => c.digest === undefined)) return;
  const entry: RunEntry<Show> = {
    journal: result.journal.stored(),
    options: result.options,
    plan: result.plan,
    scope: result.scope,
    clusters: result.clusters.map((c) => ({ key: c.key, digest: c.digest!, part: partDigest(c.part) })),
    diagnostics: result.diagnostics,
    summary: result.summary,
    show,
  };
  writeEntry(cacheDir, 'run', key, entry);
}

/** Keeps the result of a run over several Flux roots (src/engine/roots.ts): their results, merged as printed. */
export function saveRoots<Show>(cacheDir: string, key: string, results: CachedLint[], merged: Pick<RunEntry, 'diagnostics' | 'summary'>, show: Show): void {
  if (results.length === 0 || results.some((r) => r.journal.conflict || r.clusters.some((c) => c.digest === undefined))) return;
  const journal = new Journal();
  for (const r of results) journal.add(r.journal);
  if (journal.conflict) return;
  const entry: RunEntry<Show> = {
    journal: journal.stored(),
    options: results[0].options,
    plan: results[0].plan,
    scope: results[0].scope,
    clusters: results.flatMap((r) => r.clusters.map((c) => ({ key: c.key, digest: c.digest!, part: partDigest(c.part) }))),
    diagnostics: merged.diagnostics,
    summary: merged.summary,
    show,
    roots: results.length,
  };
  writeEntry(cacheDir, 'run', key, entry);
}

/** The hash of a cluster's part (the findings and facts its rules gave), as a run entry names it. */
function partDigest(part: unknown): string {
  return digest(JSON.stringify(part));
}

/** A cluster's entry from the cache (`digest`: only that very entry). */
export function readCluster(cacheDir: string, key: string, expected?: string): KeptCluster | undefined {
  const read = readEntry<ClusterEntry>(cacheDir, 'cluster', key);
  if (!read || (expected !== undefined && read.digest !== expected)) return undefined;
  if (!isStoredJournal(read.value?.journal) || typeof read.value.part !== 'object' || read.value.part === null) return undefined;
  return { key, entry: read.value, digest: read.digest };
}

/**
 * A run's entry, checked through `verifier` (which remembers the answers): `hit` when every fact it depends on
 * still holds; `clusters` when its run-level facts hold (config, discovery, scope) but some cluster's do not — the
 * cluster entries read on the way are left in `known`. Undefined when there is none, or its run-level facts changed.
 */
export function loadRun<Show>(
  cacheDir: string,
  key: string,
  verifier: Verifier,
  known: Map<string, KeptCluster>,
): { entry: RunEntry<Show>; holds: 'hit' | 'clusters' } | undefined {
  const entry = readEntry<RunEntry<Show>>(cacheDir, 'run', key)?.value;
  if (!entry || !isStoredJournal(entry.journal) || !Array.isArray(entry.clusters) || !Array.isArray(entry.diagnostics) || !entry.summary) return undefined;
  if (!entry.options || !entry.plan || !Array.isArray(entry.plan.clusterDirs) || !entry.scope || !Array.isArray(entry.scope.files)) return undefined;
  if (!verifier.holds(entry.journal)) return undefined;
  for (const c of entry.clusters) {
    let cluster = readCluster(cacheDir, c.key, c.digest);
    if (!cluster && typeof c.part === 'string') {
      // Written by a concurrent run of the same command: as good when it holds the same part (its facts are checked next).
      const other = readCluster(cacheDir, c.key);
      if (other && partDigest(other.entry.part) === c.part) cluster = other;
    }
    if (!cluster) return { entry, holds: 'clusters' };
    known.set(c.key, cluster);
    if (!verifier.holds(cluster.entry.journal)) return { entry, holds: 'clusters' };
  }
  return { entry, holds: 'hit' };
}
