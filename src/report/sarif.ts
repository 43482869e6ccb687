import { createHash } from 'node:crypto';
import type { Diagnostic, Severity } from '../model/diagnostic.js';
import type { Summary } from '../engine/lint.js';
import type { Rule } from '../rules/types.js';
import { fromCwd } from './counts.js';
import { homepage, ruleHelpUri } from './links.js';

export interface SarifOptions {
  /** Rule metadata for `tool.driver.rules`: every rule that can report, not only those that did. */
  rules: readonly Rule[];
  version: string;
  /** `--new-only`: each result's state against the base (`absent`: the base's, gone now). */
  baselineState?: (d: Diagnostic) => 'new' | 'unchanged' | 'absent' | undefined;
}

/** SARIF levels: https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/sarif-v2.1.0-os.html#_Toc34317648 */
const level: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * SARIF 2.1.0 (one run), the format GitHub code scanning uploads. Paths are relative to the working directory
 * (`%SRCROOT%`, the checkout in CI), columns are UTF-16 code units like the `yaml` parser's offsets.
 * `partialFingerprints` hash rule, file, message and occurrence — not the line — so an alert survives edits
 * above it. https://docs.github.com/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
export function formatSarif(diagnostics: Diagnostic[], summary: Summary, options: SarifOptions): string {
  const known = new Set(options.rules.map((r) => r.id));
  // A finding from a rule that is not in the set (a test rule, a suppression problem) still gets metadata.
  const extra = [...new Set(diagnostics.map((d) => d.ruleId).filter((id) => !known.has(id)))].sort();
  const driverRules = [...options.rules.map(ruleDescriptor), ...extra.map((id) => ({ id, shortDescription: { text: id } }))];
  const index = new Map(driverRules.map((r, i) => [r.id, i]));
  const seen = new Map<string, number>();
  const results = diagnostics.map((d) => {
    const file = fromCwd(d.file, summary);
    const key = `${d.ruleId}\0${file}\0${d.message}`;
    const nth = (seen.get(key) ?? 0) + 1;
    seen.set(key, nth);
    const baselineState = options.baselineState?.(d);
    return {
      ruleId: d.ruleId,
      ruleIndex: index.get(d.ruleId)!,
      level: level[d.severity],
      message: { text: d.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' },
            region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
          },
        },
      ],
      partialFingerprints: { 'lintGitops/v1': createHash('sha256').update(`${key}\0${nth}`).digest('hex').slice(0, 32) },
      ...(baselineState ? { baselineState } : {}),
    };
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'lint-gitops',
            version: options.version,
            semanticVersion: options.version,
            informationUri: homepage(),
            rules: driverRules,
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function ruleDescriptor(r: Rule) {
  const text = [r.description, '', `Why: ${r.docs.why}`];
  const markdown = [r.description, '', `**Why:** ${r.docs.why}`];
  if (r.docs.wrong) {
    text.push('', 'Wrong:', r.docs.wrong);
    markdown.push('', 'Wrong:', '```yaml', r.docs.wrong, '```');
  }
  if (r.docs.right) {
    text.push('', 'Right:', r.docs.right);
    markdown.push('', 'Right:', '```yaml', r.docs.right, '```');
  }
  return {
    id: r.id,
    name: r.id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: r.description },
    fullDescription: { text: r.docs.why },
    help: { text: text.join('\n'), markdown: markdown.join('\n') },
    helpUri: ruleHelpUri(r.id),
    defaultConfiguration: { level: level[r.severity] },
    properties: { tags: ['flux', 'gitops', 'kustomize'], precision: 'high', fixable: Boolean(r.fixable) },
  };
}
