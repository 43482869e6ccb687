import type { Diagnostic } from '../model/diagnostic.js';
import type { Summary } from '../engine/lint.js';
import { fromCwd } from './counts.js';

/**
 * JUnit XML for CI test reports (GitLab `artifacts:reports:junit`, Jenkins, Azure): one test suite per file, one
 * test case per finding, like ESLint's junit formatter. A finding is a failed test case only when it fails the run,
 * as the exit code does: an error always, a warning only when there are more warnings than --max-warnings allows
 * (`maxWarnings`), an info never. The others are passing test cases that carry the finding in `<system-out>`, so a
 * run that exits 0 shows no failure in the CI report and still lists what it found. A clean run is one passing
 * test case, so the report is never empty. Paths are relative to the working directory (the checkout in CI).
 */
export function formatJunit(diagnostics: Diagnostic[], summary: Summary, options: { maxWarnings?: number } = {}): string {
  const warningsFail = options.maxWarnings !== undefined && summary.warningCount > options.maxWarnings;
  const fails = (d: Diagnostic) => d.severity === 'error' || (d.severity === 'warning' && warningsFail);
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const file = fromCwd(d.file, summary);
    const list = byFile.get(file) ?? [];
    list.push(d);
    byFile.set(file, list);
  }
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const tests = Math.max(diagnostics.length, 1);
  out.push(`<testsuites name="lint-gitops" tests="${tests}" failures="${diagnostics.filter(fails).length}" errors="0">`);
  if (diagnostics.length === 0) {
    out.push('  <testsuite name="lint-gitops" tests="1" failures="0" errors="0">');
    out.push(`    <testcase name="${attr(`no problems in ${summary.clusters.join(', ') || 'the repository'}`)}" classname="lint-gitops"/>`);
    out.push('  </testsuite>');
  }
  for (const [file, list] of byFile) {
    out.push(`  <testsuite name="${attr(file)}" tests="${list.length}" failures="${list.filter(fails).length}" errors="0">`);
    for (const d of list) {
      const where = `${file}:${d.line}:${d.column}`;
      const body = text(`${where} ${d.severity} ${d.message} (${d.ruleId})`);
      out.push(`    <testcase name="${attr(`${d.ruleId} at ${d.line}:${d.column}`)}" classname="${attr(file)}" file="${attr(file)}" line="${d.line}">`);
      if (fails(d)) out.push(`      <failure type="${attr(d.ruleId)}" message="${attr(`${d.severity}: ${d.message}`)}">${body}</failure>`);
      else out.push(`      <system-out>${body}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

// XML 1.0 cannot carry most control characters at all, even escaped.
const invalidXml = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function text(s: string): string {
  return s.replace(invalidXml, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
