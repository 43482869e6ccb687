import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, replaceOnce, runCli } from '../helpers.js';
import { commitTree, initRepo } from './git-history.js';

const wrapper = `${CLUSTER}/apps/vault/kustomization.yaml`;
const apps = `${CLUSTER}/apps/apps.yaml`;
/** The dependsOn typo also makes implicit-dependency warnings: not what this test is about. */
const QUIET = ['--rule', 'implicit-dependency=off'];
const typo = "resources entry '../../../../flux-apps/vautl' does not exist (resolved to flux-apps/vautl); did you mean '../../../../flux-apps/vault'?";

/**
 * The base has two findings: a wrapper typo (an error) and a file no one references (an info). The head keeps the
 * typo two lines further down (a comment above it), deletes the unreferenced file, and adds a dependsOn typo.
 */
function trees(): { base: string; head: string } {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-new-only-'));
  const base = path.join(parent, 'base');
  const head = path.join(parent, 'head');
  fs.renameSync(
    fixtureCopy({
      [wrapper]: replaceOnce('flux-apps/vault', 'flux-apps/vautl'),
      'flux-apps/forgejo/policy.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: policy\n',
    }),
    base,
  );
  fs.renameSync(
    fixtureCopy({
      [wrapper]: (s) => replaceOnce('flux-apps/vault', 'flux-apps/vautl')(s).replace('resources:', '# vault, wrapped\n# (see flux-apps/vault)\nresources:'),
      [apps]: replaceOnce('  dependsOn:\n    - name: cloudnative-pg\n    - name: external-secrets-config\n  interval: 10m\n  path: ./flux-clusters/stefanzhelev/apps/authentik', '  dependsOn:\n    - name: cloudnative-pgg\n    - name: external-secrets-config\n  interval: 10m\n  path: ./flux-clusters/stefanzhelev/apps/authentik'),
    }),
    head,
  );
  return { base, head };
}

describe('lint-gitops --new-only', () => {
  it('reports only the findings the base did not have, matched by rule, object and message, not by line', () => {
    const { head } = trees();
    const all = runCli([CLUSTER, '--format', 'json', '--no-cache', ...QUIET], head);
    expect(all.code).toBe(1);
    expect((JSON.parse(all.stdout).diagnostics as { ruleId: string; file: string }[]).map((d) => `${d.ruleId} ${d.file}`)).toEqual([
      'unreferenced-file flux-apps/vault/kustomization.yaml',
      'unreferenced-file flux-apps/vault/namespace.yaml',
      'unreferenced-file flux-apps/vault/release.yaml',
      `dependency-missing ${apps}`,
      `path-not-found ${wrapper}`,
    ]);

    const r = runCli([CLUSTER, '--new-only', '--base-dir', '../base', '--format', 'json', '--no-cache', ...QUIET], head);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    const line = lineOf(head, apps, 'cloudnative-pgg');
    expect(out.diagnostics).toEqual([
      {
        ruleId: 'dependency-missing',
        severity: 'error',
        message: "dependsOn Kustomization 'cloudnative-pgg' does not exist in namespace 'flux-system' of cluster stefanzhelev; did you mean 'cloudnative-pg'?",
        file: apps,
        line,
        column: 13,
        endLine: line,
        endColumn: 28,
      },
    ]);
    expect(out.summary).toMatchObject({ errorCount: 1, warningCount: 0, infoCount: 0 });
  });

  it('exits 0 when every finding was already there', () => {
    const { base, head } = trees();
    fs.writeFileSync(path.join(head, apps), fs.readFileSync(path.join(base, apps)));
    const r = runCli([CLUSTER, '--new-only', '--base-dir', '../base', '--no-cache', ...QUIET], head);
    expect(r.stdout).toBe('✔ no problems (1 cluster, 63 files, 105 objects)\n');
    expect(r.code).toBe(0);
  });

  it('SARIF marks each result new, unchanged or absent (the base finding that is gone)', async () => {
    const { base, head } = trees();
    // The natural flow: the base committed, the change in the working tree.
    await initRepo(head);
    await commitTree(head, base, 'base');
    const r = runCli([CLUSTER, '--new-only', '--base', 'HEAD', '--format', 'sarif', '--no-cache', ...QUIET], head);
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout).runs[0].results as { ruleId: string; baselineState: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[];
    expect(results.map((x) => [x.baselineState, x.ruleId, x.locations[0].physicalLocation.artifactLocation.uri, x.locations[0].physicalLocation.region.startLine])).toEqual([
      ['unchanged', 'unreferenced-file', 'flux-apps/vault/kustomization.yaml', 1],
      ['unchanged', 'unreferenced-file', 'flux-apps/vault/namespace.yaml', 1],
      ['unchanged', 'unreferenced-file', 'flux-apps/vault/release.yaml', 1],
      ['new', 'dependency-missing', apps, lineOf(head, apps, 'cloudnative-pgg')],
      ['unchanged', 'path-not-found', wrapper, lineOf(head, wrapper, 'vautl')],
      ['absent', 'unreferenced-file', 'flux-apps/forgejo/policy.yaml', 1],
    ]);
    expect(results[4].message.text).toBe(typo);
    expect(lineOf(head, wrapper, 'vautl')).toBe(lineOf(base, wrapper, 'vautl') + 2);
  });

  it('--base needs --new-only on the lint command, and --fix does not go with it', () => {
    const { head } = trees();
    const r = runCli([CLUSTER, '--base', 'main', '--no-cache'], head);
    expect(r.stderr).toBe('lint-gitops: --base and --base-dir compare findings with --new-only (or run `lint-gitops diff`)\n');
    expect(r.code).toBe(2);
    const none = runCli([CLUSTER, '--new-only', '--no-cache'], head);
    expect(none.stderr).toBe('lint-gitops: --new-only needs a base to compare with: --base REF (a git revision, e.g. origin/main) or --base-dir DIR (a checkout of it)\n');
    expect(none.code).toBe(2);
    const fix = runCli([CLUSTER, '--new-only', '--base-dir', '../base', '--fix', '--no-cache'], head);
    expect(fix.stderr).toBe('lint-gitops: --new-only cannot be combined with --fix\n');
    expect(fix.code).toBe(2);
  });
});
