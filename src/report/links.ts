/**
 * Where a rule's documentation lives on the web, for SARIF `helpUri` (GitHub code scanning links it from
 * every alert). The README's rule table is the index; `lint-gitops explain RULE` prints the same text offline,
 * and SARIF also carries it inline (`help.text`/`help.markdown`), so an alert is readable without the link.
 */
export const HOMEPAGE = 'https://github.com/lint-gitops/lint-gitops';

export function ruleHelpUri(_ruleId: string): string {
  return `${HOMEPAGE}/blob/main/README.md#rules`;
}
