import type { Diagnostic } from '../model/diagnostic.js';
import type { Summary } from '../engine/lint.js';

/** `{"diagnostics":[...],"summary":{...}}`, the machine contract of README "Output formats". Fixes are internal: not printed. */
export function formatJson(diagnostics: Diagnostic[], summary: Summary): string {
  const list = diagnostics.map(({ ruleId, severity, message, file, line, column, endLine, endColumn }) => ({
    ruleId,
    severity,
    message,
    file,
    line,
    column,
    endLine,
    endColumn,
  }));
  return JSON.stringify({ diagnostics: list, summary }, null, 2) + '\n';
}
