import { isBroken, parseInline as parseYaml } from './yaml-file.js';
import type { LoadContext } from './context.js';
import { applyJson6902, clone, isObject, matchesTarget, strategicMerge, type JsonObject, type JsonPatchOp, type PatchTarget } from './patches.js';
import { joinRel } from './repo-fs.js';
import { isClusterScoped } from './scope.js';
import type { KustomizeDir, Location, NodePath, YamlDoc } from './types.js';

/** The file names kustomize looks for, in its order. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * An object as a kustomize build emits it, still tied to the document that wrote it.
 *
 * `value` is never changed in place: it is shared with the parsed document and with every other build that
 * includes the same file (a base used by a thousand overlays is held once). A transformation replaces it with a
 * new object that copies only the path it changes (setMetadata, strategicMerge, substituteValue), or with a
 * patched clone (RFC 6902 patches).
 */
export interface BuiltObject {
  value: JsonObject;
  doc: YamlDoc;
  docPath: NodePath;
  /** For generator output: true unless `disableNameSuffixHash` (the real name then ends in a hash). */
  hashedName?: boolean;
  generated?: boolean;
  /** Where patched values were written (see KObject.provenance). */
  provenance?: Map<string, Location>;
}

export type BuildResult = { objects: BuiltObject[] } | { error: 'no-kustomization' | 'cycle' };

/**
 * One kustomize build emits at most this many objects; the rest are dropped and reported (limit-exceeded).
 * Bases can multiply: two overlays of two overlays of ... a base double the objects at every level.
 */
export const MAX_BUILD_OBJECTS = 50_000;

/**
 * Resolves a directory the way `kustomize build` (v5) does, far enough to know every file it reads and every
 * object it emits: resources, components, generators, patches, namespace and name prefix/suffix.
 * See https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/
 */
export class KustomizeBuilder {
  private readonly cache = new Map<string, BuiltObject[]>();
  private readonly active = new Set<string>();

  constructor(
    private readonly ctx: LoadContext,
    readonly dirs: Map<string, KustomizeDir>,
  ) {}

  /** The kustomization of a directory, parsed once; undefined when the directory has none. */
  kustomizeDir(dir: string): KustomizeDir | undefined {
    let kd = this.dirs.get(dir);
    if (!kd) {
      const names = this.ctx.fs.list(dir);
      const files = KUSTOMIZATION_FILES.filter((f) => names.includes(f)).map((f) => joinRel(dir, f));
      kd = { dir, files, generated: false };
      if (files.length > 0) {
        const file = this.ctx.file(files[0], 'kustomization');
        kd.doc = file.docs[0];
      }
      this.dirs.set(dir, kd);
    }
    return kd.files.length > 0 ? kd : undefined;
  }

  /** Where a directory really is: a symlink to a directory being built is a cycle, not a new directory. */
  private id(dir: string): string {
    return this.ctx.fs.canonical(dir) ?? dir;
  }

  /** `kustomize build dir`. */
  build(dir: string): BuildResult {
    if (this.active.has(this.id(dir))) return { error: 'cycle' };
    const cached = this.cache.get(dir);
    if (cached) return { objects: copy(cached) };
    const kd = this.kustomizeDir(dir);
    if (!kd) return { error: 'no-kustomization' };
    this.active.add(this.id(dir));
    const objects = kd.doc && isObject(kd.doc.value) ? this.run(dir, kd.doc, kd.doc.value, []) : [];
    this.active.delete(this.id(dir));
    this.cache.set(dir, objects);
    return { objects: copy(objects) };
  }

  /**
   * What kustomize-controller builds for a Flux Kustomization path: the directory's kustomization, or when it has
   * none, the one Flux generates: every YAML file below it, and sub-directories that have their own kustomization
   * as single resources. https://fluxcd.io/flux/components/kustomize/kustomizations/#generating-a-kustomizationyaml-file
   */
  buildForFlux(dir: string): BuiltObject[] {
    if (this.kustomizeDir(dir)) {
      const r = this.build(dir);
      return 'objects' in r ? r.objects : [];
    }
    this.dirs.set(dir, { dir, files: [], generated: true });
    const out: BuiltObject[] = [];
    // A symlinked directory is walked once: a link back up the tree must not loop.
    const visited = new Set<string>();
    const walk = (d: string) => {
      if (visited.has(this.id(d))) return;
      visited.add(this.id(d));
      for (const name of this.ctx.fs.list(d)) {
        if (name.startsWith('.')) continue;
        const rel = joinRel(d, name);
        const kind = this.ctx.fs.kind(rel);
        if (kind === 'dir') {
          if (this.kustomizeDir(rel)) {
            const r = this.build(rel);
            if ('objects' in r) this.addObjects(out, r.objects, { doc: this.kustomizeDir(rel)!.doc, path: [] }, dir);
          } else walk(rel);
        } else if (kind === 'file' && /\.ya?ml$/.test(name)) {
          const file = this.ctx.file(rel);
          this.addObjects(out, this.resourceFile(rel), { doc: file.docs[0], path: [] }, dir);
        }
      }
    };
    walk(dir);
    return out;
  }

  /**
   * Appends objects to a build, up to MAX_BUILD_OBJECTS; past it the rest are dropped and the place that added
   * them is reported. (No spread: a push of a huge array as arguments overflows the stack.)
   */
  private addObjects(acc: BuiltObject[], objects: BuiltObject[], at: { doc?: YamlDoc; path: NodePath }, dir: string): void {
    const room = MAX_BUILD_OBJECTS - acc.length;
    if (objects.length > room && at.doc) {
      this.ctx.limit(
        { doc: at.doc, path: at.path },
        `this makes the build of ${dir} more than ${MAX_BUILD_OBJECTS} objects (MAX_BUILD_OBJECTS); the rest are not checked`,
      );
    }
    const n = Math.min(objects.length, Math.max(0, room));
    for (let i = 0; i < n; i++) acc.push(objects[i]);
  }

  /**
   * kustomize refuses a Component listed as a resource ("expected kind != 'Component'") and a Kustomization
   * listed as a component ("expected kind 'Component' ... but got 'Kustomization'"); the detail to report, if so.
   */
  kindMismatch(kd: KustomizeDir, asComponent: boolean): string | undefined {
    const v = kd.doc?.value;
    if (!isObject(v)) return undefined;
    const isComponent = v.kind === 'Component';
    if (asComponent && !isComponent) {
      return `is a ${typeof v.kind === 'string' ? v.kind : 'Kustomization'}, not a Component: kustomize only takes a kustomization with 'kind: Component' as a component`;
    }
    if (!asComponent && isComponent) return 'is a kustomize Component: kustomize refuses it as a resource (list it under components)';
    return undefined;
  }

  /** Applies a kustomize Component to objects built elsewhere (Flux `spec.components`); undefined when it has no kustomization. */
  applyComponent(dir: string, objects: BuiltObject[]): BuiltObject[] | undefined {
    const kd = this.kustomizeDir(dir);
    if (!kd) return undefined;
    if (!kd.doc || !isObject(kd.doc.value) || this.active.has(this.id(dir))) return objects;
    this.active.add(this.id(dir));
    const out = this.run(dir, kd.doc, kd.doc.value, objects);
    this.active.delete(this.id(dir));
    return out;
  }

  /** Applies one kustomization (or component) to the objects accumulated so far. */
  private run(dir: string, doc: YamlDoc, k: JsonObject, acc: BuiltObject[]): BuiltObject[] {
    const loc = (...path: (string | number)[]) => ({ doc, path });
    const list = (key: string) => (Array.isArray(k[key]) ? (k[key] as unknown[]) : []);

    // `bases` is the deprecated spelling of `resources`; kustomize v5 still reads both.
    for (const key of ['resources', 'bases']) {
      list(key).forEach((entry, i) => {
        if (typeof entry !== 'string') return;
        const ref = this.ctx.resolve('resource', loc(key, i), entry, dir, 'any');
        if (ref.status !== 'ok' || !ref.target) return;
        if (this.ctx.fs.kind(ref.target) === 'dir') {
          const kd = this.kustomizeDir(ref.target);
          const mismatch = kd && this.kindMismatch(kd, false);
          if (mismatch) {
            ref.status = 'missing';
            ref.detail = mismatch;
            return;
          }
          const r = this.build(ref.target);
          if ('error' in r) ref.status = r.error;
          else this.addObjects(acc, r.objects, loc(key, i), dir);
        } else this.addObjects(acc, this.resourceFile(ref.target), loc(key, i), dir);
      });
    }

    list('components').forEach((entry, i) => {
      if (typeof entry !== 'string') return;
      const ref = this.ctx.resolve('component', loc('components', i), entry, dir, 'dir');
      if (ref.status !== 'ok' || !ref.target) return;
      const kd = this.kustomizeDir(ref.target);
      if (!kd) {
        ref.status = 'no-kustomization';
        return;
      }
      const mismatch = this.kindMismatch(kd, true);
      if (mismatch) {
        ref.status = 'missing';
        ref.detail = mismatch;
        return;
      }
      if (this.active.has(this.id(ref.target))) {
        ref.status = 'cycle';
        return;
      }
      if (kd.doc && isObject(kd.doc.value)) {
        this.active.add(this.id(ref.target));
        acc = this.run(ref.target, kd.doc, kd.doc.value, acc);
        this.active.delete(this.id(ref.target));
      }
    });

    this.addObjects(acc, this.generators(dir, doc, k), loc(), dir);

    list('crds').forEach((entry, i) => {
      if (typeof entry !== 'string') return;
      const ref = this.ctx.resolve('crd', loc('crds', i), entry, dir, 'file');
      if (ref.status === 'ok' && ref.target) this.ctx.file(ref.target, 'crd');
    });
    if (isObject(k.openapi) && typeof k.openapi.path === 'string') {
      const ref = this.ctx.resolve('openapi', loc('openapi', 'path'), k.openapi.path, dir, 'file');
      if (ref.status === 'ok' && ref.target) this.ctx.touch(ref.target, 'openapi');
    }

    this.patches(dir, doc, k, acc);

    const namespace = typeof k.namespace === 'string' ? k.namespace : undefined;
    const prefix = typeof k.namePrefix === 'string' ? k.namePrefix : '';
    const suffix = typeof k.nameSuffix === 'string' ? k.nameSuffix : '';
    for (const o of acc) {
      const kind = String(o.value.kind ?? '');
      const meta = metadataOf(o.value);
      setMetadata(o, {
        namespace: namespace && !isClusterScoped(kind) ? namespace : undefined,
        name: (prefix || suffix) && kind !== 'Namespace' && kind !== 'CustomResourceDefinition' ? `${prefix}${String(meta.name)}${suffix}` : undefined,
      });
    }
    return acc;
  }

  /** Objects of one manifest file; documents that are not objects are left for the manifest-shape rule. */
  resourceFile(rel: string): BuiltObject[] {
    const file = this.ctx.file(rel, 'resource');
    const out: BuiltObject[] = [];
    for (const doc of file.docs) {
      if (isBroken(doc) || !isObject(doc.value)) continue;
      const v = doc.value;
      if (typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items)) {
        v.items.forEach((item, i) => {
          if (isManifest(item)) out.push({ value: item, doc, docPath: ['items', i] });
        });
      } else if (isManifest(v)) out.push({ value: v, doc, docPath: [] });
    }
    return out;
  }

  private generators(dir: string, doc: YamlDoc, k: JsonObject): BuiltObject[] {
    const out: BuiltObject[] = [];
    const options = isObject(k.generatorOptions) ? k.generatorOptions : {};
    for (const [key, kind] of [
      ['configMapGenerator', 'ConfigMap'],
      ['secretGenerator', 'Secret'],
    ] as const) {
      const gens = Array.isArray(k[key]) ? (k[key] as unknown[]) : [];
      gens.forEach((g, i) => {
        if (!isObject(g)) return;
        const data: Record<string, string> = {};
        const readFiles = (field: 'files' | 'envs', entries: unknown[]) =>
          entries.forEach((entry, j) => {
            if (typeof entry !== 'string') return;
            const eq = entry.indexOf('=');
            const written = field === 'files' && eq >= 0 ? entry.slice(eq + 1) : entry;
            const ref = this.ctx.resolve('generator', { doc, path: [key, i, field, j] }, written, dir, 'file');
            if (ref.status !== 'ok' || !ref.target) return;
            this.ctx.touch(ref.target, 'generator-input');
            if (field === 'files') data[eq >= 0 ? entry.slice(0, eq) : written.split('/').pop()!] = '';
            else Object.assign(data, this.envFile(ref.target, kind === 'Secret'));
          });
        if (Array.isArray(g.files)) readFiles('files', g.files);
        if (Array.isArray(g.envs)) readFiles('envs', g.envs);
        if (typeof g.env === 'string') {
          const ref = this.ctx.resolve('generator', { doc, path: [key, i, 'env'] }, g.env, dir, 'file');
          if (ref.status === 'ok' && ref.target) {
            this.ctx.touch(ref.target, 'generator-input');
            Object.assign(data, this.envFile(ref.target, kind === 'Secret'));
          }
        }
        if (Array.isArray(g.literals)) {
          for (const lit of g.literals) {
            if (typeof lit !== 'string' || !lit.includes('=')) continue;
            const eq = lit.indexOf('=');
            data[lit.slice(0, eq)] = kind === 'Secret' ? '' : unquote(lit.slice(eq + 1));
          }
        }
        if (typeof g.name !== 'string') return;
        const gOptions = isObject(g.options) ? g.options : {};
        const noHash = gOptions.disableNameSuffixHash ?? options.disableNameSuffixHash;
        const metadata: JsonObject = { name: g.name };
        if (typeof g.namespace === 'string') metadata.namespace = g.namespace;
        // Secret values never enter the model: only their keys matter to any rule.
        const value: JsonObject = { apiVersion: 'v1', kind, metadata, data };
        out.push({ value, doc, docPath: [key, i], generated: true, hashedName: noHash !== true });
      });
    }
    return out;
  }

  /** KEY=VALUE lines of a generator env file; a Secret's values are dropped, its keys kept. */
  private envFile(rel: string, secret: boolean): Record<string, string> {
    const read = this.ctx.fs.read(rel);
    if ('problem' in read) return {};
    const out: Record<string, string> = {};
    for (const line of read.text.split(/\r?\n/)) {
      const t = line.trim();
      if (!t || t.startsWith('#')) continue;
      const eq = t.indexOf('=');
      if (eq <= 0) continue;
      out[t.slice(0, eq).trim()] = secret ? '' : unquote(t.slice(eq + 1).trim());
    }
    return out;
  }

  private patches(dir: string, doc: YamlDoc, k: JsonObject, acc: BuiltObject[]): void {
    type Patch = { value: unknown; at: Location; fromFile: boolean };
    const apply = (patch: Patch, target: PatchTarget | undefined) => applyPatch(acc, patch.value, target, patch.at, patch.fromFile);
    const fromFile = (path: NodePath, written: string): Patch[] => {
      const ref = this.ctx.resolve('patch', { doc, path }, written, dir, 'file');
      if (ref.status !== 'ok' || !ref.target) return [];
      const file = this.ctx.file(ref.target, 'patch');
      return file.docs
        .filter((d) => !isBroken(d) && d.value != null)
        .map((d) => ({ value: d.value, at: { doc: d, path: [] }, fromFile: true }));
    };
    const inline = (text: string, path: NodePath): Patch[] => {
      try {
        return [{ value: parseYaml(text), at: { doc, path }, fromFile: false }];
      } catch {
        return [];
      }
    };

    const sm = Array.isArray(k.patchesStrategicMerge) ? k.patchesStrategicMerge : [];
    sm.forEach((entry, i) => {
      if (typeof entry !== 'string') return;
      // An entry with a newline is an inline patch, otherwise a path.
      const patches = entry.includes('\n') ? inline(entry, ['patchesStrategicMerge', i]) : fromFile(['patchesStrategicMerge', i], entry);
      for (const p of patches) apply(p, undefined);
    });

    // patchesJson6902 (deprecated) and patches take the same {path | patch, target} entries.
    for (const key of ['patchesJson6902', 'patches'] as const) {
      const list = Array.isArray(k[key]) ? (k[key] as unknown[]) : [];
      list.forEach((entry, i) => {
        if (!isObject(entry)) return;
        const target = isObject(entry.target) ? (entry.target as PatchTarget) : undefined;
        const patches =
          typeof entry.path === 'string'
            ? fromFile([key, i, 'path'], entry.path)
            : typeof entry.patch === 'string'
              ? inline(entry.patch, [key, i, 'patch'])
              : [];
        for (const p of patches) apply(p, target);
      });
    }
  }
}

/**
 * Applies a strategic-merge patch (an object) or an RFC 6902 patch (a list of operations) to matching objects,
 * and records where each patched value was written. `inFile` says whether `at` is the patch's own document
 * (its node paths then mirror the object's) or the inline `patch:` string of a kustomization.
 */
export function applyPatch(objects: BuiltObject[], patch: unknown, target: PatchTarget | undefined, at?: Location, inFile = false): number {
  let matched = 0;
  if (Array.isArray(patch)) {
    if (!target) return 0;
    for (const o of objects) {
      if (!matchesTarget(o.value, target)) continue;
      const copy = clone(o.value);
      if (applyJson6902(copy, patch as JsonPatchOp[])) o.value = copy;
      if (at) {
        patch.forEach((op, i) => {
          if (isObject(op) && typeof op.path === 'string') {
            record(o, nodePathOf(o.value, op.path.split('/').slice(1).map(decodePointer)), inFile ? { doc: at.doc, path: [...at.path, i, 'value'] } : at);
          }
        });
      }
      matched++;
    }
    return matched;
  }
  if (!isObject(patch)) return 0;
  const meta = isObject(patch.metadata) ? patch.metadata : {};
  const effective: PatchTarget = target ?? {
    kind: typeof patch.kind === 'string' ? escapeRe(patch.kind) : undefined,
    name: typeof meta.name === 'string' ? escapeRe(meta.name) : undefined,
    namespace: typeof meta.namespace === 'string' ? escapeRe(meta.namespace) : undefined,
  };
  for (const o of objects) {
    if (!matchesTarget(o.value, effective)) continue;
    if (target) setMetadata(o, {});
    const p = target ? { ...patch, metadata: { ...meta, name: metadataOf(o.value).name } } : patch;
    o.value = strategicMerge(o.value, p) as JsonObject;
    if (at) {
      for (const path of leafPaths(patch, [])) record(o, path, inFile ? { doc: at.doc, path: [...at.path, ...path] } : at);
    }
    matched++;
  }
  return matched;
}

function record(o: BuiltObject, path: NodePath, at: Location): void {
  if (!o.provenance) o.provenance = new Map();
  o.provenance.set(JSON.stringify(path), at);
}

/** Paths a strategic-merge patch sets, down to scalars or to the first list (list items merge by name, not index). */
function leafPaths(v: unknown, prefix: string[]): string[][] {
  if (!isObject(v)) return [prefix];
  const out: string[][] = [];
  for (const [k, child] of Object.entries(v)) {
    if (prefix.length === 0 && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
    out.push(...leafPaths(child, [...prefix, k]));
  }
  return out;
}

/** A JSON pointer's segments as the NodePath objectLocation looks up: list indexes as numbers, `-` as the last item. */
function nodePathOf(value: unknown, segs: string[]): NodePath {
  const out: (string | number)[] = [];
  let cur = value;
  for (const s of segs) {
    if (Array.isArray(cur) && (s === '-' || /^\d+$/.test(s))) {
      const i = s === '-' ? cur.length - 1 : Number(s);
      out.push(i);
      cur = cur[i];
    } else {
      out.push(s);
      cur = isObject(cur) ? cur[s] : undefined;
    }
  }
  return out;
}

function decodePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Where a value of a built object was written: in the patch that set it, else in the object's own document. */
export function objectLocation(o: { doc: YamlDoc; docPath: NodePath; provenance?: Map<string, Location> }, path: NodePath): Location {
  if (o.provenance) {
    for (let n = path.length; n > 0; n--) {
      const at = o.provenance.get(JSON.stringify(path.slice(0, n)));
      if (at) return { doc: at.doc, path: [...at.path, ...path.slice(n)] };
    }
  }
  return { doc: o.doc, path: [...o.docPath, ...path] };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function isManifest(v: unknown): v is JsonObject {
  return (
    isObject(v) &&
    typeof v.apiVersion === 'string' &&
    typeof v.kind === 'string' &&
    isObject(v.metadata) &&
    typeof v.metadata.name === 'string'
  );
}

/** An object's metadata, or an empty one when it has none (read only: see setMetadata). */
export function metadataOf(v: JsonObject): JsonObject {
  return isObject(v.metadata) ? v.metadata : {};
}

/**
 * Gives a built object a metadata map (a transformer's output always has one) and sets the namespace and name
 * given, copying the object and its metadata only when that changes them: its value is shared (see BuiltObject).
 */
export function setMetadata(o: { value: JsonObject }, set: { namespace?: string; name?: string }): void {
  const v = o.value;
  const meta = v.metadata;
  const has = isObject(meta);
  if (has && (set.namespace === undefined || meta.namespace === set.namespace) && (set.name === undefined || meta.name === set.name)) return;
  // Spread keeps the order kustomize's in-place edits would give: an existing key stays, a new one goes last.
  const next: JsonObject = has ? { ...meta } : {};
  if (set.namespace !== undefined) next.namespace = set.namespace;
  if (set.name !== undefined) next.name = set.name;
  o.value = { ...v, metadata: next };
}

function copy(objects: BuiltObject[]): BuiltObject[] {
  // Each copy gets its own record and provenance (an overlay patching a shared base must not move the findings of
  // another); the value stays shared, as nothing changes one in place.
  return objects.map((o) => ({ ...o, provenance: o.provenance && new Map(o.provenance) }));
}

function unquote(s: string): string {
  return /^(["']).*\1$/.test(s) ? s.slice(1, -1) : s;
}
