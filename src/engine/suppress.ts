import type { Diagnostic, Severity } from '../model/diagnostic.js';
import { didYouMean } from '../rules/did-you-mean.js';
import { unusedSuppression } from '../rules/unused-suppression.js';
import type { RepoModel, SourceFile } from '../model/types.js';

/**
 * Inline suppressions, written as YAML comments on a line of their own:
 *
 *   # lint-gitops-disable-next-line rule-id[, rule-id...] [-- reason]   the next line that is not a comment
 *   # lint-gitops-disable rule-id[, rule-id...] [-- reason]             the whole YAML document holding it
 *
 * Without rule ids a directive covers every rule. A directive that suppresses nothing, or names an unknown rule,
 * is itself a finding (`unused-suppression`), so stale suppressions do not pile up.
 */
export interface Directive {
  kind: 'disable-next-line' | 'disable';
  /** Empty: every rule. */
  ruleIds: string[];
  reason?: string;
  file: string;
  /** 1-based line and column of the comment. */
  line: number;
  column: number;
  endColumn: number;
  /** Lines it covers, inclusive. */
  from: number;
  to: number;
}

const DIRECTIVE = /^(\s*)#\s*lint-gitops-(disable-next-line|disable)(?=\s|$)(.*)$/;

/** Every suppression directive in the files the model read. */
export function findDirectives(model: RepoModel): Directive[] {
  const out: Directive[] = [];
  for (const file of model.files.values()) {
    if (!file.text.includes('lint-gitops-disable')) continue;
    out.push(...directivesIn(file));
  }
  return out;
}

export function directivesIn(file: SourceFile): Directive[] {
  const out: Directive[] = [];
  const lines = file.text.split('\n').map((l) => l.replace(/\r$/, ''));
  const lineStart = exactLineStarts(file.text);
  lines.forEach((text, i) => {
    const m = DIRECTIVE.exec(text);
    if (!m) return;
    const [body, reason] = splitReason(m[3]);
    const ruleIds = body
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const line = i + 1;
    const column = m[1].length + 1;
    const base = { ruleIds, reason, file: file.path, line, column, endColumn: text.trimEnd().length + 1 };
    if (m[2] === 'disable-next-line') {
      let target = i + 1;
      while (target < lines.length && /^\s*#/.test(lines[target])) target++;
      out.push({ kind: 'disable-next-line', ...base, from: target + 1, to: target + 1 });
    } else {
      const span = documentLines(file, lineStart[i]);
      out.push({ kind: 'disable', ...base, from: span?.[0] ?? line, to: span?.[1] ?? line });
    }
  });
  return out;
}

function splitReason(s: string): [string, string | undefined] {
  const i = s.indexOf('--');
  if (i < 0) return [s, undefined];
  const reason = s.slice(i + 2).trim();
  return [s.slice(0, i), reason || undefined];
}

function exactLineStarts(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') out.push(i + 1);
  return out;
}

/** The lines of the YAML document holding `offset`, or of the next one when the comment precedes it. */
function documentLines(file: SourceFile, offset: number): [number, number] | undefined {
  const docs = file.docs.map((d) => d.ast.range).filter((r): r is [number, number, number] => Array.isArray(r));
  const range = docs.find((r) => offset >= r[0] && offset < r[2]) ?? docs.find((r) => r[0] > offset);
  if (!range) return undefined;
  const from = Math.min(file.lineCounter.linePos(range[0]).line, file.lineCounter.linePos(offset).line);
  const end = Math.max(range[0], range[2] - 1);
  return [from, file.lineCounter.linePos(end).line];
}

/**
 * Drops the findings that directives cover and reports directives that covered nothing. `ran` is the set of rules
 * that ran (a directive for a rule that is off, or not in the rule set, is not called unused); `severity` is
 * unused-suppression's effective setting, or undefined when it does not run.
 */
export function applySuppressions(
  model: RepoModel,
  diagnostics: Diagnostic[],
  ran: ReadonlySet<string>,
  known: ReadonlySet<string>,
  severity: Severity | undefined,
): Diagnostic[] {
  return applyDirectives(findDirectives(model), diagnostics, ran, known, severity);
}

/** applySuppressions with the directives already found (lint finds them cluster by cluster; the cache keeps them). */
export function applyDirectives(
  directives: readonly Directive[],
  diagnostics: Diagnostic[],
  ran: ReadonlySet<string>,
  known: ReadonlySet<string>,
  severity: Severity | undefined,
): Diagnostic[] {
  if (directives.length === 0) return diagnostics;
  const used = new Map<Directive, Set<string>>();
  const kept = diagnostics.filter((d) => {
    let hidden = false;
    for (const dir of directives) {
      if (dir.file !== d.file || d.line < dir.from || d.line > dir.to) continue;
      if (dir.ruleIds.length > 0 && !dir.ruleIds.includes(d.ruleId)) continue;
      hidden = true;
      const set = used.get(dir) ?? new Set<string>();
      set.add(d.ruleId);
      used.set(dir, set);
    }
    return !hidden;
  });
  if (severity === undefined) return kept;
  for (const dir of directives) {
    const hit = used.get(dir) ?? new Set<string>();
    const at = { file: dir.file, line: dir.line, column: dir.column, endLine: dir.line, endColumn: dir.endColumn };
    const name = `lint-gitops-${dir.kind}`;
    const scope = dir.kind === 'disable' ? 'in this document' : `on line ${dir.from}`;
    if (dir.ruleIds.length === 0) {
      if (hit.size === 0) kept.push({ ruleId: unusedSuppression.id, severity, message: `unused ${name}: no finding ${scope}`, ...at });
      continue;
    }
    for (const id of dir.ruleIds) {
      if (!known.has(id)) {
        kept.push({ ruleId: unusedSuppression.id, severity, message: `${name} names unknown rule '${id}'${didYouMean(id, known)}`, ...at });
      } else if (ran.has(id) && !hit.has(id)) {
        kept.push({ ruleId: unusedSuppression.id, severity, message: `unused ${name} for '${id}': no such finding ${scope}`, ...at });
      }
    }
  }
  return kept;
}
