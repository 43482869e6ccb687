import { CHART_CRD_GROUPS } from './chart-crds.js';
import { memoByObject } from '../model/memo.js';
import { isObject, splitApiVersion } from '../model/objects.js';
import { type Cluster, type KObject } from '../model/types.js';

/** How an object comes to exist in the cluster. */
export type ProducedVia =
  /** Written in a manifest (or made by a kustomize generator) and applied by a Flux Kustomization. */
  | 'manifest'
  /** The Secret an ExternalSecret writes (`spec.target.name`, default: the ExternalSecret's name). */
  | 'external-secret'
  /** The Secret a tofu-controller Terraform writes (`spec.writeOutputsToSecret.name`). */
  | 'terraform-outputs'
  /** An ExternalArtifact that a Flux source-watcher ArtifactGenerator assembles (`spec.artifacts[].name`). */
  | 'artifact-generator';

export interface Produced {
  kind: string;
  name: string;
  /** Undefined for cluster-scoped kinds. */
  namespace?: string;
  via: ProducedVia;
  /** The object that makes it exist (itself, for manifests). */
  producer: KObject;
  /** Key of the Flux Kustomization that applies the producer. */
  builtBy: string;
}

export interface CrdProvider {
  group: string;
  kind?: string;
  via: 'crd-manifest' | 'helm-chart';
  producer: KObject;
  builtBy: string;
}

/**
 * Everything a cluster ends up with, indexed by kind/namespace/name: objects from manifests and generators, and
 * the Secrets that controllers write for ExternalSecrets and Terraform. Rules look references up here.
 */
export class ObjectIndex {
  private readonly byKey = new Map<string, Produced[]>();
  private readonly crds: CrdProvider[] = [];
  /** What produces an object whose name or namespace is a `${VAR}` the linter could not resolve. */
  private readonly unresolved: Produced[] = [];

  constructor(readonly cluster: Cluster) {
    for (const o of cluster.objects) {
      this.add({ kind: o.kind, name: o.name, namespace: o.namespace, via: 'manifest', producer: o, builtBy: o.builtBy });
      const spec = isObject(o.value.spec) ? o.value.spec : {};
      const [group] = splitApiVersion(o.apiVersion);
      if (group === 'external-secrets.io' && o.kind === 'ExternalSecret') {
        const target = isObject(spec.target) ? spec.target : {};
        const name = typeof target.name === 'string' ? target.name : o.name;
        this.add({ kind: 'Secret', name, namespace: o.namespace, via: 'external-secret', producer: o, builtBy: o.builtBy });
      }
      if (group === 'infra.contrib.fluxcd.io' && o.kind === 'Terraform' && isObject(spec.writeOutputsToSecret)) {
        const name = spec.writeOutputsToSecret.name;
        if (typeof name === 'string') this.add({ kind: 'Secret', name, namespace: o.namespace, via: 'terraform-outputs', producer: o, builtBy: o.builtBy });
      }
      if (group === 'source.extensions.fluxcd.io' && o.kind === 'ArtifactGenerator' && Array.isArray(spec.artifacts)) {
        for (const a of spec.artifacts) {
          if (isObject(a) && typeof a.name === 'string') {
            this.add({ kind: 'ExternalArtifact', name: a.name, namespace: o.namespace, via: 'artifact-generator', producer: o, builtBy: o.builtBy });
          }
        }
      }
      if (o.kind === 'CustomResourceDefinition' && isObject(spec.names) && typeof spec.group === 'string') {
        this.crds.push({ group: spec.group, kind: String(spec.names.kind ?? ''), via: 'crd-manifest', producer: o, builtBy: o.builtBy });
      }
      if (group === 'helm.toolkit.fluxcd.io' && o.kind === 'HelmRelease') {
        const chart = chartName(o, cluster);
        for (const g of (chart && CHART_CRD_GROUPS[chart]) || []) this.crds.push({ group: g, via: 'helm-chart', producer: o, builtBy: o.builtBy });
      }
    }
  }

  private add(p: Produced): void {
    if (p.name.includes('${') || (p.namespace ?? '').includes('${')) this.unresolved.push(p);
    const key = keyOf(p.kind, p.name, p.namespace);
    const list = this.byKey.get(key);
    if (list) list.push(p);
    else this.byKey.set(key, [p]);
  }

  /** What produces kind/name in namespace (pass undefined for cluster-scoped kinds). */
  find(kind: string, name: string, namespace: string | undefined): Produced[] {
    return this.byKey.get(keyOf(kind, name, namespace)) ?? [];
  }

  /**
   * Objects of a kind whose name (or namespace) is left as `${VAR}` because its value is unknown here (a Secret, a
   * source the linter cannot read) and could be kind/name in namespace once Flux substitutes it: a reference to that
   * name may be satisfied, so it is never reported as missing.
   */
  mayBe(kind: string, name: string, namespace: string | undefined): Produced[] {
    return this.unresolved.filter((p) => p.kind === kind && couldBe(p.name, name) && (p.namespace === namespace || couldBe(p.namespace ?? '', namespace ?? '')));
  }

  /** Names of every object of a kind in a namespace, for did-you-mean suggestions. */
  namesOf(kind: string, namespace: string | undefined): string[] {
    const out: string[] = [];
    for (const list of this.byKey.values()) {
      for (const p of list) if (p.kind === kind && p.namespace === namespace) out.push(p.name);
    }
    return [...new Set(out)].sort();
  }

  /** Namespaces in which an object of this kind and name exists ('' for none), for "exists in namespace X" hints. */
  namespacesOf(kind: string, name: string): string[] {
    const out = new Set<string>();
    for (const list of this.byKey.values()) {
      for (const p of list) if (p.kind === kind && p.name === name) out.add(p.namespace ?? '');
    }
    return [...out].sort();
  }

  /** The Kustomizations that make an API group/kind exist: a CRD manifest for it, or a chart known to install it. */
  crdProviders(group: string, kind: string): CrdProvider[] {
    return this.crds.filter((c) => c.group === group && (c.kind === undefined || c.kind === kind));
  }
}

/** Could a string written with `${...}` expressions become `value` once they are substituted? */
function couldBe(written: string, value: string): boolean {
  if (!written.includes('${')) return written === value;
  const parts = written.split(/\$\{(?:[^{}]|\{[^{}]*\})*\}/);
  const pattern = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${pattern}$`, 's').test(value);
}

function keyOf(kind: string, name: string, namespace: string | undefined): string {
  return `${kind}\0${namespace ?? ''}\0${name}`;
}

/** The chart a HelmRelease installs: chart.spec.chart, or for chartRef the last path segment of the OCIRepository URL. */
export function chartName(hr: KObject, cluster: Cluster): string | undefined {
  const spec = isObject(hr.value.spec) ? hr.value.spec : {};
  if (isObject(spec.chart) && isObject(spec.chart.spec) && typeof spec.chart.spec.chart === 'string') {
    return spec.chart.spec.chart.split('/').pop();
  }
  if (isObject(spec.chartRef) && spec.chartRef.kind === 'OCIRepository' && typeof spec.chartRef.name === 'string') {
    const ns = typeof spec.chartRef.namespace === 'string' ? spec.chartRef.namespace : hr.namespace;
    const name = spec.chartRef.name;
    const repo = cluster.objects.find((o) => o.kind === 'OCIRepository' && o.name === name && o.namespace === ns);
    const url = repo && isObject(repo.value.spec) ? repo.value.spec.url : undefined;
    if (typeof url === 'string') return url.replace(/\/+$/, '').split('/').pop();
  }
  return undefined;
}

/** The index of a cluster, built once per lint run and shared by every rule. */
export const objectIndex = memoByObject((cluster: Cluster): ObjectIndex => new ObjectIndex(cluster));
