import type { ClusterWaves } from '../graph/waves.js';
import { label, refKey } from './graph-labels.js';

/**
 * One row per Kustomization, in wave order: `WAVE  KUSTOMIZATION  DEPENDS ON`. A Kustomization in or behind a
 * dependsOn cycle has wave `-`; a dependsOn entry that names nothing is marked `(missing)`. With several
 * clusters, each table is headed by its directory.
 */
export function formatGraphTable(clusters: ClusterWaves[]): string {
  const parts: string[] = [];
  for (const c of clusters) {
    const missing = new Set(c.missing.map((m) => `${refKey(m.from)}\0${refKey(m.to)}`));
    const rows = c.kustomizations.map((k) => [
      k.wave === null ? '-' : String(k.wave),
      label(k, c),
      k.dependsOn.length === 0
        ? '-'
        : k.dependsOn.map((d) => `${label(d, c)}${missing.has(`${refKey(k)}\0${refKey(d)}`) ? ' (missing)' : ''}`).join(', '),
    ]);
    const header = ['WAVE', 'KUSTOMIZATION', 'DEPENDS ON'];
    const widths = [0, 1].map((i) => Math.max(header[i].length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2]}`.trimEnd();
    const lines = [line(header), ...rows.map(line)];
    const blocked = c.kustomizations.filter((k) => k.wave === null).map((k) => label(k, c));
    if (blocked.length > 0) lines.push('', `no wave (in or waiting on a dependsOn cycle, never reconciled): ${blocked.join(', ')}`);
    if (c.kustomizations.length === 0) lines.push('(no Flux Kustomizations besides the root)');
    parts.push((clusters.length > 1 ? `${c.cluster}\n` : '') + lines.join('\n') + '\n');
  }
  return parts.join('\n');
}
