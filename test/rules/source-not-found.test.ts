import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, lintTree, replaceOnce } from '../helpers.js';

const apps = `${CLUSTER}/apps/apps.yaml`;
const vaultKs = [
  'path: ./flux-clusters/stefanzhelev/apps/vault',
  '  prune: true',
  '  wait: true',
  '  timeout: 5m',
  '  sourceRef:',
  '    kind: GitRepository',
  '    name: flux-system',
].join('\n');

describe('source-not-found', () => {
  it('reports a Kustomization sourceRef typo at its name, with the closest source', () => {
    const repo = fixtureCopy({ [apps]: replaceOnce(vaultKs, vaultKs.replace('name: flux-system', 'name: flux-sytem')) });
    expect(lintRule(repo, 'source-not-found')).toEqual([
      {
        file: apps,
        line: lineOf(repo, apps, 'name: flux-sytem'),
        column: 11,
        severity: 'error',
        message: "Kustomization spec.sourceRef GitRepository 'flux-system/flux-sytem' does not exist in this cluster; did you mean 'flux-system'?",
      },
    ]);
  });

  it('reports a HelmRelease chart.spec.sourceRef typo in a base, in the namespace kustomize gives it', () => {
    const release = 'flux-apps/vault/release.yaml';
    const repo = fixtureCopy({ [release]: replaceOnce('        name: hashicorp', '        name: hashicorpp') });
    expect(lintRule(repo, 'source-not-found')).toEqual([
      {
        file: release,
        line: lineOf(repo, release, 'name: hashicorpp'),
        column: 15,
        severity: 'error',
        message: "HelmRelease spec.chart.spec.sourceRef HelmRepository 'vault/hashicorpp' does not exist in this cluster; did you mean 'hashicorp'?",
      },
    ]);
  });

  it('reports a chartRef of the wrong source kind and names the one that exists', () => {
    const release = 'flux-apps/clickhouse/release.yaml';
    const repo = fixtureCopy({ [release]: replaceOnce('    kind: OCIRepository\n    name: clickhouse', '    kind: HelmChart\n    name: clickhouse') });
    expect(lintRule(repo, 'source-not-found')).toEqual([
      {
        file: release,
        line: lineOf(repo, release, '    name: clickhouse'),
        column: 11,
        severity: 'error',
        message: "HelmRelease spec.chartRef HelmChart 'clickhouse/clickhouse' does not exist in this cluster; there is an OCIRepository 'clickhouse' (kind: OCIRepository?)",
      },
    ]);
  });

  it('reports a Terraform sourceRef without namespace: it means the Terraform namespace, and says where the source is', () => {
    const tf = 'flux-apps/forgejo/terraform.yaml';
    const repo = fixtureCopy({ [tf]: replaceOnce('    name: flux-system\n    namespace: flux-system\n', '    name: flux-system\n') });
    expect(lintRule(repo, 'source-not-found')).toEqual([
      {
        file: tf,
        line: lineOf(repo, tf, '    name: flux-system'),
        column: 11,
        severity: 'error',
        message:
          "Terraform spec.sourceRef GitRepository 'forgejo/flux-system' does not exist in this cluster; a GitRepository 'flux-system' exists in namespace 'flux-system' (a sourceRef without namespace means the Terraform's own namespace)",
      },
    ]);
  });

  it('reports a source that a removed manifest defined', () => {
    const release = 'flux-apps/dremio/release.yaml';
    const repo = fixtureCopy({
      [release]: (s) => s.slice(s.indexOf('---\n') + 4),
    });
    expect(lintRule(repo, 'source-not-found')).toEqual([
      expect.objectContaining({ file: release, line: lineOf(repo, release, 'name: dremio-helm'), message: "HelmRelease spec.chartRef OCIRepository 'dremio/dremio-helm' does not exist in this cluster" }),
    ]);
  });

  it('does not report the bootstrap GitRepository flux-system/flux-system of a tree linted without its flux-system', () => {
    const repo = fixtureCopy({
      [`${CLUSTER}/flux-system`]: null,
      [`${CLUSTER}/kustomization.yaml`]: replaceOnce('  - flux-system\n', ''),
      'flux-apps/vault/release.yaml': replaceOnce('        name: hashicorp', '        name: hashicorpp'),
    });
    const { diagnostics, model } = lintTree(repo);
    expect(model.clusters[0].bootstrap).toBe('synthetic');
    expect(diagnostics.filter((d) => d.ruleId === 'source-not-found').map((d) => d.message)).toEqual([
      "HelmRelease spec.chart.spec.sourceRef HelmRepository 'vault/hashicorpp' does not exist in this cluster; did you mean 'hashicorp'?",
    ]);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'source-not-found')).toEqual([]);
  });
});
