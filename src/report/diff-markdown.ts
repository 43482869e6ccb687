import type { Diagnostic } from '../model/diagnostic.js';
import type { ClusterDiff, DiffResult, KustomizationDiff, ObjectDiff } from '../model/diff.js';
import { baseName, clusterLine, helmLine, kustomizationCounts, objectName, summaryLine, waveName } from './diff-labels.js';
import { diffYaml } from './diff-yaml.js';

/**
 * GitHub caps a pull-request comment at 65,536 characters (and a job summary at 1 MiB): the default leaves room for
 * the comment's own marker.
 */
export const DEFAULT_MARKDOWN_LIMIT = 60_000;

export interface DiffMarkdownOptions {
  /** Characters at most (default DEFAULT_MARKDOWN_LIMIT); what does not fit is named at the end instead. */
  limit?: number;
}

/** A piece of the comment: kept whole or left out whole; `required` ones (headings, the summary) always stay. */
interface Block {
  text: string;
  required?: boolean;
  /** What it is, for the note on what was left out. */
  kind?: 'file list' | 'Kustomization diff' | 'graph' | 'finding';
}

/**
 * `lint-gitops diff` for a pull-request comment or a job summary: a summary, the findings introduced and resolved,
 * then each cluster with one collapsible `<details>` per Kustomization that changed (its objects' field-level diffs
 * in ```diff blocks) and its dependsOn graph's changes as a Mermaid picture; unchanged clusters are one line. Past
 * the size limit, whole blocks are left out (in order, so the first clusters are complete) and a last line says
 * what and how many.
 */
export function formatDiffMarkdown(r: DiffResult, options: DiffMarkdownOptions = {}): string {
  const limit = options.limit ?? DEFAULT_MARKDOWN_LIMIT;
  const blocks: Block[] = [];
  const req = (text: string) => blocks.push({ text, required: true });
  req(`## lint-gitops diff\n\nBase ${code(baseName(r.base))} → this change: ${summaryLine(r)}.\n`);
  if (r.files.length > 0) {
    const verb = { added: 'added', removed: 'removed', modified: 'modified', renamed: 'renamed' } as const;
    const list = r.files.map((f) => `- ${f.from ? `${code(f.from)} → ` : ''}${code(f.path)} ${verb[f.status]}`).join('\n');
    blocks.push({ text: `<details><summary>${r.files.length} file${r.files.length === 1 ? '' : 's'} changed</summary>\n\n${list}\n\n</details>\n`, kind: 'file list' });
  }
  const { introduced, resolved } = r.findings;
  req(`### Findings: ${introduced.length} introduced, ${resolved.length} resolved\n`);
  if (introduced.length + resolved.length > 0) {
    req('| | severity | rule | location | message |\n|---|---|---|---|---|');
    for (const d of introduced) blocks.push({ text: row('➕ introduced', d), kind: 'finding' });
    for (const d of resolved) blocks.push({ text: row('➖ resolved', d), kind: 'finding' });
    req('');
  }
  for (const c of r.clusters) cluster(c, blocks);
  return assemble(blocks, limit);
}

function cluster(c: ClusterDiff, blocks: Block[]): void {
  blocks.push({ text: `### ${code(c.cluster)}: ${clusterLine(c)}\n`, required: true });
  for (const k of c.kustomizations) blocks.push({ text: kustomization(k), kind: 'Kustomization diff' });
  if (c.graph) {
    const g = c.graph;
    const items = [
      ...g.added.map((k) => `- Kustomization ${code(k)} added`),
      ...g.removed.map((k) => `- Kustomization ${code(k)} removed`),
      ...g.edgesAdded.map((e) => `- ${code(e.from)} now depends on ${code(e.to)}`),
      ...g.edgesRemoved.map((e) => `- ${code(e.from)} no longer depends on ${code(e.to)}`),
      ...g.moved.map((m) => `- ${code(m.kustomization)} moves from wave ${waveName(m.before)} to ${waveName(m.after)}`),
    ];
    blocks.push({ text: `#### dependsOn graph\n\n${items.join('\n')}\n\n\`\`\`mermaid\n${g.mermaid}\`\`\`\n`, kind: 'graph' });
  }
}

function kustomization(k: KustomizationDiff): string {
  const mark = k.status === 'added' ? '➕' : k.status === 'removed' ? '➖' : '✏️';
  const parts = [`<details><summary>${mark} <code>${html(k.key)}</code> ${k.status}: ${html(kustomizationCounts(k))}</summary>\n`];
  const obj = (o: ObjectDiff, sign: string) => {
    const head = `${sign} ${html(objectName(o))}${o.apiVersionBefore ? ` (${html(o.apiVersionBefore)} → ${html(o.apiVersion)})` : ''} <sub>${html(o.file)}</sub>`;
    parts.push(`${head}${o.helmRelease ? `<br/>${html(helmLine(o.helmRelease))}` : ''}\n`);
    if (o.node) {
      const body = diffYaml(o.node)
        .map((l) => `${l.sign} ${l.text}`)
        .join('\n');
      const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
      parts.push(`${fence}diff\n${body}\n${fence}\n`);
    }
  };
  for (const o of k.changed) obj(o, '✏️');
  for (const o of k.added) obj(o, '➕');
  for (const o of k.removed) obj(o, '➖');
  parts.push('</details>\n');
  return parts.join('\n');
}

function row(what: string, d: Diagnostic): string {
  const icon = { error: '❌ error', warning: '⚠️ warning', info: 'ℹ️ info' }[d.severity];
  return `| ${what} | ${icon} | \`${d.ruleId}\` | \`${cell(`${d.file}:${d.line}:${d.column}`)}\` | ${cell(d.message)} |`;
}

/** Keeps every required block and, in order, each other block that still fits; names what was left out. */
function assemble(blocks: Block[], limit: number): string {
  const size = (s: string) => s.length + 1;
  const required = blocks.filter((b) => b.required).reduce((n, b) => n + size(b.text), 0);
  // Room for the note on what was left out.
  let room = limit - required - 400;
  const out: string[] = [];
  const left = new Map<string, number>();
  for (const b of blocks) {
    if (b.required) out.push(b.text);
    else if (size(b.text) <= room) {
      out.push(b.text);
      room -= size(b.text);
    } else left.set(b.kind!, (left.get(b.kind!) ?? 0) + 1);
  }
  if (left.size > 0) {
    const what = [...left].map(([kind, n]) => `${n} ${kind}${n === 1 ? '' : 's'}`).join(', ');
    out.push(`\n_Left out to stay under ${limit} characters: ${what}. Run \`lint-gitops diff\` with the same base for all of it._\n`);
  }
  return out.join('\n');
}

function code(s: string): string {
  const fence = '`'.repeat(longestRun(s, '`') + 1);
  return fence.length > 1 ? `${fence} ${s} ${fence}` : `\`${s}\``;
}

function longestRun(s: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of s) {
    run = c === ch ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A table cell: pipes and line breaks would end it; HTML would render. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}
