import { minimatch } from 'minimatch';
import type { Diagnostic } from '../model/diagnostic.js';

/**
 * Drops findings in files matching the config's `ignore` globs (repo-relative, minimatch with dotfiles; a pattern
 * naming a directory, `dir` or `dir/`, covers everything below it).
 */
export function dropIgnored(diagnostics: Diagnostic[], globs: readonly string[] | undefined): Diagnostic[] {
  if (!globs || globs.length === 0) return diagnostics;
  const patterns = globs.flatMap((g) => {
    const p = g.replace(/^\.\//, '').replace(/\/+$/, '');
    return p.includes('*') ? [p] : [p, `${p}/**`];
  });
  return diagnostics.filter((d) => !patterns.some((p) => minimatch(d.file, p, { dot: true })));
}
