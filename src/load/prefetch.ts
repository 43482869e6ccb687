import type { LoadContext } from './context.js';
import { KUSTOMIZATION_FILES } from './kustomize.js';
import { dirname, joinRel, type RepoFs } from './repo-fs.js';
import type { SourceFile } from '../model/types.js';
import { FLUX_KUSTOMIZE_GROUP, isObject } from '../model/objects.js';

/** Rounds of reference-following before the rest is left to the loader's own (one file at a time) parsing. */
const MAX_ROUNDS = 64;
/** Files parsed ahead at most; past it the loader parses what it needs itself. */
const MAX_FILES = 200_000;

/**
 * Parses, ahead of the (synchronous, one-file-at-a-time) build, the YAML files the build is about to read, in
 * batches wide enough to spread across worker threads: round one is every YAML file under the clusters; each next
 * round is what the files just parsed point at (kustomize resources, components, patches and crds; Flux
 * Kustomization paths). It only guesses: the loader still decides what is read and in which role, and parses
 * anything this missed itself. Results wait in `ctx.prefetched` until the loader asks for them.
 */
export function prefetch(ctx: LoadContext, clusterDirs: string[]): void {
  const fs = ctx.fs;
  const queued = new Set<string>();
  let next: string[] = [];
  const want = (rel: string | undefined) => {
    if (rel === undefined || queued.has(rel) || ctx.files.has(rel) || queued.size >= MAX_FILES) return;
    queued.add(rel);
    next.push(rel);
  };
  const wantDir = (dir: string | undefined, flux: boolean) => {
    if (dir === undefined || fs.kind(dir) !== 'dir') return;
    const names = fs.list(dir);
    const k = KUSTOMIZATION_FILES.find((f) => names.includes(f));
    if (k) want(joinRel(dir, k));
    // Flux generates a kustomization for a directory without one: every YAML file below it.
    else if (flux) yamlBelow(fs, dir, want, walked);
  };

  // Directories already walked, by real path: a symlink back up the tree must not walk forever.
  const walked = new Set<string>();
  for (const c of clusterDirs) yamlBelow(fs, c, want, walked);
  for (let round = 0; round < MAX_ROUNDS && next.length > 0; round++) {
    const batch = next;
    next = [];
    const items: { path: string; text: string }[] = [];
    for (const rel of batch) {
      if (fs.kind(rel) !== 'file') continue;
      const read = fs.read(rel);
      // Unreadable files are left to the loader, which reports them.
      if ('text' in read) items.push({ path: rel, text: read.text });
    }
    const parsed = ctx.parser.parseMany(items);
    parsed.forEach((file) => {
      ctx.prefetched.set(file.path, file);
      references(fs, file, want, wantDir);
    });
  }
}

function yamlBelow(fs: RepoFs, dir: string, want: (rel: string) => void, walked: Set<string>): void {
  // Where the directory really is, from RepoFs (memoized, mostly from its parent's listing) rather than a
  // realpath of each: a directory that is not one inside the root has none, and nothing to list either.
  const real = fs.canonical(dir);
  if (real === undefined) return;
  if (walked.has(real)) return;
  walked.add(real);
  for (const name of fs.list(dir)) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const rel = joinRel(dir, name);
    const kind = fs.kind(rel);
    if (kind === 'file' && /\.ya?ml$/i.test(name)) want(rel);
    else if (kind === 'dir') yamlBelow(fs, rel, want, walked);
  }
}

/** What a parsed file points the build at next. */
function references(fs: RepoFs, file: SourceFile, want: (rel: string | undefined) => void, wantDir: (dir: string | undefined, flux: boolean) => void): void {
  const dir = dirname(file.path);
  const isKustomization = KUSTOMIZATION_FILES.includes(file.path.slice(file.path.lastIndexOf('/') + 1));
  for (const doc of file.docs) {
    const v = doc.value;
    if (!isObject(v)) continue;
    if (isKustomization) {
      const strings = (key: string) => (Array.isArray(v[key]) ? (v[key] as unknown[]).filter((e): e is string => typeof e === 'string') : []);
      for (const entry of [...strings('resources'), ...strings('bases'), ...strings('components')]) {
        const target = fs.join(dir, entry);
        if (target !== undefined && fs.kind(target) === 'dir') wantDir(target, false);
        else want(target);
      }
      for (const entry of [...strings('crds'), ...strings('patchesStrategicMerge').filter((e) => !e.includes('\n'))]) want(fs.join(dir, entry));
      for (const key of ['patches', 'patchesJson6902']) {
        for (const p of Array.isArray(v[key]) ? (v[key] as unknown[]) : []) {
          if (isObject(p) && typeof p.path === 'string') want(fs.join(dir, p.path));
        }
      }
    }
    if (v.kind === 'Kustomization' && typeof v.apiVersion === 'string' && v.apiVersion.startsWith(`${FLUX_KUSTOMIZE_GROUP}/`)) {
      const spec = isObject(v.spec) ? v.spec : {};
      const written = typeof spec.path === 'string' ? spec.path : undefined;
      if (written === undefined || written.includes('${')) continue;
      const target = fs.join('.', written.replace(/^\/+/, ''));
      wantDir(target, true);
      if (target !== undefined && Array.isArray(spec.components)) {
        for (const c of spec.components) if (typeof c === 'string') wantDir(fs.join(target, c), false);
      }
    }
  }
}
