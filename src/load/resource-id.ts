import { matchesLabelSelector, parseLabelSelector } from './label-selector.js';
import { isObject, splitApiVersion, type JsonObject } from '../model/objects.js';

/**
 * kustomize's resource ids (kyaml resid), which decide what a patch, a replacement or a name reference selects.
 * https://github.com/kubernetes-sigs/kustomize/blob/master/kyaml/resid/resid.go
 */

/** An id a transformer left behind: kustomize keeps them as build annotations (previousNames/Namespaces/Kinds). */
export interface PreviousId {
  kind: string;
  name: string;
  /** Its effective namespace then (see storePreviousId). */
  namespace: string;
}

/** The part of a built object ids are read from (BuiltObject). */
export interface Identified {
  value: JsonObject;
  /** Ids before kustomize's namespace, prefix, suffix and hash transformers renamed the object, oldest first. */
  previous?: readonly PreviousId[];
}

export interface ResId {
  group: string;
  version: string;
  kind: string;
  name: string;
  namespace: string;
}

/**
 * Kinds kustomize knows to be cluster-scoped: those of its built-in OpenAPI schema (Kubernetes 1.21), by exact
 * apiVersion. Every other kind, custom resources included, is namespaced to kustomize: its `namespace:` gives a
 * ClusterIssuer a metadata.namespace (the API server ignores it). Checked against kubectl kustomize v5.5.
 */
const CLUSTER_SCOPED: Record<string, readonly string[]> = {
  v1: ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'],
  'rbac.authorization.k8s.io/v1': ['ClusterRole', 'ClusterRoleBinding'],
  'rbac.authorization.k8s.io/v1beta1': ['ClusterRole', 'ClusterRoleBinding'],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
  'apiextensions.k8s.io/v1beta1': ['CustomResourceDefinition'],
  'apiregistration.k8s.io/v1': ['APIService'],
  'apiregistration.k8s.io/v1beta1': ['APIService'],
  'admissionregistration.k8s.io/v1': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
  'admissionregistration.k8s.io/v1beta1': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
  'certificates.k8s.io/v1': ['CertificateSigningRequest'],
  'certificates.k8s.io/v1beta1': ['CertificateSigningRequest'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'scheduling.k8s.io/v1beta1': ['PriorityClass'],
  'storage.k8s.io/v1': ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment'],
  'storage.k8s.io/v1beta1': ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment'],
  'node.k8s.io/v1': ['RuntimeClass'],
  'node.k8s.io/v1beta1': ['RuntimeClass'],
  'networking.k8s.io/v1': ['IngressClass'],
  'networking.k8s.io/v1beta1': ['IngressClass'],
  'policy/v1beta1': ['PodSecurityPolicy'],
  'flowcontrol.apiserver.k8s.io/v1beta1': ['FlowSchema', 'PriorityLevelConfiguration'],
};

const CLUSTER_SCOPED_KINDS = new Set(Object.values(CLUSTER_SCOPED).flat());
const CLUSTER_SCOPED_KEYS = new Set(Object.entries(CLUSTER_SCOPED).flatMap(([gv, kinds]) => kinds.map((k) => `${gv} ${k}`)));

export function kustomizeClusterScoped(group: string, version: string, kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind) && CLUSTER_SCOPED_KEYS.has(`${group ? `${group}/${version}` : version} ${kind}`);
}

/**
 * API groups of kustomize's built-in schema: their objects' lists merge by the schema's keys in strategic-merge
 * patches; lists of every other kind (Flux's included) are replaced whole.
 */
const BUILTIN_GROUPS = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'extensions',
  'flowcontrol.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
]);

export function hasBuiltinSchema(apiVersion: string): boolean {
  return BUILTIN_GROUPS.has(splitApiVersion(apiVersion)[0]);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v == null ? '' : String(v);
}

export function currentId(o: Identified): ResId {
  const [group, version] = splitApiVersion(str(o.value.apiVersion));
  const meta = isObject(o.value.metadata) ? o.value.metadata : {};
  return { group, version, kind: str(o.value.kind), name: str(meta.name), namespace: str(meta.namespace) };
}

/** Every id of an object: its current one, then its previous ones (kustomize's MakeResIds). */
export function allIds(o: Identified): ResId[] {
  const cur = currentId(o);
  const out = [cur];
  for (const p of o.previous ?? []) out.push({ group: cur.group, version: cur.version, kind: p.kind, name: p.name, namespace: p.namespace });
  return out;
}

/** The id an object had when it was read (kustomize's OrgId). */
export function originalId(o: Identified): ResId {
  const cur = currentId(o);
  const p = o.previous?.[0];
  return p ? { group: cur.group, version: cur.version, kind: p.kind, name: p.name, namespace: p.namespace } : cur;
}

/**
 * Records the current id before a transformer renames an object (kustomize's StorePreviousId, which keeps the
 * effective namespace: `default` for none, `_non_namespaceable_` for a cluster-scoped kind).
 */
export function storePreviousId(o: Identified): void {
  const v = o.value;
  const meta = isObject(v.metadata) ? v.metadata : {};
  const kind = str(v.kind);
  const ns = str(meta.namespace);
  const apiVersion = str(v.apiVersion);
  const slash = apiVersion.lastIndexOf('/');
  const clusterScoped = kustomizeClusterScoped(slash < 0 ? '' : apiVersion.slice(0, slash), slash < 0 ? apiVersion : apiVersion.slice(slash + 1), kind);
  const id: PreviousId = { kind, name: str(meta.name), namespace: clusterScoped ? '_non_namespaceable_' : ns === '' ? 'default' : ns };
  o.previous = o.previous ? [...o.previous, id] : [id];
}

/** kustomize's EffectiveNamespace: a cluster-scoped object has none, an empty namespace is `default`. */
export function effectiveNamespace(id: ResId): string {
  if (kustomizeClusterScoped(id.group, id.version, id.kind)) return '_non_namespaceable_';
  return id.namespace === '' ? 'default' : id.namespace;
}

export function idEquals(a: ResId, b: ResId): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind && a.name === b.name && effectiveNamespace(a) === effectiveNamespace(b);
}

/** A replacement's `select`/`reject`/`source`: every field given must be equal (kustomize's IsSelectedBy, no regex). */
export interface IdSelector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

export function isSelectedBy(id: ResId, s: IdSelector): boolean {
  if (s.name && s.name !== id.name) return false;
  if (s.namespace) {
    // kustomize compares the selector's effective namespace, read with the selector's own group/version/kind.
    const sel = { group: s.group ?? '', version: s.version ?? '', kind: s.kind ?? '', name: '', namespace: s.namespace };
    if (effectiveNamespace(sel) !== effectiveNamespace(id)) return false;
  }
  if (s.group && s.group !== id.group) return false;
  if (s.version && s.version !== id.version) return false;
  if (s.kind && s.kind !== id.kind) return false;
  return true;
}

export function selectorIsEmpty(s: IdSelector): boolean {
  return !s.group && !s.version && !s.kind && !s.name && !s.namespace;
}

/** A patch target: group, version, kind, name and namespace are anchored regular expressions. */
export interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

const regexes = new Map<string, RegExp | null>();

/** Go's RE2 syntax is close enough to JavaScript's for what targets hold; a pattern JavaScript refuses matches itself only. */
function anchored(pattern: string): RegExp | null {
  let re = regexes.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      re = null;
    }
    if (regexes.size > 1000) regexes.clear();
    regexes.set(pattern, re);
  }
  return re;
}

function matches(pattern: unknown, actual: string): boolean {
  if (typeof pattern !== 'string' || pattern === '') return true;
  const re = anchored(pattern);
  return re ? re.test(actual) : pattern === actual;
}

/** Why kustomize refuses a target's selectors, if it does (the build fails). */
export function targetError(t: PatchTarget): string | undefined {
  for (const key of ['labelSelector', 'annotationSelector'] as const) {
    const s = t[key];
    if (typeof s === 'string' && s !== '') {
      const parsed = parseLabelSelector(s);
      if ('error' in parsed) return parsed.error;
    }
  }
  return undefined;
}

/**
 * Whether a patch target selects an object (kustomize's resWrangler.Select): name and namespace are tried against
 * the original id and the current one, the group/version/kind against the current one, selectors against the
 * current labels and annotations.
 */
export function selectsTarget(o: Identified, t: PatchTarget): boolean {
  const cur = currentId(o);
  const org = o.previous?.length ? originalId(o) : cur;
  if (t.namespace && !matches(t.namespace, effectiveNamespace(org)) && !matches(t.namespace, effectiveNamespace(cur))) return false;
  if (t.name && !matches(t.name, org.name) && !matches(t.name, cur.name)) return false;
  if (!matches(t.group, cur.group) || !matches(t.version, cur.version) || !matches(t.kind, cur.kind)) return false;
  return matchesMetadataSelectors(o.value, t);
}

export function matchesMetadataSelectors(value: JsonObject, t: { labelSelector?: unknown; annotationSelector?: unknown }): boolean {
  const meta = isObject(value.metadata) ? value.metadata : {};
  if (typeof t.labelSelector === 'string' && t.labelSelector !== '') {
    if (!matchesLabelSelector(parseLabelSelector(t.labelSelector), isObject(meta.labels) ? meta.labels : undefined)) return false;
  }
  if (typeof t.annotationSelector === 'string' && t.annotationSelector !== '') {
    if (!matchesLabelSelector(parseLabelSelector(t.annotationSelector), isObject(meta.annotations) ? meta.annotations : undefined)) return false;
  }
  return true;
}

/** Objects any of whose ids equals `id` (kustomize's GetMatchingResourcesByAnyId(id.Equals)). */
export function withAnyId<T extends Identified>(objects: readonly T[], id: ResId): T[] {
  return objects.filter((o) => allIds(o).some((x) => idEquals(x, id)));
}

export function formatId(id: ResId): string {
  const gv = id.group ? `${id.group}/${id.version}` : id.version;
  return `${id.kind} ${gv} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
}
