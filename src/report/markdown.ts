import type { Diagnostic } from '../model/diagnostic.js';
import type { Summary } from '../engine/lint.js';
import { fromCwd, plural, problemCount } from './counts.js';

const icon = { error: '❌ error', warning: '⚠️ warning', info: 'ℹ️ info' } as const;

/**
 * A Markdown findings table, for a GitHub job summary (`$GITHUB_STEP_SUMMARY`) or a merge-request comment.
 * Paths are relative to the working directory, like the other CI formats.
 */
export function formatMarkdown(diagnostics: Diagnostic[], summary: Summary): string {
  const total = summary.errorCount + summary.warningCount + summary.infoCount;
  const scope = `${plural(summary.clusters.length, 'cluster')}, ${plural(summary.filesRead, 'file')}, ${plural(summary.objects, 'object')}`;
  const lines = ['## lint-gitops', ''];
  if (total === 0) {
    lines.push(`✔ no problems (${scope})`);
    return lines.join('\n') + '\n';
  }
  lines.push(`✖ ${problemCount(summary)} in ${scope}`, '');
  lines.push('| severity | rule | location | message |', '|---|---|---|---|');
  for (const d of diagnostics) {
    lines.push(`| ${icon[d.severity]} | \`${d.ruleId}\` | \`${cell(fromCwd(d.file, summary))}:${d.line}:${d.column}\` | ${cell(d.message)} |`);
  }
  if (summary.fixableCount > 0) lines.push('', `${summary.fixableCount} of them can be fixed with \`lint-gitops --fix\`.`);
  return lines.join('\n') + '\n';
}

/** A table cell: pipes and line breaks would end it; HTML would render. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}
