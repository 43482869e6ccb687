import type { Rule } from './types.js';

/**
 * Inline suppressions (`# lint-gitops-disable-next-line rule-id -- reason`, `# lint-gitops-disable rule-id`) are
 * applied by the engine (src/engine/suppress.ts). A directive that suppresses nothing, or names an unknown rule, is itself
 * a finding, so stale suppressions do not pile up.
 */
export const unusedSuppression: Rule = {
  id: 'unused-suppression',
  severity: 'warning',
  description: 'A lint-gitops-disable comment suppresses no finding, or names a rule that does not exist.',
  docs: {
    why: 'A suppression outlives the problem it hid: once the finding is gone, the comment only hides the next, unrelated finding of that rule on that line or document.',
    wrong: '# lint-gitops-disable-next-line path-not-found -- vendored later\n  - ../../../../flux-apps/vault   # exists now',
    right: '  - ../../../../flux-apps/vault',
  },
  // The engine reports these after every other rule ran (applyDirectives in src/engine/suppress.ts): they need the findings.
  scope: 'suppressions',
  check() {},
};
