import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/engine/lint.js';
import { CLUSTER, FIXTURES, fixtureCopy, lineOf, lintRule, replaceOnce } from '../helpers.js';
import { LAB, twoClusters } from '../integrations/two-clusters.js';

const vault = 'flux-apps/vault/release.yaml';
const apps = `${CLUSTER}/apps/apps.yaml`;
const vaultWrapper = `${CLUSTER}/apps/vault/kustomization.yaml`;

describe('schema', () => {
  it('is silent on the clean fixture', () => {
    expect(lintRule(FIXTURES, 'schema')).toEqual([]);
  });

  it('reports a value outside an enum at the value, naming the allowed ones', () => {
    const repo = fixtureCopy({ [vault]: replaceOnce('        kind: HelmRepository\n', '        kind: HelmRepo\n') });
    expect(lintRule(repo, 'schema')).toEqual([
      {
        file: vault,
        line: lineOf(repo, vault, 'kind: HelmRepo\n'),
        column: 15,
        severity: 'error',
        message: 'spec.chart.spec.sourceRef.kind must be one of HelmRepository, GitRepository, Bucket',
      },
    ]);
  });

  it('reports a wrong type at the value', () => {
    const repo = fixtureCopy({ [vault]: replaceOnce('  install:\n    remediation:\n      retries: 3', '  install:\n    remediation:\n      retries: three') });
    expect(lintRule(repo, 'schema')).toEqual([
      { file: vault, line: lineOf(repo, vault, 'retries: three'), column: 16, severity: 'error', message: 'spec.install.remediation.retries must be an integer' },
    ]);
  });

  it('reports a missing required field at the key of its parent object', () => {
    const repo = fixtureCopy({ [vault]: replaceOnce('spec:\n  interval: 30m\n', 'spec:\n') });
    expect(lintRule(repo, 'schema')).toEqual([
      { file: vault, line: lineOf(repo, vault, 'spec:', 2), column: 1, severity: 'error', message: "spec is missing required field 'interval'" },
    ]);
  });

  it('reports a pattern a Flux Kustomization interval does not match', () => {
    const vaultKs = '  path: ./flux-clusters/stefanzhelev/apps/vault\n';
    const repo = fixtureCopy({ [apps]: replaceOnce(`  interval: 10m\n${vaultKs}`, `  interval: 10 minutes\n${vaultKs}`) });
    expect(lintRule(repo, 'schema')).toEqual([
      {
        file: apps,
        line: lineOf(repo, apps, 'interval: 10 minutes'),
        column: 13,
        severity: 'error',
        message: 'spec.interval must match pattern ^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$',
      },
    ]);
  });

  it('reports a bad value set by a patch in the patch file, where it was written', () => {
    const patch = `${CLUSTER}/apps/vault/interval.yaml`;
    const repo = fixtureCopy({
      [vaultWrapper]: (s) => `${s}patches:\n  - path: interval.yaml\n`,
      [patch]: 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: vault\nspec:\n  interval: 30\n',
    });
    expect(lintRule(repo, 'schema')).toEqual([{ file: patch, line: 6, column: 13, severity: 'error', message: 'spec.interval must be a string' }]);
  });

  it('does not report a value written as ${VAR} that post-build substitution turns into the right type', () => {
    // retries: ${VAULT_RETRIES:=3} is the string "3" after our substitution; Flux substitutes the YAML text, so it is the integer 3.
    const repo = fixtureCopy({ [vault]: replaceOnce('  install:\n    remediation:\n      retries: 3', '  install:\n    remediation:\n      retries: ${VAULT_RETRIES:=3}') });
    const { model } = lint({ paths: [path.join(repo, CLUSTER)], cwd: repo });
    const release = model.clusters[0].objects.find((o) => o.kind === 'HelmRelease' && o.name === 'vault')!;
    expect((release.value.spec as { install: { remediation: { retries: unknown } } }).install.remediation.retries).toBe('3');
    expect(lintRule(repo, 'schema')).toEqual([]);
  });

  it('still reports a ${VAR} in an object whose Kustomization has no postBuild: it is applied as written', () => {
    const dremio = 'flux-apps/dremio/release.yaml';
    const repo = fixtureCopy({ [dremio]: replaceOnce('  timeout: 15m\n', '  timeout: ${DREMIO_TIMEOUT}\n') });
    expect(lintRule(repo, 'schema')).toEqual([
      {
        file: dremio,
        line: lineOf(repo, dremio, 'timeout: ${DREMIO_TIMEOUT}'),
        column: 12,
        severity: 'error',
        message: 'spec.timeout must match pattern ^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$',
      },
    ]);
  });

  it('accepts a SOPS-encrypted Secret: the sops stanza and ENC[...] values are not schema errors', () => {
    const secret = 'flux-apps/vault/unseal.sops.yaml';
    const repo = fixtureCopy({
      'flux-apps/vault/kustomization.yaml': replaceOnce('  - release.yaml\n', '  - release.yaml\n  - unseal.sops.yaml\n'),
      [secret]: [
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '    name: vault-unseal',
        'type: Opaque',
        'data:',
        '    key: ENC[AES256_GCM,data:q9Z3+1AsBw==,iv:uVQn8t2ZJrS1ppOQ4X9cHkFk2z1YbH1M1q0Wc1ZkqGU=,tag:7a6H2sY5Yw8pLmO1b9nC3Q==,type:str]',
        'sops:',
        '    age:',
        '        - recipient: age1qfz5u3n4cn5u0jd3e6v2lm0x9s9g8p4ft4c6n6x0y2h3z8l7e5kqg3yx4w',
        '          enc: |',
        '            -----BEGIN AGE ENCRYPTED FILE-----',
        '            YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOQ==',
        '            -----END AGE ENCRYPTED FILE-----',
        '    lastmodified: "2025-01-01T00:00:00Z"',
        '    mac: ENC[AES256_GCM,data:abcd,iv:abcd,tag:abcd,type:str]',
        '    encrypted_regex: ^(data|stringData)$',
        '    version: 3.9.0',
        '',
      ].join('\n'),
    });
    const found = lintTreeSchemaFindings(repo);
    expect(found).toEqual([]);
    // The same Secret in plain text with a value that is not base64 is an error: the SOPS case is not silent by accident.
    const plain = fixtureCopy({
      'flux-apps/vault/kustomization.yaml': replaceOnce('  - release.yaml\n', '  - release.yaml\n  - unseal.yaml\n'),
      'flux-apps/vault/unseal.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: vault-unseal\ndata:\n  key: not base64!\n',
    });
    expect(lintTreeSchemaFindings(plain)).toEqual(['schema flux-apps/vault/unseal.yaml:6 data.key must be base64-encoded']);
  });

  it('is silent on an object with a YAML merge key: the build resolves << as kustomize (yaml.v3) does', () => {
    const repo = fixtureCopy({
      [vault]: (s) =>
        replaceOnce('  upgrade:\n    remediation:\n      retries: 3', '  upgrade:\n    remediation:\n      <<: *remediation')(
          replaceOnce('  install:\n    remediation:\n', '  install:\n    remediation: &remediation\n')(s),
        ),
    });
    expect(lintTreeSchemaFindings(repo)).toEqual([]);
  });

  it('reports an invalid base object once when two clusters build it', () => {
    const repo = twoClusters({ [vault]: replaceOnce('        kind: HelmRepository\n', '        kind: HelmRepo\n') });
    const result = lint({ paths: [path.join(repo, 'flux-clusters')], cwd: repo });
    expect(result.summary.clusters).toEqual([LAB, CLUSTER]);
    expect(result.diagnostics.filter((d) => d.ruleId === 'schema').map((d) => `${d.file}:${d.line}`)).toEqual([`${vault}:${lineOf(repo, vault, 'kind: HelmRepo\n')}`]);
  });

  it('checks a patch file as the patch it is: a strategic-merge patch without required fields is not an object', () => {
    const k = 'flux-apps/vault/kustomization.yaml';
    const repo = fixtureCopy({
      [k]: (s) => `${s}patches:\n  - path: patch.yaml\n`,
      'flux-apps/vault/patch.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: vault\nspec:\n  values:\n    server:\n      replicas: 3\n',
    });
    expect(lintTreeSchemaFindings(repo)).toEqual([]);
    expect(lintRule(repo, 'unreferenced-file')).toEqual([]);
  });

  it('validates kustomization files: kustomize decodes them strictly', () => {
    const k = 'flux-apps/vault/kustomization.yaml';
    const repo = fixtureCopy({ [k]: replaceOnce('namespace: vault\n', 'namespace: [vault]\n') });
    expect(lintRule(repo, 'schema')).toEqual([{ file: k, line: 3, column: 1, severity: 'error', message: 'namespace must be a string' }]);
  });
});

function lintTreeSchemaFindings(repo: string): string[] {
  return lint({ paths: [path.join(repo, CLUSTER)], cwd: repo })
    .diagnostics.filter((d) => d.ruleId.startsWith('schema'))
    .map((d) => `${d.ruleId} ${d.file}:${d.line} ${d.message}`);
}
