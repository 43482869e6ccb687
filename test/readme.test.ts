import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../src/rules/index.js';
import { REPO } from './helpers.js';

const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');

describe('README', () => {
  it('lists every rule with its default severity (regenerate with npm run readme)', async () => {
    // @ts-expect-error plain ESM script without types
    const { ruleTable, withTable } = await import('../scripts/update-readme.mjs');
    expect(readme).toBe(withTable(readme, await ruleTable()));
    for (const r of rules) expect(readme).toContain(`| \`${r.id}\` | ${r.severity} |`);
  });

  it('has exactly the two set-up commands, and .ci/run runs the test one', () => {
    expect(readme).toContain('npm ci && npx lint-gitops fixtures/flux-clusters/stefanzhelev');
    expect(readme).toContain('npm ci && npm test');
    const ci = fs.readFileSync(path.join(REPO, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test$/m);
  });
});
