import { objectLocation } from '../model/location.js';
import { parseAllDocuments } from 'yaml';
import { MAX_ALIAS_COUNT, MAX_BUILD_OBJECTS, MAX_YAML_DEPTH } from '../model/limits.js';
import { checkInlineBounds, isBroken } from './parse/yaml-file.js';
import type { LoadContext } from './context.js';
import { fieldSpecPath, fieldSpecSelects, updateFieldSpec, type FieldSpec } from './field-spec.js';
import { generatorBase64, nameHash } from './name-hash.js';
import { emptyConfig, fixNameReferences, mergeConfig, parseConfig, type TransformerConfig } from './name-reference.js';
import { applyJson6902, clone, strategicMerge, type JsonPatchOp } from './patches.js';
import { applyReplacement, readReplacement, type Replacement } from './replacements.js';
import { joinRel } from './repo-fs.js';
import {
  currentId,
  formatId,
  hasBuiltinSchema,
  kustomizeClusterScoped,
  originalId,
  selectsTarget,
  storePreviousId,
  targetError,
  withAnyId,
  type PatchTarget,
  type PreviousId,
  type ResId,
} from './resource-id.js';
import type { KustomizeDir, Location, NodePath, PathRef, YamlDoc } from '../model/types.js';
import { isObject, type JsonObject } from '../model/objects.js';
import { memoByObject } from '../model/memo.js';

/** The file names kustomize looks for, in its order. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * An object as a kustomize build emits it, still tied to the document that wrote it.
 *
 * `value` is never changed in place: it is shared with the parsed document and with every other build that
 * includes the same file (a base used by a thousand overlays is held once). A transformation replaces it with a
 * new object that copies only the path it changes (setMetadata, strategicMerge, updateFieldSpec, replacements,
 * substituteValue), or with a patched clone (RFC 6902 patches).
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
  /** Ids kustomize's transformers renamed the object from, oldest first (its previousNames/Namespaces/Kinds). */
  previous?: readonly PreviousId[];
  /** Generator output whose name still waits for kustomize's hash suffix (added once, at the end of the build). */
  needsHash?: boolean;
  /** A generated Secret's base64 data, only to compute the hash: the model never holds Secret values. */
  secretData?: Record<string, string>;
}

/**
 * A build's objects and why kustomize would refuse it, each failure as `rule-id: message` naming the rule that
 * reports it (the builder goes on with what it can build).
 */
export type BuildResult = { objects: BuiltObject[]; failures: string[] } | { error: 'no-kustomization' | 'cycle' };

/** What kustomize accumulates while it builds a kustomization (its ResAccumulator). */
interface Accumulated {
  objects: BuiltObject[];
  /** Why kustomize fails, as short sentences (also recorded as findings where the linter has no other rule for them). */
  failures: string[];
  /** Field specs from every `configurations:` file below (kustomize's built-in ones apply besides). */
  config: TransformerConfig;
  /** The current ids of `objects`, kept while appending; dropped when a transformer may rename. */
  ids?: Set<string>;
}

/** The rule that reports a reference of each failed status (see BuildResult's failures). */
const REF_RULES: Partial<Record<PathRef['status'], string>> = {
  missing: 'path-not-found',
  'no-kustomization': 'path-not-found',
  'outside-root': 'path-outside-root',
  cycle: 'kustomize-cycle',
  unreadable: 'file-unreadable',
  'foreign-source': 'source-not-local',
};

/** The place of a failure, for the finding that reports it. */
type Fail = (at: Location, message: string) => void;

/**
 * Resolves a directory the way `kustomize build` (v5, as `kubectl kustomize --load-restrictor
 * LoadRestrictionsNone` and kustomize-controller run it) does, far enough to know every file it reads and every
 * object it emits. The steps and their order follow api/internal/target/kusttarget.go: resources, `configurations`,
 * generators, components, then the built-in transformers (patchesStrategicMerge, patches, namespace, namePrefix,
 * nameSuffix, labels, annotations, patchesJson6902, replacements), then `transformers:`; at the end of the whole
 * build, the name hash of generated objects, name references and dropping `local-config` objects.
 * test/load/kustomize-differential.test.ts checks the result against kubectl.
 * See https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/
 */
/**
 * What kustomize-controller adds to the kustomization of a Flux Kustomization's path before it builds it
 * (fluxcd/pkg kustomize/kustomize_generator.go WriteFile): `spec.targetNamespace` is its `namespace`,
 * `namePrefix`/`nameSuffix` replace its own, `spec.patches` are appended to its `patches` and `spec.components`
 * to its `components`. They run inside that build, in kustomize's order, before the name hashes and references.
 */
export interface FluxOverlay {
  namespace?: { value: string; at: Location };
  namePrefix?: { value: string; at: Location };
  nameSuffix?: { value: string; at: Location };
  /** Inline patches (`patch` is the text), each written at `at`. */
  patches: { patch: string; target?: PatchTarget; at: Location }[];
  /** Paths relative to the built directory, each written at `at`. */
  components: { path: string; at: Location }[];
}

/** Where an entry the overlay adds to a kustomization is written (outside the kustomization file). */
const WRITTEN_AT = Symbol('written at');

function writtenAt(entry: unknown): Location | undefined {
  return isObject(entry) ? ((entry as Record<symbol, unknown>)[WRITTEN_AT] as Location | undefined) : undefined;
}

function hasOverlay(o: FluxOverlay | undefined): o is FluxOverlay {
  return o !== undefined && (o.namespace !== undefined || o.namePrefix !== undefined || o.nameSuffix !== undefined || o.patches.length > 0 || o.components.length > 0);
}

/** A kustomization with a Flux overlay's fields merged in, as kustomize-controller writes it. */
function withOverlay(k: JsonObject, o: FluxOverlay): JsonObject {
  const out: JsonObject = { ...k };
  const mark = (v: JsonObject, at: Location) => Object.defineProperty(v, WRITTEN_AT, { value: at, enumerable: false });
  if (o.namespace) {
    out.namespace = o.namespace.value;
    mark(out, o.namespace.at);
  }
  if (o.namePrefix) out.namePrefix = o.namePrefix.value;
  if (o.nameSuffix) out.nameSuffix = o.nameSuffix.value;
  if (o.patches.length > 0) {
    const own = Array.isArray(k.patches) ? k.patches : [];
    out.patches = [...own, ...o.patches.map((p) => mark(p.target ? { patch: p.patch, target: p.target } : { patch: p.patch }, p.at))];
  }
  if (o.components.length > 0) {
    const own = Array.isArray(k.components) ? k.components : [];
    out.components = [...own, ...o.components.map((c) => mark({ path: c.path }, c.at))];
  }
  return out;
}

export class KustomizeBuilder {
  /** Accumulated kustomizations (before the end-of-build steps), by directory. */
  private readonly cache = new Map<string, Accumulated>();
  /** Finished builds, by directory. */
  private readonly finished = new Map<string, { objects: BuiltObject[]; failures: string[] }>();
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
    let done = this.finished.get(dir);
    if (!done) {
      const acc = this.accumulateDir(dir);
      if ('error' in acc) return acc;
      const kd = this.kustomizeDir(dir)!;
      done = this.finish(acc, kd.doc ? { doc: kd.doc, path: [] } : undefined);
      this.finished.set(dir, done);
    }
    return { objects: copy(done.objects), failures: [...done.failures] };
  }

  /**
   * The steps kustomize takes once, at the end of a whole build (makeCustomizedResMap): generated names get
   * their hash, references follow renamed objects, and objects annotated `config.kubernetes.io/local-config`
   * are dropped.
   */
  private finish(acc: Accumulated, at: Location | undefined): { objects: BuiltObject[]; failures: string[] } {
    // The accumulated records are cached and shared: a record is copied only when a step changes it.
    const objects = acc.objects.slice();
    const failures = [...acc.failures];
    let local = false;
    for (let i = 0; i < objects.length; i++) {
      const o = objects[i];
      if (o.needsHash) {
        const c = (objects[i] = record0(o.value, o.doc, o.docPath, o));
        storePreviousId(c);
        setMetadata(c, { name: `${String(metadataOf(c.value).name)}-${nameHash(c.value, c.secretData)}` });
        c.needsHash = undefined;
      }
      local ||= isLocalConfig(o.value);
    }
    const refs = fixNameReferences(objects, acc.config, (i, value) => {
      const c = (objects[i] = record0(value, objects[i].doc, objects[i].docPath, objects[i]));
      c.value = value;
    });
    for (const f of refs) {
      failures.push(`kustomize-build: ${f}`);
      if (at) this.ctx.kustomizeError(at, f);
    }
    return { objects: local ? objects.filter((o) => !isLocalConfig(o.value)) : objects, failures };
  }

  /** A kustomization's accumulated objects, built once per directory. */
  private accumulateDir(dir: string): Accumulated | { error: 'no-kustomization' | 'cycle' } {
    if (this.active.has(this.id(dir))) return { error: 'cycle' };
    const cached = this.cache.get(dir);
    if (cached) return cached;
    const kd = this.kustomizeDir(dir);
    if (!kd) return { error: 'no-kustomization' };
    this.active.add(this.id(dir));
    const acc: Accumulated = { objects: [], failures: [], config: emptyConfig() };
    if (kd.files.length > 1 && kd.doc) this.fail(acc, { doc: kd.doc, path: [] }, `${dir} holds more than one kustomization file (${kd.files.join(', ')}): kustomize refuses to choose`);
    // A duplicate key in a kustomization file is resolved (the last one wins); any other problem fails the build.
    if (kd.doc && isBroken(kd.doc)) acc.failures.push(`yaml-syntax: ${kd.doc.file.path} does not parse`);
    if (kd.doc && isObject(kd.doc.value)) this.run(dir, kd.doc, kd.doc.value, acc);
    this.active.delete(this.id(dir));
    this.cache.set(dir, acc);
    return acc;
  }

  /**
   * What kustomize-controller builds for a Flux Kustomization path: the directory's kustomization, or when it has
   * none, the one Flux generates: every YAML file below it, and sub-directories that have their own kustomization
   * as single resources. https://fluxcd.io/flux/components/kustomize/kustomizations/#generating-a-kustomizationyaml-file
   */
  buildForFlux(dir: string, overlay?: FluxOverlay): BuiltObject[] {
    const kd = this.kustomizeDir(dir);
    if (kd) {
      if (!hasOverlay(overlay)) {
        const r = this.build(dir);
        return 'objects' in r ? r.objects : [];
      }
      // The directory's kustomization with the Flux fields merged in: built on its own (its bases are shared).
      if (this.active.has(this.id(dir)) || !kd.doc || !isObject(kd.doc.value)) return [];
      const acc: Accumulated = { objects: [], failures: [], config: emptyConfig() };
      this.active.add(this.id(dir));
      this.run(dir, kd.doc, withOverlay(kd.doc.value, overlay), acc);
      this.active.delete(this.id(dir));
      return this.finish(acc, { doc: kd.doc, path: [] }).objects;
    }
    this.dirs.set(dir, { dir, files: [], generated: true });
    const acc: Accumulated = { objects: [], failures: [], config: emptyConfig() };
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
            const r = this.accumulateDir(rel);
            if ('objects' in r) {
              this.addObjects(acc.objects, copy(r.objects), { doc: this.kustomizeDir(rel)!.doc, path: [] }, dir);
              acc.config = mergeConfig(acc.config, r.config);
            }
          } else walk(rel);
        } else if (kind === 'file' && /\.ya?ml$/.test(name)) {
          const file = this.ctx.file(rel);
          this.addObjects(acc.objects, this.resourceFile(rel), { doc: file.docs[0], path: [] }, dir);
        }
      }
    };
    walk(dir);
    if (hasOverlay(overlay)) {
      // Flux's generated kustomization holds only the Flux fields besides its resources.
      const at = overlay.namespace?.at ?? overlay.patches[0]?.at ?? overlay.components[0]?.at ?? overlay.namePrefix?.at ?? overlay.nameSuffix!.at;
      this.runOverlay(dir, at.doc, withOverlay({}, overlay), acc);
    }
    return this.finish(acc, undefined).objects;
  }

  /** The components and transformers of a generated kustomization that only holds Flux's fields. */
  private runOverlay(dir: string, doc: YamlDoc, k: JsonObject, acc: Accumulated): void {
    const fail: Fail = (at, message) => this.fail(acc, at, message);
    this.components(dir, doc, k, acc);
    this.transform(dir, doc, k, acc, fail);
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
   * Adds resources to an accumulation as kustomize's ResAccumulator.AppendAll does: an object whose id (group,
   * version, kind, namespace, name) is already there fails the build ("may not add resource with an already
   * registered id").
   */
  private append(acc: Accumulated, objects: BuiltObject[], at: Location, dir: string, fail: Fail, unique = false): void {
    if (objects.length === 0) return;
    // The first objects of a build that are already unique (a kustomization's build) need no check: the ids are
    // worked out when a second append comes, as most builds of a wrapper around one base never see one.
    if (unique && acc.objects.length === 0 && !acc.ids) {
      this.addObjects(acc.objects, objects, at, dir);
      return;
    }
    let ids = acc.ids;
    if (!ids) {
      ids = acc.ids = new Set<string>();
      for (const o of acc.objects) ids.add(currentKey(o.value));
    }
    for (const o of objects) {
      const key = currentKey(o.value);
      if (ids.has(key)) fail(at, `${formatId(currentId(o))} is already in the build of ${dir}: kustomize refuses two objects with one id`);
      ids.add(key);
    }
    this.addObjects(acc.objects, objects, at, dir);
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
    const acc: Accumulated = { objects, failures: [], config: emptyConfig() };
    this.run(dir, kd.doc, kd.doc.value, acc);
    this.active.delete(this.id(dir));
    // What the component generated gets its hash now: the build it joins is already finished.
    addHashes(acc.objects);
    return acc.objects;
  }

  /**
   * A reference's failure, as kustomize would fail on it, named by the rule that reports it (a remote one may
   * work where the network does: not a failure).
   */
  private refFailed(ref: PathRef, acc: Accumulated): boolean {
    if (ref.status === 'ok') return false;
    if (ref.status !== 'remote') {
      const rule = REF_RULES[ref.status] ?? 'path-not-found';
      acc.failures.push(`${rule}: ${ref.kind} '${ref.raw}' in ${ref.from.doc.file.path} is ${ref.status}${ref.detail ? ` (${ref.detail})` : ''}`);
    }
    return true;
  }

  private fail(acc: Accumulated, at: Location, message: string): void {
    acc.failures.push(`kustomize-build: ${message}`);
    this.ctx.kustomizeError(at, message);
  }

  /** Applies one kustomization (or component) to what is accumulated so far. */
  private run(dir: string, doc: YamlDoc, written: JsonObject, acc: Accumulated): void {
    const k = doc.file.text.includes('<<') ? (withMergeKeys(written) as JsonObject) : written;
    const loc = (...path: (string | number)[]): Location => ({ doc, path });
    const list = (key: string) => (Array.isArray(k[key]) ? (k[key] as unknown[]) : []);
    const fail: Fail = (at, message) => this.fail(acc, at, message);

    // `bases` is the deprecated spelling of `resources`; kustomize v5 still reads both.
    for (const key of ['resources', 'bases']) {
      list(key).forEach((entry, i) => {
        if (typeof entry !== 'string') return;
        const ref = this.ctx.resolve('resource', loc(key, i), entry, dir, 'any');
        if (ref.status !== 'ok' || !ref.target) {
          this.refFailed(ref, acc);
          return;
        }
        if (this.ctx.fs.kind(ref.target) === 'dir') {
          const kd = this.kustomizeDir(ref.target);
          const mismatch = kd && this.kindMismatch(kd, false);
          if (mismatch) {
            ref.status = 'missing';
            ref.detail = mismatch;
            this.refFailed(ref, acc);
            return;
          }
          const r = this.accumulateDir(ref.target);
          if ('error' in r) {
            ref.status = r.error;
            this.refFailed(ref, acc);
            return;
          }
          acc.failures.push(...r.failures);
          acc.config = mergeConfig(acc.config, r.config);
          this.append(acc, copy(r.objects), loc(key, i), dir, fail, true);
        } else {
          const objects = this.resourceFile(ref.target);
          const file = this.ctx.files.get(ref.target);
          if (file?.docs.some((d) => d.problems.length > 0)) acc.failures.push(`yaml-syntax: ${ref.target} does not parse`);
          this.append(acc, objects, loc(key, i), dir, fail);
        }
      });
    }

    list('configurations').forEach((entry, i) => {
      if (typeof entry !== 'string') return;
      const ref = this.ctx.resolve('configuration', loc('configurations', i), entry, dir, 'file');
      if (ref.status !== 'ok' || !ref.target) {
        this.refFailed(ref, acc);
        return;
      }
      const file = this.ctx.file(ref.target, 'configuration');
      for (const d of file.docs) if (!isBroken(d)) acc.config = mergeConfig(acc.config, parseConfig(d.value));
    });
    list('crds').forEach((entry, i) => {
      if (typeof entry !== 'string') return;
      const ref = this.ctx.resolve('crd', loc('crds', i), entry, dir, 'file');
      if (ref.status === 'ok' && ref.target) this.ctx.file(ref.target, 'crd');
      else this.refFailed(ref, acc);
    });
    if (isObject(k.openapi) && typeof k.openapi.path === 'string') {
      const ref = this.ctx.resolve('openapi', loc('openapi', 'path'), k.openapi.path, dir, 'file');
      if (ref.status === 'ok' && ref.target) this.ctx.touch(ref.target, 'openapi');
      else this.refFailed(ref, acc);
    }

    this.generators(dir, doc, k, acc, fail);
    this.pluginGenerators(dir, doc, k, acc, fail);

    // Components run after the generators and before the transformers (kustomize PR 5170, v5.1).
    this.components(dir, doc, k, acc);

    this.transform(dir, doc, k, acc, fail);
  }

  /** A kustomization's `components`, applied to what is accumulated; Flux's (an overlay's) are written elsewhere. */
  private components(dir: string, doc: YamlDoc, k: JsonObject, acc: Accumulated): void {
    (Array.isArray(k.components) ? (k.components as unknown[]) : []).forEach((entry, i) => {
      const flux = writtenAt(entry);
      const written = flux && isObject(entry) ? entry.path : entry;
      if (typeof written !== 'string') return;
      const ref = flux ? this.ctx.resolve('flux-component', flux, written, dir, 'dir') : this.ctx.resolve('component', { doc, path: ['components', i] }, written, dir, 'dir');
      if (ref.status !== 'ok' || !ref.target) {
        this.refFailed(ref, acc);
        return;
      }
      const kd = this.kustomizeDir(ref.target);
      if (!kd) {
        ref.status = 'no-kustomization';
        this.refFailed(ref, acc);
        return;
      }
      const mismatch = this.kindMismatch(kd, true);
      if (mismatch) {
        ref.status = 'missing';
        ref.detail = mismatch;
        this.refFailed(ref, acc);
        return;
      }
      if (this.active.has(this.id(ref.target))) {
        ref.status = 'cycle';
        this.refFailed(ref, acc);
        return;
      }
      if (kd.doc && isObject(kd.doc.value)) {
        this.active.add(this.id(ref.target));
        this.run(ref.target, kd.doc, kd.doc.value, acc);
        this.active.delete(this.id(ref.target));
      }
    });
  }

  /** The built-in transformers of one kustomization, in kustomize's order (configureBuiltinTransformers). */
  private transform(dir: string, doc: YamlDoc, k: JsonObject, acc: Accumulated, fail: Fail): void {
    acc.ids = undefined;
    const loc = (...path: (string | number)[]): Location => ({ doc, path });
    type Patch = { value: unknown; at: Location; fromFile: boolean };
    const fromFile = (path: NodePath, written: string): Patch[] | undefined => {
      const ref = this.ctx.resolve('patch', { doc, path }, written, dir, 'file');
      if (ref.status !== 'ok' || !ref.target) {
        this.refFailed(ref, acc);
        return undefined;
      }
      const file = this.ctx.file(ref.target, 'patch');
      if (file.docs.some((d) => d.problems.length > 0)) acc.failures.push(`yaml-syntax: patch file ${ref.target} does not parse`);
      const merges = file.text.includes('<<');
      return file.docs
        .filter((d) => !isBroken(d) && d.value != null)
        .map((d) => ({ value: merges ? withMergeKeys(d.value) : d.value, at: { doc: d, path: [] }, fromFile: true }));
    };
    const inline = (text: string, path: NodePath, written: Location = { doc, path }): Patch[] | undefined => {
      try {
        const docs = parseAllInline(text);
        return docs.map((value) => ({ value, at: written, fromFile: false }));
      } catch (e) {
        fail(written, `the patch does not parse: ${parseMessage(e)}`);
        return undefined;
      }
    };
    const applyAll = (patches: Patch[], target: PatchTarget | undefined, at: Location, options: JsonObject) => {
      const smp = patches.filter((p) => !Array.isArray(p.value));
      if (target && smp.length > 1) {
        fail(at, 'a patches entry with a target may hold only one strategic-merge patch');
        return;
      }
      for (const p of patches) {
        const failure = patch(acc.objects, p.value, target, p.at, p.fromFile, options);
        if (failure) fail(at, failure);
      }
    };

    const sm = Array.isArray(k.patchesStrategicMerge) ? k.patchesStrategicMerge : [];
    sm.forEach((entry, i) => {
      if (typeof entry !== 'string') return;
      // An entry with a newline is an inline patch, otherwise a path.
      const patches = entry.includes('\n') ? inline(entry, ['patchesStrategicMerge', i]) : fromFile(['patchesStrategicMerge', i], entry);
      if (patches) applyAll(patches, undefined, loc('patchesStrategicMerge', i), {});
    });

    const patchEntries = (key: 'patches' | 'patchesJson6902') => {
      const entries = Array.isArray(k[key]) ? (k[key] as unknown[]) : [];
      entries.forEach((entry, i) => {
        if (!isObject(entry)) return;
        const target = isObject(entry.target) ? (entry.target as PatchTarget) : undefined;
        const options = isObject(entry.options) ? entry.options : {};
        let patches: Patch[] | undefined;
        if (typeof entry.path === 'string' && typeof entry.patch === 'string') {
          fail(loc(key, i), "a patch takes 'path' or 'patch', not both");
          return;
        }
        // A Flux spec.patches entry, added by kustomize-controller: written in the Flux Kustomization.
        const flux = writtenAt(entry);
        if (typeof entry.path === 'string') patches = fromFile([key, i, 'path'], entry.path);
        else if (typeof entry.patch === 'string') patches = inline(entry.patch, [key, i, 'patch'], flux);
        if (patches) applyAll(patches, target, flux ?? loc(key, i), options);
      });
    };
    patchEntries('patches');

    const namespace = typeof k.namespace === 'string' && k.namespace !== '' ? k.namespace : undefined;
    if (namespace) {
      // Flux's spec.targetNamespace, when it set this one.
      const nsAt = writtenAt(k) ?? loc('namespace');
      const conflict = setNamespace(acc.objects, namespace, { fieldSpecs: [...NAMESPACE_FIELD_SPECS, ...acc.config.namespace], unsetOnly: false, at: nsAt });
      if (conflict) fail(nsAt, conflict);
    }

    const prefix = typeof k.namePrefix === 'string' ? k.namePrefix : '';
    const suffix = typeof k.nameSuffix === 'string' ? k.nameSuffix : '';
    if (prefix) rename(acc.objects, prefix, '');
    if (suffix) rename(acc.objects, '', suffix);

    const labels: Record<string, string> = {};
    if (isObject(k.commonLabels)) Object.assign(labels, stringMap(k.commonLabels));
    for (const l of Array.isArray(k.labels) ? k.labels : []) if (isObject(l) && isObject(l.pairs)) Object.assign(labels, stringMap(l.pairs));
    if (Object.keys(labels).length > 0) for (const o of acc.objects) setMetadataMap(o, 'labels', labels);
    if (isObject(k.commonAnnotations)) {
      const annotations = stringMap(k.commonAnnotations);
      for (const o of acc.objects) setMetadataMap(o, 'annotations', annotations);
    }

    patchEntries('patchesJson6902');

    (Array.isArray(k.replacements) ? k.replacements : []).forEach((entry, i) => {
      for (const r of this.replacements(dir, doc, entry, i, acc, fail)) {
        const failure = applyReplacement<BuiltObject>(acc.objects, r, { locate: objectLocation, record });
        if (failure) fail(loc('replacements', i), failure);
      }
    });

    (Array.isArray(k.transformers) ? k.transformers : []).forEach((entry, i) => this.pluginTransformer(dir, doc, entry, i, acc, fail));
  }

  /** The replacements of one `replacements` entry: itself, or those of its `path` file (one or a list). */
  private replacements(dir: string, doc: YamlDoc, entry: unknown, i: number, acc: Accumulated, fail: Fail): Replacement[] {
    const at: Location = { doc, path: ['replacements', i] };
    if (!isObject(entry)) return [];
    if (typeof entry.path === 'string') {
      if (entry.source !== undefined || entry.targets !== undefined) {
        fail(at, 'a replacement takes a path or an inline source and targets, not both');
        return [];
      }
      const ref = this.ctx.resolve('replacement', { doc, path: ['replacements', i, 'path'] }, entry.path, dir, 'file');
      if (ref.status !== 'ok' || !ref.target) {
        this.refFailed(ref, acc);
        return [];
      }
      const file = this.ctx.file(ref.target, 'configuration');
      const first = file.docs[0];
      if (!first || isBroken(first)) {
        acc.failures.push(`yaml-syntax: replacements file ${ref.target} does not parse`);
        return [];
      }
      const items = Array.isArray(first.value) ? first.value : [first.value];
      const out: Replacement[] = [];
      for (const item of items) {
        const r = readReplacement(item);
        if ('error' in r) fail({ doc: first, path: [] }, r.error);
        else out.push(r);
      }
      return out;
    }
    const r = readReplacement(entry);
    if ('error' in r) {
      fail(at, r.error);
      return [];
    }
    return [r];
  }

  /**
   * A `transformers:` entry: an inline or file configuration of one of kustomize's built-in transformers
   * (`apiVersion: builtin`). Anything else is a plugin, which kustomize-controller never runs: plugins are
   * disabled in Flux's builds, so the build fails.
   */
  private pluginTransformer(dir: string, doc: YamlDoc, entry: unknown, i: number, acc: Accumulated, fail: Fail): void {
    const at: Location = { doc, path: ['transformers', i] };
    const configs = this.pluginConfigs(dir, doc, 'transformers', entry, i, acc, fail);
    if (!configs) return;
    for (const c of configs) {
      if (!isObject(c)) continue;
      if (c.apiVersion !== 'builtin') {
        fail(at, `transformer ${String(c.apiVersion)}/${String(c.kind)} is a kustomize plugin, which Flux's kustomize-controller does not run`);
        continue;
      }
      const meta = isObject(c.metadata) ? c.metadata : {};
      if (c.kind === 'NamespaceTransformer') {
        const ns = typeof meta.namespace === 'string' ? meta.namespace : '';
        if (!ns) continue;
        const fieldSpecs = (Array.isArray(c.fieldSpecs) ? c.fieldSpecs : []).filter(isObject).flatMap((f) => (typeof f.path === 'string' ? [f as unknown as FieldSpec] : []));
        const conflict = setNamespace(acc.objects, ns, {
          fieldSpecs,
          unsetOnly: c.unsetOnly === true,
          subjects: typeof c.setRoleBindingSubjects === 'string' ? c.setRoleBindingSubjects : undefined,
          at,
        });
        if (conflict) fail(at, conflict);
      } else if (c.kind === 'PatchTransformer') {
        const target = isObject(c.target) ? (c.target as PatchTarget) : undefined;
        let patches: unknown[] = [];
        try {
          patches = typeof c.patch === 'string' ? parseAllInline(c.patch) : [];
        } catch {
          fail(at, 'the patch does not parse');
          continue;
        }
        for (const p of patches) {
          const failure = patch(acc.objects, p, target, at, false, isObject(c.options) ? c.options : {});
          if (failure) fail(at, failure);
        }
      }
      // Other built-in transformers (labels, images, replicas, ...) change nothing the linter checks.
    }
  }

  /**
   * The plugin configurations of a `transformers:` or `generators:` entry: inline YAML, a file, or a directory
   * whose kustomization builds them.
   */
  private pluginConfigs(dir: string, doc: YamlDoc, field: 'transformers' | 'generators', entry: unknown, i: number, acc: Accumulated, fail: Fail): unknown[] | undefined {
    if (typeof entry !== 'string') return undefined;
    const at: Location = { doc, path: [field, i] };
    if (entry.includes('\n')) {
      try {
        return parseAllInline(entry);
      } catch (e) {
        fail(at, `the plugin configuration does not parse: ${parseMessage(e)}`);
        return undefined;
      }
    }
    const ref = this.ctx.resolve(field === 'transformers' ? 'transformer' : 'generator', at, entry, dir, 'any');
    if (ref.status !== 'ok' || !ref.target) {
      this.refFailed(ref, acc);
      return undefined;
    }
    if (this.ctx.fs.kind(ref.target) === 'dir') {
      const r = this.accumulateDir(ref.target);
      if ('error' in r) {
        ref.status = r.error;
        this.refFailed(ref, acc);
        return undefined;
      }
      return r.objects.map((o) => o.value);
    }
    const file = this.ctx.file(ref.target, 'configuration');
    return file.docs.filter((d) => !isBroken(d)).map((d) => d.value);
  }

  /**
   * `generators:` entries: kustomize's built-in generators configured by hand are not modelled (their objects are
   * missing from the build); any other is a plugin, which Flux's kustomize-controller never runs.
   */
  private pluginGenerators(dir: string, doc: YamlDoc, k: JsonObject, acc: Accumulated, fail: Fail): void {
    (Array.isArray(k.generators) ? k.generators : []).forEach((entry, i) => {
      for (const c of this.pluginConfigs(dir, doc, 'generators', entry, i, acc, fail) ?? []) {
        if (isObject(c) && c.apiVersion !== 'builtin') {
          fail({ doc, path: ['generators', i] }, `generator ${String(c.apiVersion)}/${String(c.kind)} is a kustomize plugin, which Flux's kustomize-controller does not run`);
        }
      }
    });
  }

  /** Objects of one manifest file; documents that are not objects are left for the manifest-shape rule. */
  resourceFile(rel: string): BuiltObject[] {
    const file = this.ctx.file(rel, 'resource');
    const out: BuiltObject[] = [];
    const merges = file.text.includes('<<');
    for (const doc of file.docs) {
      if (isBroken(doc) || !isObject(doc.value)) continue;
      const v = merges ? (withMergeKeys(doc.value) as JsonObject) : doc.value;
      if (typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items)) {
        v.items.forEach((item, i) => {
          if (isManifest(item)) out.push(record0(item, doc, ['items', i]));
        });
      } else if (isManifest(v)) out.push(record0(v, doc, []));
    }
    return out;
  }

  /**
   * configMapGenerator and secretGenerator (api/kv, api/internal/generators): data from literals, files and env
   * files exactly as kustomize reads them, so that the name hash is kustomize's. A Secret's values never enter the
   * model (its data holds its keys with empty values); only their hash does. Each object joins the build as
   * kustomize's AbsorbAll does it: `behavior: create` (the default) adds it, `merge` and `replace` change the one
   * of that id.
   */
  private generators(dir: string, doc: YamlDoc, k: JsonObject, acc: Accumulated, fail: Fail): void {
    const global = isObject(k.generatorOptions) ? k.generatorOptions : {};
    for (const [key, kind] of [
      ['configMapGenerator', 'ConfigMap'],
      ['secretGenerator', 'Secret'],
    ] as const) {
      const gens = Array.isArray(k[key]) ? (k[key] as unknown[]) : [];
      gens.forEach((g, i) => {
        if (!isObject(g)) return;
        const at: Location = { doc, path: [key, i] };
        const pairs: [string, string][] = [];
        let readable = true;
        const readFile = (path: NodePath, written: string): string | undefined => {
          const ref = this.ctx.resolve('generator', { doc, path }, written, dir, 'file');
          if (ref.status !== 'ok' || !ref.target) {
            this.refFailed(ref, acc);
            readable = false;
            return undefined;
          }
          this.ctx.touch(ref.target, 'generator-input');
          const read = this.ctx.fs.read(ref.target);
          if ('problem' in read) {
            // A binary file goes to binaryData, which the linter does not read: the hash is unknown.
            readable = false;
            return undefined;
          }
          return read.text;
        };
        (Array.isArray(g.files) ? g.files : []).forEach((entry, j) => {
          if (typeof entry !== 'string') return;
          const eq = entry.indexOf('=');
          const written = eq >= 0 ? entry.slice(eq + 1) : entry;
          const text = readFile([key, i, 'files', j], written);
          if (text !== undefined) pairs.push([eq >= 0 ? entry.slice(0, eq) : written.split('/').pop()!, text]);
        });
        const envs = [...(Array.isArray(g.envs) ? g.envs.map((e, j) => [e, ['envs', j]] as const) : []), ...(typeof g.env === 'string' ? [[g.env, ['env']] as const] : [])];
        for (const [entry, sub] of envs) {
          if (typeof entry !== 'string') continue;
          const text = readFile([key, i, ...sub], entry);
          if (text !== undefined) pairs.push(...envPairs(text));
        }
        for (const lit of Array.isArray(g.literals) ? g.literals : []) {
          if (typeof lit !== 'string') continue;
          const eq = lit.indexOf('=');
          if (eq <= 0) {
            fail(at, `invalid literal '${lit}': expected key=value`);
            continue;
          }
          pairs.push([lit.slice(0, eq), unquote(lit.slice(eq + 1))]);
        }
        if (typeof g.name !== 'string' || g.name === '') {
          fail(at, `a ${key} entry needs a name`);
          return;
        }
        const options = mergeOptions(global, isObject(g.options) ? g.options : {});
        const metadata: JsonObject = { name: g.name };
        if (typeof g.namespace === 'string' && g.namespace !== '') metadata.namespace = g.namespace;
        if (options.labels) metadata.labels = options.labels;
        if (options.annotations) metadata.annotations = options.annotations;
        const data: Record<string, string> = {};
        let secretData: Record<string, string> | undefined;
        if (kind === 'Secret') {
          // Secret values never enter the model: only their keys matter to any rule, their base64 to the hash.
          secretData = {};
          for (const [key2, v] of pairs) {
            data[key2] = '';
            secretData[key2] = generatorBase64(v);
          }
        } else for (const [key2, v] of pairs) data[key2] = v;
        const value: JsonObject = { apiVersion: 'v1', kind, metadata };
        if (pairs.length > 0) value.data = data;
        if (kind === 'Secret') value.type = typeof g.type === 'string' && g.type !== '' ? g.type : 'Opaque';
        if (options.immutable) value.immutable = true;
        const o = record0(value, doc, [key, i]);
        o.generated = true;
        o.hashedName = !options.noHash;
        if (!options.noHash && readable) o.needsHash = true;
        if (secretData) o.secretData = secretData;
        const behavior = typeof g.behavior === 'string' && g.behavior !== '' ? g.behavior : 'create';
        this.absorb(acc, o, behavior, at, dir, fail);
      });
    }
  }

  /** kustomize's appendReplaceOrMerge for generated objects. */
  private absorb(acc: Accumulated, o: BuiltObject, behavior: string, at: Location, dir: string, fail: Fail): void {
    acc.ids = undefined;
    const id = currentId(o);
    const matches = withAnyId(acc.objects, id);
    if (matches.length === 0) {
      if (behavior === 'merge' || behavior === 'replace') fail(at, `${formatId(id)} does not exist; cannot ${behavior} it`);
      else this.addObjects(acc.objects, [o], at, dir);
      return;
    }
    if (matches.length > 1) {
      fail(at, `more than one object could take the ${behavior} of ${formatId(id)}`);
      return;
    }
    if (behavior !== 'merge' && behavior !== 'replace') {
      fail(at, `${formatId(id)} already exists; its generator needs behavior merge or replace`);
      return;
    }
    const old = matches[0];
    const oldMeta = metadataOf(old.value);
    const meta = metadataOf(o.value);
    const next: JsonObject = { ...o.value };
    const nextMeta: JsonObject = { ...meta, name: oldMeta.name };
    if (oldMeta.namespace !== undefined) nextMeta.namespace = oldMeta.namespace;
    else delete nextMeta.namespace;
    for (const field of ['labels', 'annotations']) {
      const merged = { ...(isObject(oldMeta[field]) ? oldMeta[field] : {}), ...(isObject(meta[field]) ? meta[field] : {}) };
      if (Object.keys(merged).length > 0) nextMeta[field] = merged;
    }
    next.metadata = nextMeta;
    if (behavior === 'merge') {
      const data = { ...(isObject(old.value.data) ? old.value.data : {}), ...(isObject(o.value.data) ? o.value.data : {}) };
      if (Object.keys(data).length > 0) next.data = data;
      if (o.secretData || old.secretData) o.secretData = { ...(old.secretData ?? {}), ...(o.secretData ?? {}) };
    }
    // The merged object keeps the old one's generator options (whether it gets a hash) and its previous ids.
    const merged: BuiltObject = {
      ...o,
      value: next,
      previous: old.previous,
      hashedName: old.hashedName,
      needsHash: old.needsHash,
      generated: old.generated || o.generated,
    };
    if (!old.generated) {
      merged.hashedName = undefined;
      merged.needsHash = undefined;
    }
    acc.objects[acc.objects.indexOf(old)] = merged;
  }
}

/** The built-in places kustomize's `namespace:` sets besides metadata.namespace (builtinpluginconsts/namespace.go). */
const NAMESPACE_FIELD_SPECS: FieldSpec[] = [
  { path: 'metadata/name', kind: 'Namespace', create: true },
  { path: 'spec/service/namespace', group: 'apiregistration.k8s.io', kind: 'APIService', create: true },
  { path: 'spec/conversion/webhook/clientConfig/service/namespace', group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
];

/**
 * kustomize's namespace transformer (api/filters/namespace): metadata.namespace of every object kustomize does not
 * know to be cluster-scoped; the name of Namespace objects (a `namespace.yaml` with `name: _` under `namespace:
 * cert-manager` is the Namespace cert-manager); APIService and CRD conversion webhook service namespaces; and in
 * RoleBindings and ClusterRoleBindings, the namespace of subjects named `default` (setRoleBindingSubjects
 * defaultOnly, the default; `allServiceAccounts` sets every ServiceAccount subject's, `none` none). Other
 * subjects follow their ServiceAccount through name references at the end of the build. `unsetOnly` sets only
 * what is empty. Every object's id before is kept (StorePreviousId). Returns kustomize's failure when two objects
 * end with one id ("namespace transformation produces ID conflict": a second Namespace renamed to the first).
 */
function setNamespace(
  objects: BuiltObject[],
  namespace: string,
  opts: { fieldSpecs: FieldSpec[]; unsetOnly: boolean; subjects?: string; at: Location },
): string | undefined {
  const setValue = (v: unknown) => (opts.unsetOnly && typeof v === 'string' && v !== '' ? v : namespace);
  // The kinds the field specs name ('' when one names none): most objects are of none of them.
  const kinds = new Set(opts.fieldSpecs.map((fs) => fs.kind ?? ''));
  for (const o of objects) {
    storePreviousId(o);
    const kind = typeof o.value.kind === 'string' ? o.value.kind : '';
    const apiVersion = typeof o.value.apiVersion === 'string' ? o.value.apiVersion : '';
    const slash = apiVersion.lastIndexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    if (!kustomizeClusterScoped(group, version, kind)) {
      const meta = metadataOf(o.value);
      if (!opts.unsetOnly || typeof meta.namespace !== 'string' || meta.namespace === '') setMetadata(o, { namespace });
    }
    const isBinding = kind === 'RoleBinding' || kind === 'ClusterRoleBinding';
    if (!kinds.has(kind) && !kinds.has('') && !isBinding) continue;
    const id = { group, version, kind };
    for (const fs of opts.fieldSpecs) {
      if (fs.path === 'metadata/namespace' || !fieldSpecSelects(fs, id)) continue;
      if (isBinding && fs.path === 'subjects/namespace') continue;
      o.value = updateFieldSpec(o.value, fieldSpecPath(fs.path), fs.create === true, (v, path) => {
        if (v !== undefined && typeof v !== 'string') return v;
        const next = setValue(v);
        if (next !== v && path.length === 2 && path[0] === 'metadata' && path[1] === 'name') record(o, path, opts.at);
        return next;
      });
    }
    if (isBinding && Array.isArray(o.value.subjects) && opts.subjects !== 'none') {
      const all = opts.subjects === 'allServiceAccounts';
      let changed = false;
      const subjects = o.value.subjects.map((s) => {
        if (!isObject(s) || !(all ? s.kind === 'ServiceAccount' : s.name === 'default')) return s;
        const next = setValue(s.namespace);
        if (next === s.namespace) return s;
        changed = true;
        return { ...s, namespace: next };
      });
      if (changed) o.value = { ...o.value, subjects };
    }
  }
  const seen = new Set<string>();
  for (const o of objects) {
    const key = currentKey(o.value);
    if (seen.has(key)) return `namespace: ${namespace} gives two objects the id ${formatId(currentId(o))}: kustomize refuses the build (ID conflict)`;
    seen.add(key);
  }
  return undefined;
}

/** kustomize's prefix and suffix transformers: every name but those of CRDs, APIServices and Namespaces. */
function rename(objects: BuiltObject[], prefix: string, suffix: string): void {
  for (const o of objects) {
    const org = originalId(o);
    if (org.kind === 'CustomResourceDefinition' || org.kind === 'Namespace' || (org.kind === 'APIService' && org.group === 'apiregistration.k8s.io')) continue;
    storePreviousId(o);
    setMetadata(o, { name: `${prefix}${String(metadataOf(o.value).name ?? '')}${suffix}` });
  }
}

/** Adds labels or annotations to metadata (kustomize's label and annotation transformers, metadata only). */
function setMetadataMap(o: BuiltObject, field: 'labels' | 'annotations', add: Record<string, string>): void {
  const meta = metadataOf(o.value);
  const have = isObject(meta[field]) ? meta[field] : {};
  if (Object.entries(add).every(([k, v]) => have[k] === v)) return;
  o.value = { ...o.value, metadata: { ...meta, [field]: { ...have, ...add } } };
}

function stringMap(v: JsonObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) out[k] = x == null ? '' : String(x);
  return out;
}

/** Generator options: the entry's own over the kustomization's generatorOptions (MergeGlobalOptionsIntoLocal). */
function mergeOptions(global: JsonObject, local: JsonObject): { labels?: Record<string, string>; annotations?: Record<string, string>; noHash: boolean; immutable: boolean } {
  const map = (field: string) => {
    const m = { ...(isObject(global[field]) ? stringMap(global[field] as JsonObject) : {}), ...(isObject(local[field]) ? stringMap(local[field] as JsonObject) : {}) };
    return Object.keys(m).length > 0 ? m : undefined;
  };
  return {
    labels: map('labels'),
    annotations: map('annotations'),
    noHash: (local.disableNameSuffixHash ?? global.disableNameSuffixHash) === true,
    immutable: (local.immutable ?? global.immutable) === true,
  };
}

/**
 * KEY=VALUE lines of an env file as kustomize reads them (api/kv): leading whitespace and a first-line BOM are
 * dropped, `#` lines and blank lines skipped, the value kept as written (no trimming, no unquoting).
 */
function envPairs(text: string): [string, string][] {
  const out: [string, string][] = [];
  const lines = text.split('\n');
  lines.forEach((raw, n) => {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (n === 0) line = line.replace(/^\uFEFF/, '');
    line = line.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    // A key alone takes its value from kustomize's environment, which Flux's controller does not set: empty.
    out.push(eq < 0 ? [line, ''] : [line.slice(0, eq), line.slice(eq + 1)]);
  });
  return out;
}

/** kustomize's removeQuotes for literals: one pair of matching quotes around the whole value. */
function unquote(s: string): string {
  return s.length >= 2 && s[0] === s[s.length - 1] && (s[0] === '"' || s[0] === "'") ? s.slice(1, -1) : s;
}

/** A key of an object's current id (group/version, kind, effective namespace, name), without building the id (it runs for every object appended to a build). */
function currentKey(v: JsonObject): string {
  const meta = isObject(v.metadata) ? v.metadata : undefined;
  const apiVersion = typeof v.apiVersion === 'string' ? v.apiVersion : '';
  const kind = typeof v.kind === 'string' ? v.kind : '';
  const ns = meta && typeof meta.namespace === 'string' ? meta.namespace : '';
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const effective = kustomizeClusterScoped(group, version, kind) ? '_non_namespaceable_' : ns === '' ? 'default' : ns;
  return `${group}/${version}\0${kind}\0${effective}\0${meta && typeof meta.name === 'string' ? meta.name : ''}`;
}

/** kustomize's HashTransformer: `<name>-<hash>` for generated objects that want it, once. */
function addHashes(objects: BuiltObject[]): void {
  for (const o of objects) {
    if (!o.needsHash) continue;
    storePreviousId(o);
    setMetadata(o, { name: `${String(metadataOf(o.value).name)}-${nameHash(o.value, o.secretData)}` });
    o.needsHash = undefined;
  }
}

/** `config.kubernetes.io/local-config: "true"`: kustomize leaves such objects out of the build's output. */
function isLocalConfig(v: JsonObject): boolean {
  const a = (v.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations;
  return typeof a === 'object' && a !== null && a['config.kubernetes.io/local-config'] === 'true';
}

/**
 * A document's value with its YAML merge keys (`<<: *anchor`, `<<: [*a, *b]`) applied, as kustomize's YAML
 * library (yaml.v3) reads them: the merged maps' keys, the first map's winning, under the map's own keys. The
 * linter's parser keeps `<<` as a key; resolved once per document value (values are shared, never changed).
 */
export function withMergeKeys(v: unknown): unknown {
  return typeof v !== 'object' || v === null ? v : resolveMerges(v);
}

/** One node; its children through withMergeKeys, so that a node an alias shares is walked once. */
const resolveMerges = memoByObject((v: object): unknown => {
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    v.forEach((item, i) => {
      const r = withMergeKeys(item);
      if (r !== item) (out ??= v.slice())[i] = r;
    });
    return out ?? v;
  }
  if (!isObject(v)) return v;
  let out: JsonObject | undefined;
  for (const key of Object.keys(v)) {
    const r = withMergeKeys(v[key]);
    if (r !== v[key]) (out ??= { ...v })[key] = r;
  }
  if (!Object.prototype.hasOwnProperty.call(v, '<<')) return out ?? v;
  const own = out ?? v;
  const sources = Array.isArray(own['<<']) ? (own['<<'] as unknown[]) : [own['<<']];
  if (!sources.every(isObject)) return own;
  const merged: JsonObject = {};
  for (const s of [...sources].reverse()) Object.assign(merged, s);
  for (const key of Object.keys(own)) if (key !== '<<') merged[key] = own[key];
  return merged;
});

/** A parser error's first line, without its position in the inline text (the finding points at the string). */
function parseMessage(e: unknown): string {
  return (e as Error).message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** Every document of an inline patch or transformer configuration (empty ones left out); throws on a syntax error. */
function parseAllInline(text: string): unknown[] {
  const out: unknown[] = [];
  checkInlineBounds(text);
  try {
    for (const d of parseAllDocuments(text, { uniqueKeys: false, logLevel: 'error' })) {
      if (d.errors.length > 0) throw d.errors[0];
      const v = d.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      if (v != null) out.push(v);
    }
  } catch (e) {
    // The parser recurses: nesting far past the limit exhausts the stack (as in src/load/parse/yaml-file.ts).
    if (/Maximum call stack size exceeded/.test((e as Error).message)) throw new Error(`YAML nests deeper than ${MAX_YAML_DEPTH} levels`);
    throw e;
  }
  return out;
}

/**
 * Applies one patch of a kustomization to the objects of a build, as kustomize's PatchTransformer does, in place:
 * an RFC 6902 patch (a list of operations) to the objects its target selects; a strategic-merge patch to the
 * objects its target selects, or without a target to the one object with the patch's own id (group, version,
 * kind, name and namespace: a patch without a namespace is for an object without one). A strategic-merge patch
 * with `$patch: delete` at its top removes the object. Returns why kustomize would fail, if it would.
 */
function patch(objects: BuiltObject[], p: unknown, target: PatchTarget | undefined, at: Location | undefined, inFile: boolean, options: JsonObject): string | undefined {
  if (target) {
    const t = targetError(target);
    if (t) return t;
  }
  if (Array.isArray(p)) {
    if (!target) return 'a JSON patch needs a target';
    for (const o of objects) {
      if (!selectsTarget(o, target)) continue;
      storePreviousId(o);
      const copy = clone(o.value);
      const failure = applyJson6902(copy, p as JsonPatchOp[]);
      if (failure) return `JSON patch of ${formatId(currentId(o))}: ${failure}`;
      o.value = copy;
      p.forEach((op, i) => {
        if (at && isObject(op) && typeof op.path === 'string') {
          record(o, nodePathOf(o.value, op.path.split('/').slice(1).map(decodePointer)), inFile ? { doc: at.doc, path: [...at.path, i, 'value'] } : at);
        }
      });
    }
    return undefined;
  }
  if (!isObject(p)) return 'a patch must be a strategic-merge patch (an object) or a JSON patch (a list)';
  // kustomize reads a strategic-merge patch as a resource: without a kind or a name it cannot ("unable to parse SM
  // or JSON patch"), even with a target.
  const pmeta = metadataOf(p);
  if (typeof p.kind !== 'string' || p.kind === '' || typeof pmeta.name !== 'string' || pmeta.name === '') {
    return 'a strategic-merge patch needs a kind and a metadata.name: kustomize cannot read it otherwise';
  }
  let selected: BuiltObject[];
  if (target) selected = objects.filter((o) => selectsTarget(o, target));
  else {
    const meta = metadataOf(p);
    const [group, version] = splitGroupVersion(String(p.apiVersion ?? ''));
    const id: ResId = { group, version, kind: String(p.kind ?? ''), name: String(meta.name ?? ''), namespace: typeof meta.namespace === 'string' ? meta.namespace : '' };
    selected = withAnyId(objects, id);
    if (selected.length === 0) return `no object matches the strategic-merge patch of ${formatId(id)}`;
    if (selected.length > 1) return `more than one object matches the strategic-merge patch of ${formatId(id)}`;
  }
  for (const o of selected) {
    const before = metadataOf(o.value);
    const allowName = options.allowNameChange === true;
    const allowKind = options.allowKindChange === true;
    if (allowName || allowKind) storePreviousId(o);
    const merged = strategicMerge(o.value, p, hasBuiltinSchema(String(o.value.apiVersion ?? '')));
    if (merged === null || !isObject(merged)) {
      objects.splice(objects.indexOf(o), 1);
      continue;
    }
    // The patch never moves the object, unless its options allow a new name or kind.
    const meta = metadataOf(merged);
    const next: JsonObject = { ...merged, apiVersion: o.value.apiVersion };
    if (!allowKind) next.kind = o.value.kind;
    next.metadata = { ...meta, name: allowName ? meta.name : before.name };
    if (before.namespace === undefined) delete (next.metadata as JsonObject).namespace;
    else (next.metadata as JsonObject).namespace = before.namespace;
    o.value = next;
    if (at) for (const path of leafPaths(p, [])) record(o, path, inFile ? { doc: at.doc, path: [...at.path, ...path] } : at);
  }
  return undefined;
}

/**
 * Applies a strategic-merge patch (an object) or an RFC 6902 patch (a list of operations) to matching objects, as
 * a `patches` entry of a kustomization (Flux's `spec.patches` are added to the kustomization's), and records where
 * each patched value was written. `inFile` says whether `at` is the patch's own document (its node paths then
 * mirror the object's) or the inline `patch:` string of a kustomization. Returns how many objects it changed.
 */
export function applyPatch(objects: BuiltObject[], p: unknown, target: PatchTarget | undefined, at?: Location, inFile = false): number {
  const before = objects.map((o) => o.value);
  const count = objects.length;
  const failure = patch(objects, p, target, at, inFile, {});
  if (failure) return 0;
  let changed = count - objects.length;
  for (const o of objects) if (!before.includes(o.value)) changed++;
  return changed;
}

function splitGroupVersion(apiVersion: string): [string, string] {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? ['', apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
}

export function record(o: { provenance?: Map<string, Location> }, path: NodePath, at: Location): void {
  if (!o.provenance) o.provenance = new Map();
  o.provenance.set(JSON.stringify(path), at);
}

/** Paths a strategic-merge patch sets, down to scalars or to the first list (list items merge by key, not index). */
function leafPaths(v: unknown, prefix: string[]): string[][] {
  if (!isObject(v)) return [prefix];
  const out: string[][] = [];
  for (const [k, child] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
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
  return objects.map((o) => record0(o.value, o.doc, o.docPath, o));
}

/**
 * A new BuiltObject record, every field set (undefined when absent), optionally copying another's: records of one
 * shape keep the builder's copies fast (they copy every object of every build).
 */
function record0(value: JsonObject, doc: YamlDoc, docPath: NodePath, from?: BuiltObject): BuiltObject {
  return {
    value,
    doc,
    docPath,
    hashedName: from?.hashedName,
    generated: from?.generated,
    provenance: from?.provenance && new Map(from.provenance),
    previous: from?.previous,
    needsHash: from?.needsHash,
    secretData: from?.secretData,
  };
}
