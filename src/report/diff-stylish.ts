import type { Diagnostic } from '../model/diagnostic.js';
import type { ClusterDiff, DiffResult, KustomizationDiff, ObjectDiff } from '../model/diff.js';
import { baseName, clusterLine, helmLine, kustomizationCounts, objectName, summaryLine, waveName } from './diff-labels.js';
import { diffYaml, type DiffLine } from './diff-yaml.js';

export interface DiffStylishOptions {
  color: boolean;
}

const ANSI = { red: 31, green: 32, yellow: 33, cyan: 36, gray: 90, bold: 1 } as const;

/**
 * `lint-gitops diff` for a terminal: per cluster, the Kustomizations that changed and, for each changed object, its
 * field-level YAML diff (`-` before, `+` after, `~` a secret value changed); an unchanged cluster is one line, and
 * so are the unchanged Kustomizations of a changed one. Then the dependsOn graph's changes, the findings introduced
 * (`+`) and resolved (`-`), and a summary line. Coloured when `color`.
 */
export function formatDiffStylish(r: DiffResult, options: DiffStylishOptions): string {
  const paint = (code: keyof typeof ANSI, s: string) => (options.color ? `\x1b[${ANSI[code]}m${s}\x1b[0m` : s);
  const sign = { '+': 'green', '-': 'red', '~': 'yellow', ' ': 'gray' } as const;
  const lines: string[] = [];
  lines.push(paint('bold', `lint-gitops diff: ${baseName(r.base)} → working tree`));
  if (r.files.length > 0) {
    lines.push(`${r.files.length} file${r.files.length === 1 ? '' : 's'} changed:`);
    const letter = { added: 'A', removed: 'D', modified: 'M', renamed: 'R' } as const;
    for (const f of r.files) lines.push(`  ${letter[f.status]} ${f.from ? `${f.from} → ` : ''}${f.path}`);
  } else lines.push('no file changed');
  lines.push('');
  for (const c of r.clusters) {
    lines.push(`${paint('bold', `cluster ${c.cluster}`)}: ${clusterLine(c)}`);
    for (const k of c.kustomizations) kustomization(k, lines, paint, sign);
    if (c.graph) graph(c, lines, paint);
    if (c.status !== 'unchanged') lines.push('');
  }
  if (r.clusters.length > 0 && r.clusters.at(-1)!.status === 'unchanged') lines.push('');
  const { introduced, resolved } = r.findings;
  lines.push(`findings: ${introduced.length} introduced, ${resolved.length} resolved`);
  for (const d of introduced) lines.push(`  ${paint('green', '+')} ${finding(d, paint)}`);
  for (const d of resolved) lines.push(`  ${paint('red', '-')} ${finding(d, paint)}`);
  lines.push('', summaryLine(r));
  return lines.join('\n') + '\n';
}

type Paint = (code: keyof typeof ANSI, s: string) => string;

function kustomization(k: KustomizationDiff, lines: string[], paint: Paint, sign: Record<DiffLine['sign'], keyof typeof ANSI>): void {
  const mark = k.status === 'added' ? paint('green', '+') : k.status === 'removed' ? paint('red', '-') : paint('yellow', '~');
  lines.push(`  ${mark} Kustomization ${k.key} ${k.status}${k.path.after ?? k.path.before ? ` (${k.path.after ?? k.path.before})` : ''}: ${kustomizationCounts(k)}`);
  const obj = (o: ObjectDiff, m: string) => {
    lines.push(`      ${m} ${objectName(o)}${o.apiVersionBefore ? ` (${o.apiVersionBefore} → ${o.apiVersion})` : ''}  ${paint('gray', o.file)}`);
    if (o.helmRelease) lines.push(`          ${o.helmRelease ? helmLine(o.helmRelease) : ''}`);
    if (o.node) for (const l of diffYaml(o.node)) lines.push(`          ${paint(sign[l.sign], `${l.sign} ${l.text}`)}`);
  };
  for (const o of k.changed) obj(o, paint('yellow', '~'));
  for (const o of k.added) obj(o, paint('green', '+'));
  for (const o of k.removed) obj(o, paint('red', '-'));
}

function graph(c: ClusterDiff, lines: string[], paint: Paint): void {
  const g = c.graph!;
  lines.push(`  dependsOn graph:`);
  for (const k of g.added) lines.push(`      ${paint('green', '+')} Kustomization ${k}`);
  for (const k of g.removed) lines.push(`      ${paint('red', '-')} Kustomization ${k}`);
  for (const e of g.edgesAdded) lines.push(`      ${paint('green', '+')} ${e.from} dependsOn ${e.to}`);
  for (const e of g.edgesRemoved) lines.push(`      ${paint('red', '-')} ${e.from} dependsOn ${e.to}`);
  for (const m of g.moved) lines.push(`      ${paint('yellow', '~')} ${m.kustomization} wave ${waveName(m.before)} → ${waveName(m.after)}`);
}

function finding(d: Diagnostic, paint: Paint): string {
  const color = d.severity === 'error' ? 'red' : d.severity === 'warning' ? 'yellow' : 'cyan';
  return `${d.file}:${d.line}:${d.column}  ${paint(color, d.severity)}  ${d.message}  ${paint('gray', d.ruleId)}`;
}
