import { isClusterScoped, isObject, splitApiVersion, type KObject } from '../load/index.js';

/** Something an object needs to exist before it can be applied or reconciled. */
export type Use =
  /** The Namespace the object lives in. */
  | { type: 'namespace'; namespace: string }
  /** The CRD that defines the object's kind. */
  | { type: 'crd'; group: string; kind: string }
  /** Another object it names; `group` narrows kinds that several APIs share (`Cluster`). */
  | { type: 'object'; kind: string; name: string; namespace?: string; group?: string; field: string };

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (isObject(v) ? v : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

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

/**
 * What an object needs from the rest of the cluster: its namespace, its kind's CRD, and the objects it names in
 * the fields controllers read (Flux sources and values, External Secrets stores, tofu-controller variables,
 * CloudNative-PG clusters and secrets, cert-manager issuers, pod Secrets/ConfigMaps). References marked
 * `optional: true` are left out: the controller carries on without them.
 */
export function usesOf(o: KObject): Use[] {
  const out: Use[] = [];
  if (o.namespace !== undefined && o.kind !== 'Namespace') out.push({ type: 'namespace', namespace: o.namespace });
  const [group] = splitApiVersion(o.apiVersion);
  if (!isBuiltInGroup(group)) out.push({ type: 'crd', group, kind: o.kind });
  const spec = obj(o.value.spec);
  const ns = o.namespace;
  const ref = (kind: string | undefined, name: string | undefined, field: string, namespace: string | undefined = ns, g?: string) => {
    if (!kind || !name) return;
    out.push({ type: 'object', kind, name, namespace: isClusterScoped(kind) ? undefined : namespace, field, ...(g ? { group: g } : {}) });
  };
  const sourceRef = (r: unknown, field: string) => {
    const s = obj(r);
    ref(str(s.kind), str(s.name), field, str(s.namespace) ?? ns);
  };
  const keyedRefs = (items: unknown, field: string) => {
    for (const item of list(items)) {
      const i = obj(item);
      if (i.optional !== true) ref(str(i.kind), str(i.name), field);
    }
  };

  switch (`${group}/${o.kind}`) {
    case 'helm.toolkit.fluxcd.io/HelmRelease':
      sourceRef(obj(obj(spec.chart).spec).sourceRef, 'spec.chart.spec.sourceRef');
      sourceRef(spec.chartRef, 'spec.chartRef');
      keyedRefs(spec.valuesFrom, 'spec.valuesFrom');
      break;
    case 'kustomize.toolkit.fluxcd.io/Kustomization':
      sourceRef(spec.sourceRef, 'spec.sourceRef');
      keyedRefs(obj(spec.postBuild).substituteFrom, 'spec.postBuild.substituteFrom');
      ref('Secret', str(obj(obj(spec.decryption).secretRef).name), 'spec.decryption.secretRef');
      break;
    case 'infra.contrib.fluxcd.io/Terraform':
      sourceRef(spec.sourceRef, 'spec.sourceRef');
      keyedRefs(spec.varsFrom, 'spec.varsFrom');
      ref('ServiceAccount', str(spec.serviceAccountName), 'spec.serviceAccountName');
      break;
    case 'external-secrets.io/ExternalSecret': {
      const store = obj(spec.secretStoreRef);
      ref(str(store.kind) ?? 'SecretStore', str(store.name), 'spec.secretStoreRef');
      break;
    }
    case 'postgresql.cnpg.io/Database':
      ref('Cluster', str(obj(spec.cluster).name), 'spec.cluster', ns, 'postgresql.cnpg.io');
      break;
    case 'postgresql.cnpg.io/Cluster':
      ref('Secret', str(obj(spec.superuserSecret).name), 'spec.superuserSecret');
      ref('Secret', str(obj(obj(obj(spec.bootstrap).initdb).secret).name), 'spec.bootstrap.initdb.secret');
      for (const role of list(obj(spec.managed).roles)) ref('Secret', str(obj(obj(role).passwordSecret).name), 'spec.managed.roles.passwordSecret');
      break;
    case 'cert-manager.io/Certificate': {
      const issuer = obj(spec.issuerRef);
      if (str(issuer.group) === undefined || issuer.group === 'cert-manager.io') ref(str(issuer.kind) ?? 'Issuer', str(issuer.name), 'spec.issuerRef');
      break;
    }
  }
  for (const pod of podSpecs(o)) podRefs(pod, ref);
  return out;
}

/** The pod templates of workload kinds. */
function podSpecs(o: KObject): Json[] {
  const spec = obj(o.value.spec);
  const [group] = splitApiVersion(o.apiVersion);
  if (group === '' && o.kind === 'Pod') return [spec];
  if (group === 'apps' || (group === 'batch' && o.kind === 'Job')) return [obj(obj(spec.template).spec)];
  if (group === 'batch' && o.kind === 'CronJob') return [obj(obj(obj(obj(spec.jobTemplate).spec).template).spec)];
  return [];
}

function podRefs(pod: Json, ref: (kind: string | undefined, name: string | undefined, field: string) => void): void {
  ref('ServiceAccount', str(pod.serviceAccountName), 'serviceAccountName');
  for (const c of [...list(pod.containers), ...list(pod.initContainers)]) {
    for (const e of list(obj(c).envFrom)) {
      const s = obj(obj(e).secretRef);
      const m = obj(obj(e).configMapRef);
      if (s.optional !== true) ref('Secret', str(s.name), 'envFrom.secretRef');
      if (m.optional !== true) ref('ConfigMap', str(m.name), 'envFrom.configMapRef');
    }
    for (const e of list(obj(c).env)) {
      const from = obj(obj(e).valueFrom);
      const s = obj(from.secretKeyRef);
      const m = obj(from.configMapKeyRef);
      if (s.optional !== true) ref('Secret', str(s.name), 'env.valueFrom.secretKeyRef');
      if (m.optional !== true) ref('ConfigMap', str(m.name), 'env.valueFrom.configMapKeyRef');
    }
  }
  for (const v of list(pod.volumes)) {
    const s = obj(obj(v).secret);
    const m = obj(obj(v).configMap);
    if (s.optional !== true) ref('Secret', str(s.secretName), 'volumes.secret');
    if (m.optional !== true) ref('ConfigMap', str(m.name), 'volumes.configMap');
  }
}
