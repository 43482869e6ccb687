import path from 'node:path';
import { findClusterDirs } from './load/discover.js';
import { loadRepo, repoRootFor } from './load/index.js';

export interface ChangedSelection {
  /** Absolute repo root. */
  root: string;
  /** Repo-relative directories of the clusters whose build reads a changed file, sorted. */
  clusters: string[];
  /** Changed files, repo-relative, that no cluster reads (a README, a file outside the root). */
  unrelated: string[];
}

/**
 * `--changed` and pre-commit's file arguments: the clusters affected by the given files (which may since have been
 * deleted). A cluster is affected when its build reads the file (its own manifests, a shared base under
 * flux-apps/ that one of its Kustomizations builds, a patch, a generator input, a Terraform or chart directory),
 * when the file lies under the cluster's directory, or beside a file its build reads (a new manifest nobody lists
 * yet). The root is found from the working directory, as for `lint-gitops .`.
 *
 * Each cluster is loaded on its own to learn what it reads, so the cost is one load of every cluster; linting the
 * affected ones follows.
 */
export function affectedClusters(files: string[], options: { root?: string; cwd?: string }): ChangedSelection {
  const cwd = options.cwd ?? process.cwd();
  const root = repoRootFor({ paths: ['.'], root: options.root, cwd });
  const changed = new Map<string, string>();
  const relOf = new Map<string, string>();
  for (const f of files) {
    const rel = path.relative(root, path.resolve(cwd, f)).split(path.sep).join('/');
    relOf.set(f, rel);
    if (!(rel === '' || rel.startsWith('../') || rel === '..' || path.isAbsolute(rel))) changed.set(rel, f);
  }
  const clusterDirs = findClusterDirs(root).map((s) => path.relative(root, s.clusterDir).split(path.sep).join('/') || '.');
  const candidates = clusterDirs.length > 0 ? [...new Set(clusterDirs)].sort() : ['.'];
  const hit = new Set<string>();
  const reached = new Set<string>();
  for (const dir of candidates) {
    if (changed.size === 0) break;
    const model = loadRepo({ paths: [path.join(root, dir)], root, cwd });
    const read = new Set<string>([...model.files.keys(), ...model.yamlFilesInScope]);
    const dirs = [dir === '.' ? '' : `${dir}/`];
    for (const ref of model.refs) {
      if (!ref.target) continue;
      read.add(ref.target);
      dirs.push(`${ref.target}/`);
    }
    for (const rel of changed.keys()) {
      if (read.has(rel) || dirs.some((d) => d === '' || rel.startsWith(d))) {
        hit.add(dir);
        reached.add(rel);
      }
    }
  }
  const unrelated = files.filter((f) => !reached.has(relOf.get(f)!));
  return { root, clusters: [...hit].sort(), unrelated };
}
