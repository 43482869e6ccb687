import { byPosition, dependencyGraph, type DependencyGraph, type DependencyNode } from './dependency-graph.js';
import { objectIndex, type CrdProvider, type Produced } from './objects.js';
import { usesOf, type Use } from './references.js';
import { isFluxKustomization, isObject, objectKey, splitApiVersion } from '../model/objects.js';
import { locate } from '../model/location.js';
import { type Cluster, type KObject } from '../model/types.js';

/** One thing an object needs, and the Kustomization that builds it. */
export interface ImplicitNeed {
  /** `Namespace databases`, `its CRD`, `ClusterSecretStore vault`. */
  what: string;
  /** How the thing comes to exist when that is not plain: `installed by HelmRelease cnpg-system/cloudnative-pg`. */
  via?: string;
  /**
   * What is needed: the Namespace the object goes into, the CRD of its kind, an object it names (a Secret, a store,
   * a source...), or a Service a secret store's provider URL names (`vault.vault.svc`, in its Namespace's builder).
   */
  type: Use['type'] | 'service';
  /**
   * How the cluster treats this same thing elsewhere (the CRDs of one API group count as one thing: one chart
   * installs them). Of the Kustomizations that use it without building it, `waiting` wait for a builder through
   * dependsOn; `missing` do not and are not downstream (through dependsOn) of another that does not, so each of
   * them is one missing entry (this consumer included, unless `downstream`).
   */
  waiting: number;
  missing: number;
  /** This consumer depends on another user that does not wait either: the entry added there covers this one. */
  downstream: boolean;
}

/** One object of the consumer that needs things the provider builds. */
export interface ImplicitReason {
  object: KObject;
  needs: ImplicitNeed[];
}

/** Kustomization `consumer` applies objects that need what `provider` builds, without waiting for it. */
export interface ImplicitDependency {
  consumer: DependencyNode;
  /** The one dependsOn entry to add; it covers everything in `reasons`. */
  provider: DependencyNode;
  reasons: ImplicitReason[];
  /** The provider already waits for the consumer: adding the entry would make a dependsOn cycle. */
  wouldCycle: boolean;
  /** Other providers reported for the same consumer that depend on this one: adding one of them is enough. */
  coveredBy: DependencyNode[];
}

interface Candidate {
  key: string;
  /** CRD manifests are what the API server serves; a chart in the table is a best guess. */
  rank: number;
  describe: string;
}

/**
 * Finds, for each Flux Kustomization A, the objects it applies (or, for a Flux Kustomization it applies, what
 * that one reads when it reconciles) that use something another Kustomization B builds — a Namespace, a CRD, a
 * Secret/ConfigMap, a secret store, a CNPG Cluster, a Flux source — when B is not in A's transitive dependsOn.
 *
 * What needs no dependsOn:
 * - A itself, and A's ancestors: a parent has applied everything it builds before its children exist (Flux's own
 *   CRDs and the flux-system source come from the root, so nothing needs to depend on them).
 * - Anything reachable through A's dependsOn, directly or not.
 * - A's descendants: A cannot wait for a Kustomization it creates, so dependsOn cannot fix that; it is skipped.
 *
 * When several Kustomizations build the thing and none is already waited for, the one suggested is, in order:
 * one that does not itself wait for A (no cycle), a CRD manifest over a chart known to ship the CRDs, the
 * earliest wave, the first written.
 *
 * Every need says what kind of thing it is and how the cluster treats that thing elsewhere (ImplicitNeed.waiting,
 * .missing, .downstream): which needs are worth a finding is the rule's decision (src/rules/implicit-dependency.ts).
 */
export function implicitDependencies(cluster: Cluster): ImplicitDependency[] {
  const graph = dependencyGraph(cluster);
  const index = objectIndex(cluster);
  const found = new Map<string, ImplicitDependency>();
  /** Per thing (thingKey): each Kustomization that uses it without building it, and whether it waits for a builder. */
  const users = new Map<string, Map<DependencyNode, boolean>>();
  const needs: { need: ImplicitNeed; thing: string; consumer: DependencyNode }[] = [];

  const ancestorSets = new Map<string, Set<string>>();
  const ancestors = (key: string): Set<string> => {
    let out = ancestorSets.get(key);
    if (out) return out;
    out = new Set<string>();
    for (let k = cluster.kustomizations.get(key)?.parent; k !== undefined && !out.has(k); k = cluster.kustomizations.get(k)?.parent) out.add(k);
    ancestorSets.set(key, out);
    return out;
  };
  /** The consumer, or one of its ancestors, builds it (or the builder is no node of the graph): nothing to order. */
  const ownFamily = (consumer: DependencyNode, key: string): boolean =>
    key === consumer.fk!.key || ancestors(consumer.fk!.key).has(key) || graph.kustomization(key) === undefined;
  const waitsFor = (consumer: DependencyNode, key: string): boolean => graph.closure(consumer.id).has(graph.kustomization(key)!.id);

  for (const a of graph.nodes('Kustomization')) {
    if (!a.fk) continue;
    for (const o of a.fk.objects) {
      const self = isFluxKustomization(o) ? graph.kustomization(objectKey(o.namespace, o.name)) : undefined;
      const uses: (Use | ServiceUse)[] = usesOf(o);
      if (o.kind === 'ClusterSecretStore' || o.kind === 'SecretStore') uses.push(...serviceUses(o));
      for (const use of uses) {
        // A Flux Kustomization's source and substitution are read when it reconciles, as itself.
        const consumer = use.type === 'object' && self?.fk ? self : a;
        const candidates = candidatesFor(use, index, cluster);
        if (candidates.length === 0 || candidates.some((c) => ownFamily(consumer, c.key))) continue;
        const thing = thingKey(use);
        const seen = users.get(thing) ?? new Map<DependencyNode, boolean>();
        users.set(thing, seen);
        if (candidates.some((c) => waitsFor(consumer, c.key))) {
          seen.set(consumer, true);
          continue;
        }
        const chosen = choose(candidates, consumer, graph, ancestors);
        if (!chosen) continue;
        if (!seen.has(consumer)) seen.set(consumer, false);
        const provider = graph.kustomization(chosen.key)!;
        const pairKey = `${consumer.id}\0${provider.id}`;
        let dep = found.get(pairKey);
        if (!dep) found.set(pairKey, (dep = { consumer, provider, reasons: [], wouldCycle: graph.closure(provider.id).has(consumer.id), coveredBy: [] }));
        const need = addNeed(dep, o, { what: describeUse(use), via: chosen.describe || undefined, type: use.type, waiting: 0, missing: 0, downstream: false });
        if (need) needs.push({ need, thing, consumer });
      }
    }
  }
  // A user that depends on another user that does not wait is downstream of that one missing entry.
  const counted = new Map<string, { waiting: number; missing: number; upstream: DependencyNode[] }>();
  const stats = (thing: string) => {
    let c = counted.get(thing);
    if (c) return c;
    const seen = users.get(thing)!;
    const notWaiting = [...seen].filter(([, waits]) => !waits).map(([u]) => u);
    // Walk each user's dependsOn closure (short) rather than every pair of users (a fleet may have thousands).
    const ids = new Set(notWaiting.map((u) => u.id));
    const upstream = notWaiting.filter((u) => ![...graph.closure(u.id)].some((id) => id !== u.id && ids.has(id)));
    c = { waiting: seen.size - notWaiting.length, missing: upstream.length, upstream };
    counted.set(thing, c);
    return c;
  };
  for (const { need, thing, consumer } of needs) {
    const c = stats(thing);
    need.waiting = c.waiting;
    need.missing = c.missing;
    need.downstream = !c.upstream.includes(consumer);
  }
  return noteCovered([...found.values()], graph).sort((x, y) => byPosition(x.consumer, y.consumer) || byPosition(x.provider, y.provider));
}

/** Adds the need to the object's reason; returns it, or undefined when the object already had it. */
function addNeed(dep: ImplicitDependency, o: KObject, need: ImplicitNeed): ImplicitNeed | undefined {
  let reason = dep.reasons.find((r) => r.object === o);
  if (!reason) dep.reasons.push((reason = { object: o, needs: [] }));
  if (reason.needs.some((n) => n.what === need.what)) return undefined;
  reason.needs.push(need);
  return need;
}

/**
 * A finding per provider names exactly the Kustomization that builds what is used. When one suggested provider
 * already depends on another (cloudnative-pg on tofu-controller), adding the first covers both: say so.
 */
function noteCovered(deps: ImplicitDependency[], graph: DependencyGraph): ImplicitDependency[] {
  for (const d of deps) {
    d.coveredBy = deps
      .filter((o) => o !== d && o.consumer === d.consumer && !o.wouldCycle && graph.closure(o.provider.id).has(d.provider.id))
      .map((o) => o.provider)
      .sort(byPosition);
  }
  return deps;
}

/** A Service named by a secret store's provider URL: the store is not Ready until that server runs. */
interface ServiceUse {
  type: 'service';
  namespace: string;
  name: string;
  field: string;
}

/**
 * An External Secrets store whose provider is a server in the cluster (`server: http://vault.vault.svc:8200`)
 * cannot be Ready before that server runs: it needs the Kustomization that deploys into that Service's Namespace
 * (the one that builds the Namespace). Only `server`/`url` fields of the provider block are read.
 */
function serviceUses(o: KObject): ServiceUse[] {
  if (splitApiVersion(o.apiVersion)[0] !== 'external-secrets.io' || (o.kind !== 'SecretStore' && o.kind !== 'ClusterSecretStore')) return [];
  const spec = isObject(o.value.spec) ? o.value.spec : {};
  const provider = isObject(spec.provider) ? spec.provider : {};
  const out: ServiceUse[] = [];
  for (const [name, block] of Object.entries(provider)) {
    if (!isObject(block)) continue;
    for (const key of ['server', 'url']) {
      const m = typeof block[key] === 'string' ? IN_CLUSTER_URL.exec(block[key] as string) : null;
      if (m) out.push({ type: 'service', name: m[1], namespace: m[2], field: `spec.provider.${name}.${key}` });
    }
  }
  return out;
}

/** `http(s)://service.namespace.svc[.cluster.local][:port][/...]`. */
const IN_CLUSTER_URL = /^https?:\/\/([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\.([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\.svc(?:\.cluster\.local)?\.?(?::\d+)?(?:\/|$)/;

/** One key per thing needed, whoever needs it; the CRDs of an API group are one thing (a chart installs them all). */
function thingKey(use: Use | ServiceUse): string {
  if (use.type === 'crd') return `crd\0${use.group}`;
  if (use.type === 'namespace') return `ns\0${use.namespace}`;
  if (use.type === 'service') return `svc\0${use.namespace}\0${use.name}`;
  return `obj\0${use.kind}\0${use.group ?? ''}\0${use.namespace ?? ''}\0${use.name}`;
}

function candidatesFor(use: Use | ServiceUse, index: ReturnType<typeof objectIndex>, cluster: Cluster): Candidate[] {
  if (use.type === 'crd') {
    return index.crdProviders(use.group, use.kind).map((c: CrdProvider) => ({
      key: c.builtBy,
      rank: c.via === 'crd-manifest' ? 0 : 1,
      describe: c.via === 'crd-manifest' ? `CustomResourceDefinition ${c.producer.name}` : `installed by HelmRelease ${c.producer.namespace === undefined ? '' : `${c.producer.namespace}/`}${c.producer.name}`,
    }));
  }
  const produced =
    use.type === 'namespace' || use.type === 'service'
      ? index.find('Namespace', use.namespace, undefined)
      : index.find(use.kind, use.name, use.namespace).filter((p) => !use.group || splitApiVersion(p.producer.apiVersion)[0] === use.group);
  return produced.filter((p) => cluster.kustomizations.has(p.builtBy)).map((p: Produced) => ({ key: p.builtBy, rank: 0, describe: producedBy(p) }));
}

function producedBy(p: Produced): string {
  if (p.via === 'external-secret') return `written by ExternalSecret ${p.producer.namespace}/${p.producer.name}`;
  if (p.via === 'terraform-outputs') return `written by Terraform ${p.producer.namespace}/${p.producer.name}`;
  return '';
}

function choose(candidates: Candidate[], consumer: DependencyNode, graph: DependencyGraph, ancestors: (key: string) => Set<string>): Candidate | undefined {
  const waves = graph.waves();
  const scored = candidates
    .map((c) => ({ c, node: graph.kustomization(c.key) }))
    .filter((x): x is { c: Candidate; node: DependencyNode } => x.node !== undefined && !ancestors(x.c.key).has(consumer.fk!.key));
  scored.sort((x, y) => {
    const cx = graph.closure(x.node.id).has(consumer.id) ? 1 : 0;
    const cy = graph.closure(y.node.id).has(consumer.id) ? 1 : 0;
    const wx = waves.get(x.node.id) ?? Infinity;
    const wy = waves.get(y.node.id) ?? Infinity;
    return cx - cy || x.c.rank - y.c.rank || wx - wy || byPosition(x.node, y.node);
  });
  return scored[0]?.c;
}

function describeUse(use: Use | ServiceUse): string {
  if (use.type === 'crd') return 'its CRD';
  if (use.type === 'namespace') return `Namespace ${use.namespace}`;
  if (use.type === 'service') return `Service ${use.namespace}/${use.name} (${use.field}), deployed in Namespace ${use.namespace}`;
  const group = use.group ? `${use.group}/` : '';
  const name = use.namespace === undefined ? use.name : `${use.namespace}/${use.name}`;
  return `${group}${use.kind} ${name}`;
}

/** `group/Kind namespace/name (file:line)`, for messages. */
export function describeObject(o: KObject): string {
  const [group] = splitApiVersion(o.apiVersion);
  const name = o.namespace === undefined ? o.name : `${o.namespace}/${o.name}`;
  const line = locate({ doc: o.doc, path: o.docPath }).line;
  return `${group ? `${group}/` : ''}${o.kind} ${name} (${o.doc.file.path}:${line})`;
}
