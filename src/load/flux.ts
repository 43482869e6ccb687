import { isFluxKustomization, objectKey } from '../model/objects.js';
import { parseInline as parseYaml } from './parse/yaml-file.js';
import type { LoadContext } from './context.js';
import { applyPatch, metadataOf, setMetadata, type BuiltObject, type FluxOverlay, type KustomizeBuilder } from './kustomize.js';
import { type PatchTarget } from './patches.js';
import { isClusterScoped } from '../model/scope.js';
import { MAX_CLUSTER_OBJECTS, MAX_FLUX_KUSTOMIZATIONS } from '../model/limits.js';
import { findGeneratedArtifact, mountedPath, type GeneratedArtifact } from './artifact-generator.js';
import { VALID_NAME, substituteValue, substitutionDisabled } from './substitute.js';
import type { Cluster, FluxKustomization, KObject, Location, NodePath, ObjectRef, PathRef, SourceMapping, SourceRoot, Substitution, YamlDoc } from '../model/types.js';
import { findInstances, instancePatches, syncOf, type FoundInstance } from './flux-instance.js';
import { expandResourceSet, isInputProvider, isResourceSet } from './resourceset.js';
import { objectLocation } from '../model/location.js';
import { isObject, splitApiVersion, type JsonObject } from '../model/objects.js';

/** How a cluster's root Kustomization was found, and what it syncs from. */
interface RootInfo {
  key: string;
  pathRef: PathRef;
  source: ObjectRef;
  bootstrap: Cluster['bootstrap'];
  /** The folder its source's paths are relative to, when not the checkout's root. */
  sourceRoot?: SourceRoot;
  /** Its spec, when no document writes it (a FluxInstance's sync Kustomization). */
  spec?: JsonObject;
  /** The URL of the source it syncs, when no source object in the tree holds it (a FluxInstance's sync.url). */
  url?: string;
  /** The document that writes the root Kustomization (none for a FluxInstance's, which the operator makes). */
  doc?: YamlDoc;
  docPath?: NodePath;
}

function sourceKey(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

function sourceRefOf(spec: Record<string, unknown>, namespace: string): ObjectRef {
  const src = isObject(spec.sourceRef) ? spec.sourceRef : {};
  return {
    kind: String(src.kind ?? 'GitRepository'),
    name: String(src.name ?? ''),
    namespace: typeof src.namespace === 'string' ? src.namespace : namespace,
  };
}

/** Where a Flux source's files come from, as far as this checkout can tell. */
type Locality =
  /** `base`: the repo-relative folder that is the source's root (default '.'). */
  | { local: true; base?: string }
  | { local: false; detail: string }
  /** Maybe this checkout (another URL, no bootstrap to compare with): used when the path exists here. */
  | { local: 'unknown'; detail: string }
  /** Not built (yet): a Kustomization still in the queue may build it. */
  | { local: 'missing'; detail: string }
  /** An ExternalArtifact that an ArtifactGenerator assembles from this checkout. */
  | { local: 'artifact'; artifact: GeneratedArtifact; detail: string };

/**
 * Follows a cluster the way Flux reconciles it: the root Kustomization builds the cluster directory, every Flux
 * Kustomization in that output builds its own `spec.path`, and so on. Each object records which Kustomization
 * applies it, after that Kustomization's targetNamespace, patches, components and post-build substitution.
 */
export class FluxWalker {
  /** The URL the cluster's root syncs, when the tree says it without a source object (a FluxInstance's sync.url). */
  private rootUrl?: string;
  /** Sources read from a folder of this checkout, by `kind/namespace/name` (the cluster being walked). */
  private sourceRoots = new Map<string, SourceRoot>();

  constructor(
    private readonly ctx: LoadContext,
    private readonly builder: KustomizeBuilder,
    /** The config's `sources:`: sources built from a folder of this checkout. */
    private readonly sources: readonly SourceMapping[] = [],
  ) {}

  walk(clusterDir: string, name: string): Cluster {
    this.sourceRoots = new Map();
    for (const m of this.sources) {
      const source: ObjectRef = { kind: m.kind, name: m.name, namespace: m.namespace ?? 'flux-system' };
      const path = this.ctx.fs.join('.', m.path.replace(/^\/+/, '')) ?? m.path;
      this.sourceRoots.set(sourceKey(source), { source, path, reason: 'config' });
    }
    const root = this.findRoot(clusterDir) ?? this.findSyncing(clusterDir);
    this.rootUrl = root?.url;
    if (root?.sourceRoot) this.sourceRoots.set(sourceKey(root.source), root.sourceRoot);
    const cluster: Cluster = {
      dir: clusterDir,
      name,
      bootstrap: root ? root.bootstrap : 'synthetic',
      rootKey: root?.key ?? `(synthetic)/${clusterDir}`,
      // The root syncs from its source, so that source exists in the cluster whether or not git holds it
      // (`flux bootstrap` and the Flux Operator create it).
      implicitSources: root ? [root.source] : [],
      sourceRoots: [...this.sourceRoots.values()],
      resourceSets: [],
      kustomizations: new Map(),
      objects: [],
    };
    const rootFk: FluxKustomization = {
      key: cluster.rootKey,
      path: clusterDir,
      pathRef: root?.pathRef,
      objects: [],
      substitution: { vars: new Map(), complete: true },
      spec: root?.spec,
    };
    // The root's own spec (patches, postBuild, targetNamespace, components, ...) shapes what it builds, as for any
    // Flux Kustomization: read it before the build. Its object is replaced by the one its build applies.
    if (root?.doc) rootFk.object = this.objectOf(root.doc, root.docPath ?? [], rootFk.key, clusterDir);
    cluster.kustomizations.set(rootFk.key, rootFk);
    const rootSource = root?.source;

    const queue: FluxKustomization[] = [rootFk];
    const deferred: FluxKustomization[] = [];
    const run = (fk: FluxKustomization, lastTry: boolean) => {
      if (fk !== rootFk && this.resolvePath(cluster, fk, rootSource, lastTry) === 'defer') {
        deferred.push(fk);
        return;
      }
      if (fk.path === undefined || this.repeatsAncestor(cluster, fk)) return;
      this.build(cluster, fk, queue);
    };
    for (;;) {
      while (queue.length > 0) run(queue.shift()!, false);
      if (deferred.length === 0) break;
      // A source may be built by a Kustomization that ran since; when none resolved, settle one as best we can.
      run(deferred.shift()!, true);
      queue.push(...deferred.splice(0));
    }
    this.resolveObjectPaths(cluster, rootSource);
    return cluster;
  }

  /**
   * A Kustomization that builds the path an ancestor builds re-applies the ancestor's objects, itself among them,
   * under a new owner: a cycle. When its name changes every round (a variable that substitutes itself) it would
   * never end, so it is reported at its spec.path and not built.
   */
  private repeatsAncestor(cluster: Cluster, fk: FluxKustomization): boolean {
    const id = (p: string) => this.ctx.fs.canonical(p) ?? p;
    const target = id(fk.path!);
    const seen = new Set<string>();
    for (let key = fk.parent; key !== undefined && !seen.has(key); ) {
      seen.add(key);
      const ancestor = cluster.kustomizations.get(key);
      if (!ancestor) break;
      if (ancestor.path !== undefined && id(ancestor.path) === target) {
        if (fk.pathRef) fk.pathRef.status = 'cycle';
        return true;
      }
      key = ancestor.parent;
    }
    return false;
  }

  /** The flux-system Kustomization (from `flux bootstrap`) whose path is this cluster directory. */
  private findRoot(clusterDir: string): RootInfo | undefined {
    const dir = clusterDir === '.' ? 'flux-system' : `${clusterDir}/flux-system`;
    if (this.ctx.fs.kind(dir) !== 'dir') return undefined;
    for (const name of this.ctx.fs.list(dir)) {
      if (!/\.ya?ml$/.test(name)) continue;
      const file = this.ctx.file(`${dir}/${name}`);
      for (const doc of file.docs) {
        const v = doc.value;
        if (isObject(v)) {
          for (const found of findInstances([{ value: v, doc, docPath: [] }])) {
            const instance = this.fromInstance(found, clusterDir, 'flux-system');
            if (instance) return instance;
          }
        }
        if (!isObject(v) || !isFluxKustomization(v) || !isObject(v.spec) || !isObject(v.metadata)) continue;
        const written = typeof v.spec.path === 'string' ? v.spec.path : './';
        if (this.ctx.fs.join('.', written.replace(/^\/+/, '')) !== clusterDir) continue;
        const ns = typeof v.metadata.namespace === 'string' ? v.metadata.namespace : 'flux-system';
        const key = objectKey(ns, String(v.metadata.name));
        const pathRef = this.ctx.resolve('flux-path', { doc, path: ['spec', 'path'] }, written.replace(/^\/+/, ''), '.', 'dir');
        return { key, pathRef, source: sourceRefOf(v.spec, ns), bootstrap: 'flux-system' as const, doc, docPath: [] as NodePath };
      }
    }
    return undefined;
  }

  /**
   * A directory without a flux-system bootstrap often holds the Flux Kustomization that syncs it (written by hand
   * or by a bootstrap script; flux-local's layouts): a Kustomization in its own build whose spec.path is the
   * directory. That Kustomization is the cluster's root, and its spec applies to the build as for any other.
   */
  private findSyncing(clusterDir: string): RootInfo | undefined {
    const built = this.builder.buildForFlux(clusterDir);
    for (const b of built) {
      const v = b.value;
      if (!isFluxKustomization(v) || !isObject(v.spec) || !isObject(v.metadata) || typeof v.metadata.name !== 'string') continue;
      const written = typeof v.spec.path === 'string' ? v.spec.path : './';
      if (written.includes('${') || this.ctx.fs.join('.', written.replace(/^\/+/, '')) !== clusterDir) continue;
      const ns = typeof v.metadata.namespace === 'string' ? v.metadata.namespace : 'default';
      const pathRef = this.ctx.resolve('flux-path', { doc: b.doc, path: [...b.docPath, 'spec', 'path'] }, written.replace(/^\/+/, ''), '.', 'dir');
      return { key: objectKey(ns, v.metadata.name), pathRef, source: sourceRefOf(v.spec, ns), bootstrap: 'in-tree', doc: b.doc, docPath: b.docPath };
    }
    // A FluxInstance whose sync path is this directory, wherever the build writes it (a chart's values, a ResourceSet).
    for (const found of findInstances(built)) {
      const instance = this.fromInstance(found, clusterDir, 'in-tree');
      if (instance) return instance;
    }
    return undefined;
  }

  /** A Flux Kustomization object as its document writes it, before any build. */
  private objectOf(doc: YamlDoc, docPath: NodePath, key: string, clusterDir: string): KObject | undefined {
    let v: unknown = doc.value;
    for (const seg of docPath) v = isObject(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[seg] : undefined;
    if (!isObject(v) || !isObject(v.metadata)) return undefined;
    return {
      apiVersion: String(v.apiVersion),
      kind: String(v.kind),
      name: String(v.metadata.name),
      namespace: key.slice(0, key.indexOf('/')),
      value: v,
      doc,
      docPath,
      builtBy: key,
      cluster: clusterDir,
    };
  }

  /**
   * The Flux Operator makes a source and a Kustomization named `spec.sync.name` (default: the instance's namespace)
   * from a FluxInstance's sync, and applies the instance's `kustomize.patches` to what it generates, that
   * Kustomization included (https://fluxcd.control-plane.io/operator/fluxinstance/#sync-configuration).
   */
  private fromInstance(found: FoundInstance, clusterDir: string, bootstrap: Cluster['bootstrap']): RootInfo | undefined {
    const sync = syncOf(found.spec);
    if (!sync || sync.path.includes('${')) return undefined;
    const ns = found.namespace;
    const name = sync.name ?? ns;
    const source: ObjectRef = { kind: sync.kind, name, namespace: ns };
    const written = sync.path.replace(/^\/+/, '');
    const sourceRoot = this.sourceRootFor(source, written, clusterDir, { doc: found.doc, path: found.pathAt });
    if (sourceRoot === undefined) return undefined;
    const pathRef = this.ctx.resolve('flux-path', { doc: found.doc, path: found.pathAt }, written, sourceRoot.path, 'dir');
    const generated: BuiltObject = {
      value: {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name, namespace: ns },
        spec: { interval: sync.interval ?? '1m', path: sync.path, prune: true, sourceRef: { kind: sync.kind, name } },
      },
      doc: found.doc,
      docPath: found.pathAt,
    };
    for (const p of instancePatches(found.spec)) applyPatch([generated], p.patch, p.target as PatchTarget | undefined);
    const spec = isObject(generated.value.spec) ? generated.value.spec : {};
    return {
      key: objectKey(ns, name),
      pathRef,
      source,
      bootstrap,
      url: sync.url,
      spec,
      sourceRoot: sourceRoot.path === '.' && sourceRoot.reason !== 'config' ? undefined : sourceRoot,
    };
  }

  /**
   * The folder of this checkout that a source's root is, given that `written` (a path in that source) must be the
   * cluster directory: the config's `sources:` entry for it; else the checkout's root, when the path is there;
   * else, for an artifact (OCIRepository, Bucket) that CI pushes from a folder, the one folder where it is.
   */
  private sourceRootFor(source: ObjectRef, written: string, clusterDir: string, at: Location): SourceRoot | undefined {
    const mapped = this.sourceRoots.get(sourceKey(source));
    if (mapped) return this.ctx.fs.join(mapped.path, written) === clusterDir ? mapped : undefined;
    if (this.ctx.fs.join('.', written) === clusterDir) return { source, path: '.', reason: 'inferred', at, syncPath: written };
    if (source.kind === 'GitRepository') return undefined;
    const tail = written.split('/').filter((p) => p !== '' && p !== '.');
    if (tail.length === 0 || tail.includes('..')) return undefined;
    const segs = clusterDir.split('/');
    if (segs.length <= tail.length || segs.slice(-tail.length).join('/') !== tail.join('/')) return undefined;
    return { source, path: segs.slice(0, -tail.length).join('/'), reason: 'inferred', at, syncPath: written };
  }

  private resolvePath(cluster: Cluster, fk: FluxKustomization, rootSource: ObjectRef | undefined, lastTry: boolean): 'ok' | 'defer' {
    const obj = fk.object!;
    const spec = isObject(obj.value.spec) ? obj.value.spec : {};
    const written = typeof spec.path === 'string' ? spec.path : './';
    const from = objectLocation(obj, ['spec', 'path']);
    // A ResourceSet's template is one place for every Kustomization it generates.
    const variant = obj.generatedBy !== undefined ? fk.key : undefined;
    const src = isObject(spec.sourceRef) ? spec.sourceRef : {};
    const sourceRef: ObjectRef = {
      kind: String(src.kind ?? ''),
      name: String(src.name ?? ''),
      namespace: typeof src.namespace === 'string' ? src.namespace : obj.namespace,
    };
    const locality = this.locality(cluster, sourceRef, rootSource);
    if (locality.local === 'missing' && !lastTry) return 'defer';
    if (written.includes('${')) {
      fk.pathRef = this.ctx.record({ kind: 'flux-path', raw: written, from, base: '.', status: 'foreign-source', detail: 'uses a variable no postBuild defines' }, variant);
      return 'ok';
    }
    const rel = written.replace(/^\/+/, '');
    if (locality.local === 'artifact') {
      this.resolveArtifactPath(fk, locality.artifact, locality.detail, written, from, variant);
      return 'ok';
    }
    if (locality.local === false || locality.local === 'missing') {
      fk.pathRef = this.ctx.record({ kind: 'flux-path', raw: written, from, base: '.', status: 'foreign-source', detail: locality.detail }, variant);
      return 'ok';
    }
    if (locality.local === 'unknown') {
      // Like flux-local, assume an unknown source is this repository, but only when the path exists here.
      // The source's root (`./`, the default) exists in every checkout, so it says nothing.
      const target = this.ctx.fs.join('.', rel);
      if (target === undefined || target === '.' || this.ctx.fs.kind(target) !== 'dir') {
        fk.pathRef = this.ctx.record({ kind: 'flux-path', raw: written, from, base: '.', status: 'foreign-source', detail: locality.detail }, variant);
        return 'ok';
      }
    }
    const ref = this.ctx.resolve('flux-path', from, rel, (locality.local === true && locality.base) || '.', 'dir', variant);
    fk.pathRef = ref;
    if (ref.status === 'ok') fk.path = ref.target;
    return 'ok';
  }

  /** A path inside an ExternalArtifact: found through the generator's copies, or reported as provided by none. */
  private resolveArtifactPath(fk: FluxKustomization, artifact: GeneratedArtifact, generator: string, written: string, from: Location, variant?: string): void {
    const repoPath = mountedPath(artifact.mounts, written);
    if (repoPath === undefined) {
      const status = artifact.foreign.length > 0 ? 'foreign-source' : 'missing';
      const provided = artifact.mounts.map((m) => `${m.dest || '.'}/`).join(', ') || 'nothing';
      const detail =
        status === 'missing'
          ? `is not provided by any copy of ${generator} (the artifact holds ${provided})`
          : `may come from a copy of ${generator} out of another source (${artifact.foreign.join(', ')})`;
      fk.pathRef = this.ctx.record({ kind: 'flux-path', raw: written, from, base: '.', status, detail }, variant);
      return;
    }
    const ref = this.ctx.resolve('flux-path', from, repoPath, '.', 'dir', variant);
    if (ref.status === 'missing') ref.detail = `is copied by ${generator} from ${repoPath}, which does not exist`;
    ref.raw = written;
    fk.pathRef = ref;
    if (ref.status === 'ok') fk.path = ref.target;
  }

  /** Is a source this checkout? The bootstrap GitRepository is; another GitRepository is when url and ref match it. */
  private locality(cluster: Cluster, ref: ObjectRef, rootSource: ObjectRef | undefined): Locality {
    const label = `${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
    const mapped = this.sourceRoots.get(sourceKey({ ...ref, kind: ref.kind || 'GitRepository' }));
    if (mapped) return { local: true, base: mapped.path };
    if (rootSource && ref.name === rootSource.name && ref.namespace === rootSource.namespace && (ref.kind || 'GitRepository') === rootSource.kind) {
      return { local: true };
    }
    if (ref.kind === 'GitRepository' || ref.kind === '') {
      if (rootSource && ref.name === rootSource.name && ref.namespace === rootSource.namespace && (ref.kind || 'GitRepository') === rootSource.kind) {
        return { local: true };
      }
      // Without a bootstrap in the tree, `flux-system/flux-system` is by convention the bootstrap repository: this one.
      if (!rootSource && ref.name === 'flux-system' && ref.namespace === 'flux-system') return { local: true };
      const src = this.findObject(cluster, 'GitRepository', ref.name, ref.namespace);
      if (!src) return { local: 'missing', detail: `source ${label} is not defined in this cluster` };
      const spec = (o: KObject) => (isObject(o.value.spec) ? o.value.spec : {});
      const url = spec(src).url;
      // A URL that is itself a variable names a repository only the cluster knows.
      if (typeof url === 'string' && url.includes('${')) return { local: false, detail: `source ${label} has the URL ${url}, which is not this checkout` };
      const root = rootSource && this.findObject(cluster, rootSource.kind, rootSource.name, rootSource.namespace);
      const own = new Set<string>();
      if (root && root.kind === 'GitRepository') own.add(normalizeUrl(spec(root).url));
      if (this.rootUrl !== undefined) own.add(normalizeUrl(this.rootUrl));
      own.delete('');
      // Without a bootstrap there is nothing to compare with: the path is checked only if it exists here.
      if (own.size === 0) return { local: 'unknown', detail: `source ${label} may not be this checkout (${String(url || 'no url')})` };
      // Another repository builds nothing from this checkout, whatever paths exist here.
      if (!own.has(normalizeUrl(url))) return { local: false, detail: `source ${label} is another repository (${String(url)})` };
      const refOf = (o: KObject) => JSON.stringify(spec(o).ref ?? {});
      if (root && root.kind === 'GitRepository' && refOf(src) !== refOf(root)) {
        return { local: false, detail: `source ${label} is another ref of this repository (${refOf(src)}), not this checkout` };
      }
      return { local: true };
    }
    if (ref.kind === 'ExternalArtifact') {
      const artifact = findGeneratedArtifact(
        cluster,
        ref,
        (s) => {
          const l = this.locality(cluster, s, rootSource);
          return l.local === true ? (l.base ?? '.') : undefined;
        },
        (p) => this.ctx.fs.kind(p),
      );
      if (!artifact) return { local: 'missing', detail: `source ${label} is produced by no ArtifactGenerator in this cluster` };
      const g = artifact.generator;
      return { local: 'artifact', artifact, detail: `ArtifactGenerator ${g.namespace}/${g.name}` };
    }
    if (['OCIRepository', 'Bucket', 'HelmChart'].includes(ref.kind)) {
      return { local: false, detail: `source ${label} is an artifact, not this checkout` };
    }
    return { local: false, detail: `source ${label} is not a kind Flux can build from` };
  }

  private findObject(cluster: Cluster, kind: string, name: string, namespace: string | undefined): KObject | undefined {
    return cluster.objects.find((o) => o.kind === kind && o.name === name && o.namespace === namespace);
  }

  /** Builds a Flux Kustomization's path and applies what kustomize-controller applies on top of kustomize. */
  private build(cluster: Cluster, fk: FluxKustomization, queue: FluxKustomization[]): void {
    const spec = fk.object && isObject(fk.object.value.spec) ? fk.object.value.spec : (fk.spec ?? {});
    const built = this.builder.buildForFlux(fk.path!, this.overlayOf(fk, spec));
    fk.target = applyTarget(spec, fk.object?.namespace) ?? (fk.parent !== undefined ? cluster.kustomizations.get(fk.parent)?.target : undefined);
    const objects = this.fluxTransforms(cluster, fk, spec, built);
    const resourceSets: KObject[] = [];
    for (const b of objects) {
      setMetadata(b, {});
      const obj = this.addObject(cluster, fk, queue, b);
      if (!obj) break;
      if (isResourceSet(obj.value)) resourceSets.push(obj);
    }
    for (const rs of resourceSets) this.expand(cluster, fk, queue, rs);
  }

  /** An object a Kustomization's build applies, in the cluster; a Flux Kustomization is queued to be built. */
  private addObject(
    cluster: Cluster,
    fk: FluxKustomization,
    queue: FluxKustomization[],
    b: { value: JsonObject; doc: YamlDoc; docPath: NodePath; generated?: boolean; provenance?: Map<string, Location> },
    generatedBy?: string,
  ): KObject | undefined {
    if (cluster.objects.length >= MAX_CLUSTER_OBJECTS) {
      const at = fk.pathRef?.from ?? { doc: b.doc, path: b.docPath };
      this.ctx.limit(at, `the cluster ${cluster.dir} holds more than ${MAX_CLUSTER_OBJECTS} objects (MAX_CLUSTER_OBJECTS); the rest are not checked`);
      return undefined;
    }
    const meta = metadataOf(b.value);
    const kind = String(b.value.kind);
    const obj: KObject = {
      apiVersion: String(b.value.apiVersion),
      kind,
      name: String(meta.name),
      namespace: isClusterScoped(kind) ? undefined : typeof meta.namespace === 'string' ? meta.namespace : undefined,
      value: b.value,
      doc: b.doc,
      docPath: b.docPath,
      builtBy: fk.key,
      cluster: cluster.dir,
      generated: b.generated,
      provenance: b.provenance,
    };
    if (fk.target !== undefined) obj.target = fk.target;
    if (generatedBy !== undefined) obj.generatedBy = generatedBy;
    fk.objects.push(obj);
    cluster.objects.push(obj);
    if (!isFluxKustomization(obj)) return obj;
    const key = objectKey(obj.namespace, obj.name);
    if (key === fk.key) {
      // A Kustomization that applies itself (the root, from its own path): the object in the cluster is this one.
      if (!fk.object || fk.object.builtBy === fk.key) fk.object = obj;
      return obj;
    }
    if (cluster.kustomizations.has(key)) return obj;
    if (cluster.kustomizations.size >= MAX_FLUX_KUSTOMIZATIONS) {
      this.ctx.limit(
        { doc: obj.doc, path: [...obj.docPath, 'metadata', 'name'] },
        `the cluster ${cluster.dir} has more than ${MAX_FLUX_KUSTOMIZATIONS} Flux Kustomizations (MAX_FLUX_KUSTOMIZATIONS); this one and later ones are not built`,
      );
      return obj;
    }
    const child: FluxKustomization = { key, object: obj, parent: fk.key, objects: [], substitution: { vars: new Map(), complete: true } };
    if (generatedBy !== undefined) child.generatedBy = generatedBy;
    cluster.kustomizations.set(key, child);
    queue.push(child);
    return obj;
  }

  /**
   * The objects the Flux Operator makes from a ResourceSet a Kustomization applies (src/load/resourceset.ts): they
   * take part in the cluster like the Kustomization's own, each pointing at the template it came from.
   * https://fluxcd.control-plane.io/operator/resourceset/
   */
  private expand(cluster: Cluster, fk: FluxKustomization, queue: FluxKustomization[], rs: KObject): void {
    // The same ResourceSet applied twice (duplicate-resource) is one object in the cluster, expanded once.
    if (cluster.resourceSets.some((r) => r.object.name === rs.name && r.object.namespace === rs.namespace && r.object.target === rs.target)) return;
    const providers = cluster.objects.filter((o) => isInputProvider(o.value)).map((o) => ({ value: o.value, namespace: o.namespace }));
    const expansion = expandResourceSet(rs.value, { namespace: rs.namespace, providers });
    cluster.resourceSets.push({ object: rs, expansion });
    const by = objectKey(rs.namespace, rs.name);
    for (const g of expansion.objects) {
      const value = g.value as JsonObject;
      if (!isObject(value.metadata)) continue;
      if (!this.addObject(cluster, fk, queue, { value, doc: rs.doc, docPath: [...rs.docPath, ...g.template.path] }, by)) break;
    }
  }

  /**
   * What kustomize-controller adds to the kustomization it builds (fluxcd/pkg kustomize/kustomize_generator.go
   * WriteFile): targetNamespace, namePrefix/nameSuffix, patches and components run inside that kustomize build.
   */
  private overlayOf(fk: FluxKustomization, spec: JsonObject): FluxOverlay {
    const obj = fk.object;
    const at = (...path: (string | number)[]): Location => (obj ? objectLocation(obj, ['spec', ...path]) : (fk.pathRef?.from ?? { doc: undefined as never, path: [] }));
    const overlay: FluxOverlay = { patches: [], components: [] };
    const str = (key: string) => (typeof spec[key] === 'string' && spec[key] !== '' ? (spec[key] as string) : undefined);
    const ns = str('targetNamespace');
    if (ns !== undefined) overlay.namespace = { value: ns, at: at('targetNamespace') };
    const prefix = str('namePrefix');
    if (prefix !== undefined) overlay.namePrefix = { value: prefix, at: at('namePrefix') };
    const suffix = str('nameSuffix');
    if (suffix !== undefined) overlay.nameSuffix = { value: suffix, at: at('nameSuffix') };
    if (Array.isArray(spec.patches)) {
      spec.patches.forEach((p, i) => {
        if (isObject(p) && typeof p.patch === 'string') overlay.patches.push({ patch: p.patch, target: isObject(p.target) ? (p.target as PatchTarget) : undefined, at: at('patches', i, 'patch') });
      });
    }
    if (Array.isArray(spec.components)) {
      spec.components.forEach((c, i) => {
        if (typeof c === 'string') overlay.components.push({ path: c, at: at('components', i) });
      });
    }
    // Without a document (a FluxInstance's sync Kustomization), its fields point at where the root is written.
    if (!obj && !fk.pathRef) return { patches: [], components: [] };
    return overlay;
  }

  private fluxTransforms(cluster: Cluster, fk: FluxKustomization, spec: JsonObject, built: BuiltObject[]): BuiltObject[] {
    const objects = built;
    if (isObject(spec.postBuild)) {
      fk.substitution = this.substitution(cluster, fk, spec.postBuild, objects);
      for (const o of objects) {
        if (!substitutionDisabled(o.value)) o.value = substituteValue(o.value, fk.substitution) as JsonObject;
      }
    }
    return objects;
  }

  /**
   * Variables from `postBuild.substitute` over `substituteFrom`, resolved from ConfigMaps and Secrets already built,
   * as kustomize-controller loads them (fluxcd/pkg kustomize/kustomize_varsub.go LoadVariables): a ConfigMap's
   * `data`, a Secret's keys (values unknown here), later sources over earlier ones, inline values over all, line
   * breaks removed from every value. A source the linter cannot read makes the set incomplete: a missing one (Flux
   * fails on it unless `optional`, and ref-not-found reports that), an optional one that is absent here (it may exist
   * in the cluster), a SOPS-encrypted or generated Secret.
   */
  private substitution(cluster: Cluster, fk: FluxKustomization, postBuild: JsonObject, building: BuiltObject[]): Substitution {
    const vars = new Map<string, string>();
    const unknown = new Set<string>();
    const invalid: NonNullable<Substitution['invalid']> = [];
    let complete = true;
    const namespace = fk.object?.namespace ?? fk.key.slice(0, fk.key.indexOf('/'));
    const from = Array.isArray(postBuild.substituteFrom) ? postBuild.substituteFrom : [];
    from.forEach((entry, i) => {
      if (!isObject(entry) || typeof entry.name !== 'string') return;
      const kind = String(entry.kind ?? '');
      // Flux reads these from the cluster: built by an earlier Kustomization, or by this one's previous
      // reconcile (a root that applies its own cluster-vars ConfigMap).
      const src = this.findObject(cluster, kind, entry.name, namespace) ?? findBuilt(building, kind, entry.name, namespace);
      if (!src || isObject(src.value.sops) || (src.generated && kind === 'Secret')) {
        complete = false;
        return;
      }
      const data = dataOf({ kind, value: src.value });
      for (const [k, v] of Object.entries(data.known)) {
        vars.set(k, v);
        unknown.delete(k);
      }
      for (const k of data.unknown) {
        unknown.add(k);
        vars.delete(k);
      }
      for (const k of [...Object.keys(data.known), ...data.unknown]) {
        if (!VALID_NAME.test(k)) invalid.push({ name: k, from: `${kind} ${entry.name}`, path: ['spec', 'postBuild', 'substituteFrom', i] });
      }
    });
    if (isObject(postBuild.substitute)) {
      for (const [k, v] of Object.entries(postBuild.substitute)) {
        vars.set(k, String(v).replaceAll('\n', ''));
        unknown.delete(k);
        if (!VALID_NAME.test(k)) invalid.push({ name: k, from: 'substitute', path: ['spec', 'postBuild', 'substitute', k] });
      }
    }
    const out: Substitution = { vars, complete };
    if (unknown.size > 0) out.unknown = unknown;
    if (invalid.length > 0) out.invalid = invalid;
    return out;
  }

  /** Paths inside other objects: a Terraform module directory, a Helm chart in a Git source. */
  private resolveObjectPaths(cluster: Cluster, rootSource: ObjectRef | undefined): void {
    for (const o of cluster.objects) {
      const spec = isObject(o.value.spec) ? o.value.spec : undefined;
      if (!spec) continue;
      const [group] = splitApiVersion(o.apiVersion);
      if (group === 'infra.contrib.fluxcd.io' && o.kind === 'Terraform' && typeof spec.path === 'string') {
        this.sourcePath(cluster, o, spec.sourceRef, spec.path, ['spec', 'path'], 'terraform-path', rootSource);
      }
      if (group === 'helm.toolkit.fluxcd.io' && o.kind === 'HelmRelease' && isObject(spec.chart) && isObject(spec.chart.spec)) {
        const cs = spec.chart.spec;
        if (typeof cs.chart === 'string' && isObject(cs.sourceRef) && ['GitRepository', 'Bucket'].includes(String(cs.sourceRef.kind))) {
          this.sourcePath(cluster, o, cs.sourceRef, cs.chart, ['spec', 'chart', 'spec', 'chart'], 'helm-chart-path', rootSource);
        }
      }
      if (group === 'source.toolkit.fluxcd.io' && o.kind === 'HelmChart' && typeof spec.chart === 'string' && isObject(spec.sourceRef)) {
        if (['GitRepository', 'Bucket'].includes(String(spec.sourceRef.kind))) {
          this.sourcePath(cluster, o, spec.sourceRef, spec.chart, ['spec', 'chart'], 'helm-chart-path', rootSource);
        }
      }
    }
  }

  private sourcePath(
    cluster: Cluster,
    o: KObject,
    sourceRef: unknown,
    written: string,
    path: string[],
    kind: 'terraform-path' | 'helm-chart-path',
    rootSource: ObjectRef | undefined,
  ): void {
    const from = objectLocation(o, path);
    const variant = o.generatedBy !== undefined ? `${o.kind}/${o.namespace ?? ''}/${o.name}` : undefined;
    const src = isObject(sourceRef) ? sourceRef : {};
    const ref: ObjectRef = {
      kind: String(src.kind ?? ''),
      name: String(src.name ?? ''),
      namespace: typeof src.namespace === 'string' ? src.namespace : o.namespace,
    };
    const locality = this.locality(cluster, ref, rootSource);
    const rel = written.replace(/^\/+/, '');
    if (locality.local !== true) {
      const target = this.ctx.fs.join('.', rel);
      if (locality.local !== 'unknown' || target === undefined || this.ctx.fs.kind(target) !== 'dir') {
        this.ctx.record({ kind, raw: written, from, base: '.', status: 'foreign-source', detail: locality.detail }, variant);
        return;
      }
    }
    const r = this.ctx.resolve(kind, from, rel, (locality.local === true && locality.base) || '.', 'dir', variant);
    if (r.status === 'ok' && r.target && kind === 'helm-chart-path') this.touchTree(r.target);
  }

  /** A local Helm chart's files are used by the chart, not by kustomize: they are not unreferenced. */
  private touchTree(dir: string, visited = new Set<string>()): void {
    // A symlinked directory is followed once: a link back up the chart must not loop.
    const id = this.ctx.fs.canonical(dir) ?? dir;
    if (visited.has(id)) return;
    visited.add(id);
    for (const name of this.ctx.fs.list(dir)) {
      const rel = `${dir}/${name}`;
      const k = this.ctx.fs.kind(rel);
      if (k === 'dir') this.touchTree(rel, visited);
      else if (k === 'file') this.ctx.touch(rel, 'helm-chart');
    }
  }
}

/**
 * The variables a ConfigMap or Secret gives: a ConfigMap's `data` (the controller reads no `binaryData`), with line
 * breaks removed as the controller does; only the keys of a Secret (`data` and `stringData`): its values are
 * unknown to the model, so they can never reach output nor decide a finding.
 */
function dataOf(o: { kind: string; value: Record<string, unknown> }): { known: Record<string, string>; unknown: string[] } {
  const known: Record<string, string> = {};
  const unknown: string[] = [];
  if (o.kind === 'Secret') {
    for (const field of ['data', 'stringData']) {
      const d = o.value[field];
      if (isObject(d)) unknown.push(...Object.keys(d));
    }
  } else if (isObject(o.value.data)) {
    for (const [k, v] of Object.entries(o.value.data)) known[k] = String(v).replaceAll('\n', '');
  }
  return { known, unknown };
}

/**
 * The remote cluster a Kustomization applies to: `spec.kubeConfig` names a Secret (or ConfigMap) with a kubeconfig,
 * and kustomize-controller applies the build there instead of to its own cluster.
 * https://fluxcd.io/flux/components/kustomize/kustomizations/#kubeconfig-remote-clusters
 */
function applyTarget(spec: Record<string, unknown>, namespace: string | undefined): string | undefined {
  const kc = spec.kubeConfig;
  if (!isObject(kc)) return undefined;
  for (const [field, kind] of [
    ['secretRef', 'secret'],
    ['configMapRef', 'configmap'],
  ] as const) {
    const r = kc[field];
    if (isObject(r) && typeof r.name === 'string') return `kubeConfig ${kind} ${namespace ?? 'default'}/${r.name}`;
  }
  return undefined;
}

function findBuilt(objects: BuiltObject[], kind: string, name: string, namespace: string | undefined): BuiltObject | undefined {
  return objects.find((b) => {
    const meta = metadataOf(b.value);
    return b.value.kind === kind && meta.name === name && (meta.namespace ?? namespace) === namespace;
  });
}

/** `ssh://git@github.com/a/b.git`, `https://github.com/a/b` and `git@github.com:a/b` are the same repository. */
export function normalizeUrl(url: unknown): string {
  if (typeof url !== 'string') return '';
  return url
    .trim()
    .toLowerCase()
    .replace(/^[a-z+]+:\/\//, '')
    .replace(/^[^@/]+@/, '')
    .replace(/^([^/:]+):(?!\d)/, '$1/')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
}
