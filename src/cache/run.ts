import type { Diagnostic } from '../diagnostic.js';
import { ClusterLoader, planRepo, type RepoPlan } from '../load/index.js';
import { clusterGroups, composeRun, lintCluster, runSettings, type ClusterPart, type LintOptions, type Summary } from '../lint.js';
import { Journal, digest, recording } from './journal.js';
import { envKey } from './run-entry.js';
import { readEntry, writeEntry } from './store.js';
import { toolId } from './tool-id.js';
import { Verifier } from './verify.js';

/** A cluster's entry: what it saw of the disk, and what it contributes to a run. */
interface ClusterEntry {
  journal: [string, string][];
  part: ClusterPart;
}

export interface CachedLint {
  diagnostics: Diagnostic[];
  summary: Summary;
  /** Clusters whose part came from the cache, and clusters linted. */
  reused: string[];
  linted: string[];
  /** Every fact the result depends on (for a run entry). */
  journal: Journal;
}

/**
 * The key of a cluster's part: the tool, where it runs, the cluster, and every option that changes what its rules
 * report. The disk is not in the key: it is in the entry's journal, checked before the part is used.
 */
function clusterKey(cacheDir: string, plan: RepoPlan, dirs: string[], options: LintOptions): string {
  return digest(
    JSON.stringify({
      tool: toolId(cacheDir),
      env: envKey(),
      root: plan.root,
      cwd: plan.cwd,
      dirs,
      rules: sortKeys(options.rules ?? {}),
      crossNamespacePolicy: options.crossNamespacePolicy ?? null,
      external: options.external ?? null,
      crdDirs: options.crdDirs ?? null,
      crdPaths: options.crdPaths ?? null,
    }),
  );
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * lint() with the result cache in `cacheDir`: each cluster's part is taken from the cache when every fact its
 * journal holds is still true, and linted (and kept) otherwise; the run-wide steps always run. The result is the
 * one lint() gives, byte for byte: a part is a function of the facts in its journal, and lint() composes the same
 * parts the same way. `journal`: facts the caller gathered before (the config file lookup), added to the result's.
 * Custom rule sets are not cached (their code is not part of the key).
 */
export function lintCached(options: LintOptions, cacheDir: string, journal: Journal = new Journal()): CachedLint {
  if (options.ruleSet) throw new Error('lintCached: a custom ruleSet cannot be cached');
  const all = new Journal();
  all.add(journal);
  const planJournal = new Journal();
  const plan = recording(planJournal, () => planRepo(options));
  all.add(planJournal);
  const run = runSettings(options);
  const verifier = new Verifier();
  const parts: ClusterPart[] = [];
  const reused: string[] = [];
  const linted: string[] = [];
  let loader: ClusterLoader | undefined;
  try {
    for (const dirs of clusterGroups(plan)) {
      const key = clusterKey(cacheDir, plan, dirs, options);
      const entry = readEntry<ClusterEntry>(cacheDir, 'cluster', key);
      if (entry && Array.isArray(entry.journal) && entry.part && verifier.holds(entry.journal)) {
        parts.push(entry.part);
        for (const [k, v] of entry.journal) all.record(k, v);
        reused.push(...dirs);
        continue;
      }
      loader ??= new ClusterLoader(plan, options);
      const clusterJournal = new Journal();
      const part = recording(clusterJournal, () => lintCluster(loader!.load(dirs, { scope: false }), dirs, run));
      parts.push(part);
      all.add(clusterJournal);
      linted.push(...dirs);
      if (!clusterJournal.conflict) writeEntry(cacheDir, 'cluster', key, { journal: [...clusterJournal.facts], part } satisfies ClusterEntry);
    }
  } catch (e) {
    loader?.close(false);
    throw e;
  }
  loader?.close(true);
  const composeJournal = new Journal();
  const composed = recording(composeJournal, () => composeRun(plan, parts, options, run));
  all.add(composeJournal);
  return { diagnostics: composed.diagnostics, summary: composed.summary, reused, linted, journal: all };
}
