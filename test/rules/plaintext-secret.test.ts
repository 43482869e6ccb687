import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureCopy, lineOf, lintRule, lintTree, replaceOnce } from '../helpers.js';

const base = 'flux-apps/vault/kustomization.yaml';
const addResource = (name: string) => replaceOnce('  - release.yaml', `  - release.yaml\n  - ${name}`);

const secret = (body: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: vault-unseal\ntype: Opaque\n${body}`;

describe('plaintext-secret', () => {
  it('reports stringData at its key, naming the keys and never the values', () => {
    const file = 'flux-apps/vault/secret.yaml';
    const repo = fixtureCopy({
      [base]: addResource('secret.yaml'),
      [file]: secret('stringData:\n  unseal-key: correct-horse-battery\n  root-token: s.Zr4nd0mT0k3n\n'),
    });
    expect(lintRule(repo, 'plaintext-secret')).toEqual([
      {
        file,
        line: lineOf(repo, file, 'stringData:'),
        column: 1,
        severity: 'warning',
        message:
          "Secret 'vault-unseal' has stringData in plaintext in git (keys 'unseal-key', 'root-token'); encrypt it with SOPS, or create it with an ExternalSecret or SealedSecret",
      },
    ]);
    const all = JSON.stringify(lintTree(repo).diagnostics);
    expect(all).not.toContain('correct-horse-battery');
    expect(all).not.toContain('s.Zr4nd0mT0k3n');
  });

  it('reports base64 data the same way (base64 is an encoding, not encryption)', () => {
    const file = 'flux-apps/vault/secret.yaml';
    const repo = fixtureCopy({ [base]: addResource('secret.yaml'), [file]: secret('data:\n  password: aHVudGVyMg==\n') });
    expect(lintRule(repo, 'plaintext-secret')).toEqual([
      expect.objectContaining({ file, line: lineOf(repo, file, 'data:', 2), message: expect.stringContaining("has data in plaintext in git (key 'password')") }),
    ]);
  });

  it('is silent on a SOPS-encrypted Secret, and on a Secret without values', () => {
    const sops = secret(
      'stringData:\n  unseal-key: ENC[AES256_GCM,data:q83x,iv:AAAA,tag:BBBB,type:str]\nsops:\n  age:\n    - recipient: age1qqqq\n      enc: |\n        -----BEGIN AGE ENCRYPTED FILE-----\n        -----END AGE ENCRYPTED FILE-----\n  lastmodified: "2025-01-01T00:00:00Z"\n  mac: ENC[AES256_GCM,data:zz,iv:yy,tag:xx,type:str]\n  version: 3.9.0\n',
    );
    const repo = fixtureCopy({
      [base]: addResource('sops.yaml\n  - empty.yaml'),
      'flux-apps/vault/sops.yaml': sops,
      'flux-apps/vault/empty.yaml': secret('data: {}\n').replace('vault-unseal', 'placeholder'),
    });
    expect(lintRule(repo, 'plaintext-secret')).toEqual([]);
  });

  it('reports secretGenerator literals (their values are written in kustomization.yaml) but not env files', () => {
    const repo = fixtureCopy({
      [base]: (s) =>
        s +
        'secretGenerator:\n  - name: from-literals\n    literals:\n      - username=admin\n      - password=hunter2\n  - name: from-env\n    envs:\n      - vault.env\n',
    });
    fs.writeFileSync(path.join(repo, 'flux-apps/vault/vault.env'), 'TOKEN=s.fromafile\n');
    expect(lintRule(repo, 'plaintext-secret')).toEqual([
      {
        file: base,
        line: lineOf(repo, base, 'literals:'),
        column: 5,
        severity: 'warning',
        message:
          "secretGenerator 'from-literals' writes literals in plaintext in git (keys 'username', 'password'); take them from a SOPS-encrypted file instead, or create the Secret with an ExternalSecret",
      },
    ]);
  });

  it('reports a base shared by two Kustomizations once', () => {
    const file = 'flux-apps/vault/secret.yaml';
    const repo = fixtureCopy({
      [base]: addResource('secret.yaml'),
      [file]: secret('stringData:\n  unseal-key: correct-horse-battery\n'),
      // airflow's wrapper builds the vault base too (under its own name prefix, so it is not a duplicate object).
      'flux-clusters/stefanzhelev/apps/airflow/kustomization.yaml': (s) => s.replace('resources:', 'namePrefix: copy-\nresources:\n  - ../../../../flux-apps/vault/secret.yaml'),
    });
    expect(lintRule(repo, 'plaintext-secret').map((d) => [d.file, d.line])).toEqual([[file, lineOf(repo, file, 'stringData:')]]);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'plaintext-secret')).toEqual([]);
  });
});
