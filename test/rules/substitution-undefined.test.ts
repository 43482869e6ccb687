import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, replaceOnce } from '../helpers.js';

const apps = `${CLUSTER}/apps/apps.yaml`;
const vault = 'flux-apps/vault/release.yaml';
const dremio = 'flux-apps/dremio/release.yaml';
const undefinedIn = (ks: string) => `is not defined by the postBuild of Kustomization 'flux-system/${ks}' (substituteFrom ConfigMap cluster-vars); Flux substitutes an empty string`;

describe('substitution-undefined', () => {
  it('reports a misspelt variable at the string that uses it, with the closest defined one', () => {
    const repo = fixtureCopy({ [vault]: replaceOnce('storageClass: ${STORAGE_CLASS}', 'storageClass: ${STORAGE_CLAS}') });
    expect(lintRule(repo, 'substitution-undefined')).toEqual([
      {
        file: vault,
        line: lineOf(repo, vault, '${STORAGE_CLAS}'),
        column: 23,
        severity: 'error',
        message: `'\${STORAGE_CLAS}' ${undefinedIn('vault')}; did you mean 'STORAGE_CLASS'?`,
      },
    ]);
  });

  it('leaves defaults, escaped $${VAR} and objects annotated substitute: disabled alone', () => {
    const repo = fixtureCopy({
      [vault]: replaceOnce('    ui:\n      enabled: true', '    ui:\n      enabled: true\n      a: ${UI_TITLE:=Vault}\n      b: $${NOT_A_VAR}\n      c: ${MISSING}'),
      'flux-apps/vault/namespace.yaml': (s) => `${s}  annotations:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\n  labels:\n    owner: \${TEAM}\n`,
    });
    expect(lintRule(repo, 'substitution-undefined')).toEqual([
      expect.objectContaining({ file: vault, line: lineOf(repo, vault, '${MISSING}'), message: `'\${MISSING}' ${undefinedIn('vault')}` }),
    ]);
  });

  it('checks postBuild.substitute together with substituteFrom', () => {
    const forgejo = 'flux-apps/forgejo/release.yaml';
    const repo = fixtureCopy({
      [apps]: replaceOnce(
        '        name: cluster-vars\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: clickhouse',
        '        name: cluster-vars\n    substitute:\n      FORGEJO_REPLICAS: "2"\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: clickhouse',
      ),
      [forgejo]: replaceOnce('  values:\n    strategy:', '  values:\n    replicaCount: ${FORGEJO_REPLICAS}\n    image:\n      tag: ${FORGEJO_VERSION}\n    strategy:'),
    });
    expect(lintRule(repo, 'substitution-undefined')).toEqual([
      {
        file: forgejo,
        line: lineOf(repo, forgejo, '${FORGEJO_VERSION}'),
        column: 12,
        severity: 'error',
        message: "'${FORGEJO_VERSION}' is not defined by the postBuild of Kustomization 'flux-system/forgejo' (substitute, substituteFrom ConfigMap cluster-vars); Flux substitutes an empty string",
      },
    ]);
  });

  it('reports a variable that a kustomize patch brings in, at the patch', () => {
    const base = 'flux-apps/vault/kustomization.yaml';
    const repo = fixtureCopy({
      [base]: (s) => `${s}patches:\n  - target:\n      kind: HelmRelease\n      name: vault\n    patch: |\n      - op: add\n        path: /spec/values/server/extraLabels\n        value:\n          region: \${CLUSTER_REGION}\n`,
    });
    expect(lintRule(repo, 'substitution-undefined')).toEqual([
      expect.objectContaining({ file: base, line: lineOf(repo, base, 'patch: |'), message: `'\${CLUSTER_REGION}' ${undefinedIn('vault')}` }),
    ]);
  });

  it('says nothing when a substituteFrom source is missing (unknown, not undefined; ref-not-found reports the source)', () => {
    const repo = fixtureCopy({
      [vault]: replaceOnce('storageClass: ${STORAGE_CLASS}', 'storageClass: ${STORAGE_CLAS}'),
      [`${CLUSTER}/cluster.yaml`]: replaceOnce('  name: cluster-vars\n  namespace', '  name: cluster-variables\n  namespace'),
    });
    expect(lintRule(repo, 'substitution-undefined')).toEqual([]);
  });

  it('says nothing when a substituteFrom Secret is SOPS-encrypted, and checks it when it is not', () => {
    const secret = (sops: boolean) =>
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-secrets\n  namespace: flux-system\nstringData:\n  VAULT_TOKEN: ${sops ? 'ENC[AES256_GCM,data:abc,type:str]' : 'x'}\n${sops ? 'sops:\n  version: 3.9.0\n  age:\n    - recipient: age1xyz\n' : ''}`;
    const mutate = (sops: boolean) =>
      fixtureCopy({
        [`${CLUSTER}/cluster-secrets.yaml`]: secret(sops),
        [`${CLUSTER}/kustomization.yaml`]: replaceOnce('  - cluster.yaml', '  - cluster.yaml\n  - cluster-secrets.yaml'),
        [apps]: replaceOnce(
          '        name: cluster-vars\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: airflow',
          '        name: cluster-vars\n      - kind: Secret\n        name: cluster-secrets\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: airflow',
        ),
        [vault]: replaceOnce('storageClass: ${STORAGE_CLASS}', 'storageClass: ${STORAGE_CLAS}'),
      });
    expect(lintRule(mutate(true), 'substitution-undefined')).toEqual([]);
    expect(lintRule(mutate(false), 'substitution-undefined').map((d) => d.message)).toEqual([
      "'${STORAGE_CLAS}' is not defined by the postBuild of Kustomization 'flux-system/vault' (substituteFrom ConfigMap cluster-vars, substituteFrom Secret cluster-secrets); Flux substitutes an empty string; did you mean 'STORAGE_CLASS'?",
    ]);
  });

  it('warns about a variable in a Kustomization without postBuild when other Kustomizations substitute it', () => {
    const repo = fixtureCopy({ [dremio]: replaceOnce('      type: ClusterIP', '      type: ClusterIP\n      host: dremio.${CLUSTER_DOMAIN}\n      shell: ${HOME}') });
    expect(lintRule(repo, 'substitution-undefined')).toEqual([
      {
        file: dremio,
        line: lineOf(repo, dremio, '${CLUSTER_DOMAIN}'),
        column: 13,
        severity: 'warning',
        message:
          "'${CLUSTER_DOMAIN}' will be applied literally: Kustomization 'flux-system/dremio' has no postBuild, though other Kustomizations of this cluster substitute CLUSTER_DOMAIN (add postBuild.substituteFrom, or escape it as $${CLUSTER_DOMAIN})",
      },
    ]);
  });

  it('is silent on the clean fixture, including the ${var:=default} in the flux-system CRD description', () => {
    expect(lintRule(fixtureCopy(), 'substitution-undefined')).toEqual([]);
  });
});
