import fs from 'node:fs';
import path from 'node:path';
import { LoadContext } from './context.js';
import { MAX_DISCOVERY_DIRS, findClusterDirs, findRoot } from './discover.js';
import type { LimitHit } from './types.js';
import { FluxWalker } from './flux.js';
import { KustomizeBuilder } from './kustomize.js';
import { ParseCache, defaultCacheDir } from './parse-cache.js';
import { YamlParser, workersFromEnv } from './parse-pool.js';
import { prefetch } from './prefetch.js';
import { RepoFs, dirname, joinRel } from './repo-fs.js';
import type { Cluster, ExtraCrd, KustomizeDir, RepoModel, SourceFile } from './types.js';
import { readCrdPaths } from './crd-paths.js';

export * from './types.js';
export { locate, toRange, type Range } from './yaml-file.js';
export { isFluxKustomization, objectKey, normalizeUrl } from './flux.js';
export { objectLocation } from './kustomize.js';
export { varUses, SUBSTITUTE_ANNOTATION } from './substitute.js';
export { splitApiVersion, isObject } from './patches.js';
export { isClusterScoped } from './scope.js';
export { editDistance } from './context.js';
export { MAX_FILE_BYTES } from './repo-fs.js';
export { MAX_ALIAS_COUNT } from './yaml-file.js';
export { LIMITS } from './limits.js';

export interface LoadOptions {
  /** Cluster directories, or directories holding clusters. */
  paths: string[];
  root?: string;
  cwd?: string;
  /** Lint only shard `index` (1-based) of `count`: every count-th cluster in sorted order, for CI matrices. */
  shard?: { index: number; count: number };
  /**
   * Repo-relative directories of CustomResourceDefinitions installed outside git (config `crdDirectories`): their
   * YAML files are read with the 'crd' role and listed in `RepoModel.externalCrdFiles`.
   */
  crdDirs?: string[];
  /**
   * CRD directories or files from the command line (`--crds`), relative to `cwd`: inside the repo they are read
   * like `crdDirs`, outside it into `RepoModel.extraCrds`.
   */
  crdPaths?: string[];
  /**
   * Keep parse results between runs, keyed by a hash of each file's bytes (src/load/parse-cache.ts): a directory,
   * or true for the user cache directory ($LINT_GITOPS_CACHE_DIR, else e.g. ~/.cache/lint-gitops). Off by default.
   */
  cache?: boolean | string;
  /** Worker threads for parsing YAML: undefined picks by core count and repo size ($LINT_GITOPS_WORKERS), 0 none. */
  workers?: number;
}

/** The absolute repo root that loadRepo picks for these options (a file argument counts as its directory). */
export function repoRootFor(options: Pick<LoadOptions, 'paths' | 'root' | 'cwd'>): string {
  const cwd = options.cwd ?? process.cwd();
  let first = path.resolve(cwd, options.paths[0] ?? '.');
  while (!isDir(first) && path.dirname(first) !== first) first = path.dirname(first);
  return findRoot(first, options.root, cwd).root;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A problem with how the linter was called (exit code 2), as opposed to a finding in the repo. */
export class UsageError extends Error {}

/** Reads a repository into one model: files, documents, kustomize and Flux builds, path references. */
export function loadRepo(options: LoadOptions): RepoModel {
  const cwd = options.cwd ?? process.cwd();
  const dirs = (options.paths.length > 0 ? options.paths : ['.']).map((p) => path.resolve(cwd, p));
  for (const d of dirs) {
    let st: fs.Stats;
    try {
      st = fs.statSync(d);
    } catch {
      throw new UsageError(`no such directory: ${d}`);
    }
    if (!st.isDirectory()) throw new UsageError(`not a directory: ${d}`);
  }
  const { root, reason } = findRoot(dirs[0], options.root, cwd);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new UsageError(`repo root is not a directory: ${root}`);
  const repoFs = new RepoFs(root);
  const clusterDirs: string[] = [];
  const discoveryLimits: LimitHit[] = [];
  for (const d of dirs) {
    const rel = repoFs.relative(d);
    if (rel === undefined) throw new UsageError(`${d} is outside the repo root ${root}`);
    const found = findClusterDirs(d, () =>
      discoveryLimits.push({
        at: { path: rel },
        message: `looked for clusters in ${MAX_DISCOVERY_DIRS} directories below ${rel} (MAX_DISCOVERY_DIRS) and stopped; lint clusters further down by their own path`,
      }),
    )
      .map((s) => repoFs.relative(s.clusterDir))
      .filter((r): r is string => r !== undefined);
    for (const c of found.length > 0 ? found : [rel]) if (!clusterDirs.includes(c)) clusterDirs.push(c);
  }
  clusterDirs.sort();
  if (options.shard) {
    // Round-robin over the sorted clusters: shards are disjoint, cover every cluster, and stay balanced.
    const { index, count } = options.shard;
    if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 1 || index > count) {
      throw new UsageError(`--shard ${index}/${count}: expected i/n with 1 <= i <= n`);
    }
    clusterDirs.splice(0, clusterDirs.length, ...clusterDirs.filter((_, i) => i % count === index - 1));
  }

  const cacheDir = options.cache ? (typeof options.cache === 'string' ? path.resolve(cwd, options.cache) : defaultCacheDir()) : undefined;
  const cache = cacheDir ? ParseCache.open(cacheDir, [root, ...clusterDirs].join('\0')) : undefined;
  const parser = new YamlParser({ workers: options.workers ?? workersFromEnv(), cache });
  const ctx = new LoadContext(repoFs, parser);
  const kustomizeDirs = new Map<string, KustomizeDir>();
  const builder = new KustomizeBuilder(ctx, kustomizeDirs);
  const walker = new FluxWalker(ctx, builder);
  let clusters: Cluster[];
  let externalCrdFiles: string[];
  let extraCrds: ExtraCrd[];
  try {
    // Parse what the build will read in wide batches first (threads, cache), then build one file at a time.
    prefetch(ctx, clusterDirs);
    clusters = clusterDirs.map((dir) => walker.walk(dir, dir === '.' ? path.basename(root) : dir.split('/').pop()!));
    externalCrdFiles = readCrdDirs(repoFs, ctx, options.crdDirs ?? []);
    const given = readCrdPaths(repoFs, ctx, options.crdPaths ?? [], cwd);
    if (given.missing.length > 0) throw new UsageError(`--crds: no such file or directory: ${given.missing.join(', ')}`);
    externalCrdFiles = [...new Set([...externalCrdFiles, ...given.files])].sort();
    extraCrds = given.extra;
  } finally {
    parser.close();
    ctx.prefetched.clear();
  }
  cache?.save();

  return {
    root,
    rootReason: reason,
    externalCrdFiles,
    extraCrds,
    files: ctx.files,
    clusters,
    refs: ctx.refs,
    limits: [...discoveryLimits, ...ctx.limits],
    kustomizeDirs,
    yamlFilesInScope: yamlFilesInScope(repoFs, clusterDirs, ctx.files, lintsWholeRepo(root, clusterDirs, repoFs)),
    fluxVersions: fluxVersions(ctx),
    cacheDir,
  };
}

/** YAML files below the given directories, read as CRDs (sorted); a directory that is not there is a usage error. */
function readCrdDirs(repoFs: RepoFs, ctx: LoadContext, dirs: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (dir: string) => {
    // A symlinked directory is followed once: a loop must not hang.
    let real: string;
    try {
      real = fs.realpathSync(repoFs.absolute(dir));
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    for (const name of repoFs.list(dir)) {
      if (name.startsWith('.')) continue;
      const rel = joinRel(dir, name);
      const kind = repoFs.kind(rel);
      if (kind === 'file' && /\.ya?ml$/i.test(name)) {
        ctx.file(rel, 'crd');
        out.push(rel);
      } else if (kind === 'dir') walk(rel);
    }
  };
  for (const written of dirs) {
    const dir = repoFs.join('.', written.replace(/^\/+/, ''));
    if (dir === undefined || repoFs.kind(dir) !== 'dir') throw new UsageError(`crdDirectories: no such directory in the repo: ${written}`);
    walk(dir);
  }
  return [...new Set(out)].sort();
}

/** True when every cluster of the repository is being linted: only then can a base used by none be told apart. */
function lintsWholeRepo(root: string, clusterDirs: string[], repoFs: RepoFs): boolean {
  const all = findClusterDirs(root)
    .map((s) => repoFs.relative(s.clusterDir))
    .filter((r): r is string => r !== undefined);
  return all.length > 0 && all.every((c) => clusterDirs.includes(c));
}

/**
 * YAML files that should be reached: anywhere under the clusters, beside any file the build reads, and when the
 * whole repository is linted, anywhere under the top-level directories that hold the bases (flux-apps/).
 * Helm chart directories (with a Chart.yaml) are templates, not manifests, and are left out.
 */
function yamlFilesInScope(repoFs: RepoFs, clusterDirs: string[], files: Map<string, SourceFile>, wholeRepo: boolean): string[] {
  const out = new Set<string>();
  const visited = new Set<string>();
  const walk = (dir: string, recursive: boolean) => {
    // A symlinked directory is walked once: a link back up the tree must not loop.
    if (recursive) {
      const id = repoFs.canonical(dir) ?? dir;
      if (visited.has(id)) return;
      visited.add(id);
    }
    const names = repoFs.list(dir);
    if (names.includes('Chart.yaml')) return;
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const rel = joinRel(dir, name);
      const kind = repoFs.kind(rel);
      if (kind === 'file' && /\.ya?ml$/i.test(name)) out.add(rel);
      else if (kind === 'dir' && recursive && name !== 'node_modules') walk(rel, true);
    }
  };
  for (const c of clusterDirs) walk(c, true);
  const besides = new Set<string>();
  const topLevel = new Set<string>();
  const inCluster = (f: string) => clusterDirs.some((c) => c === '.' || f.startsWith(`${c}/`));
  for (const [path, file] of files) {
    if (file.roles.size === 0) continue;
    besides.add(dirname(path));
    if (wholeRepo && path.includes('/') && !inCluster(path)) topLevel.add(path.slice(0, path.indexOf('/')));
  }
  for (const d of besides) walk(d, false);
  for (const d of topLevel) walk(d, true);
  // A file the build reads under another name (through a symlink) is referenced all the same.
  const reached = new Set<string>();
  for (const [path, file] of files) if (file.roles.size > 0) reached.add(repoFs.canonical(path) ?? path);
  return [...out].filter((f) => (files.get(f)?.roles.size ?? 0) > 0 || !reached.has(repoFs.canonical(f) ?? f)).sort();
}

function fluxVersions(ctx: LoadContext): string[] {
  const out = new Set<string>();
  for (const f of ctx.files.values()) {
    if (!f.path.endsWith('gotk-components.yaml')) continue;
    const m = f.text.slice(0, 2000).match(/^#\s*Flux Version:\s*(\S+)/m);
    if (m) out.add(m[1]);
  }
  return [...out].sort();
}
