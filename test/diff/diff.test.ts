import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiffStylish } from '../../src/report/diff-stylish.js';
import { formatDiffMarkdown } from '../../src/report/diff-markdown.js';
import { CLUSTER, runCli } from '../helpers.js';
import { diffTrees, formats, variantTrees } from './trees.js';
import { VARIANTS } from './variants.js';

const EXPECTED = path.join(path.dirname(fileURLToPath(import.meta.url)), 'expected');
const slug = (name: string) => name.replace(/^an? /, '').replace(/[^a-zA-Z0-9]+/g, '-').toLowerCase();

/**
 * The expected output of each variant in each format, written out in test/diff/expected/ (reviewed by hand: what
 * a reviewer of the pull request would read). LINT_GITOPS_WRITE_EXPECTED=1 writes them instead of comparing, for
 * a deliberate change of the output; a missing file fails.
 */
function expectFile(file: string, actual: string): void {
  const at = path.join(EXPECTED, file);
  if (process.env.LINT_GITOPS_WRITE_EXPECTED === '1') {
    fs.mkdirSync(EXPECTED, { recursive: true });
    fs.writeFileSync(at, actual);
    return;
  }
  expect(actual).toBe(fs.readFileSync(at, 'utf8'));
}

describe('lint-gitops diff on the fixture variants of issue 20, --base-dir', () => {
  for (const [name, variant] of Object.entries(VARIANTS)) {
    it(`${name}: exact output in every format, and the same when every base cluster is linted`, async () => {
      const { head } = variantTrees(variant);
      const result = await diffTrees(head, { dir: '../base' });
      const out = formats(result);
      expectFile(`${slug(name)}.txt`, out.stylish);
      expectFile(`${slug(name)}.md`, out.markdown);
      expectFile(`${slug(name)}.json`, out.json);
      // Reusing the head's results for the clusters the change cannot reach changes nothing.
      expect(formats(await diffTrees(head, { dir: '../base' }, { reuse: false }))).toEqual(out);
    });
  }

  it('an unchanged tree is one line per cluster and no file', async () => {
    const { head } = variantTrees({ head: {} });
    const r = await diffTrees(head, { dir: '../base' });
    expect(formatDiffStylish(r, { color: false })).toBe(
      [
        'lint-gitops diff: ../base → working tree',
        'no file changed',
        '',
        'cluster flux-clusters/stefanzhelev: unchanged (13 Kustomizations, 108 objects)',
        '',
        'findings: 0 introduced, 0 resolved',
        '',
        'clusters: 0 changed, 0 added, 0 removed, 1 unchanged; Kustomizations: 0 changed, 0 added, 0 removed, 13 unchanged; objects: 0 changed, 0 added, 0 removed; findings: 0 introduced, 0 resolved',
        '',
      ].join('\n'),
    );
  });

  it('colours stylish output only when asked', async () => {
    const { head } = variantTrees(VARIANTS['a changed HelmRelease value']);
    const r = await diffTrees(head, { dir: '../base' });
    const colored = formatDiffStylish(r, { color: true });
    expect(colored).toContain('\x1b[31m-     replicas: 1\x1b[0m');
    expect(colored).toContain('\x1b[32m+     replicas: 2\x1b[0m');
    expect(colored.replace(/\x1b\[\d+m/g, '')).toBe(formatDiffStylish(r, { color: false }));
  });

  it('markdown keeps under its limit: whole Kustomization diffs are left out, and named', async () => {
    const { head } = variantTrees(VARIANTS['a new app']);
    const r = await diffTrees(head, { dir: '../base' });
    const full = formatDiffMarkdown(r);
    const capped = formatDiffMarkdown(r, { limit: 1200 });
    expect(full.length).toBeGreaterThan(1200);
    expect(capped.length).toBeLessThanOrEqual(1200);
    expect(capped).toContain('### `flux-clusters/stefanzhelev`: changed (2 Kustomizations with changes, 12 unchanged)');
    expect(capped.slice(capped.indexOf('_Left out'))).toBe(
      '_Left out to stay under 1200 characters: 2 Kustomization diffs, 1 graph. Run `lint-gitops diff` with the same base for all of it._\n',
    );
    // What is kept is whole: every <details> that opens closes, every fence that opens closes.
    expect(capped.split('<details>').length).toBe(capped.split('</details>').length);
    expect((capped.match(/^```/gm) ?? []).length % 2).toBe(0);
  });

  it('the CLI prints the same bytes, exits 0, and needs a base', () => {
    const { head } = variantTrees(VARIANTS['a removed dependsOn']);
    const r = runCli(['diff', CLUSTER, '--base-dir', '../base', '--no-cache'], head);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(fs.readFileSync(path.join(EXPECTED, 'removed-dependson.txt'), 'utf8'));
    const none = runCli(['diff', CLUSTER, '--no-cache'], head);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('lint-gitops: diff needs a base to compare with: --base REF (a git revision, e.g. origin/main) or --base-dir DIR (a checkout of it)\n');
    const both = runCli(['diff', CLUSTER, '--base', 'main', '--base-dir', '../base', '--no-cache'], head);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('lint-gitops: diff: give --base REF or --base-dir DIR, not both\n');
    const notGit = runCli(['diff', CLUSTER, '--base', 'main', '--no-cache'], head);
    expect(notGit.code).toBe(2);
    expect(notGit.stderr).toContain('is not in a git repository (no .git above it); compare with a checkout: --base-dir DIR\n');
  });
});
