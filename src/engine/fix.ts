import fs from 'node:fs';
import path from 'node:path';
import type { Diagnostic, TextEdit } from '../model/diagnostic.js';
import { lint, type LintOptions, type LintResult, type RunContext } from './lint.js';

/** A fix that --fix wrote: the finding as it was reported before the edit. */
export interface AppliedFix {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface FixResult {
  /** The lint of the tree after the last fixes: what is left. */
  result: LintResult;
  fixed: AppliedFix[];
  /** Files written, repo-relative, sorted. */
  files: string[];
}

/** Fixes can make new fixable findings (or unblock overlapping ones): re-lint and fix again, this many times at most. */
export const MAX_FIX_PASSES = 10;

/**
 * `--fix`: lints, applies the fixes rules declare (byte-range replacements, so comments and formatting around
 * them survive), writes the files, and lints again until nothing fixable is left. The only code that writes to
 * the repository. Edits are dropped, never merged, when they overlap an earlier one in the same file (the next
 * pass picks them up), or when the file changed on disk since it was read.
 */
export function lintAndFix(fixOptions: LintOptions, context: RunContext = {}): FixResult {
  // Like the result cache, validation results are neither read nor written: --fix sees the files as they are.
  const options: LintOptions = { ...fixOptions, validationCache: false };
  const fixed: AppliedFix[] = [];
  const written = new Set<string>();
  let result = lint(options, context);
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const byFile = new Map<string, Diagnostic[]>();
    for (const d of result.diagnostics) {
      if (!d.fix) continue;
      const list = byFile.get(d.file) ?? [];
      list.push(d);
      byFile.set(d.file, list);
    }
    let changed = 0;
    for (const [file, list] of byFile) {
      const source = result.model.files.get(file);
      if (!source) continue;
      const abs = path.resolve(result.model.root, file);
      if (path.relative(result.model.root, abs).startsWith('..')) continue;
      let disk: string;
      try {
        disk = fs.readFileSync(abs, 'utf8');
      } catch {
        continue;
      }
      const bom = disk.startsWith('\uFEFF') ? '\uFEFF' : '';
      if (disk.slice(bom.length) !== source.text) continue;
      const applied = applyEdits(source.text, list.map((d) => d.fix!));
      if (applied.used.length === 0 || applied.text === source.text) continue;
      fs.writeFileSync(abs, bom + applied.text);
      written.add(file);
      changed++;
      for (const i of applied.used) {
        const d = list[i];
        fixed.push({ ruleId: d.ruleId, file: d.file, line: d.line, column: d.column, message: d.message });
      }
    }
    if (changed === 0) break;
    result = lint(options, context);
  }
  return { result, fixed, files: [...written].sort() };
}

/** Applies non-overlapping edits (in offset order; a later one overlapping an earlier one is skipped). */
export function applyEdits(text: string, edits: TextEdit[]): { text: string; used: number[] } {
  const order = edits.map((e, i) => ({ e, i })).filter(({ e }) => e.start >= 0 && e.end >= e.start && e.end <= text.length);
  order.sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i);
  const used: number[] = [];
  let out = '';
  let at = 0;
  for (const { e, i } of order) {
    if (e.start < at) continue;
    out += text.slice(at, e.start) + e.text;
    at = e.end;
    used.push(i);
  }
  return { text: out + text.slice(at), used: used.sort((a, b) => a - b) };
}
