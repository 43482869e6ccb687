import type { ClusterWaves } from '../graph/waves.js';
import { cycleEdgeKeys, label, refKey, waveGroups } from './graph-labels.js';

/**
 * A Graphviz digraph, left to right: one `cluster_wave_N` subgraph per wave, an edge from each dependency to what
 * waits for it, dependsOn cycles in red. Several clusters become outer subgraphs of one digraph.
 */
export function formatGraphDot(clusters: ClusterWaves[]): string {
  const many = clusters.length > 1;
  const name = many ? 'lint-gitops' : (clusters[0]?.cluster ?? 'lint-gitops');
  const out = [`digraph ${quote(name)} {`, '  rankdir=LR;', '  node [shape=box];'];
  clusters.forEach((c, ci) => {
    const id = (k: { name: string; namespace: string }) => quote(many ? `${c.cluster}:${refKey(k)}` : refKey(k));
    const indent = many ? '    ' : '  ';
    if (many) out.push(`  subgraph cluster_${ci} {`, `    label=${quote(c.cluster)};`);
    const cycles = cycleEdgeKeys(c);
    const inCycle = new Set(c.cycleEdges.flatMap((e) => [refKey(e.from), refKey(e.to)]));
    for (const g of waveGroups(c)) {
      const sub = g.wave === null ? 'no_wave' : `wave_${g.wave}`;
      out.push(`${indent}subgraph ${quote(`cluster_${many ? `${ci}_` : ''}${sub}`)} {`);
      out.push(`${indent}  label=${quote(g.wave === null ? 'No wave: dependsOn cycle' : `Wave ${g.wave}`)};`);
      for (const k of g.members) {
        const style = inCycle.has(refKey(k)) ? ', color=red, fontcolor=red' : '';
        out.push(`${indent}  ${id(k)} [label=${quote(label(k, c))}${style}];`);
      }
      out.push(`${indent}}`);
    }
    const known = new Set(c.kustomizations.map(refKey));
    for (const k of c.kustomizations) {
      const seen = new Set<string>();
      for (const d of k.dependsOn) {
        if (!known.has(refKey(d)) || seen.has(refKey(d))) continue;
        seen.add(refKey(d));
        const style = cycles.has(`${refKey(k)}\0${refKey(d)}`) ? ' [color=red, penwidth=2]' : '';
        out.push(`${indent}${id(d)} -> ${id(k)}${style};`);
      }
    }
    if (many) out.push('  }');
  });
  out.push('}');
  return out.join('\n') + '\n';
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
