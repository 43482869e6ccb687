import type { ClusterWaves, WaveKustomization, WaveRef } from '../graph/waves.js';
import type { Edge, GraphDiff } from '../model/diff.js';

const key = (r: WaveRef) => `${r.namespace}/${r.name}`;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The graph's changes; undefined when Kustomizations, edges and waves are all the same. */
export function diffGraph(base: ClusterWaves | undefined, head: ClusterWaves | undefined): GraphDiff | undefined {
  const b = new Map((base?.kustomizations ?? []).map((k) => [key(k), k]));
  const h = new Map((head?.kustomizations ?? []).map((k) => [key(k), k]));
  const added = [...h.keys()].filter((k) => !b.has(k)).sort(cmp);
  const removed = [...b.keys()].filter((k) => !h.has(k)).sort(cmp);
  const edges = (m: Map<string, WaveKustomization>) => {
    const out = new Map<string, Edge>();
    for (const [from, k] of m) for (const d of k.dependsOn) out.set(`${from}\0${key(d)}`, { from, to: key(d) });
    return out;
  };
  const be = edges(b);
  const he = edges(h);
  const byEdge = (x: Edge, y: Edge) => cmp(x.from, y.from) || cmp(x.to, y.to);
  const edgesAdded = [...he].filter(([k]) => !be.has(k)).map(([, e]) => e).sort(byEdge);
  const edgesRemoved = [...be].filter(([k]) => !he.has(k)).map(([, e]) => e).sort(byEdge);
  const moved = [...h]
    .filter(([k, v]) => b.has(k) && b.get(k)!.wave !== v.wave)
    .map(([k, v]) => ({ kustomization: k, before: b.get(k)!.wave, after: v.wave }))
    .sort((x, y) => cmp(x.kustomization, y.kustomization));
  if (added.length + removed.length + edgesAdded.length + edgesRemoved.length + moved.length === 0) return undefined;
  const diff = { added, removed, edgesAdded, edgesRemoved, moved, mermaid: '' };
  diff.mermaid = graphMermaid(diff, b, h, head?.homeNamespace ?? base?.homeNamespace ?? 'flux-system');
  return diff;
}

const GREEN = '#2ca02c';
const RED = '#d62728';
const ORANGE = '#ff7f0e';

/**
 * A Mermaid `flowchart LR` of the Kustomizations the change touches (added, removed, moved, or at either end of an
 * added or removed edge) and every edge among them, drawn like `lint-gitops graph --format mermaid` (an arrow from
 * a dependency to what waits for it), each node labelled with its wave: added ones and added edges green, removed
 * ones red and dashed, moved ones orange with `wave 2 → 3`. Only that part: a fleet's whole graph would not render.
 */
function graphMermaid(d: Omit<GraphDiff, 'mermaid'>, base: Map<string, WaveKustomization>, head: Map<string, WaveKustomization>, home: string): string {
  const touched = new Set<string>([...d.added, ...d.removed, ...d.moved.map((m) => m.kustomization)]);
  for (const e of [...d.edgesAdded, ...d.edgesRemoved]) touched.add(e.from).add(e.to);
  const nodes = [...touched].sort(cmp);
  const id = new Map(nodes.map((n, i) => [n, `k${i}`]));
  const name = (k: string) => (k.startsWith(`${home}/`) ? k.slice(home.length + 1) : k);
  const wave = (w: number | null | undefined) => (w === undefined ? '–' : w === null ? 'cycle' : String(w));
  const out = ['flowchart LR'];
  const classes: Record<'added' | 'removed' | 'moved', string[]> = { added: [], removed: [], moved: [] };
  for (const n of nodes) {
    const before = base.get(n)?.wave;
    const after = head.get(n)?.wave;
    let label: string;
    if (!base.has(n)) {
      label = `${name(n)}<br/>added, wave ${wave(after)}`;
      classes.added.push(id.get(n)!);
    } else if (!head.has(n)) {
      label = `${name(n)}<br/>removed, was wave ${wave(before)}`;
      classes.removed.push(id.get(n)!);
    } else if (before !== after) {
      label = `${name(n)}<br/>wave ${wave(before)} → ${wave(after)}`;
      classes.moved.push(id.get(n)!);
    } else label = `${name(n)}<br/>wave ${wave(after)}`;
    out.push(`  ${id.get(n)}["${label.replace(/"/g, '#quot;')}"]`);
  }
  const edges: string[] = [];
  const styled: Record<'added' | 'removed', number[]> = { added: [], removed: [] };
  const addedKeys = new Set(d.edgesAdded.map((e) => `${e.from}\0${e.to}`));
  const removedKeys = new Set(d.edgesRemoved.map((e) => `${e.from}\0${e.to}`));
  const all = new Map<string, Edge>();
  for (const m of [base, head]) {
    for (const [from, k] of m) {
      if (!touched.has(from)) continue;
      for (const dep of k.dependsOn) {
        const to = key(dep);
        if (touched.has(to)) all.set(`${from}\0${to}`, { from, to });
      }
    }
  }
  for (const [k, e] of [...all].sort(([x], [y]) => cmp(x, y))) {
    const arrow = removedKeys.has(k) ? '-.->' : '-->';
    if (addedKeys.has(k)) styled.added.push(edges.length);
    if (removedKeys.has(k)) styled.removed.push(edges.length);
    edges.push(`  ${id.get(e.to)} ${arrow} ${id.get(e.from)}`);
  }
  out.push(...edges);
  if (styled.added.length) out.push(`  linkStyle ${styled.added.join(',')} stroke:${GREEN},stroke-width:2px`);
  if (styled.removed.length) out.push(`  linkStyle ${styled.removed.join(',')} stroke:${RED},stroke-width:2px`);
  const defs = { added: `stroke:${GREEN},stroke-width:2px`, removed: `stroke:${RED},stroke-dasharray:4 3,color:${RED}`, moved: `stroke:${ORANGE},stroke-width:2px` };
  for (const c of ['added', 'removed', 'moved'] as const) {
    if (classes[c].length === 0) continue;
    out.push(`  classDef ${c} ${defs[c]}`, `  class ${classes[c].join(',')} ${c}`);
  }
  return out.join('\n') + '\n';
}
