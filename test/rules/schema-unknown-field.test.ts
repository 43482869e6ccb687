import { describe, expect, it } from 'vitest';
import { CLUSTER, FIXTURES, fixtureCopy, lineOf, lintRule, replaceOnce } from '../helpers.js';

const vault = 'flux-apps/vault/release.yaml';
const apps = `${CLUSTER}/apps/apps.yaml`;

describe('schema-unknown-field', () => {
  it('is silent on the clean fixture', () => {
    expect(lintRule(FIXTURES, 'schema-unknown-field')).toEqual([]);
  });

  it('reports a misspelt dependsOn of a Flux Kustomization at the key, with the field it meant', () => {
    const repo = fixtureCopy({ [apps]: replaceOnce('  dependsOn:\n    - name: vault\n', '  dependOn:\n    - name: vault\n') });
    expect(lintRule(repo, 'schema-unknown-field')).toEqual([
      { file: apps, line: lineOf(repo, apps, 'dependOn:'), column: 3, severity: 'error', message: "spec has unknown field 'dependOn'; did you mean 'dependsOn'?" },
    ]);
  });

  it('reports intervall in a HelmRelease', () => {
    const repo = fixtureCopy({ [vault]: replaceOnce('spec:\n  interval: 30m\n', 'spec:\n  interval: 30m\n  intervall: 5m\n') });
    expect(lintRule(repo, 'schema-unknown-field')).toEqual([
      { file: vault, line: lineOf(repo, vault, 'intervall:'), column: 3, severity: 'error', message: "spec has unknown field 'intervall'; did you mean 'interval'?" },
    ]);
  });

  it('catches an unknown field deep inside a HelmRelease (spec.install.remediation.retriess)', () => {
    const repo = fixtureCopy({ [vault]: replaceOnce('  install:\n    remediation:\n      retries: 3', '  install:\n    remediation:\n      retriess: 3') });
    expect(lintRule(repo, 'schema-unknown-field')).toEqual([
      {
        file: vault,
        line: lineOf(repo, vault, 'retriess:'),
        column: 7,
        severity: 'error',
        message: "spec.install.remediation has unknown field 'retriess'; did you mean 'retries'?",
      },
    ]);
  });

  it('catches an unknown field inside a Terraform CR (spec.varsFrom[0].varKeys)', () => {
    const tf = 'flux-apps/forgejo/terraform.yaml';
    const repo = fixtureCopy({ [tf]: replaceOnce('      name: forgejo-terraform-vars\n', '      name: forgejo-terraform-vars\n      varKeys: [vault_address]\n') });
    expect(lintRule(repo, 'schema-unknown-field')).toEqual([
      { file: tf, line: lineOf(repo, tf, 'varKeys:'), column: 7, severity: 'error', message: "spec.varsFrom[0] has unknown field 'varKeys'; did you mean 'varsKeys'?" },
    ]);
  });

  it('lists the allowed fields when none is close', () => {
    const repo = fixtureCopy({ [vault]: replaceOnce('        kind: HelmRepository\n', '        kind: HelmRepository\n        port: 8200\n') });
    expect(lintRule(repo, 'schema-unknown-field')).toEqual([
      {
        file: vault,
        line: lineOf(repo, vault, 'port: 8200'),
        column: 9,
        severity: 'error',
        message: "spec.chart.spec.sourceRef has unknown field 'port' (allowed: apiVersion, kind, name, namespace)",
      },
    ]);
  });

  it('reports an unknown field of a kustomization file (kustomize refuses it)', () => {
    const k = 'flux-apps/vault/kustomization.yaml';
    const repo = fixtureCopy({ [k]: replaceOnce('resources:\n', 'resource:\n') });
    const found = lintRule(repo, 'schema-unknown-field');
    expect(found).toEqual([{ file: k, line: 4, column: 1, severity: 'error', message: "Kustomization has unknown field 'resource'; did you mean 'resources'?" }]);
  });

  it('reports an unknown field that a patch adds in the patch file', () => {
    const wrapper = `${CLUSTER}/apps/vault/kustomization.yaml`;
    const patch = `${CLUSTER}/apps/vault/timeout.yaml`;
    const repo = fixtureCopy({
      [wrapper]: (s) => `${s}patches:\n  - path: timeout.yaml\n`,
      [patch]: 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: vault\nspec:\n  timeOut: 10m\n',
    });
    expect(lintRule(repo, 'schema-unknown-field')).toEqual([
      { file: patch, line: 6, column: 3, severity: 'error', message: "spec has unknown field 'timeOut'; did you mean 'timeout'?" },
    ]);
  });
});
