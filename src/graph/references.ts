import { isExternal, type ExternalObject } from '../model/external.js';
import type { ObjectIndex, Produced } from './objects.js';
import { isClusterScoped } from '../model/scope.js';
import { memoByObject } from '../model/memo.js';
import { isObject, splitApiVersion } from '../model/objects.js';
import { type Cluster, type KObject, type NodePath } from '../model/types.js';

/** The fields through which one object names another that a controller (or the API server) reads. */
export type ReferenceField =
  | 'dependsOn'
  | 'sourceRef'
  | 'chartRef'
  | 'valuesFrom'
  | 'substituteFrom'
  | 'varsFrom'
  /** ExternalSecret `spec.secretStoreRef`, ClusterExternalSecret `spec.externalSecretSpec.secretStoreRef`. */
  | 'secretStoreRef'
  /** The store of one ExternalSecret `data[]`/`dataFrom[]` source (`sourceRef.storeRef`). */
  | 'storeRef'
  /** Kustomization `spec.decryption.secretRef`. */
  | 'decryption'
  /** Terraform `spec.serviceAccountName`, a pod's `serviceAccountName`. */
  | 'serviceAccountName'
  /** CloudNative-PG Database `spec.cluster`. */
  | 'cluster'
  /** CloudNative-PG Cluster `superuserSecret`, `bootstrap.initdb.secret`, `managed.roles[].passwordSecret`. */
  | 'secret'
  /** cert-manager Certificate `spec.issuerRef`. */
  | 'issuerRef'
  /** A container's `envFrom[]`, `env[].valueFrom`, a pod's `volumes[]` Secret or ConfigMap. */
  | 'envFrom'
  | 'env'
  | 'volumes';

/** Who resolves a reference, and so decides whether it may cross namespaces. */
export type ReferenceController =
  | 'kustomize-controller'
  | 'helm-controller'
  | 'tofu-controller'
  | 'external-secrets'
  | 'cloudnative-pg'
  | 'cert-manager'
  /** The API server and kubelet, for pods. */
  | 'kubernetes';

/**
 * One reference an object makes, with the defaults its controller applies: a missing namespace is the referrer's,
 * a missing ExternalSecret store kind is SecretStore, a missing Certificate issuer kind is Issuer.
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
  /** API group of that kind ('' for core kinds). */
  group: string;
  name: string;
  /** Effective namespace of the target; undefined for a cluster-scoped kind. */
  namespace?: string;
  /** True when the reference writes `namespace:` itself (only sourceRef, chartRef and dependsOn can). */
  namespaceWritten: boolean;
  /** `optional: true`: the controller carries on when the target does not exist (where its API has the field). */
  optional: boolean;
  /**
   * Its name or written namespace holds a `${VAR}` that post-build substitution left unresolved: nothing can be said
   * about the target. `referencesOf` and `clusterReferences` leave these out.
   */
  unresolved: boolean;
  /** Node path of the reference inside `from` (pass to `objectLocation(from, path)`). */
  path: NodePath;
  /** Node path of its `name`. */
  namePath: NodePath;
  /** Node path of its `namespace`, or of the reference itself when none is written. */
  namespacePath: NodePath;
}

/** Something an object needs to exist before it can be applied or reconciled (what implicit-dependency checks). */
export type Use =
  /** The Namespace the object lives in. */
  | { type: 'namespace'; namespace: string }
  /** The CRD that defines the object's kind. */
  | { type: 'crd'; group: string; kind: string }
  /** Another object it names (`field`: the reference's label); `group` narrows kinds that several APIs share (`Cluster`). */
  | { type: 'object'; kind: string; name: string; namespace?: string; group?: string; field: string };

const FLUX_KUSTOMIZE = 'kustomize.toolkit.fluxcd.io';
const FLUX_HELM = 'helm.toolkit.fluxcd.io';
const FLUX_SOURCE = 'source.toolkit.fluxcd.io';
const TOFU = 'infra.contrib.fluxcd.io';
const ESO = 'external-secrets.io';
const CNPG = 'postgresql.cnpg.io';
const CERT_MANAGER = 'cert-manager.io';

/** The namespace a namespaced object lands in: its own, or 'default' (what Flux applies it to without one). */
export function effectiveNamespace(obj: KObject): string | undefined {
  return isClusterScoped(obj.kind) ? undefined : (obj.namespace ?? 'default');
}

/** `kind/namespace/name` as messages print a reference's target. */
export function describeTarget(ref: Pick<Reference, 'kind' | 'name' | 'namespace'>): string {
  return `${ref.kind} '${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}'`;
}

const walked = new WeakMap<KObject, readonly Reference[]>();
const NONE: readonly Reference[] = Object.freeze([]);

/**
 * Every reference an object makes, in one walk of its spec (see WALKS for the fields of each kind), cached per object
 * so every rule shares it. References whose name is not a plain non-empty string are left out.
 */
function walk(obj: KObject): readonly Reference[] {
  let refs = walked.get(obj);
  if (refs) return refs;
  const spec = obj.value.spec;
  if (!isObject(spec)) return NONE;
  const [group] = splitApiVersion(obj.apiVersion);
  const kindWalk = WALKS.get(`${group}/${obj.kind}`);
  const pod = podSpecPath(group, obj.kind);
  // Most objects name nothing: they get no collector and no cache entry (re-walking them is this much).
  if (!kindWalk && !pod) return NONE;
  const c = new Collector(obj);
  kindWalk?.(c, spec);
  if (pod) podReferences(c, obj.value, pod);
  refs = c.out.length > 0 ? c.out : NONE;
  walked.set(obj, refs);
  return refs;
}

/** Collects the references of one object, with the referrer's defaults applied. */
class Collector {
  readonly out: Reference[] = [];
  private readonly ns: string | undefined;

  constructor(private readonly from: KObject) {
    this.ns = effectiveNamespace(from);
  }

  /** A reference written as a map: `{kind?, name, namespace?, optional?}` (`nameKey` for a volume's `secretName`). */
  entry(
    field: ReferenceField,
    controller: ReferenceController,
    path: NodePath,
    value: unknown,
    target: { group: string; kind?: string; defaultKind?: string },
    allowNamespace = false,
    nameKey = 'name',
  ): void {
    if (!isObject(value)) return;
    const name = value[nameKey];
    if (typeof name !== 'string' || name === '') return;
    const kind = target.kind ?? (typeof value.kind === 'string' ? value.kind : (target.defaultKind ?? ''));
    const namespace = allowNamespace && typeof value.namespace === 'string' && value.namespace !== '' ? value.namespace : undefined;
    this.push(field, controller, path, [...path, nameKey], kind, target.group, name, namespace, value.optional === true);
  }

  /** A reference written as a bare name: `serviceAccountName: tf-runner`. */
  bare(field: ReferenceField, controller: ReferenceController, path: NodePath, name: unknown, kind: string): void {
    if (typeof name === 'string' && name !== '') this.push(field, controller, path, path, kind, '', name, undefined, false);
  }

  private push(
    field: ReferenceField,
    controller: ReferenceController,
    path: NodePath,
    namePath: NodePath,
    kind: string,
    group: string,
    name: string,
    written: string | undefined,
    optional: boolean,
  ): void {
    this.out.push({
      from: this.from,
      field,
      controller,
      label: labelOf(path),
      kind,
      group: kind === 'ConfigMap' || kind === 'Secret' ? '' : group,
      name,
      namespace: isClusterScoped(kind) ? undefined : (written ?? this.ns),
      namespaceWritten: written !== undefined,
      optional,
      unresolved: name.includes('${') || (written?.includes('${') ?? false),
      path,
      namePath,
      namespacePath: written !== undefined ? [...path, 'namespace'] : path,
    });
  }
}

const each = (v: unknown, fn: (item: unknown, i: number) => void): void => {
  if (Array.isArray(v)) v.forEach(fn);
};
const sub = (v: unknown, key: string): unknown => (isObject(v) ? v[key] : undefined);
const SOURCE = { group: FLUX_SOURCE };
const CORE = { group: '' };
const SECRET = { group: '', kind: 'Secret' };
const CONFIG_MAP = { group: '', kind: 'ConfigMap' };
const STORE = { group: ESO, defaultKind: 'SecretStore' };

/**
 * One walk per kind (`group/kind`) that names other objects. Credentials (`decryption`, service accounts) are listed
 * too: which fields a rule checks is the rule's choice (they are often created outside Git, so ref-not-found leaves
 * them alone; implicit-dependency still wants them built first when Git has them).
 */
const WALKS = new Map<string, (c: Collector, spec: Record<string, unknown>) => void>([
  [
    `${FLUX_KUSTOMIZE}/Kustomization`,
    (c, spec) => {
      const k = 'kustomize-controller';
      each(spec.dependsOn, (d, i) => c.entry('dependsOn', k, ['spec', 'dependsOn', i], d, { group: FLUX_KUSTOMIZE, kind: 'Kustomization' }, true));
      c.entry('sourceRef', k, ['spec', 'sourceRef'], spec.sourceRef, SOURCE, true);
      each(sub(spec.postBuild, 'substituteFrom'), (s, i) => c.entry('substituteFrom', k, ['spec', 'postBuild', 'substituteFrom', i], s, CORE));
      c.entry('decryption', k, ['spec', 'decryption', 'secretRef'], sub(spec.decryption, 'secretRef'), SECRET);
    },
  ],
  [
    `${FLUX_HELM}/HelmRelease`,
    (c, spec) => {
      const k = 'helm-controller';
      each(spec.dependsOn, (d, i) => c.entry('dependsOn', k, ['spec', 'dependsOn', i], d, { group: FLUX_HELM, kind: 'HelmRelease' }, true));
      c.entry('sourceRef', k, ['spec', 'chart', 'spec', 'sourceRef'], sub(sub(spec.chart, 'spec'), 'sourceRef'), SOURCE, true);
      c.entry('chartRef', k, ['spec', 'chartRef'], spec.chartRef, SOURCE, true);
      each(spec.valuesFrom, (v, i) => c.entry('valuesFrom', k, ['spec', 'valuesFrom', i], v, CORE));
    },
  ],
  [
    `${TOFU}/Terraform`,
    (c, spec) => {
      const k = 'tofu-controller';
      each(spec.dependsOn, (d, i) => c.entry('dependsOn', k, ['spec', 'dependsOn', i], d, { group: TOFU, kind: 'Terraform' }, true));
      c.entry('sourceRef', k, ['spec', 'sourceRef'], spec.sourceRef, SOURCE, true);
      each(spec.varsFrom, (v, i) => c.entry('varsFrom', k, ['spec', 'varsFrom', i], v, CORE));
      c.bare('serviceAccountName', k, ['spec', 'serviceAccountName'], spec.serviceAccountName, 'ServiceAccount');
    },
  ],
  [
    `${ESO}/ExternalSecret`,
    (c, spec) => {
      c.entry('secretStoreRef', 'external-secrets', ['spec', 'secretStoreRef'], spec.secretStoreRef, STORE);
      for (const field of ['data', 'dataFrom'] as const) {
        each(spec[field], (d, i) => c.entry('storeRef', 'external-secrets', ['spec', field, i, 'sourceRef', 'storeRef'], sub(sub(d, 'sourceRef'), 'storeRef'), STORE));
      }
    },
  ],
  [
    // Only its ClusterSecretStore: a namespaced SecretStore depends on the namespaces it selects, unknown here.
    `${ESO}/ClusterExternalSecret`,
    (c, spec) => {
      const ref = sub(spec.externalSecretSpec, 'secretStoreRef');
      if (isObject(ref) && ref.kind === 'ClusterSecretStore') c.entry('secretStoreRef', 'external-secrets', ['spec', 'externalSecretSpec', 'secretStoreRef'], ref, { group: ESO });
    },
  ],
  [`${CNPG}/Database`, (c, spec) => c.entry('cluster', 'cloudnative-pg', ['spec', 'cluster'], spec.cluster, { group: CNPG, kind: 'Cluster' })],
  [
    `${CNPG}/Cluster`,
    (c, spec) => {
      c.entry('secret', 'cloudnative-pg', ['spec', 'superuserSecret'], spec.superuserSecret, SECRET);
      c.entry('secret', 'cloudnative-pg', ['spec', 'bootstrap', 'initdb', 'secret'], sub(sub(spec.bootstrap, 'initdb'), 'secret'), SECRET);
      each(sub(spec.managed, 'roles'), (r, i) => c.entry('secret', 'cloudnative-pg', ['spec', 'managed', 'roles', i, 'passwordSecret'], sub(r, 'passwordSecret'), SECRET));
    },
  ],
  [
    `${CERT_MANAGER}/Certificate`,
    (c, spec) => {
      const ref = spec.issuerRef;
      if (!isObject(ref)) return;
      // An issuerRef of another group is an external issuer (step-ca, AWS PCA…): its kinds are that project's.
      if (typeof ref.group === 'string' && ref.group !== '' && ref.group !== CERT_MANAGER) return;
      const kind = typeof ref.kind === 'string' && ref.kind !== '' ? ref.kind : 'Issuer';
      c.entry('issuerRef', 'cert-manager', ['spec', 'issuerRef'], ref, { group: CERT_MANAGER, kind });
    },
  ],
]);

/** Where the pod template of a workload kind is. */
function podSpecPath(group: string, kind: string): NodePath | undefined {
  if (group === '' && kind === 'Pod') return ['spec'];
  if (group === 'apps' || (group === 'batch' && kind === 'Job')) return ['spec', 'template', 'spec'];
  if (group === 'batch' && kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
  return undefined;
}

/** A pod's service account, its containers' and init containers' env Secrets and ConfigMaps, and its volumes'. */
function podReferences(c: Collector, value: unknown, podPath: NodePath): void {
  let pod = value;
  for (const key of podPath) pod = sub(pod, key as string);
  if (!isObject(pod)) return;
  const k = 'kubernetes';
  c.bare('serviceAccountName', k, [...podPath, 'serviceAccountName'], pod.serviceAccountName, 'ServiceAccount');
  for (const list of ['containers', 'initContainers'] as const) {
    each(pod[list], (container, ci) => {
      if (!isObject(container)) return;
      const at = [...podPath, list, ci];
      each(container.envFrom, (e, i) => {
        if (!isObject(e)) return;
        c.entry('envFrom', k, [...at, 'envFrom', i, 'secretRef'], e.secretRef, SECRET);
        c.entry('envFrom', k, [...at, 'envFrom', i, 'configMapRef'], e.configMapRef, CONFIG_MAP);
      });
      each(container.env, (e, i) => {
        const from = sub(e, 'valueFrom');
        if (!isObject(from)) return;
        c.entry('env', k, [...at, 'env', i, 'valueFrom', 'secretKeyRef'], from.secretKeyRef, SECRET);
        c.entry('env', k, [...at, 'env', i, 'valueFrom', 'configMapKeyRef'], from.configMapKeyRef, CONFIG_MAP);
      });
    });
  }
  each(pod.volumes, (v, i) => {
    if (!isObject(v)) return;
    c.entry('volumes', k, [...podPath, 'volumes', i, 'secret'], v.secret, SECRET, false, 'secretName');
    c.entry('volumes', k, [...podPath, 'volumes', i, 'configMap'], v.configMap, CONFIG_MAP);
  });
}

/** Every reference an object makes whose target can be named (WALKS lists the fields of each kind, then pods). */
export function referencesOf(obj: KObject): Reference[] {
  return walk(obj).filter((r) => !r.unresolved);
}

/** Every reference made by every object of a cluster whose target can be named, in the cluster's object order. */
export const clusterReferences = memoByObject((cluster: Cluster): Reference[] => {
  const refs: Reference[] = [];
  for (const o of cluster.objects) for (const r of walk(o)) if (!r.unresolved) refs.push(r);
  return refs;
});

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
  return (
    findReferent(index, ref).length > 0 ||
    isExternal(external, ref.kind, ref.name, ref.namespace) ||
    index.mayBe(ref.kind, ref.name, ref.namespace).length > 0
  );
}

/** Names of the referred kind in the reference's namespace, for did-you-mean. */
export function namesNear(index: ObjectIndex, ref: Pick<Reference, 'kind' | 'namespace'>): string[] {
  const names = index.namesOf(ref.kind, ref.namespace);
  return ref.namespace === 'default' ? [...names, ...index.namesOf(ref.kind, undefined)] : names;
}

/** Fields whose `optional: true` the reading controller honours: it carries on without the target. */
const HONOURS_OPTIONAL: ReadonlySet<ReferenceField> = new Set<ReferenceField>(['valuesFrom', 'substituteFrom', 'varsFrom', 'envFrom', 'env', 'volumes']);

/**
 * What an object needs from the rest of the cluster: its namespace, its kind's CRD, and the objects its references
 * name — but not its dependsOn (the dependency graph has those), nor ExternalSecret `data[]` stores and
 * ClusterExternalSecret stores. Optional references are left out where the controller carries on without them.
 * The object references are looked up as they are written: a target namespace is the one the reference writes, else
 * the referrer's own as loaded (unset stays unset), and `${VAR}` names are kept.
 */
export function usesOf(o: KObject): Use[] {
  const out: Use[] = [];
  if (o.namespace !== undefined && o.kind !== 'Namespace') out.push({ type: 'namespace', namespace: o.namespace });
  const [group] = splitApiVersion(o.apiVersion);
  if (!isBuiltInGroup(group)) out.push({ type: 'crd', group, kind: o.kind });
  for (const r of walk(o)) {
    if (r.field === 'dependsOn' || r.field === 'storeRef' || o.kind === 'ClusterExternalSecret') continue;
    if (r.optional && HONOURS_OPTIONAL.has(r.field)) continue;
    // External Secrets reads an empty store kind as SecretStore.
    const kind = r.kind === '' && r.field === 'secretStoreRef' ? 'SecretStore' : r.kind;
    if (kind === '') continue;
    const namespace = r.namespaceWritten || r.namespace === undefined ? r.namespace : o.namespace;
    const use: Use = { type: 'object', kind, name: r.name, namespace, field: r.label };
    // Only CNPG's Cluster is looked up by group: Cluster API has a Cluster kind too.
    if (r.field === 'cluster') use.group = r.group;
    out.push(use);
  }
  return out;
}

/**
 * API groups the API server serves itself: their kinds need no CRD. Anything else with a dot is a CRD that some
 * Kustomization must install first.
 */
function isBuiltInGroup(group: string): boolean {
  if (group === '' || !group.includes('.')) return true;
  return /^(apps|batch|policy|autoscaling|rbac\.authorization\.k8s\.io|networking\.k8s\.io|storage\.k8s\.io|admissionregistration\.k8s\.io|apiextensions\.k8s\.io|apiregistration\.k8s\.io|scheduling\.k8s\.io|coordination\.k8s\.io|node\.k8s\.io|discovery\.k8s\.io|events\.k8s\.io|flowcontrol\.apiserver\.k8s\.io|certificates\.k8s\.io|authentication\.k8s\.io|authorization\.k8s\.io|resource\.k8s\.io|internal\.apiserver\.k8s\.io)$/.test(
    group,
  );
}

/** `['spec', 'valuesFrom', 1]` → `spec.valuesFrom[1]`. */
function labelOf(path: NodePath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
