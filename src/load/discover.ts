import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseCopyFrom } from './artifact-generator.js';
import type { Disk } from './disk.js';
import { MAX_DISCOVERY_DEPTH, MAX_DISCOVERY_DIRS, MAX_DOCUMENTS, MAX_FILE_BYTES } from '../model/limits.js';
import type { RootReason } from '../model/types.js';
import { countDocuments } from './parse/yaml-file.js';

const MAX_DEPTH = MAX_DISCOVERY_DEPTH;
const MAX_DIRS = MAX_DISCOVERY_DIRS;

/**
 * Discovery reads a few YAML files before the repo root is known. Only regular files (a FIFO would block, a device
 * never end) whose real path stays inside `within` (a symlink must not make it read outside the tree), within the
 * loader's own size and document limits, and parsed without the parser's quadratic duplicate-key check. The disk
 * is asked through the run's Disk (src/load/disk.ts), which the result cache records.
 */
function readDiscoveryText(disk: Disk, file: string, within: string, maxBytes = MAX_FILE_BYTES): string | undefined {
  const real = disk.realpath(file);
  const base = disk.realpath(within);
  if (real === undefined || base === undefined) return undefined;
  if (real !== base && !real.startsWith(base + path.sep)) return undefined;
  const st = disk.stat(real);
  if (st?.type !== 'file' || st.size > maxBytes) return undefined;
  const read = disk.readText(real);
  if ('error' in read) return undefined;
  return countDocuments(read.text) > MAX_DOCUMENTS ? undefined : read.text;
}

const DISCOVERY_PARSE = { uniqueKeys: false, logLevel: 'error' } as const;

export interface FluxSync {
  /** Absolute directory of the cluster. */
  clusterDir: string;
  /** The root Kustomization's `spec.path` as written. */
  path: string;
  /**
   * Set when the sync names the cluster but not the root: 'artifact', it reads an OCI artifact or a bucket (a
   * FluxInstance's sync found by walkSelfSyncs), so its path is inside what CI pushed from some folder, not a path of
   * the checkout; 'unsynced', `flux bootstrap`'s files are there but its sync is not written yet (`path` is '').
   */
  source?: 'artifact' | 'unsynced';
}

function isFluxKustomization(v: unknown): v is { spec: { path?: unknown } } {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    o.kind === 'Kustomization' &&
    typeof o.apiVersion === 'string' &&
    o.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/') &&
    typeof o.spec === 'object' &&
    o.spec !== null
  );
}

/** A Flux Operator FluxInstance: its `spec.sync` is the bootstrap (https://fluxcd.control-plane.io/operator/fluxinstance/). */
export function fluxInstanceSync(v: unknown): { path: string; kind: string; name?: string; url?: string } | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (o.kind !== 'FluxInstance' || typeof o.apiVersion !== 'string' || !o.apiVersion.startsWith('fluxcd.controlplane.io/')) return undefined;
  return instanceSync(o.spec);
}

/** `spec.sync` of a FluxInstance spec (the chart's `values.instance` is one), with the operator's defaults. */
function instanceSync(spec: unknown): { path: string; kind: string; name?: string; url?: string } | undefined {
  const sync = spec && typeof spec === 'object' ? ((spec as Record<string, unknown>).sync as Record<string, unknown> | undefined) : undefined;
  if (!sync || typeof sync !== 'object') return undefined;
  return {
    path: typeof sync.path === 'string' ? sync.path : './',
    kind: typeof sync.kind === 'string' ? sync.kind : 'GitRepository',
    name: typeof sync.name === 'string' ? sync.name : undefined,
    url: typeof sync.url === 'string' ? sync.url : undefined,
  };
}

const SYNC_KIND = /^(?:---[ \t]+)?kind:[ \t]*["']?(?:Kustomization|FluxInstance)["']?[ \t]*(?:#.*)?\r?$/m;
const FLOW_SYNC_KIND = /["']?kind["']?[ \t]*:[ \t]*["']?(?:Kustomization|FluxInstance)["']?[ \t]*[,}]/;

/** Bootstrap paths: Flux Kustomizations in `<dir>/flux-system/*.yaml` (what `flux bootstrap` writes), or a FluxInstance's sync. */
export function bootstrapPaths(disk: Disk, dir: string): string[] {
  const fsDir = path.join(dir, 'flux-system');
  const names = (disk.readdir(fsDir) ?? []).filter((n) => /\.ya?ml$/.test(n));
  const out: string[] = [];
  for (const name of names) {
    const text = readDiscoveryText(disk, path.join(fsDir, name), dir);
    if (text === undefined) continue;
    // gotk-components.yaml is large and never holds the sync Kustomization: skip its parse. It names these kinds
    // only indented (inside its CRDs); a document of one has `kind:` at the top level, or in flow style.
    if (!SYNC_KIND.test(text) && !FLOW_SYNC_KIND.test(text)) continue;
    for (const v of discoveryValues(text)) {
      if (isFluxKustomization(v)) out.push(typeof v.spec.path === 'string' ? v.spec.path : './');
      const sync = fluxInstanceSync(v);
      if (sync) out.push(sync.path);
    }
  }
  return out;
}

/** The repo root that makes `written` (a Flux path, relative to the source root) point at `clusterDir`. */
export function rootFromFluxPath(clusterDir: string, written: string): string | undefined {
  const parts = written.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..') || parts.some((p) => p.includes('${'))) return undefined;
  let root = clusterDir;
  for (let i = parts.length - 1; i >= 0; i--) {
    if (path.basename(root) !== parts[i]) return undefined;
    root = path.dirname(root);
  }
  return root;
}

/** Directories at or below `dir` whose flux-system Kustomization points back at them. */
export function findClusterDirs(disk: Disk, dir: string, onLimit?: () => void): FluxSync[] {
  // Remembered while the run plans itself (Disk.withDiscoveryMemo).
  const memo = disk.discoveryMemo<{ found: FluxSync[]; limited: boolean }>();
  const kept = memo?.get(dir);
  if (kept) {
    if (kept.limited) onLimit?.();
    return kept.found.map((s) => ({ ...s }));
  }
  let limited = false;
  const limit = () => {
    if (!limited) onLimit?.();
    limited = true;
  };
  let found = walkClusterDirs(disk, dir, limit);
  // No flux-system/ bootstrap below: a cluster may still sync itself from a definition elsewhere in its tree.
  if (found.length === 0) found = walkSelfSyncs(disk, dir, limit);
  memo?.set(dir, { found: found.map((s) => ({ ...s })), limited });
  return found;
}

/**
 * Where no flux-system/ sync says so, a directory is still a cluster when a Flux sync defined in a file at or below it
 * points back at it: a Flux Kustomization applied by hand beside its own manifests (`kubectl apply -k` of a
 * directory whose flux-repo.yaml syncs `./kube/clusters/<name>/flux`), or a Flux Operator FluxInstance -- a
 * manifest, the flux-instance chart's HelmRelease values, or that chart's values file -- whose `sync.path` is the
 * directory holding it (`clusters/main/flux-instance/helmrelease.yaml` with `sync.path: kubernetes/clusters/main`).
 * The path is read from the root that makes it point there (rootFromFluxPath), as for a bootstrap. A sync of `./`
 * is left out: it names no directory (a tenant's Kustomization of another repository's root). Read only when the
 * bootstrap walk found nothing, so a bootstrapped repository pays nothing for it; within the same limits, every
 * YAML file of up to 1 MiB is looked at, and only those that mention a sync are parsed. Without any such sync, a
 * directory whose flux-system/ holds `flux bootstrap`'s gotk-components.yaml or gotk-sync.yaml but no sync yet
 * (a template repository such as flux2-kustomize-helm-example) is a cluster: the tree is not linted as one.
 */
function walkSelfSyncs(disk: Disk, dir: string, onLimit: () => void): FluxSync[] {
  const out = new Map<string, FluxSync>();
  let seen = 0;
  const consider = (file: string, { path: written, artifact }: { path: string; artifact: boolean }) => {
    if (written.includes('${') || written.split('/').every((p) => p === '' || p === '.')) return;
    for (let d = path.dirname(file); ; d = path.dirname(d)) {
      if (rootFromFluxPath(d, written) !== undefined) {
        if (!out.has(d)) out.set(d, { clusterDir: d, path: written, ...(artifact ? { source: 'artifact' as const } : {}) });
        return;
      }
      if (d === dir || path.dirname(d) === d) return;
    }
  };
  const unsynced: FluxSync[] = [];
  const walk = (d: string, depth: number) => {
    if (++seen > MAX_DIRS) {
      if (seen === MAX_DIRS + 1) onLimit();
      return;
    }
    const entries = disk.readdirTypes(d);
    if (!entries) return;
    // A Helm chart's templates are not manifests.
    if (entries.some((e) => !e.dir && e.name === 'Chart.yaml')) return;
    // `flux bootstrap`'s files without their sync (a template repository, before its first bootstrap).
    if (entries.some((e) => e.dir && e.name === 'flux-system') && (disk.readdir(path.join(d, 'flux-system')) ?? []).some((n) => /^gotk-(components|sync)\.ya?ml$/.test(n))) {
      unsynced.push({ clusterDir: d, path: '', source: 'unsynced' });
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.dir) {
        if (depth < MAX_DEPTH && e.name !== 'node_modules') walk(p, depth + 1);
        continue;
      }
      if (!/\.ya?ml$/i.test(e.name)) continue;
      const text = readDiscoveryText(disk, p, dir, 1024 * 1024);
      if (text === undefined || !SYNC_HINT.test(text)) continue;
      for (const written of syncPaths(text)) consider(p, written);
    }
  };
  walk(dir, 0);
  // Syncs that point back decide; only without any, the directories bootstrap files mark as clusters do.
  const found = out.size > 0 ? [...out.values()] : unsynced;
  return found.sort((a, b) => (a.clusterDir < b.clusterDir ? -1 : a.clusterDir > b.clusterDir ? 1 : 0));
}

/** A text that may define a sync: a Flux Kustomization's or a FluxInstance's (a `sync:` key). */
const SYNC_HINT = /kustomize\.toolkit\.fluxcd\.io\/|^\s*sync:/m;

/** The paths the syncs of a YAML text name: Git Flux Kustomizations, FluxInstances, the flux-instance chart's values. */
function syncPaths(text: string): { path: string; artifact: boolean }[] {
  const out: { path: string; artifact: boolean }[] = [];
  for (const v of discoveryValues(text)) {
    if (isFluxKustomization(v) && typeof v.spec.path === 'string' && selfSyncSource((v.spec as Record<string, unknown>).sourceRef, v.spec.path)) out.push({ path: v.spec.path, artifact: false });
    const sync = fluxInstanceSync(v) ?? chartSync(v);
    if (sync) out.push({ path: sync.path, artifact: sync.kind !== 'GitRepository' });
  }
  return out;
}

/**
 * Whether a Flux Kustomization can be the sync of the checkout it sits in: its sourceRef a GitRepository it names
 * (a kustomize patch of a Kustomization names none), and either the bootstrap's name, flux-system, or a path of two
 * directories or more -- a one-directory path such as `./deploy` of another repository's GitRepository would match
 * any folder of that name (Biohazard's kubevirt Kustomization under kube/deploy/).
 */
function selfSyncSource(ref: unknown, written: string): boolean {
  if (!ref || typeof ref !== 'object' || !fromGit(ref)) return false;
  const name = (ref as Record<string, unknown>).name;
  if (typeof name !== 'string') return false;
  return name === 'flux-system' || written.split('/').filter((p) => p !== '' && p !== '.').length >= 2;
}

/** `instance.sync` of the flux-instance chart: in a HelmRelease's values, or a values file of its own. */
function chartSync(v: unknown): { path: string; kind: string } | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const values = o.kind === 'HelmRelease' && o.spec && typeof o.spec === 'object' ? (o.spec as Record<string, unknown>).values : o.kind === undefined ? o : undefined;
  return instanceSync(values && typeof values === 'object' ? (values as Record<string, unknown>).instance : undefined);
}

/**
 * The values of a discovery text's documents (a document with errors is undefined): the ones read before a
 * document that cannot be converted (too many aliases), which ends the list.
 */
function discoveryValues(text: string): unknown[] {
  const out: unknown[] = [];
  try {
    for (const doc of [parseAllDocuments(text, DISCOVERY_PARSE)].flat()) out.push(doc.errors.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : undefined);
  } catch {
    // Not YAML this reader can use past this point.
  }
  return out;
}

function walkClusterDirs(disk: Disk, dir: string, onLimit?: () => void): FluxSync[] {
  const out: FluxSync[] = [];
  let seen = 0;
  const walk = (d: string, depth: number) => {
    if (++seen > MAX_DIRS) {
      if (seen === MAX_DIRS + 1) onLimit?.();
      return;
    }
    // The directory's own listing says whether it has a flux-system/ to read: asking for it in every directory
    // walked was a failing readdir (and stat) each, two thrown errors per directory of a large repository.
    const entries = disk.readdirTypes(d);
    if (!entries || entries.some((e) => mayNameFluxSystem(e.name))) {
      for (const p of bootstrapPaths(disk, d)) {
        if (rootFromFluxPath(d, p) !== undefined) {
          out.push({ clusterDir: d, path: p });
          return;
        }
      }
    }
    if (depth >= MAX_DEPTH) return;
    if (!entries) return;
    // Symlinked directories are not followed while searching: a loop must not hang discovery.
    for (const e of entries) {
      if (e.dir && !e.name.startsWith('.') && e.name !== 'node_modules') walk(path.join(d, e.name), depth + 1);
    }
  };
  walk(dir, 0);
  return out;
}

/**
 * A name that `flux-system` may open: itself, or on a case-insensitive or normalising disk (macOS, Windows) any
 * name that differs in case or is not plain ASCII (Unicode folding is the file system's own). Erring towards yes
 * costs one readdir; a no must be certain, since the listing is then all the journal records of it.
 */
function mayNameFluxSystem(name: string): boolean {
  return name.toLowerCase() === 'flux-system' || !/^[\x20-\x7e]*$/.test(name);
}

/**
 * What Flux paths are relative to: `--root`; else the ancestor that makes a cluster's own flux-system
 * Kustomization point back at it; else the nearest ancestor with `.git`; else the current directory.
 */
export function findRoot(disk: Disk, dir: string, option: string | undefined, cwd: string): { root: string; reason: RootReason } {
  if (option) return { root: path.resolve(cwd, option), reason: 'option' };
  const syncs = findClusterDirs(disk, dir);
  for (const sync of syncs) {
    // A path inside an artifact says where the cluster is in what CI pushed, not where the checkout's root is;
    // bootstrap files without their sync say nothing of it.
    if (sync.source !== undefined) continue;
    const root = rootFromFluxPath(sync.clusterDir, sync.path);
    if (root !== undefined) return { root, reason: 'flux-path' };
  }
  for (let d = dir; ; d = path.dirname(d)) {
    if (disk.exists(path.join(d, '.git'))) return { root: d, reason: 'git' };
    if (path.dirname(d) === d) break;
  }
  // The paths written in the directory, else in the first cluster found below it that tells (a template repository
  // linted from its top: its clusters' Kustomizations are in clusters/<name>/, not at the top).
  let byPaths = rootFromExistingPaths(disk, dir);
  for (const sync of syncs) byPaths ??= sync.clusterDir !== dir ? rootFromExistingPaths(disk, sync.clusterDir) : undefined;
  if (byPaths) return { root: byPaths, reason: 'flux-paths' };
  const here = path.resolve(cwd);
  const inside = !path.relative(here, dir).startsWith('..');
  return { root: inside ? here : dir, reason: 'cwd' };
}

function fromGit(ref: unknown): boolean {
  const kind = ref && typeof ref === 'object' ? (ref as Record<string, unknown>).kind : undefined;
  return kind === undefined || kind === 'GitRepository';
}

/** The folders an ArtifactGenerator copies out of its Git sources, up to the first glob. */
function generatorCopies(v: unknown): string[] {
  if (!v || typeof v !== 'object') return [];
  const o = v as Record<string, unknown>;
  if (o.kind !== 'ArtifactGenerator' || typeof o.apiVersion !== 'string' || !o.apiVersion.startsWith('source.extensions.fluxcd.io/')) return [];
  const spec = o.spec && typeof o.spec === 'object' ? (o.spec as Record<string, unknown>) : {};
  const git = new Set<string>();
  for (const s of Array.isArray(spec.sources) ? spec.sources : []) {
    if (s && typeof s === 'object' && typeof s.alias === 'string' && fromGit(s)) git.add(s.alias);
  }
  const out: string[] = [];
  for (const a of Array.isArray(spec.artifacts) ? spec.artifacts : []) {
    for (const c of a && typeof a === 'object' && Array.isArray(a.copy) ? a.copy : []) {
      const from = c && typeof c === 'object' && typeof c.from === 'string' ? parseCopyFrom(c.from) : undefined;
      if (!from || !git.has(from.alias)) continue;
      const fixed = (from.firstGlob < 0 ? from.segments : from.segments.slice(0, from.firstGlob)).join('/');
      if (fixed !== '' && !fixed.includes('${')) out.push(fixed);
    }
  }
  return out;
}

/**
 * Without a bootstrap or a .git (an exported tree, a test corpus): the nearest ancestor in which most of the
 * Flux Kustomization paths written directly in the directory exist.
 */
function rootFromExistingPaths(disk: Disk, dir: string): string | undefined {
  const written: string[] = [];
  const listed = disk.readdir(dir);
  if (!listed) return undefined;
  const names = listed.filter((n) => /\.ya?ml$/.test(n));
  for (const name of names) {
    const text = readDiscoveryText(disk, path.join(dir, name), dir, 1024 * 1024);
    if (text === undefined) continue;
    for (const v of discoveryValues(text)) {
      // Only a path in a Git source is a path of this checkout: an OCIRepository's, a Bucket's or an
      // ExternalArtifact's path is inside that artifact (flux2-kustomize-helm-example's `./production`).
      if (isFluxKustomization(v) && typeof v.spec.path === 'string' && !v.spec.path.includes('${') && fromGit((v.spec as Record<string, unknown>).sourceRef)) {
        written.push(v.spec.path);
      }
      // What an ArtifactGenerator copies out of a Git source is a path of this checkout
      // (source-watcher's `copy.from: "@alias/dir/**"`).
      written.push(...generatorCopies(v));
    }
  }
  let best: string | undefined;
  let bestCount = 0;
  for (let d = dir; ; d = path.dirname(d)) {
    const count = written.filter((p) => disk.exists(path.join(d, p.replace(/^\/+/, '')))).length;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
    if (path.dirname(d) === d) break;
  }
  return best;
}
