import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { RootReason } from './types.js';

/** How deep below a given directory clusters are looked for, and how many directories at most. */
const MAX_DEPTH = 8;
const MAX_DIRS = 20_000;

export interface FluxSync {
  /** Absolute directory of the cluster. */
  clusterDir: string;
  /** The root Kustomization's `spec.path` as written. */
  path: string;
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
export function fluxInstanceSync(v: unknown): { path: string; kind: string; name?: string } | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (o.kind !== 'FluxInstance' || typeof o.apiVersion !== 'string' || !o.apiVersion.startsWith('fluxcd.controlplane.io/')) return undefined;
  const spec = o.spec as Record<string, unknown> | undefined;
  const sync = spec?.sync as Record<string, unknown> | undefined;
  if (!sync || typeof sync !== 'object') return undefined;
  return {
    path: typeof sync.path === 'string' ? sync.path : './',
    kind: typeof sync.kind === 'string' ? sync.kind : 'GitRepository',
    name: typeof sync.name === 'string' ? sync.name : undefined,
  };
}

/** Bootstrap paths: Flux Kustomizations in `<dir>/flux-system/*.yaml` (what `flux bootstrap` writes), or a FluxInstance's sync. */
export function bootstrapPaths(dir: string): string[] {
  const fsDir = path.join(dir, 'flux-system');
  let names: string[];
  try {
    names = fs.readdirSync(fsDir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    let text: string;
    try {
      const file = path.join(fsDir, name);
      if (fs.statSync(file).size > 10 * 1024 * 1024) continue;
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    // gotk-components.yaml is large and never holds the sync Kustomization: skip its parse.
    if (!text.includes('kustomize.toolkit.fluxcd.io') && !text.includes('FluxInstance')) continue;
    try {
      for (const doc of [parseAllDocuments(text)].flat()) {
        const v = doc.errors.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : undefined;
        if (isFluxKustomization(v)) out.push(typeof v.spec.path === 'string' ? v.spec.path : './');
        const sync = fluxInstanceSync(v);
        if (sync) out.push(sync.path);
      }
    } catch {
      continue;
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
export function findClusterDirs(dir: string): FluxSync[] {
  const out: FluxSync[] = [];
  let seen = 0;
  const walk = (d: string, depth: number) => {
    if (++seen > MAX_DIRS) return;
    for (const p of bootstrapPaths(d)) {
      if (rootFromFluxPath(d, p) !== undefined) {
        out.push({ clusterDir: d, path: p });
        return;
      }
    }
    if (depth >= MAX_DEPTH) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    // Symlinked directories are not followed while searching: a loop must not hang discovery.
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') walk(path.join(d, e.name), depth + 1);
    }
  };
  walk(dir, 0);
  return out;
}

/**
 * What Flux paths are relative to: `--root`; else the ancestor that makes a cluster's own flux-system
 * Kustomization point back at it; else the nearest ancestor with `.git`; else the current directory.
 */
export function findRoot(dir: string, option: string | undefined, cwd: string): { root: string; reason: RootReason } {
  if (option) return { root: path.resolve(cwd, option), reason: 'option' };
  for (const sync of findClusterDirs(dir)) {
    const root = rootFromFluxPath(sync.clusterDir, sync.path);
    if (root !== undefined) return { root, reason: 'flux-path' };
  }
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return { root: d, reason: 'git' };
    if (path.dirname(d) === d) break;
  }
  const byPaths = rootFromExistingPaths(dir);
  if (byPaths) return { root: byPaths, reason: 'flux-paths' };
  const here = path.resolve(cwd);
  const inside = !path.relative(here, dir).startsWith('..');
  return { root: inside ? here : dir, reason: 'cwd' };
}

/**
 * Without a bootstrap or a .git (an exported tree, a test corpus): the nearest ancestor in which most of the
 * Flux Kustomization paths written directly in the directory exist.
 */
function rootFromExistingPaths(dir: string): string | undefined {
  const written: string[] = [];
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    return undefined;
  }
  for (const name of names) {
    try {
      const file = path.join(dir, name);
      if (fs.statSync(file).size > 1024 * 1024) continue;
      for (const doc of [parseAllDocuments(fs.readFileSync(file, 'utf8'))].flat()) {
        const v = doc.errors.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : undefined;
        if (isFluxKustomization(v) && typeof v.spec.path === 'string' && !v.spec.path.includes('${')) written.push(v.spec.path);
      }
    } catch {
      continue;
    }
  }
  let best: string | undefined;
  let bestCount = 0;
  for (let d = dir; ; d = path.dirname(d)) {
    const count = written.filter((p) => fs.existsSync(path.join(d, p.replace(/^\/+/, '')))).length;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
    if (path.dirname(d) === d) break;
  }
  return best;
}
