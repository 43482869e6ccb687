import type { Cluster, KObject, ObjectRef } from '../model/types.js';
import { isObject, splitApiVersion } from '../model/objects.js';

/**
 * Flux 2.7's source-watcher: an ArtifactGenerator copies files from its sources into ExternalArtifacts, and a
 * Kustomization on an ExternalArtifact resolves its spec.path inside that artifact.
 * https://fluxcd.io/flux/components/source/artifactgenerators/
 * A mount says "artifact directory `dest` holds repository directory `src`", for copies from a local source.
 */
export interface Mount {
  dest: string;
  src: string;
}

export interface GeneratedArtifact {
  generator: KObject;
  mounts: Mount[];
  /** Copies whose source is not this checkout; their files cannot be checked. */
  foreign: string[];
}

const GLOB = /[*?[{]/;

/** A copy's `from` (`@alias/dir/**`): the source's alias, the path's segments, and the first glob among them (-1: none). */
export function parseCopyFrom(from: string): { alias: string; segments: string[]; firstGlob: number } | undefined {
  const m = from.match(/^@([^/]+)\/(.*)$/);
  if (!m) return undefined;
  const segments = m[2].split('/').filter((s) => s !== '' && s !== '.');
  return { alias: m[1], segments, firstGlob: segments.findIndex((s) => GLOB.test(s)) };
}

/** The ArtifactGenerator entry that produces an ExternalArtifact, with its local copies as mounts. */
export function findGeneratedArtifact(
  cluster: Cluster,
  ref: ObjectRef,
  /** The repo folder that is a source's root ('.' for the checkout), or undefined when it is not this checkout. */
  localBase: (source: ObjectRef) => string | undefined,
  /** What a repo-relative path is. */
  kindOf: (path: string) => string,
): GeneratedArtifact | undefined {
  for (const o of cluster.objects) {
    const [group] = splitApiVersion(o.apiVersion);
    if (group !== 'source.extensions.fluxcd.io' || o.kind !== 'ArtifactGenerator' || o.namespace !== ref.namespace) continue;
    const spec = isObject(o.value.spec) ? o.value.spec : {};
    const artifacts = Array.isArray(spec.artifacts) ? spec.artifacts : [];
    const artifact = artifacts.find((a) => isObject(a) && a.name === ref.name);
    if (!isObject(artifact)) continue;
    const aliases = new Map<string, ObjectRef>();
    for (const s of Array.isArray(spec.sources) ? spec.sources : []) {
      if (!isObject(s) || typeof s.alias !== 'string') continue;
      aliases.set(s.alias, { kind: String(s.kind ?? ''), name: String(s.name ?? ''), namespace: typeof s.namespace === 'string' ? s.namespace : o.namespace });
    }
    const mounts: Mount[] = [];
    const foreign: string[] = [];
    for (const c of Array.isArray(artifact.copy) ? artifact.copy : []) {
      if (!isObject(c) || typeof c.from !== 'string' || typeof c.to !== 'string') continue;
      const from = parseCopyFrom(c.from);
      const to = c.to.match(/^@artifact\/(.*)$/);
      if (!from || !to) continue;
      const source = aliases.get(from.alias);
      const base = source && localBase(source);
      if (base === undefined) {
        foreign.push(c.from);
        continue;
      }
      const { segments, firstGlob } = from;
      const prefix = join(base === '.' ? '' : base, (firstGlob < 0 ? segments : segments.slice(0, firstGlob)).join('/'));
      let dest = trim(to[1]);
      // cp semantics (source-watcher internal/builder/builder.go, applySingleSourceCopy): a directory is copied as
      // a subdirectory of the destination, keeping its name, with or without trailing slashes (`@src/apps/x/` to
      // `@artifact/apps/x/` is apps/x/x); a file keeps its name only when the destination ends with '/'.
      if (firstGlob < 0 && segments.length > 0) {
        const isDir = kindOf(prefix === '' ? '.' : prefix) === 'dir';
        if (isDir || to[1] === '' || to[1].endsWith('/')) dest = join(dest, segments[segments.length - 1]);
      }
      mounts.push({ dest, src: prefix === '' ? '.' : prefix });
    }
    return { generator: o, mounts, foreign };
  }
  return undefined;
}

/**
 * Where an artifact path lives in the repository: through the mount with the longest matching destination; or,
 * for a directory of the artifact that only holds one copied directory (apps/x holding the copy apps/x/x), that
 * copy: Flux's generated kustomization of a directory includes a subdirectory that has its own kustomization, and
 * walks one that has none, which is what building the copy itself does.
 */
export function mountedPath(mounts: Mount[], artifactPath: string): string | undefined {
  const p = trim(artifactPath);
  const below = mounts.filter((m) => m.dest !== p && (p === '' || m.dest.startsWith(`${p}/`)));
  const exact = mounts.some((m) => m.dest === '' || p === m.dest || p.startsWith(`${m.dest}/`));
  if (!exact && below.length === 1) return below[0].src;
  let best: Mount | undefined;
  for (const m of mounts) {
    if (m.dest === '' || p === m.dest || p.startsWith(`${m.dest}/`)) {
      if (!best || m.dest.length > best.dest.length) best = m;
    }
  }
  if (!best) return undefined;
  const rest = best.dest === '' ? p : p.slice(best.dest.length).replace(/^\//, '');
  return rest === '' ? best.src : best.src === '.' ? rest : `${best.src}/${rest}`;
}

function trim(p: string): string {
  return p
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

function join(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a}/${b}`;
}
