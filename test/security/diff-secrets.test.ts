import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/report/index.js';
import { DIFF_FORMATS } from '../../src/diff/cli.js';
import { CLUSTER, runCli } from '../helpers.js';
import { commitTree, initRepo } from '../diff/git-history.js';
import { variantTrees } from '../diff/trees.js';
import { SECRET_VALUES, secretFiles } from '../diff/variants.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Secrets that come and go whole, besides the ones secretFiles changes. */
const GONE = 'removed-secret-Hh71j';
const CAME = 'added-secret-Gg82k';
const planted = [...Object.values(SECRET_VALUES), GONE, CAME];

const secretDoc = (name: string, value: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\nstringData:\n  password: ${value}\ndata:\n  encoded: ${b64(value)}\n`;

/** A base and a head whose Secrets differ in every way: values changed, a Secret removed, one added. */
function secretTrees() {
  const base = secretFiles(SECRET_VALUES.before, SECRET_VALUES.substitutedBefore);
  const head = secretFiles(SECRET_VALUES.after, SECRET_VALUES.substitutedAfter);
  return variantTrees({
    base: { ...base, 'flux-apps/vault/kustomization.yaml': (s) => (base['flux-apps/vault/kustomization.yaml'] as (t: string) => string)(s).replace('  - secret.yaml', '  - secret.yaml\n  - gone.yaml'), 'flux-apps/vault/gone.yaml': secretDoc('gone', GONE) },
    head: { ...head, 'flux-apps/vault/kustomization.yaml': (s) => (head['flux-apps/vault/kustomization.yaml'] as (t: string) => string)(s).replace('  - secret.yaml', '  - secret.yaml\n  - came.yaml'), 'flux-apps/vault/came.yaml': secretDoc('came', CAME) },
  });
}

function leaks(out: string): string[] {
  return planted.flatMap((v) => [v, b64(v)]).filter((s) => out.includes(s));
}

describe('lint-gitops diff and --new-only never print a secret value', () => {
  const { base, head } = secretTrees();

  it('the trees really hold the values, and the diff sees every Secret change (so a clean grep proves something)', () => {
    const text = (root: string) => ['flux-apps/vault/secret.yaml', `${CLUSTER}/cluster-secrets.yaml`].map((f) => fs.readFileSync(path.join(root, f), 'utf8')).join('');
    expect(text(base)).toContain(SECRET_VALUES.before);
    expect(text(base)).toContain(b64(SECRET_VALUES.substitutedBefore));
    expect(text(head)).toContain(SECRET_VALUES.after);
    expect(fs.readFileSync(path.join(base, 'flux-apps/vault/gone.yaml'), 'utf8')).toContain(GONE);
    const r = runCli(['diff', CLUSTER, '--base-dir', '../base', '--format', 'json', '--no-cache'], head);
    expect(r.code).toBe(0);
    const vault = JSON.parse(r.stdout).clusters[0].kustomizations.find((k: { key: string }) => k.key === 'flux-system/vault');
    const id = (o: { kind: string; name: string }) => `${o.kind} ${o.name}`;
    expect(vault.added.map(id)).toEqual(['Secret came']);
    expect(vault.removed.map(id)).toEqual(['Secret gone']);
    expect(vault.changed.map(id)).toEqual(['HelmRelease vault', 'Secret vault-unseal']);
    expect(vault.changed[1].changes).toEqual([{ path: ['stringData', 'unseal-key'], change: 'changed', secret: true }]);
    // The substituted value: changed, as a secret.
    expect(vault.changed[0].changes).toEqual([{ path: ['spec', 'values', 'ui', 'banner'], change: 'changed', secret: true }]);
  });

  for (const format of DIFF_FORMATS) {
    it(`diff --format ${format}: no planted value, plain or base64`, () => {
      const r = runCli(['diff', CLUSTER, '--base-dir', '../base', '--format', format, '--no-cache'], head);
      expect(r.code).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(500);
      expect(leaks(r.stdout + r.stderr)).toEqual([]);
    });
  }

  it('diff from a git revision: no planted value', async () => {
    await initRepo(head);
    await commitTree(head, base, 'base');
    const r = runCli(['diff', CLUSTER, '--base', 'HEAD', '--no-cache'], head);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(secret value changed)');
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
  });

  for (const format of FORMATS) {
    it(`--new-only --format ${format}: no planted value`, () => {
      const r = runCli([CLUSTER, '--new-only', '--base-dir', '../base', '--format', format, '--no-cache'], head);
      expect(r.code).toBeLessThan(2);
      expect(leaks(r.stdout + r.stderr)).toEqual([]);
    });
  }
});
