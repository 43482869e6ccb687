import path from 'node:path';
import { Disk } from './disk.js';
import { LoadContext } from './context.js';
import { findClusterDirs, findRoot } from './discover.js';
import { MAX_DISCOVERY_DIRS } from '../model/limits.js';
import type { LimitHit } from '../model/types.js';
import { FluxWalker } from './flux.js';
import { KustomizeBuilder } from './kustomize.js';
import type { ParseStore } from './parse/store.js';
import { YamlParser, workersFromEnv } from './parse/pool.js';
import { prefetch } from './prefetch.js';
import { RepoFs, dirname, joinRel } from './repo-fs.js';
import type { Cluster, ExtraCrd, KustomizeDir, RepoModel, RootReason, SourceFile, SourceMapping } from '../model/types.js';
import { readCrdPaths } from './crd-paths.js';

export * from '../model/types.js';
export { normalizeUrl } from './flux.js';
export { varUses, checkTemplate, substituteKnown, substitutionActive, substitutionDisabled, unresolved, VALID_NAME, SUBSTITUTE_ANNOTATION } from './substitute.js';
export { MAX_FILE_BYTES, MAX_ALIAS_COUNT } from '../model/limits.js';
export { FILE_FAILED, isBroken } from './parse/yaml-file.js';
export { LIMITS } from '../model/limits.js';

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
   * Folders of JSON schemas in kubeconform's CRD layout, `<group>/<kind>_<version>.json` (`--schema-location`,
   * config `schemaLocations`), relative to `cwd`: kinds that no CRD of the tree and no bundled schema describes are
   * validated against them, before the catalog lint-gitops ships (src/schema/registry.ts).
   */
  schemaLocations?: string[];
  /** The same from the config file (`schemaLocations`), relative to the repo root. */
  schemaLocationDirs?: string[];
  /** Worker threads for parsing YAML besides the main thread: undefined is $LINT_GITOPS_WORKERS, else none. */
  workers?: number;
  /** Flux sources built from a folder of this checkout (config `sources:`). */
  sources?: SourceMapping[];
  /**
   * Where the parser keeps parses by a hash of each file's bytes (src/load/parse/store.ts); none by default. The
   * loader opens no store itself: src/cache/stores.ts opens the user cache directory's for `cache` (LintOptions).
   */
  parses?: ParseStore;
}

/** The absolute repo root that loadRepo picks for these options (a file argument counts as its directory). */
export function repoRootFor(options: Pick<LoadOptions, 'paths' | 'root' | 'cwd'>, disk: Disk = new Disk()): string {
  const cwd = options.cwd ?? process.cwd();
  let first = path.resolve(cwd, options.paths[0] ?? '.');
  while (!disk.isDirectory(first) && path.dirname(first) !== first) first = path.dirname(first);
  return findRoot(disk, first, options.root, cwd).root;
}

/** A problem with how the linter was called (exit code 2), as opposed to a finding in the repo. */
export class UsageError extends Error {}

/** What a lint run covers, before any file is read: the root, and the clusters below the given paths. */
export interface RepoPlan {
  root: string;
  rootReason: RootReason;
  cwd: string;
  /** The run's door to the disk inside the root (over the run's Disk, repoFs.disk). */
  repoFs: RepoFs;
  /** Repo-relative cluster directories, sorted, after --shard. */
  clusterDirs: string[];
  /** Limits hit while looking for clusters. */
  discoveryLimits: LimitHit[];
}

/**
 * Finds the root and the clusters (discovery) through `disk` (the run's; a new one when none is given); usage
 * errors for paths that are not directories.
 */
export function planRepo(options: LoadOptions, disk: Disk = new Disk()): RepoPlan {
  // The root and the clusters are found by one walk of each directory, not one each.
  return disk.withDiscoveryMemo(() => plan(options, disk));
}

function plan(options: LoadOptions, disk: Disk): RepoPlan {
  const cwd = options.cwd ?? process.cwd();
  const dirs = (options.paths.length > 0 ? options.paths : ['.']).map((p) => path.resolve(cwd, p));
  for (const d of dirs) {
    const st = disk.stat(d);
    if (!st) throw new UsageError(`no such directory: ${d}`);
    if (st.type !== 'dir') throw new UsageError(`not a directory: ${d}`);
  }
  const { root, reason } = findRoot(disk, dirs[0], options.root, cwd);
  if (!disk.isDirectory(root)) throw new UsageError(`repo root is not a directory: ${root}`);
  const repoFs = new RepoFs(root, disk);
  const clusterDirs: string[] = [];
  const discoveryLimits: LimitHit[] = [];
  for (const d of dirs) {
    const rel = repoFs.relative(d);
    if (rel === undefined) throw new UsageError(`${d} is outside the repo root ${root}`);
    const found = findClusterDirs(disk, d, () =>
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
  return { root, rootReason: reason, cwd, repoFs, clusterDirs, discoveryLimits };
}

/**
 * Reads a repository into one model: files, documents, kustomize and Flux builds, path references; through `disk`
 * (a new one when none is given).
 */
export function loadRepo(options: LoadOptions, disk: Disk = new Disk()): RepoModel {
  const plan = planRepo(options, disk);
  const loader = new ClusterLoader(plan, options);
  let model: RepoModel;
  try {
    model = loader.load(plan.clusterDirs, { scope: true });
  } finally {
    loader.close();
  }
  return model;
}

/**
 * Loads the clusters of a plan, sharing what costs to start between loads: the parser (its worker threads) and the
 * parse store. Each load has its own files, roles, references and builds, so a cluster loaded on its own is a
 * function of its own files only (what lint checks, one cluster at a time, and what the result cache keys on).
 */
export class ClusterLoader {
  private readonly parser: YamlParser;

  constructor(
    readonly plan: RepoPlan,
    private readonly options: LoadOptions,
  ) {
    this.parser = new YamlParser({ workers: options.workers ?? workersFromEnv(), cache: options.parses });
  }

  /**
   * One model of the given clusters (with the CRD directories and `--crds`). `scope`: also find the YAML files in
   * scope (unreferenced-file), which looks at the whole run's clusters; without it the list is empty and discovery
   * limits are left out (the caller reports both once for the run).
   */
  load(clusterDirs: string[], { scope }: { scope: boolean }): RepoModel {
    const { root, rootReason, cwd, repoFs, discoveryLimits } = this.plan;
    const ctx = new LoadContext(repoFs, this.parser);
    const kustomizeDirs = new Map<string, KustomizeDir>();
    const builder = new KustomizeBuilder(ctx, kustomizeDirs);
    const walker = new FluxWalker(ctx, builder, this.options.sources ?? []);
    let clusters: Cluster[];
    let externalCrdFiles: string[];
    let extraCrds: ExtraCrd[];
    let schemaLocations: string[];
    try {
      // Parse what the build will read in wide batches first (threads, cache), then build one file at a time.
      prefetch(ctx, clusterDirs);
      clusters = clusterDirs.map((dir) => walker.walk(dir, clusterName(root, dir)));
      externalCrdFiles = readCrdDirs(repoFs, ctx, this.options.crdDirs ?? []);
      const given = readCrdPaths(repoFs, ctx, this.options.crdPaths ?? [], cwd);
      if (given.missing.length > 0) throw new UsageError(`--crds: no such file or directory: ${given.missing.join(', ')}`);
      externalCrdFiles = [...new Set([...externalCrdFiles, ...given.files])].sort();
      extraCrds = given.extra;
      schemaLocations = [...(this.options.schemaLocationDirs ?? []).map((d) => path.resolve(root, d)), ...(this.options.schemaLocations ?? []).map((d) => path.resolve(cwd, d))];
      const missing = schemaLocations.filter((d) => !repoFs.disk.isDirectory(d));
      if (missing.length > 0) throw new UsageError(`--schema-location: no such directory: ${missing.join(', ')}`);
    } finally {
      ctx.prefetched.clear();
    }
    return {
      root,
      rootReason,
      externalCrdFiles,
      extraCrds,
      ...(schemaLocations.length > 0 ? { schemaLocations } : {}),
      files: ctx.files,
      clusters,
      refs: ctx.refs,
      limits: scope ? [...discoveryLimits, ...ctx.limits] : ctx.limits,
      kustomizeErrors: ctx.kustomizeErrors,
      kustomizeDirs,
      yamlFilesInScope: scope ? yamlFilesInScope(this.plan, readFiles(ctx.files)) : [],
      fluxVersions: fluxVersions(ctx),
    };
  }

  /** Stops the parser's threads (what it parsed stays in the parse store, which its opener keeps or drops). */
  close(): void {
    this.parser.close();
  }
}

/** What a parse cache file is kept for: a repository root and its clusters (shards keep theirs apart). */
export function parseCacheScope(plan: Pick<RepoPlan, 'root' | 'clusterDirs'>): string {
  return [plan.root, ...plan.clusterDirs].join('\0');
}

/** A cluster's name: its directory's (the root's, for a cluster at the root). */
export function clusterName(root: string, dir: string): string {
  return dir === '.' ? path.basename(root) : dir.split('/').pop()!;
}

/** The files a build reads (any role), in the order they were read. */
export function readFiles(files: Map<string, SourceFile>): string[] {
  const out: string[] = [];
  for (const [p, file] of files) if (file.roles.size > 0) out.push(p);
  return out;
}

/** YAML files below the given directories, read as CRDs (sorted); a directory that is not there is a usage error. */
function readCrdDirs(repoFs: RepoFs, ctx: LoadContext, dirs: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (dir: string) => {
    // A symlinked directory is followed once: a loop must not hang.
    const real = repoFs.disk.realpath(repoFs.absolute(dir));
    if (real === undefined || seen.has(real)) return;
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
function lintsWholeRepo({ root, clusterDirs, repoFs }: RepoPlan): boolean {
  const all = findClusterDirs(repoFs.disk, root)
    .map((s) => repoFs.relative(s.clusterDir))
    .filter((r): r is string => r !== undefined);
  return all.length > 0 && all.every((c) => clusterDirs.includes(c));
}

/**
 * YAML files that should be reached: anywhere under the clusters, beside any file the build reads, and when the
 * whole repository is linted, anywhere under the top-level directories that hold the bases (flux-apps/).
 * Helm chart directories (with a Chart.yaml) are templates, not manifests, and are left out. `read`: the files the
 * builds read (any role), in the order they were read.
 */
export function yamlFilesInScope(plan: RepoPlan, read: readonly string[]): string[] {
  const { repoFs, clusterDirs } = plan;
  const wholeRepo = lintsWholeRepo(plan);
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
  for (const path of read) {
    besides.add(dirname(path));
    if (wholeRepo && path.includes('/') && !inCluster(path)) topLevel.add(path.slice(0, path.indexOf('/')));
  }
  for (const d of besides) walk(d, false);
  for (const d of topLevel) walk(d, true);
  // A file the build reads under another name (through a symlink) is referenced all the same.
  const reached = new Set<string>();
  for (const path of read) reached.add(repoFs.canonical(path) ?? path);
  const readSet = new Set(read);
  return [...out].filter((f) => readSet.has(f) || !reached.has(repoFs.canonical(f) ?? f)).sort();
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
