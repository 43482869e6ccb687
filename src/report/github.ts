import type { Diagnostic, Severity } from '../model/diagnostic.js';
import type { Summary } from '../engine/lint.js';
import { fromCwd, problemCount } from './counts.js';

/**
 * GitHub Actions workflow commands, one per finding, so findings annotate the pull request diff:
 * `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=rule::message`.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
const command: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function formatGithub(diagnostics: Diagnostic[], summary: Summary): string {
  const lines = diagnostics.map((d) => {
    const props = [
      ['file', fromCwd(d.file, summary)],
      ['line', String(d.line)],
      ['col', String(d.column)],
      ['endLine', String(d.endLine)],
      ['endColumn', String(d.endColumn)],
      ['title', d.ruleId],
    ]
      .map(([k, v]) => `${k}=${escapeProperty(v)}`)
      .join(',');
    return `::${command[d.severity]} ${props}::${escapeData(d.message)}`;
  });
  const total = summary.errorCount + summary.warningCount + summary.infoCount;
  lines.push(total === 0 ? 'lint-gitops: no problems' : `lint-gitops: ${problemCount(summary)}`);
  return lines.join('\n') + '\n';
}

/** The runner's escaping for a command's message (toCommandValue/escapeData in @actions/core). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values also escape the separators `:` and `,` (escapeProperty in @actions/core). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
