/** The one shape every finding takes, from any rule, in every output format (README "Output formats"). */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  ruleId: string;
  severity: Severity;
  message: string;
  /** POSIX path relative to the repo root. */
  file: string;
  /** 1-based. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Set when the rule can rewrite the source to fix the finding (`--fix`). */
  fix?: TextEdit;
  /**
   * What a rule's `combine` needs to merge this finding with other clusters' (plain JSON, kept by the result cache);
   * dropped by the merge, so never in a run's result nor printed.
   */
  data?: unknown;
}

/** A replacement of the bytes [start, end) of a file. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Sorts in place by file, position, rule and message so output never depends on load order. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return list.sort(
    (a, b) =>
      cmp(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      cmp(a.ruleId, b.ruleId) ||
      severityRank[a.severity] - severityRank[b.severity] ||
      cmp(a.message, b.message),
  );
}

/** Drops exact repeats: a base shared by two clusters must not report its finding twice. */
export function dedupeDiagnostics(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.file}\0${d.line}\0${d.column}\0${d.ruleId}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
