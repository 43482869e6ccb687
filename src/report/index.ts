import type { Diagnostic } from '../model/diagnostic.js';
import type { Summary } from '../engine/lint.js';
import type { Rule } from '../rules/types.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';
import { formatSarif } from './sarif.js';
import { formatStylish } from './stylish.js';

/** Every `--format`: the CLI's choices, and what tests iterate over (no format may print a secret value). */
export const FORMATS = ['stylish', 'json', 'sarif', 'github', 'junit', 'markdown'] as const;
export type FormatName = (typeof FORMATS)[number];

export interface FormatOptions {
  /** Colour (stylish only). */
  color: boolean;
  /** Rule metadata (SARIF lists every rule). */
  rules: readonly Rule[];
  /** lint-gitops version (SARIF tool.driver.version). */
  version: string;
  /** --max-warnings (junit: warnings are failed test cases only when there are more). */
  maxWarnings?: number;
}

/** A pure function of the findings, the summary and the rules' metadata. */
export function format(name: FormatName, diagnostics: Diagnostic[], summary: Summary, options: FormatOptions): string {
  switch (name) {
    case 'stylish':
      return formatStylish(diagnostics, summary, { color: options.color });
    case 'json':
      return formatJson(diagnostics, summary);
    case 'sarif':
      return formatSarif(diagnostics, summary, { rules: options.rules, version: options.version });
    case 'github':
      return formatGithub(diagnostics, summary);
    case 'junit':
      return formatJunit(diagnostics, summary, { maxWarnings: options.maxWarnings });
    case 'markdown':
      return formatMarkdown(diagnostics, summary);
  }
}

export { formatGithub, formatJson, formatJunit, formatMarkdown, formatSarif, formatStylish };
