import type { BaseLabel, ClusterDiff, DiffResult, HelmReleaseChange, KustomizationDiff, ObjectDiff, Pair } from '../model/diff.js';
import { plural } from './counts.js';

/** Words the text formats of `lint-gitops diff` share. */

export function baseName(base: BaseLabel): string {
  return 'dir' in base ? base.dir : `${base.ref} (${base.commit.slice(0, 12)}${base.subject ? ` ${JSON.stringify(base.subject)}` : ''})`;
}

export function objectName(o: Pick<ObjectDiff, 'kind' | 'namespace' | 'name'>): string {
  return `${o.kind} ${o.namespace !== undefined ? `${o.namespace}/` : ''}${o.name}`;
}

/** `2 changed, 1 added` (what is zero is left out); `no object changes` when all are. */
export function kustomizationCounts(k: KustomizationDiff): string {
  const parts = [
    k.changed.length ? `${k.changed.length} changed` : '',
    k.added.length ? `${k.added.length} added` : '',
    k.removed.length ? `${k.removed.length} removed` : '',
  ].filter(Boolean);
  const objects = parts.length ? `objects: ${parts.join(', ')}` : 'no object changes';
  const path = k.status === 'changed' && k.path.before !== k.path.after ? `; path ${k.path.before ?? '–'} → ${k.path.after ?? '–'}` : '';
  return `${objects}${path}`;
}

export function clusterLine(c: ClusterDiff): string {
  if (c.status === 'unchanged') return `unchanged (${plural(c.kustomizationCount, 'Kustomization')}, ${plural(c.objectCount, 'object')})`;
  if (c.status === 'added') return `added (${plural(c.kustomizationCount, 'Kustomization')}, ${plural(c.objectCount, 'object')})`;
  if (c.status === 'removed') return `removed (had ${plural(c.kustomizationCount, 'Kustomization')}, ${plural(c.objectCount, 'object')})`;
  const n = c.kustomizations.length;
  return `changed (${plural(n, 'Kustomization')} with changes, ${c.unchangedKustomizations} unchanged)`;
}

export function summaryLine(r: DiffResult): string {
  const s = r.summary;
  const c = s.clusters;
  const k = s.kustomizations;
  const o = s.objects;
  return [
    `clusters: ${c.changed} changed, ${c.added} added, ${c.removed} removed, ${c.unchanged} unchanged`,
    `Kustomizations: ${k.changed} changed, ${k.added} added, ${k.removed} removed, ${k.unchanged} unchanged`,
    `objects: ${o.changed} changed, ${o.added} added, ${o.removed} removed`,
    `findings: ${s.findings.introduced} introduced, ${s.findings.resolved} resolved`,
  ].join('; ');
}

function pair(p: Pair<string>): string {
  if (p.before === p.after) return p.after ?? '–';
  return `${p.before ?? '–'} → ${p.after ?? '–'}`;
}

/**
 * `chart podinfo 6.7.1 → 6.8.0 (HelmRepository flux-system/podinfo); values: 2 changed`; a HelmRelease that came or
 * went shows its chart as it is (was).
 */
export function helmLine(h: HelmReleaseChange): string {
  const side = (k: 'before' | 'after') => `chart ${h.chart[k] ?? '?'} ${h.version[k] ?? '?'}${h.source[k] ? ` (${h.source[k]})` : ''}`;
  const none = (k: 'before' | 'after') => h.chart[k] === undefined && h.version[k] === undefined && h.source[k] === undefined;
  if (none('before')) return side('after');
  if (none('after')) return side('before');
  const chart = h.chart.before === h.chart.after ? (h.chart.after ?? '?') : pair(h.chart);
  const out = [`chart ${chart} ${pair(h.version)}${h.source.before || h.source.after ? ` (${pair(h.source)})` : ''}`];
  if (h.values.length) out.push(`values: ${h.values.length} changed`);
  if (h.valuesFrom) out.push('valuesFrom changed');
  return out.join('; ');
}

export function waveName(w: number | null): string {
  return w === null ? 'cycle' : String(w);
}
