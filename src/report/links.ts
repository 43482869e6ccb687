import fs from 'node:fs';

/**
 * Where a rule's documentation lives on the web, for SARIF `helpUri` (GitHub code scanning links it from
 * every alert). The README's rule table is the index; `lint-gitops explain RULE` prints the same text offline,
 * and SARIF also carries it inline (`help.text`/`help.markdown`), so an alert is readable without the link.
 */
let home: string | undefined;

/**
 * The project's web address, https://github.com/OWNER/NAME: package.json's `repository` is the one place it is
 * written (its `homepage` and `bugs` are that address too; test/integrations/package.test.ts checks they agree).
 * Read on first use: most runs print no SARIF.
 */
export function homepage(): string {
  if (home === undefined) {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { repository?: string | { url?: string } };
    const url = typeof pkg.repository === 'string' ? pkg.repository : (pkg.repository?.url ?? '');
    home = url.replace(/^git\+/, '').replace(/\.git$/, '');
  }
  return home;
}

export function ruleHelpUri(_ruleId: string): string {
  return `${homepage()}/blob/main/README.md#rules`;
}
