import path from 'node:path';
import { findClusterDirs, rootFromFluxPath } from '../load/discover.js';
import { loadRepo, repoRootFor } from '../load/index.js';
import { Disk } from '../load/disk.js';
import { commonAncestor } from './roots.js';

export interface ChangedSelection {
  /** Absolute repo root: the root of the clusters (with several Flux roots, the directory holding them all). */
  root: string;
  /** Directories, relative to `root`, of the clusters whose build reads a changed file, sorted. */
  clusters: string[];
  /** Changed files, as given, that no cluster reads (a README, a file outside every root). */
  unrelated: string[];
  /** The affected clusters by Flux root (absolute), relative to it: one root unless the repository holds several. */
  roots: { root: string; clusters: string[] }[];
}

/**
 * `--changed` and pre-commit's file arguments: the clusters affected by the given files (which may since have been
 * deleted). A cluster is affected when its build reads the file (its own manifests, a shared base under
 * flux-apps/ that one of its Kustomizations builds, a patch, a generator input, a Terraform or chart directory),
 * when the file lies under the cluster's directory, or beside a file its build reads (a new manifest nobody lists
 * yet). The root is found from the working directory, as for `lint-gitops .`; the clusters are those below it (or
 * below the working directory, when that holds the root), each with its own Flux root: a repository may hold two
 * Flux installations side by side (src/engine/roots.ts), and a file is mapped to the cluster that reads it under
 * whichever root.
 *
 * Each cluster is loaded on its own to learn what it reads, so the cost is one load of every cluster; linting the
 * affected ones follows.
 */
export function affectedClusters(files: string[], options: { root?: string; cwd?: string }, disk: Disk = new Disk()): ChangedSelection {
  const cwd = options.cwd ?? process.cwd();
  const root = repoRootFor({ paths: ['.'], root: options.root, cwd }, disk);
  // Below the root, as always; below the working directory when the root found from it is a sub-directory of it
  // (several Flux roots side by side: the first cluster found decides `root`).
  const base = options.root !== undefined ? root : commonAncestor([root, path.resolve(cwd)]);
  const found = findClusterDirs(disk, base);
  const candidates = new Map<string, { root: string; dir: string }>();
  for (const s of found) {
    const own = options.root !== undefined || s.source !== undefined ? root : (rootFromFluxPath(s.clusterDir, s.path) ?? root);
    candidates.set(s.clusterDir, { root: own, dir: posix(path.relative(own, s.clusterDir)) || '.' });
  }
  if (candidates.size === 0) candidates.set(root, { root, dir: '.' });
  const hit = new Map<string, Set<string>>();
  const reached = new Set<string>();
  if (files.length > 0) {
    for (const abs of [...candidates.keys()].sort()) {
      const { root: own, dir } = candidates.get(abs)!;
      const changed = new Map<string, string>();
      for (const f of files) {
        const rel = posix(path.relative(own, path.resolve(cwd, f)));
        if (!(rel === '' || rel.startsWith('../') || rel === '..' || path.isAbsolute(rel))) changed.set(rel, f);
      }
      if (changed.size === 0) continue;
      const model = loadRepo({ paths: [abs], root: own, cwd }, disk);
      const read = new Set<string>([...model.files.keys(), ...model.yamlFilesInScope]);
      const dirs = [dir === '.' ? '' : `${dir}/`];
      for (const ref of model.refs) {
        if (!ref.target) continue;
        read.add(ref.target);
        dirs.push(`${ref.target}/`);
      }
      for (const [rel, f] of changed) {
        if (read.has(rel) || dirs.some((d) => d === '' || rel.startsWith(d))) {
          const set = hit.get(own) ?? new Set<string>();
          set.add(dir);
          hit.set(own, set);
          reached.add(f);
        }
      }
    }
  }
  const roots = [...hit].sort(([a], [b]) => cmp(a, b)).map(([r, dirs]) => ({ root: r, clusters: [...dirs].sort(cmp) }));
  const top = roots.length > 1 ? commonAncestor(roots.map((r) => r.root)) : (roots[0]?.root ?? root);
  const clusters = roots.flatMap((r) => r.clusters.map((c) => posix(path.relative(top, path.resolve(r.root, c))) || '.')).sort(cmp);
  return { root: top, clusters, unrelated: files.filter((f) => !reached.has(f)), roots };
}

function posix(p: string): string {
  return p.split(path.sep).join('/');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
