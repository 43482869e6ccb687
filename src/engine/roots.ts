import path from 'node:path';
import { Disk } from '../load/disk.js';
import { dedupeDiagnostics, sortDiagnostics, type Diagnostic } from '../model/diagnostic.js';
import type { Summary } from './lint.js';
import { findClusterDirs, findRoot, rootFromFluxPath } from '../load/discover.js';
import type { RootReason } from '../model/types.js';

/**
 * Several Flux installations in one git repository, side by side (`a/` and `b/`, each with its own flux-system
 * whose paths are relative to `a/` or `b/`: two GitRepositories, or OCI artifacts, of sub-directories): each
 * cluster's Flux paths are relative to its own root, the directory its flux-system Kustomization's `spec.path`
 * makes point back at it. A run whose clusters have one root is linted as always; one whose clusters have
 * several is linted once per root, and the results are merged with file paths relative to the directory that
 * holds all the roots (their common ancestor).
 */

/** The clusters of one root: absolute directories, and how the root was chosen. */
export interface RootGroup {
  root: string;
  reason: RootReason;
  /** Absolute directories to lint under this root (clusters, or a directory without one). */
  paths: string[];
}

/** The roots of a run, and the directory holding them all (what file paths are printed relative to). */
export interface RootGroups {
  base: string;
  groups: RootGroup[];
}

/**
 * The roots of a run over `paths` (directories), or undefined when one root serves them all (or `--root` names
 * it): the run is then planned as it always was. `shard` picks every n-th cluster over all roots, in the order of
 * their paths from the common ancestor, as --shard does for one root (a root left with none is dropped).
 */
export function rootGroups(paths: string[], options: { root?: string; cwd: string; shard?: { index: number; count: number } }, disk: Disk = new Disk()): RootGroups | undefined {
  if (options.root !== undefined) return undefined;
  const dirs = (paths.length > 0 ? paths : ['.']).map((p) => path.resolve(options.cwd, p));
  // A path that is no directory is the plan's usage error to report.
  if (dirs.some((d) => !disk.isDirectory(d))) return undefined;
  const byRoot = new Map<string, { reason: RootReason; paths: string[] }>();
  const add = (root: string, reason: RootReason, dir: string) => {
    const g = byRoot.get(root) ?? { reason, paths: [] };
    if (!g.paths.includes(dir)) g.paths.push(dir);
    byRoot.set(root, g);
  };
  const loose: string[] = [];
  for (const d of dirs) {
    // A sync of an artifact (or bootstrap files without a sync) says where a cluster is, not where a root is.
    const found = findClusterDirs(disk, d).filter((s) => s.source === undefined);
    if (found.length === 0) loose.push(d);
    for (const s of found) {
      const root = rootFromFluxPath(s.clusterDir, s.path);
      if (root !== undefined) add(root, 'flux-path', s.clusterDir);
    }
  }
  if (byRoot.size <= 1) return undefined;
  // A directory without a cluster goes with the innermost root that holds it, else it finds its own.
  for (const d of loose) {
    const holder = [...byRoot.keys()].filter((r) => within(d, r)).sort((a, b) => b.length - a.length)[0];
    if (holder !== undefined) add(holder, byRoot.get(holder)!.reason, d);
    else {
      const own = findRoot(disk, d, undefined, options.cwd);
      add(own.root, own.reason, d);
    }
  }
  let groups = [...byRoot].map(([root, g]) => ({ root, reason: g.reason, paths: g.paths }));
  const base = commonAncestor(groups.map((g) => g.root));
  if (options.shard) {
    const { index, count } = options.shard;
    const all = groups.flatMap((g) => g.paths).sort((a, b) => cmp(posix(path.relative(base, a)), posix(path.relative(base, b))));
    const mine = new Set(all.filter((_, i) => i % count === index - 1));
    groups = groups.map((g) => ({ ...g, paths: g.paths.filter((p) => mine.has(p)) })).filter((g) => g.paths.length > 0);
  }
  return { base, groups: groups.sort((a, b) => cmp(a.root, b.root)) };
}

/** The deepest directory holding every one of `dirs` (absolute). */
export function commonAncestor(dirs: string[]): string {
  let base = dirs[0] ?? path.resolve('.');
  for (const d of dirs.slice(1)) while (!within(d, base)) base = path.dirname(base);
  return base;
}

/** The result of one root's run. */
export interface RootRun {
  root: string;
  reason: RootReason;
  diagnostics: Diagnostic[];
  summary: Summary;
}

/** A summary of several roots: the common ancestor is `root`, and each root is listed with how it was chosen. */
export interface RootsSummary extends Summary {
  roots: { root: string; rootReason: RootReason; clusters: string[] }[];
}

/**
 * The runs of several roots as one: file paths (findings, clusters) relative to the common ancestor of the roots,
 * findings sorted and deduplicated (a file two roots read is reported once), counts added up. Messages are kept as
 * written: a path in a message is a Flux path, relative to the root of the cluster that reads it.
 */
export function mergeRootRuns(base: string, runs: RootRun[], cwd: string): { diagnostics: Diagnostic[]; summary: RootsSummary } {
  const rebase = (root: string, rel: string) => posix(path.relative(base, path.resolve(root, rel))) || '.';
  const diagnostics = sortDiagnostics(dedupeDiagnostics(runs.flatMap((r) => r.diagnostics.map((d) => ({ ...d, file: rebase(r.root, d.file) })))));
  const count = (s: Diagnostic['severity']) => diagnostics.filter((d) => d.severity === s).length;
  const sum = (f: (s: Summary) => number) => runs.reduce((n, r) => n + f(r.summary), 0);
  const roots = runs.map((r) => ({
    root: posix(path.relative(cwd, r.root)) || '.',
    rootReason: r.reason,
    clusters: r.summary.clusters.map((c) => rebase(r.root, c)),
  }));
  return {
    diagnostics,
    summary: {
      errorCount: count('error'),
      warningCount: count('warning'),
      infoCount: count('info'),
      fixableCount: diagnostics.filter((d) => d.fix).length,
      root: posix(path.relative(cwd, base)) || '.',
      rootReason: runs.length > 0 && runs.every((r) => r.reason === runs[0].reason) ? runs[0].reason : 'flux-path',
      clusters: roots.flatMap((r) => r.clusters).sort(cmp),
      filesRead: sum((s) => s.filesRead),
      objects: sum((s) => s.objects),
      fluxKustomizations: sum((s) => s.fluxKustomizations),
      fluxVersions: [...new Set(runs.flatMap((r) => r.summary.fluxVersions))].sort(),
      sourceRoots: runs.flatMap((r) => r.summary.sourceRoots.map((s) => ({ ...s, path: rebase(r.root, s.path) }))),
      roots,
    },
  };
}

/** A file path from one root's run, relative to `base` instead. */
export function rebaseFile(base: string, root: string, rel: string): string {
  return posix(path.relative(base, path.resolve(root, rel))) || '.';
}

function within(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

function posix(p: string): string {
  return p.split(path.sep).join('/');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
