import type { RepoPlan } from '../load/index.js';
import { RepoFs } from '../load/repo-fs.js';
import { Disk } from '../load/disk.js';
import { lintRun, type ClusterPart, type LintOptions } from '../engine/lint.js';
import { Journal, digest, recording } from './journal.js';
import { printLintResult, type CliShow } from '../cli/fast-path.js';
import { envKey, readCluster, runKey, saveRun, type CachedLint, type ClusterEntry, type KeptCluster, type RunCluster, type RunEntry } from './run-entry.js';
import { writeEntry } from './store.js';
import { cacheStores } from './stores.js';
import { toolId } from './tool-id.js';
import { Verifier } from './verify.js';

/**
 * The key of a cluster's part: the tool, where it runs, the cluster, and every option that changes what its rules
 * report. The disk is not in the key: it is in the entry's journal, checked before the part is used.
 */
function clusterKey(cacheDir: string, plan: Pick<RepoPlan, 'root' | 'cwd'>, dirs: string[], options: LintOptions): string {
  return digest(
    JSON.stringify({
      tool: toolId(cacheDir),
      env: envKey(),
      root: plan.root,
      cwd: plan.cwd,
      dirs,
      rules: sortKeys(options.rules ?? {}),
      preset: options.preset ?? null,
      crossNamespacePolicy: options.crossNamespacePolicy ?? null,
      external: options.external ?? null,
      crdDirs: options.crdDirs ?? null,
      crdPaths: options.crdPaths ?? null,
      schemaLocations: options.schemaLocations ?? null,
      schemaLocationDirs: options.schemaLocationDirs ?? null,
    }),
  );
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export interface CacheContext {
  /** Facts the caller gathered before (the config file lookup): part of the run's journal. */
  journal?: Journal;
  /** The disk the run reads (the CLI's, which gathered `journal` through it); a new one when none is given. */
  disk?: Disk;
  /** Answers the disk gave moments ago in this process (the CLI's fast path), reused. */
  verifier?: Verifier;
  /** Cluster entries already read (from a run entry that missed), by key. */
  known?: ReadonlyMap<string, KeptCluster>;
  /**
   * A run entry whose run-level facts were just found to hold (the CLI's fast path): its plan and, when the
   * clusters read the same files, its scope are this run's; its journal is this run's run-level journal.
   */
  resume?: RunEntry;
}

/**
 * lint() with the result cache in `cacheDir`: each cluster's part is taken from the cache when every fact its
 * journal holds is still true, and linted (and kept) otherwise; the run-wide steps always run. The result is the
 * one lint() gives, byte for byte: a part is a function of the facts in its journal, and lint() composes the same
 * parts the same way. Custom rule sets are not cached (their code is not part of the key).
 */
export function lintCached(options: LintOptions, cacheDir: string, context: CacheContext = {}): CachedLint {
  if (options.ruleSet) throw new Error('lintCached: a custom ruleSet cannot be cached');
  const verifier = context.verifier ?? new Verifier();
  const resume = context.resume;
  const runJournal = resume ? Journal.fromStored(resume.journal) : new Journal();
  if (context.journal) runJournal.add(context.journal);
  // The clusters whose entry still holds are reused (an entry's journal is dropped once checked); the others are
  // linted with their disk questions recorded, and kept.
  const keys = new Map<number, string>();
  const reusedAt = new Map<number, RunCluster>();
  const lintedAt = new Map<number, RunCluster>();
  const known = resume?.scope;
  const disk = context.disk ?? new Disk();
  const { plan, composed, parts } = lintRun(options, {
    plan: resume ? { ...resume.plan, repoFs: new RepoFs(resume.plan.root, disk) } : undefined,
    disk,
    runLevel: (step) => recording(disk, runJournal, step),
    stores: cacheStores(options),
    reuse: (dirs, i, plan) => {
      const key = clusterKey(cacheDir, plan, dirs, options);
      keys.set(i, key);
      const kept = context.known?.get(key) ?? readCluster(cacheDir, key);
      if (!kept || !verifier.holds(kept.entry.journal)) return undefined;
      reusedAt.set(i, { key, digest: kept.digest, part: kept.entry.part });
      return kept.entry.part;
    },
    cluster: (_dirs, i, check) => {
      const journal = new Journal();
      const part: ClusterPart = recording(disk, journal, check);
      const key = keys.get(i)!;
      const entry: ClusterEntry = { journal: journal.stored(), part };
      lintedAt.set(i, { key, part, digest: journal.conflict ? undefined : writeEntry(cacheDir, 'cluster', key, entry) });
      return part;
    },
    // The scope depends on the disk (its facts are in the run journal, which holds when resuming) and on the files
    // the clusters read: the same files, the same scope.
    scope: (read) => (known && known.read === digest(read.join('\0')) ? known.files : undefined),
  });
  const clusters = parts.map((_, i) => reusedAt.get(i) ?? lintedAt.get(i)!);
  const reused = parts.filter((p) => p.reused).flatMap((p) => p.dirs);
  const linted = parts.filter((p) => !p.reused).flatMap((p) => p.dirs);
  const { repoFs: _fs, ...storedPlan } = plan;
  return {
    diagnostics: composed.diagnostics,
    summary: composed.summary,
    reused,
    linted,
    journal: runJournal,
    clusters,
    options,
    plan: storedPlan,
    scope: { read: digest(composed.read.join('\0')), files: composed.yamlFilesInScope },
  };
}

/**
 * The CLI's run when only clusters changed since `entry` (see fastPath in src/cli/fast-path.ts): the same options,
 * root and clusters; the changed clusters are linted again, the others reused; printed as the entry's run was.
 */
export function resumeRun(argv: readonly string[], entry: RunEntry<CliShow>, cacheDir: string, context: Pick<CacheContext, 'verifier' | 'known'>): number {
  const result = lintCached(entry.options, cacheDir, { ...context, resume: entry });
  saveRun(cacheDir, runKey(cacheDir, argv, entry.options.cwd ?? process.cwd()), result, entry.show);
  return printLintResult(result.diagnostics, result.summary, entry.show);
}
