import { parseInline as parseYaml } from './yaml-file.js';
import type { LoadContext } from './context.js';
import { applyPatch, metadataOf, objectLocation, setMetadata, type BuiltObject, type KustomizeBuilder } from './kustomize.js';
import { isObject, splitApiVersion, type JsonObject, type PatchTarget } from './patches.js';
import { isClusterScoped } from './scope.js';
import { findGeneratedArtifact, mountedPath, type GeneratedArtifact } from './artifact-generator.js';
import { VALID_NAME, substituteValue, substitutionDisabled } from './substitute.js';
import { fluxInstanceSync } from './discover.js';
import type { Cluster, FluxKustomization, KObject, Location, ObjectRef, Substitution, YamlDoc } from './types.js';

export const FLUX_KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io';

/** A cluster holds at most this many Flux Kustomizations and objects; past either the walk stops and says so. */
export const MAX_FLUX_KUSTOMIZATIONS = 10_000;
export const MAX_CLUSTER_OBJECTS = 250_000;

export function isFluxKustomization(v: { apiVersion?: unknown; kind?: unknown }): boolean {
  return v.kind === 'Kustomization' && typeof v.apiVersion === 'string' && v.apiVersion.startsWith(`${FLUX_KUSTOMIZE_GROUP}/`);
}

export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? 'default'}/${name}`;
}

/** Where a Flux source's files come from, as far as this checkout can tell. */
type Locality =
  | { local: true }
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
  constructor(
    private readonly ctx: LoadContext,
    private readonly builder: KustomizeBuilder,
  ) {}

  walk(clusterDir: string, name: string): Cluster {
    const root = this.findRoot(clusterDir);
    const cluster: Cluster = {
      dir: clusterDir,
      name,
      bootstrap: root ? 'flux-system' : 'synthetic',
      rootKey: root?.key ?? `(synthetic)/${clusterDir}`,
      implicitSources: root?.implicit ? [root.source] : [],
      kustomizations: new Map(),
      objects: [],
    };
    const rootFk: FluxKustomization = {
      key: cluster.rootKey,
      path: clusterDir,
      pathRef: root?.pathRef,
      objects: [],
      substitution: { vars: new Map(), complete: true },
    };
    cluster.kustomizations.set(rootFk.key, rootFk);
    const rootSource = root?.source;

    const queue: FluxKustomization[] = [rootFk];
    const deferred: FluxKustomization[] = [];
    const run = (fk: FluxKustomization, lastTry: boolean) => {
      if (fk !== rootFk && this.resolvePath(cluster, fk, rootSource, lastTry) === 'defer') {
        deferred.push(fk);
        return;
      }
      if (fk.path === undefined || this.adoptAsRoot(cluster, rootFk, fk) || this.repeatsAncestor(cluster, fk)) return;
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
   * A directory linted without a bootstrap often holds the Kustomization that syncs it (flux-local's layouts):
   * that Kustomization is the real root, and what the synthetic root built is its build. Building it again would
   * make every object a duplicate.
   */
  private adoptAsRoot(cluster: Cluster, synthetic: FluxKustomization, fk: FluxKustomization): boolean {
    if (cluster.bootstrap !== 'synthetic' || cluster.rootKey !== synthetic.key || fk.parent !== synthetic.key || fk.path !== cluster.dir) {
      return false;
    }
    cluster.kustomizations.delete(synthetic.key);
    cluster.rootKey = fk.key;
    fk.parent = undefined;
    fk.objects = synthetic.objects;
    fk.substitution = synthetic.substitution;
    for (const o of fk.objects) o.builtBy = fk.key;
    for (const k of cluster.kustomizations.values()) if (k.parent === synthetic.key) k.parent = fk.key;
    return true;
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
  private findRoot(clusterDir: string) {
    const dir = clusterDir === '.' ? 'flux-system' : `${clusterDir}/flux-system`;
    if (this.ctx.fs.kind(dir) !== 'dir') return undefined;
    for (const name of this.ctx.fs.list(dir)) {
      if (!/\.ya?ml$/.test(name)) continue;
      const file = this.ctx.file(`${dir}/${name}`);
      for (const doc of file.docs) {
        const v = doc.value;
        const instance = this.fromFluxInstance(doc, clusterDir);
        if (instance) return instance;
        if (!isObject(v) || !isFluxKustomization(v) || !isObject(v.spec) || !isObject(v.metadata)) continue;
        const written = typeof v.spec.path === 'string' ? v.spec.path : './';
        if (this.ctx.fs.join('.', written.replace(/^\/+/, '')) !== clusterDir) continue;
        const ns = typeof v.metadata.namespace === 'string' ? v.metadata.namespace : 'flux-system';
        const key = objectKey(ns, String(v.metadata.name));
        const pathRef = this.ctx.resolve('flux-path', { doc, path: ['spec', 'path'] }, written.replace(/^\/+/, ''), '.', 'dir');
        const src = isObject(v.spec.sourceRef) ? v.spec.sourceRef : {};
        const source: ObjectRef = {
          kind: String(src.kind ?? 'GitRepository'),
          name: String(src.name ?? ''),
          namespace: typeof src.namespace === 'string' ? src.namespace : ns,
        };
        return { key, pathRef, source, implicit: false };
      }
    }
    return undefined;
  }

  /** The Flux Operator makes a source and a Kustomization named `spec.sync.name` (default: its namespace) from a FluxInstance. */
  private fromFluxInstance(doc: YamlDoc, clusterDir: string) {
    const sync = fluxInstanceSync(doc.value);
    if (!sync || !isObject(doc.value) || !isObject(doc.value.metadata)) return undefined;
    const written = sync.path;
    if (this.ctx.fs.join('.', written.replace(/^\/+/, '')) !== clusterDir) return undefined;
    const ns = typeof doc.value.metadata.namespace === 'string' ? doc.value.metadata.namespace : 'flux-system';
    const name = sync.name ?? ns;
    const pathRef = this.ctx.resolve('flux-path', { doc, path: ['spec', 'sync', 'path'] }, written.replace(/^\/+/, ''), '.', 'dir');
    return { key: objectKey(ns, name), pathRef, source: { kind: sync.kind, name, namespace: ns } as ObjectRef, implicit: true };
  }

  private resolvePath(cluster: Cluster, fk: FluxKustomization, rootSource: ObjectRef | undefined, lastTry: boolean): 'ok' | 'defer' {
    const obj = fk.object!;
    const spec = isObject(obj.value.spec) ? obj.value.spec : {};
    const written = typeof spec.path === 'string' ? spec.path : './';
    const from = objectLocation(obj, ['spec', 'path']);
    const src = isObject(spec.sourceRef) ? spec.sourceRef : {};
    const sourceRef: ObjectRef = {
      kind: String(src.kind ?? ''),
      name: String(src.name ?? ''),
      namespace: typeof src.namespace === 'string' ? src.namespace : obj.namespace,
    };
    const locality = this.locality(cluster, sourceRef, rootSource);
    if (locality.local === 'missing' && !lastTry) return 'defer';
    if (written.includes('${')) {
      fk.pathRef = this.ctx.record({ kind: 'flux-path', raw: written, from, base: '.', status: 'foreign-source', detail: 'uses a variable no postBuild defines' });
      return 'ok';
    }
    const rel = written.replace(/^\/+/, '');
    if (locality.local === 'artifact') {
      this.resolveArtifactPath(fk, locality.artifact, locality.detail, written, from);
      return 'ok';
    }
    if (locality.local === false || locality.local === 'missing') {
      fk.pathRef = this.ctx.record({ kind: 'flux-path', raw: written, from, base: '.', status: 'foreign-source', detail: locality.detail });
      return 'ok';
    }
    if (locality.local === 'unknown') {
      // Like flux-local, assume an unknown source is this repository, but only when the path exists here.
      const target = this.ctx.fs.join('.', rel);
      if (target === undefined || this.ctx.fs.kind(target) !== 'dir') {
        fk.pathRef = this.ctx.record({ kind: 'flux-path', raw: written, from, base: '.', status: 'foreign-source', detail: locality.detail });
        return 'ok';
      }
    }
    const ref = this.ctx.resolve('flux-path', from, rel, '.', 'dir');
    fk.pathRef = ref;
    if (ref.status === 'ok') fk.path = ref.target;
    return 'ok';
  }

  /** A path inside an ExternalArtifact: found through the generator's copies, or reported as provided by none. */
  private resolveArtifactPath(fk: FluxKustomization, artifact: GeneratedArtifact, generator: string, written: string, from: Location): void {
    const repoPath = mountedPath(artifact.mounts, written);
    if (repoPath === undefined) {
      const status = artifact.foreign.length > 0 ? 'foreign-source' : 'missing';
      const provided = artifact.mounts.map((m) => `${m.dest || '.'}/`).join(', ') || 'nothing';
      const detail =
        status === 'missing'
          ? `is not provided by any copy of ${generator} (the artifact holds ${provided})`
          : `may come from a copy of ${generator} out of another source (${artifact.foreign.join(', ')})`;
      fk.pathRef = this.ctx.record({ kind: 'flux-path', raw: written, from, base: '.', status, detail });
      return;
    }
    const ref = this.ctx.resolve('flux-path', from, repoPath, '.', 'dir');
    if (ref.status === 'missing') ref.detail = `is copied by ${generator} from ${repoPath}, which does not exist`;
    ref.raw = written;
    fk.pathRef = ref;
    if (ref.status === 'ok') fk.path = ref.target;
  }

  /** Is a source this checkout? The bootstrap GitRepository is; another GitRepository is when url and ref match it. */
  private locality(cluster: Cluster, ref: ObjectRef, rootSource: ObjectRef | undefined): Locality {
    const label = `${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
    if (ref.kind === 'GitRepository' || ref.kind === '') {
      if (rootSource && ref.name === rootSource.name && ref.namespace === rootSource.namespace && (ref.kind || 'GitRepository') === rootSource.kind) {
        return { local: true };
      }
      // Without a bootstrap in the tree, `flux-system/flux-system` is by convention the bootstrap repository: this one.
      if (!rootSource && ref.name === 'flux-system' && ref.namespace === 'flux-system') return { local: true };
      const src = this.findObject(cluster, 'GitRepository', ref.name, ref.namespace);
      const root = rootSource && this.findObject(cluster, rootSource.kind, rootSource.name, rootSource.namespace);
      if (!src) return { local: 'missing', detail: `source ${label} is not defined in this cluster` };
      // Without a bootstrap there is nothing to compare with: the path is checked only if it exists here.
      if (!root) return { local: 'unknown', detail: `source ${label} may not be this checkout (${String((isObject(src.value.spec) && src.value.spec.url) || 'no url')})` };
      const spec = (o: KObject) => (isObject(o.value.spec) ? o.value.spec : {});
      // Like flux-local, another URL is taken for this checkout when the path exists here (a mirror, a rename).
      if (normalizeUrl(spec(src).url) !== normalizeUrl(spec(root).url)) {
        return { local: 'unknown', detail: `source ${label} is another repository (${String(spec(src).url)})` };
      }
      const refOf = (o: KObject) => JSON.stringify(spec(o).ref ?? {});
      if (refOf(src) !== refOf(root)) {
        return { local: false, detail: `source ${label} is another ref of this repository (${refOf(src)}), not this checkout` };
      }
      return { local: true };
    }
    if (ref.kind === 'ExternalArtifact') {
      const artifact = findGeneratedArtifact(cluster, ref, (s) => this.locality(cluster, s, rootSource).local === true);
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
    const built = this.builder.buildForFlux(fk.path!);
    const spec = fk.object && isObject(fk.object.value.spec) ? fk.object.value.spec : {};
    const objects = this.fluxTransforms(cluster, fk, spec, built);
    for (const b of objects) {
      if (cluster.objects.length >= MAX_CLUSTER_OBJECTS) {
        const at = fk.pathRef?.from ?? { doc: b.doc, path: b.docPath };
        this.ctx.limit(at, `the cluster ${cluster.dir} holds more than ${MAX_CLUSTER_OBJECTS} objects (MAX_CLUSTER_OBJECTS); the rest are not checked`);
        break;
      }
      setMetadata(b, {});
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
      fk.objects.push(obj);
      cluster.objects.push(obj);
      if (!isFluxKustomization(obj)) continue;
      const key = objectKey(obj.namespace, obj.name);
      if (key === fk.key && !fk.object) {
        fk.object = obj;
        continue;
      }
      if (cluster.kustomizations.has(key)) continue;
      if (cluster.kustomizations.size >= MAX_FLUX_KUSTOMIZATIONS) {
        this.ctx.limit(
          { doc: obj.doc, path: [...obj.docPath, 'metadata', 'name'] },
          `the cluster ${cluster.dir} has more than ${MAX_FLUX_KUSTOMIZATIONS} Flux Kustomizations (MAX_FLUX_KUSTOMIZATIONS); this one and later ones are not built`,
        );
        continue;
      }
      const child: FluxKustomization = { key, object: obj, parent: fk.key, objects: [], substitution: { vars: new Map(), complete: true } };
      cluster.kustomizations.set(key, child);
      queue.push(child);
    }
  }

  private fluxTransforms(cluster: Cluster, fk: FluxKustomization, spec: JsonObject, built: BuiltObject[]): BuiltObject[] {
    let objects = built;
    const obj = fk.object;
    if (obj && Array.isArray(spec.components) && fk.path) {
      spec.components.forEach((c, i) => {
        if (typeof c !== 'string') return;
        const ref = this.ctx.resolve('flux-component', { doc: obj.doc, path: [...obj.docPath, 'spec', 'components', i] }, c, fk.path!, 'dir');
        if (ref.status !== 'ok' || !ref.target) return;
        const kd = this.builder.kustomizeDir(ref.target);
        const mismatch = kd && this.builder.kindMismatch(kd, true);
        if (mismatch) {
          ref.status = 'missing';
          ref.detail = mismatch;
          return;
        }
        const applied = this.builder.applyComponent(ref.target, objects);
        if (applied === undefined) ref.status = 'no-kustomization';
        else objects = applied;
      });
    }
    if (obj && Array.isArray(spec.patches)) {
      spec.patches.forEach((p, i) => {
        if (!isObject(p) || typeof p.patch !== 'string') return;
        let patch: unknown;
        try {
          patch = parseYaml(p.patch);
        } catch {
          return;
        }
        const at = objectLocation(obj, ['spec', 'patches', i, 'patch']);
        applyPatch(objects, patch, isObject(p.target) ? (p.target as PatchTarget) : undefined, at);
      });
    }
    const targetNamespace = typeof spec.targetNamespace === 'string' ? spec.targetNamespace : undefined;
    const prefix = typeof spec.namePrefix === 'string' ? spec.namePrefix : '';
    const suffix = typeof spec.nameSuffix === 'string' ? spec.nameSuffix : '';
    for (const o of objects) {
      const kind = String(o.value.kind);
      setMetadata(o, {
        namespace: targetNamespace && !isClusterScoped(kind) ? targetNamespace : undefined,
        name: (prefix || suffix) && kind !== 'Namespace' && kind !== 'CustomResourceDefinition' ? `${prefix}${String(metadataOf(o.value).name)}${suffix}` : undefined,
      });
    }
    if (isObject(spec.postBuild)) {
      fk.substitution = this.substitution(cluster, fk, spec.postBuild);
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
  private substitution(cluster: Cluster, fk: FluxKustomization, postBuild: JsonObject): Substitution {
    const vars = new Map<string, string>();
    const unknown = new Set<string>();
    const invalid: NonNullable<Substitution['invalid']> = [];
    let complete = true;
    const namespace = fk.object?.namespace;
    const from = Array.isArray(postBuild.substituteFrom) ? postBuild.substituteFrom : [];
    from.forEach((entry, i) => {
      if (!isObject(entry) || typeof entry.name !== 'string') return;
      const kind = String(entry.kind ?? '');
      const src = this.findObject(cluster, kind, entry.name, namespace);
      if (!src || isObject(src.value.sops) || (src.generated && kind === 'Secret')) {
        complete = false;
        return;
      }
      const data = dataOf(src);
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
        this.ctx.record({ kind, raw: written, from, base: '.', status: 'foreign-source', detail: locality.detail });
        return;
      }
    }
    const r = this.ctx.resolve(kind, from, rel, '.', 'dir');
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
function dataOf(o: KObject): { known: Record<string, string>; unknown: string[] } {
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
