import type { ClusterWaves } from '../graph/waves.js';
import { cycleEdgeKeys, label, refKey, waveGroups } from './graph-labels.js';

const RED = '#d62728';

/**
 * A Mermaid `flowchart LR`: one subgraph per wave (left to right), an arrow from each dependency to what waits
 * for it, and dependsOn cycles in red (edges through `linkStyle`, nodes through a `cycle` class).
 */
export function formatGraphMermaid(clusters: ClusterWaves[]): string {
  const out = ['flowchart LR'];
  const edges: string[] = [];
  const red: number[] = [];
  const redNodes: string[] = [];
  clusters.forEach((c, ci) => {
    const prefix = clusters.length > 1 ? `c${ci}_` : '';
    const indent = clusters.length > 1 ? '    ' : '  ';
    if (clusters.length > 1) out.push(`  subgraph ${prefix}cluster["${escape(c.cluster)}"]`);
    const ids = new Map<string, string>();
    c.kustomizations.forEach((k, i) => ids.set(refKey(k), `${prefix}k${i}`));
    const cycles = cycleEdgeKeys(c);
    const inCycle = new Set(c.cycleEdges.flatMap((e) => [refKey(e.from), refKey(e.to)]));
    for (const g of waveGroups(c)) {
      const id = g.wave === null ? `${prefix}no_wave` : `${prefix}wave_${g.wave}`;
      const title = g.wave === null ? 'No wave: dependsOn cycle' : `Wave ${g.wave}`;
      out.push(`${indent}subgraph ${id}["${title}"]`);
      for (const k of g.members) out.push(`${indent}  ${ids.get(refKey(k))}["${escape(label(k, c))}"]`);
      out.push(`${indent}end`);
    }
    if (clusters.length > 1) out.push('  end');
    for (const k of c.kustomizations) {
      const to = ids.get(refKey(k))!;
      if (inCycle.has(refKey(k))) redNodes.push(to);
      const seen = new Set<string>();
      for (const d of k.dependsOn) {
        const from = ids.get(refKey(d));
        if (!from || seen.has(from)) continue;
        seen.add(from);
        if (cycles.has(`${refKey(k)}\0${refKey(d)}`)) red.push(edges.length);
        edges.push(`  ${from} --> ${to}`);
      }
    }
  });
  out.push(...edges);
  if (red.length > 0) out.push(`  linkStyle ${red.join(',')} stroke:${RED},stroke-width:2px`);
  if (redNodes.length > 0) out.push(`  classDef cycle stroke:${RED},color:${RED}`, `  class ${redNodes.join(',')} cycle`);
  return out.join('\n') + '\n';
}

function escape(s: string): string {
  return s.replace(/"/g, '#quot;');
}
