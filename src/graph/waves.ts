import { dependencyGraph } from './dependency-graph.js';
import { isObject } from '../model/objects.js';
import { locate } from '../model/location.js';
import { type Cluster } from '../model/types.js';

export interface WaveRef {
  name: string;
  namespace: string;
}

/** One Flux Kustomization and the wave it reconciles in. */
export interface WaveKustomization {
  name: string;
  namespace: string;
  /** 1 for no dependencies, else 1 + the highest wave of its dependencies; null in or behind a dependsOn cycle. */
  wave: number | null;
  /** Every dependsOn entry as Flux reads it (namespace defaulted to the Kustomization's own). */
  dependsOn: WaveRef[];
  /** `spec.path` as written (Flux's default `./` when absent). */
  path: string;
  /** Where the Kustomization is declared: repo-relative file and 1-based line of the object. */
  file: string;
  line: number;
  /** `namespace/name` of the Flux Operator ResourceSet that generates it (its file and line are the template's). */
  generatedBy?: string;
}

export interface ClusterWaves {
  /** The cluster directory, repo-relative. */
  cluster: string;
  /** Namespace of the root Kustomization; names in it are shown without a namespace. */
  homeNamespace: string;
  /** Sorted by wave (no wave last), then namespace/name. */
  kustomizations: WaveKustomization[];
  /** `namespace/name` pairs of dependsOn edges that are part of a cycle. */
  cycleEdges: Array<{ from: WaveRef; to: WaveRef }>;
  /** dependsOn entries that name no Kustomization (dependency-missing). */
  missing: Array<{ from: WaveRef; to: WaveRef }>;
}

/**
 * The sync waves of one cluster, computed from the dependsOn entries actually written (not from documentation).
 * The root Kustomization (flux-system) is left out: it applies every other one, so it is before wave 1 rather
 * than in it, and nothing can depend on it meaningfully.
 */
export function clusterWaves(cluster: Cluster): ClusterWaves {
  const graph = dependencyGraph(cluster);
  const waves = graph.waves();
  const root = cluster.kustomizations.get(cluster.rootKey)?.object;
  const homeNamespace = root?.namespace ?? 'flux-system';
  const ref = (n: { name: string; namespace: string }): WaveRef => ({ name: n.name, namespace: n.namespace });
  const kustomizations: WaveKustomization[] = [];
  const missing: ClusterWaves['missing'] = [];
  for (const node of graph.nodes('Kustomization')) {
    if (node.fk?.key === cluster.rootKey) continue;
    const spec = isObject(node.object.value.spec) ? node.object.value.spec : {};
    const entries = graph.entriesOf(node);
    for (const e of entries) if (!e.target) missing.push({ from: ref(node), to: ref(e) });
    kustomizations.push({
      name: node.name,
      namespace: node.namespace,
      wave: waves.get(node.id) ?? null,
      dependsOn: entries.map(ref),
      path: typeof spec.path === 'string' ? spec.path : './',
      file: node.object.doc.file.path,
      line: locate({ doc: node.object.doc, path: node.object.docPath }).line,
      ...(node.fk?.generatedBy !== undefined ? { generatedBy: node.fk.generatedBy } : {}),
    });
  }
  kustomizations.sort(
    (a, b) => (a.wave ?? Infinity) - (b.wave ?? Infinity) || cmp(a.namespace, b.namespace) || cmp(a.name, b.name),
  );
  const seen = new Set<string>();
  const cycleEdges: ClusterWaves['cycleEdges'] = [];
  for (const c of graph.cycles()) {
    if (c.nodes[0].kind !== 'Kustomization') continue;
    for (const e of c.entries) {
      const key = `${e.from.id}\0${e.targetId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      cycleEdges.push({ from: ref(e.from), to: ref(e.target!) });
    }
  }
  return { cluster: cluster.dir, homeNamespace, kustomizations, cycleEdges, missing };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
