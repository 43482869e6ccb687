import { Graph, alg } from '@dagrejs/graphlib';
import { isObject, splitApiVersion } from '../model/objects.js';
import { memoByObject } from '../model/memo.js';
import { objectLocation } from '../model/location.js';
import { type Cluster, type FluxKustomization, type KObject, type Location } from '../model/types.js';

/**
 * The objects Flux orders with `dependsOn`. A Kustomization can only depend on Kustomizations and a HelmRelease
 * only on HelmReleases (https://fluxcd.io/flux/components/kustomize/kustomizations/#dependencies,
 * https://fluxcd.io/flux/components/helm/helmreleases/#dependencies): the two kinds form separate graphs that
 * share one graphlib instance, since no edge ever joins them.
 */
export type DependencyKind = 'Kustomization' | 'HelmRelease' | 'ResourceSet';

/**
 * A Flux Operator ResourceSet waits for the objects its `spec.dependsOn` names (any apiVersion/kind, `ready`,
 * `readyExpr`: https://fluxcd.control-plane.io/operator/resourceset/#dependencies); the ones that are nodes here
 * (Kustomizations, HelmReleases, ResourceSets) are its edges.
 */
const RESOURCESET_TARGETS: Record<string, DependencyKind> = {
  'kustomize.toolkit.fluxcd.io/Kustomization': 'Kustomization',
  'helm.toolkit.fluxcd.io/HelmRelease': 'HelmRelease',
  'fluxcd.controlplane.io/ResourceSet': 'ResourceSet',
};

export interface DependencyNode {
  /** `Kustomization/namespace/name` or `HelmRelease/namespace/name`. */
  id: string;
  kind: DependencyKind;
  name: string;
  /** Effective namespace; Flux applies an object that nothing gives a namespace to `default`. */
  namespace: string;
  object: KObject;
  /** The Flux Kustomization's build, for Kustomization nodes. */
  fk?: FluxKustomization;
}

/** One `spec.dependsOn` item, with Flux's default applied: a missing namespace is the referrer's. */
export interface DependsOnEntry {
  from: DependencyNode;
  /** The kind it waits for: the referrer's own, but for a ResourceSet, which names it. */
  kind: DependencyKind;
  index: number;
  name: string;
  namespace: string;
  /** True when the entry spells out `namespace`. */
  namespaced: boolean;
  targetId: string;
  /** Undefined when no Kustomization/HelmRelease in the cluster has that name. */
  target?: DependencyNode;
  /** The entry's `name` value, where it was written. */
  at: Location;
}

export interface DependencyCycle {
  /** The cycle in dependsOn order, starting at the node whose entry closes it (so first === the closing entry's owner). */
  nodes: DependencyNode[];
  /** The edges in the same order: entries[i] goes from nodes[i] to nodes[i + 1] (wrapping around). */
  entries: DependsOnEntry[];
  /** The entry reported: the one that points forward in the files, the edge most likely added last. */
  closing: DependsOnEntry;
}

/** Most elementary cycles reported per strongly connected component, so a dense tangle cannot hang the run. */
const MAX_CYCLES_PER_COMPONENT = 50;
/** Most search steps per component: enumerating cycles is exponential in the worst case, and must never hang. */
const MAX_STEPS_PER_COMPONENT = 100_000;

export function nodeId(kind: DependencyKind, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/** `name`, or `namespace/name` when it differs from the namespace the reader is in. */
export function displayName(node: { name: string; namespace: string }, relativeTo?: string): string {
  return relativeTo !== undefined && node.namespace === relativeTo ? node.name : `${node.namespace}/${node.name}`;
}

/**
 * The dependsOn graph of one cluster: nodes for every Flux Kustomization and HelmRelease the cluster ends up
 * with, edges for their dependsOn entries that resolve. Built once per cluster and shared by the rules and the
 * `graph` command.
 */
export class DependencyGraph {
  readonly graph = new Graph({ directed: true, multigraph: false });
  private readonly byId = new Map<string, DependencyNode>();
  private readonly entryList: DependsOnEntry[] = [];
  private readonly entriesByNode = new Map<DependencyNode, DependsOnEntry[]>();
  private readonly closures = new Map<string, Set<string>>();
  private cycleList?: DependencyCycle[];
  private waveMap?: Map<string, number | undefined>;

  constructor(readonly cluster: Cluster) {
    for (const fk of cluster.kustomizations.values()) {
      const o = fk.object;
      if (!o) continue;
      this.addNode({ id: '', kind: 'Kustomization', name: o.name, namespace: o.namespace ?? 'default', object: o, fk });
    }
    for (const o of cluster.objects) {
      const group = splitApiVersion(o.apiVersion)[0];
      if (o.kind === 'HelmRelease' && group === 'helm.toolkit.fluxcd.io') {
        this.addNode({ id: '', kind: 'HelmRelease', name: o.name, namespace: o.namespace ?? 'default', object: o });
      } else if (o.kind === 'ResourceSet' && group === 'fluxcd.controlplane.io') {
        this.addNode({ id: '', kind: 'ResourceSet', name: o.name, namespace: o.namespace ?? 'default', object: o });
      }
    }
    for (const node of this.byId.values()) this.readEntries(node);
  }

  private addNode(node: DependencyNode): void {
    node.id = nodeId(node.kind, node.namespace, node.name);
    // A second definition of the same object is duplicate-resource's finding; the first one wins here, as in
    // the order kustomize-controller applies them.
    if (this.byId.has(node.id)) return;
    this.byId.set(node.id, node);
    this.graph.setNode(node.id, node);
  }

  private readEntries(node: DependencyNode): void {
    const spec = isObject(node.object.value.spec) ? node.object.value.spec : {};
    if (!Array.isArray(spec.dependsOn)) return;
    spec.dependsOn.forEach((item, index) => {
      // A name that post-build substitution left as `${VAR}` is substitution-undefined's finding, not a missing target.
      if (!isObject(item) || typeof item.name !== 'string' || item.name === '' || item.name.includes('${')) return;
      // A ResourceSet names the kind it waits for; one that is not a node here (a CRD, a Deployment) is no edge.
      const kind = node.kind === 'ResourceSet' ? RESOURCESET_TARGETS[`${splitApiVersion(String(item.apiVersion ?? ''))[0]}/${String(item.kind ?? '')}`] : node.kind;
      if (kind === undefined) return;
      const namespaced = typeof item.namespace === 'string' && item.namespace !== '';
      const namespace = namespaced ? (item.namespace as string) : node.namespace;
      const targetId = nodeId(kind, namespace, item.name);
      const target = this.byId.get(targetId);
      const entry: DependsOnEntry = {
        from: node,
        kind,
        index,
        name: item.name,
        namespace,
        namespaced,
        targetId,
        target,
        at: objectLocation(node.object, ['spec', 'dependsOn', index, 'name']),
      };
      this.entryList.push(entry);
      const own = this.entriesByNode.get(node);
      if (own) own.push(entry);
      else this.entriesByNode.set(node, [entry]);
      if (target && !this.graph.hasEdge(node.id, target.id)) this.graph.setEdge(node.id, target.id, entry);
    });
  }

  nodes(kind?: DependencyKind): DependencyNode[] {
    const all = [...this.byId.values()];
    return kind ? all.filter((n) => n.kind === kind) : all;
  }

  node(id: string): DependencyNode | undefined {
    return this.byId.get(id);
  }

  /** The node of a Flux Kustomization, by its `namespace/name` key. */
  kustomization(key: string): DependencyNode | undefined {
    const fk = this.cluster.kustomizations.get(key);
    const o = fk?.object;
    return o ? this.byId.get(nodeId('Kustomization', o.namespace ?? 'default', o.name)) : undefined;
  }

  /** Every dependsOn entry, in node then entry order. */
  entries(): DependsOnEntry[] {
    return this.entryList;
  }

  entriesOf(node: DependencyNode): DependsOnEntry[] {
    return this.entriesByNode.get(node) ?? [];
  }

  /** Direct dependencies, in the order they are written. */
  dependencies(node: DependencyNode): DependencyNode[] {
    const out: DependencyNode[] = [];
    for (const e of this.entriesOf(node)) if (e.target && !out.includes(e.target)) out.push(e.target);
    return out;
  }

  /** The nodes whose dependsOn names this one. */
  dependents(node: DependencyNode): DependencyNode[] {
    return (this.graph.predecessors(node.id) ?? []).map((id) => this.byId.get(id)!).sort(byPosition);
  }

  /** Every node this one waits for, directly or through others (not itself, unless it is in a cycle). */
  closure(id: string): Set<string> {
    let out = this.closures.get(id);
    if (out) return out;
    out = new Set<string>();
    const stack = [...(this.graph.successors(id) ?? [])];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (out.has(n)) continue;
      out.add(n);
      stack.push(...(this.graph.successors(n) ?? []));
    }
    this.closures.set(id, out);
    return out;
  }

  /** Each elementary dependsOn cycle once, self-dependencies included. */
  cycles(): DependencyCycle[] {
    if (this.cycleList) return this.cycleList;
    const out: DependencyCycle[] = [];
    for (const component of alg.tarjan(this.graph)) {
      const members = component.map((id) => this.byId.get(id)!).sort(byPosition);
      if (members.length === 1 && !this.graph.hasEdge(members[0].id, members[0].id)) continue;
      for (const path of elementaryCycles(this.graph, members.map((m) => m.id))) out.push(this.orient(path));
    }
    out.sort((a, b) => byPosition(a.closing.from, b.closing.from) || a.closing.index - b.closing.index);
    this.cycleList = out;
    return out;
  }

  /** Ids of every node in some cycle. */
  inCycle(): Set<string> {
    return new Set(this.cycles().flatMap((c) => c.nodes.map((n) => n.id)));
  }

  /**
   * Rotates a cycle so that it starts at the node whose entry closes it. The rest of a cycle usually follows the
   * order the Kustomizations are written in (each depends on something above it); the closing entry is the one
   * that points at a node written at or after its own, so it is reported where the loop was most likely made.
   */
  private orient(ids: string[]): DependencyCycle {
    const nodes = ids.map((id) => this.byId.get(id)!);
    const edges = nodes.map((n, i) => this.graph.edge(n.id, nodes[(i + 1) % nodes.length].id) as DependsOnEntry);
    let closeAt = -1;
    for (let i = 0; i < edges.length; i++) {
      if (byPosition(edges[i].target!, edges[i].from) < 0) continue;
      if (closeAt < 0 || byPosition(edges[i].from, edges[closeAt].from) > 0) closeAt = i;
    }
    if (closeAt < 0) closeAt = 0;
    const rotated = [...nodes.slice(closeAt), ...nodes.slice(0, closeAt)];
    const rotatedEdges = [...edges.slice(closeAt), ...edges.slice(0, closeAt)];
    return { nodes: rotated, entries: rotatedEdges, closing: rotatedEdges[0] };
  }

  /**
   * Sync waves, as kustomize-controller ends up applying them: a node without dependencies is wave 1, any other
   * is one more than the highest wave among its dependencies. A node in a cycle, or waiting on one, never becomes
   * ready and gets no wave (undefined). A dependsOn entry naming nothing is dependency-missing's finding and does
   * not count here.
   */
  waves(): Map<string, number | undefined> {
    if (this.waveMap) return this.waveMap;
    // Everything that can reach a cycle waits forever.
    const blocked = this.inCycle();
    const queue = [...blocked];
    while (queue.length > 0) {
      for (const p of this.graph.predecessors(queue.pop()!) ?? []) {
        if (!blocked.has(p)) {
          blocked.add(p);
          queue.push(p);
        }
      }
    }
    // The rest is acyclic: settle nodes once all their dependencies are settled (Kahn's algorithm, no recursion).
    const waves = new Map<string, number | undefined>();
    const pending = new Map<string, number>();
    const ready: string[] = [];
    for (const id of [...this.byId.keys()].sort()) {
      if (blocked.has(id)) {
        waves.set(id, undefined);
        continue;
      }
      const n = (this.graph.successors(id) ?? []).length;
      pending.set(id, n);
      if (n === 0) ready.push(id);
    }
    while (ready.length > 0) {
      const id = ready.shift()!;
      let wave = 1;
      for (const dep of this.graph.successors(id) ?? []) wave = Math.max(wave, (waves.get(dep) ?? 0) + 1);
      waves.set(id, wave);
      for (const p of this.graph.predecessors(id) ?? []) {
        if (blocked.has(p)) continue;
        const left = pending.get(p)! - 1;
        pending.set(p, left);
        if (left === 0) ready.push(p);
      }
    }
    this.waveMap = waves;
    return waves;
  }

}

/**
 * Elementary cycles of one strongly connected component, each once: every cycle is found from its first member
 * in the given order, through later members only.
 */
function elementaryCycles(graph: Graph, members: string[]): string[][] {
  const rank = new Map(members.map((id, i) => [id, i]));
  const out: string[][] = [];
  let steps = 0;
  for (const start of members) {
    const startRank = rank.get(start)!;
    const path: string[] = [start];
    const onPath = new Set([start]);
    const step = (id: string): boolean => {
      for (const next of (graph.successors(id) ?? []).filter((n) => rank.has(n)).sort((a, b) => rank.get(a)! - rank.get(b)!)) {
        if (next === start) {
          out.push([...path]);
          if (out.length >= MAX_CYCLES_PER_COMPONENT) return false;
          continue;
        }
        if (rank.get(next)! < startRank || onPath.has(next)) continue;
        if (++steps > MAX_STEPS_PER_COMPONENT) return false;
        path.push(next);
        onPath.add(next);
        const go = step(next);
        path.pop();
        onPath.delete(next);
        if (!go) return false;
      }
      return true;
    };
    if (!step(start)) break;
  }
  return out;
}

/** Orders nodes the way they are written: by file, then position in the file. */
export function byPosition(a: DependencyNode, b: DependencyNode): number {
  const fa = a.object.doc.file.path;
  const fb = b.object.doc.file.path;
  if (fa !== fb) return fa < fb ? -1 : 1;
  return byPlace(a.object, b.object) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Two objects of one file in the order they are written, without the file's syntax tree (which only a finding's
 * position should cost): documents follow each other, and a List's items (docPath ['items', i]) too.
 */
function byPlace(a: KObject, b: KObject): number {
  if (a.doc.index !== b.doc.index) return a.doc.index - b.doc.index;
  const n = Math.min(a.docPath.length, b.docPath.length);
  for (let i = 0; i < n; i++) {
    const x = a.docPath[i];
    const y = b.docPath[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.docPath.length - b.docPath.length;
}

/** The dependsOn graph of a cluster, built once per lint run and shared by every rule. */
export const dependencyGraph = memoByObject((cluster: Cluster): DependencyGraph => new DependencyGraph(cluster));
