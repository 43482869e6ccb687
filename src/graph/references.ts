import { isClusterScoped, isObject, splitApiVersion, type Cluster, type KObject, type NodePath } from '../load/index.js';
import { isExternal, type ExternalObject } from '../config/external.js';
import type { ObjectIndex, Produced } from './objects.js';

/** The fields through which one object names another that its controller reads. */
export type ReferenceField = 'dependsOn' | 'sourceRef' | 'chartRef' | 'valuesFrom' | 'substituteFrom' | 'secretStoreRef' | 'varsFrom';

/** The controller that resolves a reference, and so decides whether it may cross namespaces. */
export type ReferenceController = 'kustomize-controller' | 'helm-controller' | 'tofu-controller' | 'external-secrets';

/**
 * One reference an object makes, with the defaults its controller applies: a missing namespace is the referrer's,
 * a missing ExternalSecret store kind is SecretStore. References whose name is not a plain string (unset, or a
 * `${VAR}` that post-build substitution left unresolved) are not listed: nothing can be said about their target.
 */
export interface Reference {
  /** The object that makes the reference. */
  from: KObject;
  field: ReferenceField;
  controller: ReferenceController;
  /** The field as a reader finds it in the YAML, for messages: `spec.chart.spec.sourceRef`, `spec.valuesFrom[1]`. */
  label: string;
  /** Kind referred to ('' when the reference does not say and no default applies). */
  kind: string;
  /** API group of that kind ('' for core ConfigMap/Secret). */
  group: string;
  name: string;
  /** Effective namespace of the target; undefined for a cluster-scoped kind. */
  namespace?: string;
  /** True when the reference writes `namespace:` itself (only sourceRef, chartRef and dependsOn can). */
  namespaceWritten: boolean;
  /** `optional: true`: the controller carries on when the target does not exist. */
  optional: boolean;
  /** Node path of the reference inside `from` (pass to `objectLocation(from, path)`). */
  path: NodePath;
  /** Node path of its `name`. */
  namePath: NodePath;
  /** Node path of its `namespace`, or of the reference itself when none is written. */
  namespacePath: NodePath;
}

const FLUX_KUSTOMIZE = 'kustomize.toolkit.fluxcd.io';
const FLUX_HELM = 'helm.toolkit.fluxcd.io';
const FLUX_SOURCE = 'source.toolkit.fluxcd.io';
const TOFU = 'infra.contrib.fluxcd.io';
const ESO = 'external-secrets.io';

/** The namespace a namespaced object lands in: its own, or 'default' (what Flux applies it to without one). */
export function effectiveNamespace(obj: KObject): string | undefined {
  return isClusterScoped(obj.kind) ? undefined : (obj.namespace ?? 'default');
}

/** `kind/namespace/name` as messages print a reference's target. */
export function describeTarget(ref: Pick<Reference, 'kind' | 'name' | 'namespace'>): string {
  return `${ref.kind} '${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}'`;
}

/**
 * Every reference an object makes through the fields Flux, tofu-controller and External Secrets resolve:
 * - Kustomization: `dependsOn`, `sourceRef`, `postBuild.substituteFrom`;
 * - HelmRelease: `dependsOn`, `chart.spec.sourceRef`, `chartRef`, `valuesFrom`;
 * - Terraform: `dependsOn`, `sourceRef`, `varsFrom`;
 * - ExternalSecret: `secretStoreRef` and the `storeRef` of `data[]`/`dataFrom[]` sources; ClusterExternalSecret:
 *   its `ClusterSecretStore` (a namespaced SecretStore depends on the namespaces it selects, unknown here).
 * Credentials (`secretRef` of sources, `kubeConfig`, `decryption`) are left out on purpose: `flux bootstrap` and
 * operators usually create those Secrets outside Git.
 */
export function referencesOf(obj: KObject): Reference[] {
  const spec = isObject(obj.value.spec) ? obj.value.spec : undefined;
  if (!spec) return [];
  const [group] = splitApiVersion(obj.apiVersion);
  const out: Reference[] = [];
  const ns = effectiveNamespace(obj);
  const add = (
    field: ReferenceField,
    controller: ReferenceController,
    path: NodePath,
    entry: unknown,
    kind: { group: string; kind?: string; defaultKind?: string },
    allowNamespace: boolean,
  ) => {
    if (!isObject(entry) || typeof entry.name !== 'string' || entry.name === '' || entry.name.includes('${')) return;
    const k = kind.kind ?? (typeof entry.kind === 'string' ? entry.kind : (kind.defaultKind ?? ''));
    const written = allowNamespace && typeof entry.namespace === 'string' && entry.namespace !== '' ? entry.namespace : undefined;
    if (written?.includes('${')) return;
    out.push({
      from: obj,
      field,
      controller,
      label: labelOf(path),
      kind: k,
      group: k === 'ConfigMap' || k === 'Secret' ? '' : kind.group,
      name: entry.name,
      namespace: isClusterScoped(k) ? undefined : (written ?? ns),
      namespaceWritten: written !== undefined,
      optional: entry.optional === true,
      path,
      namePath: [...path, 'name'],
      namespacePath: written !== undefined ? [...path, 'namespace'] : path,
    });
  };
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

  if (group === FLUX_KUSTOMIZE && obj.kind === 'Kustomization') {
    list(spec.dependsOn).forEach((d, i) => add('dependsOn', 'kustomize-controller', ['spec', 'dependsOn', i], d, { group: FLUX_KUSTOMIZE, kind: 'Kustomization' }, true));
    add('sourceRef', 'kustomize-controller', ['spec', 'sourceRef'], spec.sourceRef, { group: FLUX_SOURCE }, true);
    const postBuild = isObject(spec.postBuild) ? spec.postBuild : {};
    list(postBuild.substituteFrom).forEach((s, i) =>
      add('substituteFrom', 'kustomize-controller', ['spec', 'postBuild', 'substituteFrom', i], s, { group: '' }, false),
    );
  }
  if (group === FLUX_HELM && obj.kind === 'HelmRelease') {
    list(spec.dependsOn).forEach((d, i) => add('dependsOn', 'helm-controller', ['spec', 'dependsOn', i], d, { group: FLUX_HELM, kind: 'HelmRelease' }, true));
    if (isObject(spec.chart) && isObject(spec.chart.spec)) {
      add('sourceRef', 'helm-controller', ['spec', 'chart', 'spec', 'sourceRef'], spec.chart.spec.sourceRef, { group: FLUX_SOURCE }, true);
    }
    add('chartRef', 'helm-controller', ['spec', 'chartRef'], spec.chartRef, { group: FLUX_SOURCE }, true);
    list(spec.valuesFrom).forEach((v, i) => add('valuesFrom', 'helm-controller', ['spec', 'valuesFrom', i], v, { group: '' }, false));
  }
  if (group === TOFU && obj.kind === 'Terraform') {
    list(spec.dependsOn).forEach((d, i) => add('dependsOn', 'tofu-controller', ['spec', 'dependsOn', i], d, { group: TOFU, kind: 'Terraform' }, true));
    add('sourceRef', 'tofu-controller', ['spec', 'sourceRef'], spec.sourceRef, { group: FLUX_SOURCE }, true);
    list(spec.varsFrom).forEach((v, i) => add('varsFrom', 'tofu-controller', ['spec', 'varsFrom', i], v, { group: '' }, false));
  }
  if (group === ESO && obj.kind === 'ExternalSecret') {
    const store = { group: ESO, defaultKind: 'SecretStore' };
    add('secretStoreRef', 'external-secrets', ['spec', 'secretStoreRef'], spec.secretStoreRef, store, false);
    for (const field of ['data', 'dataFrom'] as const) {
      list(spec[field]).forEach((d, i) => {
        if (isObject(d) && isObject(d.sourceRef)) add('secretStoreRef', 'external-secrets', ['spec', field, i, 'sourceRef', 'storeRef'], d.sourceRef.storeRef, store, false);
      });
    }
  }
  if (group === ESO && obj.kind === 'ClusterExternalSecret' && isObject(spec.externalSecretSpec)) {
    const ref = spec.externalSecretSpec.secretStoreRef;
    if (isObject(ref) && ref.kind === 'ClusterSecretStore') {
      add('secretStoreRef', 'external-secrets', ['spec', 'externalSecretSpec', 'secretStoreRef'], ref, { group: ESO }, false);
    }
  }
  return out;
}

const cache = new WeakMap<Cluster, Reference[]>();

/** Every reference made by every object of a cluster, in the cluster's object order; computed once per cluster. */
export function clusterReferences(cluster: Cluster): Reference[] {
  let refs = cache.get(cluster);
  if (!refs) {
    refs = cluster.objects.flatMap(referencesOf);
    cache.set(cluster, refs);
  }
  return refs;
}

/**
 * What the cluster has that a reference resolves to: objects of the referred kind and API group (manifests), or the
 * Secrets controllers write. A namespaced object written without a namespace lands in 'default', so it answers a
 * reference to 'default'.
 */
export function findReferent(index: ObjectIndex, ref: Pick<Reference, 'kind' | 'group' | 'name' | 'namespace'>): Produced[] {
  const sameGroup = (p: Produced) => p.via !== 'manifest' || splitApiVersion(p.producer.apiVersion)[0] === ref.group;
  const found = index.find(ref.kind, ref.name, ref.namespace).filter(sameGroup);
  if (found.length > 0 || ref.namespace !== 'default') return found;
  return index.find(ref.kind, ref.name, undefined).filter(sameGroup);
}

/** True when something in the cluster satisfies the reference, or the config declares it created outside git. */
export function isSatisfied(index: ObjectIndex, ref: Reference, external: readonly ExternalObject[] | undefined): boolean {
  return findReferent(index, ref).length > 0 || isExternal(external, ref.kind, ref.name, ref.namespace);
}

/** Names of the referred kind in the reference's namespace, for did-you-mean. */
export function namesNear(index: ObjectIndex, ref: Pick<Reference, 'kind' | 'namespace'>): string[] {
  const names = index.namesOf(ref.kind, ref.namespace);
  return ref.namespace === 'default' ? [...names, ...index.namesOf(ref.kind, undefined)] : names;
}

/** `['spec', 'valuesFrom', 1]` → `spec.valuesFrom[1]`. */
function labelOf(path: NodePath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
