import { fieldSpecPath, fieldSpecSelects, updateFieldSpec, type FieldSpec } from './field-spec.js';
import { currentId, effectiveNamespace, kustomizeClusterScoped, originalId, type Identified, type ResId } from './resource-id.js';
import type { Location } from '../model/types.js';
import { isObject, type JsonObject } from '../model/objects.js';
import { memoByObject } from '../model/memo.js';

/**
 * kustomize's name references (api/filters/nameref, run by FixBackReferences at the end of a build): when an object
 * was renamed (namePrefix, nameSuffix, the hash of a generated ConfigMap or Secret, `namespace:`), the fields that
 * refer to it by name follow. Which fields refer to which kinds comes from kustomize's built-in table
 * (api/internal/konfig/builtinpluginconsts/namereference.go) and from the `nameReference` of `configurations:`
 * files, e.g. a HelmRelease's spec/valuesFrom/name to a generated ConfigMap.
 */
export interface NameReference {
  /** The kind referred to. */
  group?: string;
  version?: string;
  kind: string;
  fieldSpecs: FieldSpec[];
}

/**
 * Field specs kustomize reads from `configurations:` files and merges up the build (api/internal/plugins/
 * builtinconfig), besides its built-in ones (always in force, not repeated here).
 */
export interface TransformerConfig {
  nameReference: NameReference[];
  /** Extra places the namespace transformer sets. */
  namespace: FieldSpec[];
}

const PODS: [kind: string, prefix: string, version?: string][] = [
  ['Pod', 'spec', 'v1'],
  ['PodTemplate', 'template/spec'],
  ['Deployment', 'spec/template/spec'],
  ['ReplicaSet', 'spec/template/spec'],
  ['DaemonSet', 'spec/template/spec'],
  ['StatefulSet', 'spec/template/spec'],
  ['Job', 'spec/template/spec'],
  ['CronJob', 'spec/jobTemplate/spec/template/spec'],
];

function podFields(paths: string[], kinds = PODS): FieldSpec[] {
  return kinds.flatMap(([kind, prefix, version]) => paths.map((p) => ({ kind, version, path: `${prefix}/${p}` })));
}

const SCALE_TARGET: FieldSpec[] = [{ kind: 'HorizontalPodAutoscaler', path: 'spec/scaleTargetRef/name' }];
const SERVICE_ACCOUNT_PODS: [string, string][] = [
  ['Pod', 'spec'],
  ['StatefulSet', 'spec/template/spec'],
  ['Deployment', 'spec/template/spec'],
  ['ReplicationController', 'spec/template/spec'],
  ['CronJob', 'spec/jobTemplate/spec/template/spec'],
  ['Job', 'spec/template/spec'],
  ['DaemonSet', 'spec/template/spec'],
];
const workloads = (field: string): FieldSpec[] => SERVICE_ACCOUNT_PODS.map(([kind, prefix]) => ({ kind, path: `${prefix}/${field}` }));

/** kustomize v5's built-in name references, transcribed (same referrers and paths). */
export const BUILTIN_NAME_REFERENCES: readonly NameReference[] = [
  ...['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet'].map((kind) => ({ kind, fieldSpecs: SCALE_TARGET })),
  {
    kind: 'ConfigMap',
    version: 'v1',
    fieldSpecs: [
      ...podFields([
        'volumes/configMap/name',
        'containers/env/valueFrom/configMapKeyRef/name',
        'initContainers/env/valueFrom/configMapKeyRef/name',
        'containers/envFrom/configMapRef/name',
        'initContainers/envFrom/configMapRef/name',
        'volumes/projected/sources/configMap/name',
      ]),
      { kind: 'Node', path: 'spec/configSource/configMap' },
      { kind: 'Role', path: 'rules/resourceNames' },
      { kind: 'ClusterRole', path: 'rules/resourceNames' },
      { kind: 'Ingress', path: 'metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap' },
    ],
  },
  {
    kind: 'Secret',
    version: 'v1',
    fieldSpecs: [
      ...podFields([
        'volumes/secret/secretName',
        'containers/env/valueFrom/secretKeyRef/name',
        'initContainers/env/valueFrom/secretKeyRef/name',
        'containers/envFrom/secretRef/name',
        'initContainers/envFrom/secretRef/name',
        'imagePullSecrets/name',
        'volumes/projected/sources/secret/name',
      ]),
      { kind: 'Ingress', path: 'spec/tls/secretName' },
      { kind: 'Ingress', path: 'metadata/annotations/ingress.kubernetes.io\\/auth-secret' },
      { kind: 'Ingress', path: 'metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret' },
      { kind: 'Ingress', path: 'metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret' },
      { kind: 'ServiceAccount', path: 'imagePullSecrets/name' },
      { kind: 'StorageClass', path: 'parameters/secretName' },
      { kind: 'StorageClass', path: 'parameters/adminSecretName' },
      { kind: 'StorageClass', path: 'parameters/userSecretName' },
      { kind: 'StorageClass', path: 'parameters/secretRef' },
      { kind: 'Role', path: 'rules/resourceNames' },
      { kind: 'ClusterRole', path: 'rules/resourceNames' },
      { kind: 'Service', group: 'serving.knative.dev', version: 'v1', path: 'spec/template/spec/containers/env/valueFrom/secretKeyRef/name' },
      { kind: 'PersistentVolume', path: 'spec/azureFile/secretName' },
    ],
  },
  {
    kind: 'Service',
    version: 'v1',
    fieldSpecs: [
      { kind: 'StatefulSet', group: 'apps', path: 'spec/serviceName' },
      { kind: 'Ingress', path: 'spec/rules/http/paths/backend/serviceName' },
      { kind: 'Ingress', path: 'spec/backend/serviceName' },
      { kind: 'Ingress', path: 'spec/rules/http/paths/backend/service/name' },
      { kind: 'Ingress', path: 'spec/defaultBackend/service/name' },
      { kind: 'APIService', group: 'apiregistration.k8s.io', path: 'spec/service/name' },
      { kind: 'ValidatingWebhookConfiguration', group: 'admissionregistration.k8s.io', path: 'webhooks/clientConfig/service' },
      { kind: 'MutatingWebhookConfiguration', group: 'admissionregistration.k8s.io', path: 'webhooks/clientConfig/service' },
    ],
  },
  { kind: 'Role', group: 'rbac.authorization.k8s.io', fieldSpecs: [{ kind: 'RoleBinding', group: 'rbac.authorization.k8s.io', path: 'roleRef/name' }] },
  {
    kind: 'ClusterRole',
    group: 'rbac.authorization.k8s.io',
    fieldSpecs: [
      { kind: 'RoleBinding', group: 'rbac.authorization.k8s.io', path: 'roleRef/name' },
      { kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io', path: 'roleRef/name' },
    ],
  },
  {
    kind: 'ServiceAccount',
    version: 'v1',
    fieldSpecs: [
      { kind: 'RoleBinding', group: 'rbac.authorization.k8s.io', path: 'subjects' },
      { kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io', path: 'subjects' },
      ...workloads('serviceAccountName'),
    ],
  },
  { kind: 'PersistentVolumeClaim', version: 'v1', fieldSpecs: workloads('volumes/persistentVolumeClaim/claimName') },
  {
    kind: 'PersistentVolume',
    version: 'v1',
    fieldSpecs: [
      { kind: 'PersistentVolumeClaim', path: 'spec/volumeName' },
      { kind: 'ClusterRole', path: 'rules/resourceNames' },
    ],
  },
  {
    kind: 'StorageClass',
    version: 'v1',
    group: 'storage.k8s.io',
    fieldSpecs: [
      { kind: 'PersistentVolume', path: 'spec/storageClassName' },
      { kind: 'PersistentVolumeClaim', path: 'spec/storageClassName' },
      { kind: 'StatefulSet', path: 'spec/volumeClaimTemplates/spec/storageClassName' },
    ],
  },
  { kind: 'PriorityClass', version: 'v1', group: 'scheduling.k8s.io', fieldSpecs: workloads('priorityClassName') },
  // kustomize writes this group with its version, so it never matches: IngressClass names are never followed.
  { kind: 'IngressClass', version: 'v1', group: 'networking.k8s.io/v1', fieldSpecs: [{ kind: 'Ingress', path: 'spec/ingressClassName' }] },
];

const EMPTY: TransformerConfig = { nameReference: [], namespace: [] };

/** No configurations file: one object for every build (mergeConfig never changes it: it makes a new one). */
export function emptyConfig(): TransformerConfig {
  return EMPTY;
}

/** Merges a `configurations:` file's field specs into a config (kustomize's TransformerConfig.Merge). */
export function mergeConfig(into: TransformerConfig, from: TransformerConfig): TransformerConfig {
  if (from === into || (from.nameReference.length === 0 && from.namespace.length === 0)) return into;
  if (into.nameReference.length === 0 && into.namespace.length === 0) return from;
  const out: TransformerConfig = { nameReference: [...into.nameReference], namespace: [...into.namespace] };
  for (const ref of from.nameReference) {
    const i = out.nameReference.findIndex((r) => r.kind === ref.kind && (r.group ?? '') === (ref.group ?? '') && (r.version ?? '') === (ref.version ?? ''));
    if (i < 0) out.nameReference.push(ref);
    else {
      const have = out.nameReference[i].fieldSpecs;
      const extra = ref.fieldSpecs.filter((f) => !have.some((h) => sameFieldSpec(h, f)));
      if (extra.length > 0) out.nameReference[i] = { ...out.nameReference[i], fieldSpecs: [...have, ...extra] };
    }
  }
  for (const f of from.namespace) if (!out.namespace.some((h) => sameFieldSpec(h, f))) out.namespace.push(f);
  return out;
}

function sameFieldSpec(a: FieldSpec, b: FieldSpec): boolean {
  return a.path === b.path && (a.kind ?? '') === (b.kind ?? '') && (a.group ?? '') === (b.group ?? '') && (a.version ?? '') === (b.version ?? '');
}

/** The field specs of a `configurations:` file (its `nameReference` and `namespace`; other sections do not change what the linter checks). */
export function parseConfig(v: unknown): TransformerConfig {
  const out: TransformerConfig = { nameReference: [], namespace: [] };
  if (!isObject(v)) return out;
  const specs = (list: unknown): FieldSpec[] =>
    (Array.isArray(list) ? list : []).filter(isObject).flatMap((f) =>
      typeof f.path === 'string'
        ? [{ path: f.path, kind: str(f.kind), group: str(f.group), version: str(f.version), create: f.create === true }]
        : [],
    );
  for (const r of Array.isArray(v.nameReference) ? v.nameReference : []) {
    if (!isObject(r) || typeof r.kind !== 'string') continue;
    out.nameReference.push({ kind: r.kind, group: str(r.group), version: str(r.version), fieldSpecs: specs(r.fieldSpecs) });
  }
  out.namespace = specs(v.namespace);
  return out;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A built object as name references see it (BuiltObject). */
export interface Referable extends Identified {
  provenance?: Map<string, Location>;
}

/** A renamed object, its current id worked out once. */
interface Candidate {
  o: Referable;
  id: ResId;
  namespace: string;
  clusterScoped: boolean;
}

/**
 * Rewrites the references of a finished build to the current names of the objects they name: `replace` gets each
 * object whose value changes, with its new value (the objects themselves are left as they are). Returns the
 * failures kustomize would report (two renamed objects that both fit a reference).
 */
export function fixNameReferences<T extends Referable>(objects: readonly T[], config: TransformerConfig, replace: (index: number, value: JsonObject) => void): string[] {
  const failures: string[] = [];
  // Only an object with a previous id can be a referral (kustomize sieves on previous names): most builds have none.
  const renamed: Candidate[] = [];
  for (const o of objects) {
    if (!o.previous || o.previous.length === 0) continue;
    const id = currentId(o);
    const clusterScoped = kustomizeClusterScoped(id.group, id.version, id.kind);
    renamed.push({ o, id, clusterScoped, namespace: clusterScoped ? '_non_namespaceable_' : id.namespace === '' ? 'default' : id.namespace });
  }
  if (renamed.length === 0) return failures;
  // By each name a candidate once had, in build order: a reference looks only at those it could name (a build of
  // thousands of generated ConfigMaps, each renamed by its hash, was a scan of all of them per reference).
  const byOldName = new Map<string, Named>();
  renamed.forEach((c, order) => {
    for (const name of new Set(c.o.previous!.map((p) => p.name))) {
      let named = byOldName.get(name);
      if (!named) byOldName.set(name, (named = { all: [], byNamespace: new Map(), clusterScoped: [], serviceAccounts: new Map() }));
      const entry = { c, order };
      named.all.push(c);
      if (c.clusterScoped) named.clusterScoped.push(entry);
      else {
        let list = named.byNamespace.get(c.namespace);
        if (!list) named.byNamespace.set(c.namespace, (list = []));
        list.push(entry);
        // A (Cluster)RoleBinding reaches the ServiceAccounts of its subjects' namespaces.
        if (c.id.kind === 'ServiceAccount') {
          let sas = named.serviceAccounts.get(c.id.namespace);
          if (!sas) named.serviceAccounts.set(c.id.namespace, (sas = []));
          sas.push(entry);
        }
      }
    }
  });
  const builtin = referrerIndex(BUILTIN_CONFIG);
  const extra = referrerIndex(config);
  objects.forEach((referrer, i) => {
    const kind = referrer.previous?.[0]?.kind ?? String(referrer.value.kind ?? '');
    const lists = [builtin.get(kind), builtin.get(''), extra.get(kind), extra.get('')].filter((l) => l !== undefined);
    if (lists.length === 0) return;
    const org = originalId(referrer);
    const from = referrerOf(referrer);
    let value = referrer.value;
    for (const list of lists) {
      for (const { ref, fs } of list) {
        if (!fieldSpecSelects(fs, org)) continue;
        value = updateFieldSpec(value, fieldSpecPath(fs.path), false, (v) => setReference(v, from, byOldName, ref, fs, failures));
      }
    }
    if (value !== referrer.value) replace(i, value);
  });
  return failures;
}

const BUILTIN_CONFIG: TransformerConfig = { nameReference: [...BUILTIN_NAME_REFERENCES], namespace: [] };

/** The field specs of a config by the kind of referrer they apply to ('' for any kind). */
const referrerIndex = memoByObject((config: TransformerConfig): Map<string, { ref: NameReference; fs: FieldSpec }[]> => {
  const index = new Map<string, { ref: NameReference; fs: FieldSpec }[]>();
  for (const ref of config.nameReference) {
    for (const fs of ref.fieldSpecs) {
      const k = fs.kind ?? '';
      let list = index.get(k);
      if (!list) index.set(k, (list = []));
      list.push({ ref, fs });
    }
  }
  return index;
});

/** What the sieves need of a referrer. */
interface Referrer {
  o: Referable;
  id: ResId;
  clusterScoped: boolean;
  namespace: string;
  /** Namespaces of a (Cluster)RoleBinding's ServiceAccount subjects: objects there are in reach too. */
  subjectNamespaces: Set<string>;
}

function referrerOf(o: Referable): Referrer {
  const id = currentId(o);
  const clusterScoped = kustomizeClusterScoped(id.group, id.version, id.kind);
  const subjectNamespaces = new Set<string>();
  if (id.kind === 'RoleBinding' || id.kind === 'ClusterRoleBinding') {
    for (const s of Array.isArray(o.value.subjects) ? o.value.subjects : []) {
      if (isObject(s) && s.kind === 'ServiceAccount' && typeof s.namespace === 'string') subjectNamespaces.add(s.namespace);
    }
  }
  return { o, id, clusterScoped, namespace: clusterScoped ? '_non_namespaceable_' : id.namespace === '' ? 'default' : id.namespace, subjectNamespaces };
}

function setReference(v: unknown, referrer: Referrer, renamed: ReadonlyMap<string, Named>, ref: NameReference, fs: FieldSpec, failures: string[]): unknown {
  if (typeof v === 'string') {
    const r = selectReferral(v, renamed, undefined, referrer, ref, fs, failures);
    return r ? r.id.name : v;
  }
  if (isObject(v)) {
    if (typeof v.name !== 'string') return v;
    const r = selectReferral(v.name, renamed, typeof v.namespace === 'string' ? v.namespace : undefined, referrer, ref, fs, failures);
    if (!r) return v;
    const { name, namespace } = r.id;
    if (name === v.name && (namespace === '' || namespace === v.namespace)) return v;
    return namespace === '' ? { ...v, name } : { ...v, name, namespace };
  }
  return v;
}

/**
 * kustomize's selectReferral: the one candidate once named `oldName`, of the referred kind, in reach of the
 * referrer (SubsetThatCouldBeReferencedByResource, then the sieves of api/filters/nameref). A reference with a
 * namespace looks among the candidates first in that namespace as they were, else as they are.
 */
function selectReferral(
  oldName: string,
  renamed: ReadonlyMap<string, Named>,
  refNamespace: string | undefined,
  referrer: Referrer,
  ref: NameReference,
  fs: FieldSpec,
  failures: string[],
): Candidate | undefined {
  const roleRef = fs.path.endsWith('roleRef/name') ? (isObject(referrer.o.value.roleRef) ? referrer.o.value.roleRef : {}) : undefined;
  let pool = candidatesFor(renamed.get(oldName), referrer).filter((c) => {
    const previous = c.o.previous!;
    if (!previous.some((p) => fieldSpecSelects(ref, { group: c.id.group, version: c.id.version, kind: p.kind }))) return false;
    // In reach of the referrer at all.
    if (!referrer.clusterScoped && !c.clusterScoped && c.namespace !== referrer.namespace && !referrer.subjectNamespaces.has(c.id.namespace)) return false;
    if (roleRef && c.id.kind !== roleRef.kind) return false;
    // In the referrer's namespace (ServiceAccounts and cluster-scoped objects aside).
    if (!referrer.clusterScoped && !c.clusterScoped && c.id.kind !== 'ServiceAccount' && c.namespace !== referrer.namespace) return false;
    return true;
  });
  if (refNamespace !== undefined) {
    const byOriginal = pool.filter((c) => effectiveNamespace(originalId(c.o)) === refNamespace);
    pool = byOriginal.length > 0 ? byOriginal : pool.filter((c) => c.id.namespace === refNamespace);
  }
  if (pool.length <= 1) return pool[0];
  const names = new Set(pool.map((c) => c.id.name));
  if (names.size === 1) return pool[0];
  failures.push(`${describe(referrer.id)} refers to '${oldName}', which could be any of ${[...names].join(', ')}`);
  return undefined;
}

/** The renamed objects once named a given name: all of them, and by where a referrer may reach them. */
interface Named {
  all: Candidate[];
  /** Namespaced objects by namespace ('default' for none), with their build order. */
  byNamespace: Map<string, { c: Candidate; order: number }[]>;
  clusterScoped: { c: Candidate; order: number }[];
  /** ServiceAccounts by their namespace as written. */
  serviceAccounts: Map<string, { c: Candidate; order: number }[]>;
}

/**
 * The candidates selectReferral's sieves could keep for `referrer`, in build order: a cluster-scoped referrer reaches
 * every one; a namespaced one those in its namespace, the cluster-scoped ones, and the ServiceAccounts of its
 * subjects' namespaces (the sieves drop every other, so leaving them out changes nothing but the time: each app's
 * `tf-runner` ServiceAccount of a 1,000-app tree was scanned by every reference of every app).
 */
function candidatesFor(named: Named | undefined, referrer: Referrer): Candidate[] {
  if (!named) return [];
  if (referrer.clusterScoped) return named.all;
  const own = named.byNamespace.get(referrer.namespace) ?? [];
  const more = [...named.clusterScoped];
  for (const ns of referrer.subjectNamespaces) for (const e of named.serviceAccounts.get(ns) ?? []) if (e.c.namespace !== referrer.namespace) more.push(e);
  if (more.length === 0) return own.map((e) => e.c);
  return [...own, ...more].sort((a, b) => a.order - b.order).map((e) => e.c);
}

function describe(id: ResId): string {
  return `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
}
