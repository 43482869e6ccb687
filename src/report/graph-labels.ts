import type { ClusterWaves, WaveRef } from '../graph/waves.js';

/** `name` in the cluster's home namespace (the root Kustomization's), else `namespace/name`. */
export function label(ref: WaveRef, cluster: ClusterWaves): string {
  return ref.namespace === cluster.homeNamespace ? ref.name : `${ref.namespace}/${ref.name}`;
}

export function refKey(ref: WaveRef): string {
  return `${ref.namespace}/${ref.name}`;
}

/** Cycle edges of a cluster as a set of `from\0to` keys. */
export function cycleEdgeKeys(cluster: ClusterWaves): Set<string> {
  return new Set(cluster.cycleEdges.map((e) => `${refKey(e.from)}\0${refKey(e.to)}`));
}

/** The waves present, in order; `null` (in or behind a cycle) last when present. */
export function waveGroups(cluster: ClusterWaves): Array<{ wave: number | null; members: ClusterWaves['kustomizations'] }> {
  const out: Array<{ wave: number | null; members: ClusterWaves['kustomizations'] }> = [];
  for (const k of cluster.kustomizations) {
    const last = out[out.length - 1];
    if (last && last.wave === k.wave) last.members.push(k);
    else out.push({ wave: k.wave, members: [k] });
  }
  return out;
}
