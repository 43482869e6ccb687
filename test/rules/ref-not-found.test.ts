import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { CLUSTER, fixtureCopy, lineOf, lintRule, replaceOnce, runCli } from '../helpers.js';

const apps = `${CLUSTER}/apps/apps.yaml`;

describe('ref-not-found', () => {
  it('reports a valuesFrom Secret typo at its name, with the closest Secret in the namespace', () => {
    const release = 'flux-apps/authentik/release.yaml';
    const repo = fixtureCopy({ [release]: replaceOnce('name: authentik-secrets\n      valuesKey: secret-key', 'name: authentik-secret\n      valuesKey: secret-key') });
    expect(lintRule(repo, 'ref-not-found')).toEqual([
      {
        file: release,
        line: lineOf(repo, release, 'name: authentik-secret\n'),
        column: 13,
        severity: 'error',
        message: "HelmRelease spec.valuesFrom[0] Secret 'authentik/authentik-secret' does not exist: nothing in this cluster builds or produces it; did you mean 'authentik-secrets'?",
      },
    ]);
  });

  it('accepts a Secret declared external (created outside git), in that namespace only', () => {
    const release = 'flux-apps/authentik/release.yaml';
    const repo = fixtureCopy({ [release]: replaceOnce('name: authentik-secrets\n      valuesKey: secret-key', 'name: authentik-bootstrap\n      valuesKey: secret-key') });
    const external = (namespace: string) => [{ kind: 'Secret', name: 'authentik-bootstrap', namespace }];
    expect(lintRule(repo, 'ref-not-found', { external: external('authentik') })).toEqual([]);
    expect(lintRule(repo, 'ref-not-found', { external: external('forgejo') })).toHaveLength(1);
    // The same through the CLI and the repo's .lint-gitops.yaml.
    fs.writeFileSync(path.join(repo, '.lint-gitops.yaml'), 'external:\n  - kind: Secret\n    name: authentik-bootstrap\n    namespace: authentik\n');
    const run = runCli([CLUSTER, '--format', 'json'], repo);
    expect(JSON.parse(run.stdout).diagnostics.filter((d: { ruleId: string }) => d.ruleId === 'ref-not-found')).toEqual([]);
  });

  it('counts the Secret an ExternalSecret writes: renaming its target breaks every valuesFrom that reads it', () => {
    const es = 'flux-apps/clickstack/externalsecret.yaml';
    const release = 'flux-apps/clickstack/release.yaml';
    const repo = fixtureCopy({ [es]: replaceOnce('  target:\n    name: clickstack-clickhouse', '  target:\n    name: clickstack-ch') });
    expect(lintRule(repo, 'ref-not-found')).toEqual([
      {
        file: release,
        line: lineOf(repo, release, 'name: clickstack-clickhouse'),
        column: 13,
        severity: 'error',
        message: "HelmRelease spec.valuesFrom[0] Secret 'clickstack/clickstack-clickhouse' does not exist: nothing in this cluster builds or produces it",
      },
    ]);
  });

  it('reports a missing optional valuesFrom as info only', () => {
    const release = 'flux-apps/grafana/release.yaml';
    const repo = fixtureCopy({
      [release]: replaceOnce('  values:\n    replicas: 1', '  valuesFrom:\n    - kind: ConfigMap\n      name: grafana-overrides\n      optional: true\n  values:\n    replicas: 1'),
    });
    expect(lintRule(repo, 'ref-not-found')).toEqual([
      {
        file: release,
        line: lineOf(repo, release, 'name: grafana-overrides'),
        column: 13,
        severity: 'info',
        message: "HelmRelease spec.valuesFrom[0] ConfigMap 'grafana/grafana-overrides' does not exist in this cluster; it is optional, so the controller goes on without it",
      },
    ]);
  });

  it('reports a postBuild.substituteFrom ConfigMap typo, looked up in the Kustomization namespace', () => {
    const vault = ['    substituteFrom:', '      - kind: ConfigMap', '        name: cluster-vars', '---', 'apiVersion: kustomize.toolkit.fluxcd.io/v1', 'kind: Kustomization', 'metadata:', '  name: airflow'].join('\n');
    const repo = fixtureCopy({ [apps]: replaceOnce(vault, vault.replace('name: cluster-vars', 'name: cluster-var')) });
    expect(lintRule(repo, 'ref-not-found')).toEqual([
      {
        file: apps,
        line: lineOf(repo, apps, 'name: cluster-var\n'),
        column: 15,
        severity: 'error',
        message:
          "Kustomization spec.postBuild.substituteFrom[0] ConfigMap 'flux-system/cluster-var' does not exist: nothing in this cluster builds or produces it; did you mean 'cluster-vars'?",
      },
    ]);
  });

  it('reports an ExternalSecret secretStoreRef to a ClusterSecretStore that does not exist, and a SecretStore kind by default', () => {
    const es = 'flux-apps/grafana/externalsecrets.yaml';
    const repo = fixtureCopy({
      [es]: (s) =>
        replaceOnce('    kind: ClusterSecretStore\n    name: vault\n  target:\n    name: grafana-admin', '    kind: ClusterSecretStore\n    name: vaultt\n  target:\n    name: grafana-admin')(
          replaceOnce('    kind: ClusterSecretStore\n    name: vault\n  target:\n    name: grafana-env', '    name: vault\n  target:\n    name: grafana-env')(s),
        ),
    });
    expect(lintRule(repo, 'ref-not-found')).toEqual([
      {
        file: es,
        line: lineOf(repo, es, 'name: vaultt'),
        column: 11,
        severity: 'error',
        message: "ExternalSecret spec.secretStoreRef ClusterSecretStore 'vaultt' does not exist: nothing in this cluster builds or produces it; did you mean 'vault'?",
      },
      {
        file: es,
        line: lineOf(repo, es, '    name: vault\n'),
        column: 11,
        severity: 'error',
        message: "ExternalSecret spec.secretStoreRef SecretStore 'grafana/vault' does not exist: nothing in this cluster builds or produces it",
      },
    ]);
  });

  it('reports a Terraform varsFrom ConfigMap that does not exist', () => {
    const tf = 'flux-apps/forgejo/terraform.yaml';
    const repo = fixtureCopy({ [tf]: replaceOnce('      name: forgejo-terraform-vars', '      name: forgejo-tf-vars') });
    expect(lintRule(repo, 'ref-not-found')).toEqual([
      {
        file: tf,
        line: lineOf(repo, tf, 'name: forgejo-tf-vars'),
        column: 13,
        severity: 'error',
        message: "Terraform spec.varsFrom[0] ConfigMap 'forgejo/forgejo-tf-vars' does not exist: nothing in this cluster builds or produces it",
      },
    ]);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'ref-not-found')).toEqual([]);
  });
});
