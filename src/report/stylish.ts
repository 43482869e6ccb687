import type { Diagnostic, Severity } from '../model/diagnostic.js';
import type { Summary } from '../engine/lint.js';
import { plural, problemCount } from './counts.js';

export interface StylishOptions {
  color: boolean;
}

const ANSI = { red: 31, yellow: 33, blue: 34, gray: 90, bold: 1, underline: 4 } as const;

/** ESLint's "stylish": findings grouped by file, `line:col  severity  message  rule`, then a count. */
export function formatStylish(diagnostics: Diagnostic[], summary: Summary, options: StylishOptions): string {
  const paint = (code: keyof typeof ANSI, s: string) => (options.color ? `\x1b[${ANSI[code]}m${s}\x1b[0m` : s);
  const sevColor: Record<Severity, keyof typeof ANSI> = { error: 'red', warning: 'yellow', info: 'blue' };
  const lines: string[] = [];
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const list = byFile.get(d.file) ?? [];
    list.push(d);
    byFile.set(d.file, list);
  }
  for (const [file, list] of byFile) {
    lines.push(paint('underline', file));
    const rows = list.map((d) => [`${d.line}:${d.column}`, d.severity, d.message, d.ruleId]);
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    rows.forEach((r, i) => {
      const sev = list[i].severity;
      lines.push(`  ${paint('gray', r[0].padEnd(w0))}  ${paint(sevColor[sev], r[1].padEnd(w1))}  ${r[2]}  ${paint('gray', r[3])}`);
    });
    lines.push('');
  }
  const total = summary.errorCount + summary.warningCount + summary.infoCount;
  if (total === 0) {
    lines.push(`✔ no problems (${plural(summary.clusters.length, 'cluster')}, ${plural(summary.filesRead, 'file')}, ${plural(summary.objects, 'object')})`);
  } else {
    const text = `✖ ${problemCount(summary)}`;
    lines.push(paint(summary.errorCount > 0 ? 'red' : summary.warningCount > 0 ? 'yellow' : 'blue', paint('bold', text)));
    if (summary.fixableCount > 0) lines.push(`  ${summary.fixableCount} of them can be fixed with --fix`);
  }
  return lines.join('\n') + '\n';
}

