import type { Summary } from '../engine/lint.js';

/** `7 problems (5 errors, 2 warnings)`: infos are named only when there are some. */
export function problemCount(summary: Pick<Summary, 'errorCount' | 'warningCount' | 'infoCount'>): string {
  const total = summary.errorCount + summary.warningCount + summary.infoCount;
  const parts = [plural(summary.errorCount, 'error'), plural(summary.warningCount, 'warning')];
  if (summary.infoCount > 0) parts.push(`${summary.infoCount} info`);
  return `${plural(total, 'problem')} (${parts.join(', ')})`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Where a repo-relative file is from the working directory: CI annotations and reports are read against the
 * checkout, and the Flux repo root can be a sub-directory of it (`summary.root`, e.g. `fixtures`).
 */
export function fromCwd(file: string, summary: Pick<Summary, 'root'>): string {
  return summary.root === '.' || summary.root === '' ? file : `${summary.root.replace(/\/+$/, '')}/${file}`;
}
