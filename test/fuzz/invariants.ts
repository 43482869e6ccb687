import fs from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../../src/model/diagnostic.js';

/**
 * What must hold for any input, however broken: every finding names a repo-relative POSIX path that exists, and
 * its range lies inside that file. Returns the violations (empty when all hold), so a property can report them.
 */
export function invariantViolations(repo: string, diagnostics: readonly Diagnostic[]): string[] {
  const out: string[] = [];
  const texts = new Map<string, string[] | undefined>();
  for (const d of diagnostics) {
    const where = `${d.ruleId} ${d.file}:${d.line}:${d.column}-${d.endLine}:${d.endColumn}`;
    if (d.file === '' || d.file.startsWith('/') || d.file.includes('\\') || d.file.split('/').includes('..')) {
      out.push(`${where}: not a repo-relative POSIX path`);
      continue;
    }
    const abs = path.join(repo, ...d.file.split('/'));
    let st: fs.Stats;
    try {
      st = fs.lstatSync(abs);
    } catch {
      out.push(`${where}: the file does not exist`);
      continue;
    }
    if (![d.line, d.column, d.endLine, d.endColumn].every((n) => Number.isInteger(n) && n >= 1)) {
      out.push(`${where}: positions must be whole numbers from 1`);
      continue;
    }
    if (d.endLine < d.line || (d.endLine === d.line && d.endColumn < d.column)) out.push(`${where}: the range ends before it starts`);
    // A directory, a symlink, a FIFO or an unreadable file: findings there sit at 1:1.
    let lines = texts.get(d.file);
    if (!texts.has(d.file)) {
      lines = st.isFile() ? readLines(abs) : undefined;
      texts.set(d.file, lines);
    }
    if (!lines) {
      if (d.line !== 1 || d.column !== 1) out.push(`${where}: not a readable file, so the finding must sit at 1:1`);
      continue;
    }
    const inside = (line: number, column: number) => line <= Math.max(1, lines!.length) && column <= (lines![line - 1]?.length ?? 0) + 1;
    if (!inside(d.line, d.column)) out.push(`${where}: start is outside the file (${lines.length} lines)`);
    if (!inside(d.endLine, d.endColumn)) out.push(`${where}: end is outside the file (${lines.length} lines)`);
  }
  return out;
}

/** Lines as the parser counts them (a line ends at \n; a \r before it is part of the line's text). */
function readLines(abs: string): string[] | undefined {
  try {
    let text = fs.readFileSync(abs, 'utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return text.split('\n');
  } catch {
    return undefined;
  }
}
