import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, lintTree, replaceOnce } from '../helpers.js';

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
        severity: 'warning',
        message: `'\${STORAGE_CLAS}' ${undefinedIn('vault')}; did you mean 'STORAGE_CLASS'?`,
      },
    ]);
  });

  it('is an error where kustomize-controller runs with the StrictPostBuildSubstitutions feature gate (Flux fails the Kustomization), and under strict', () => {
    const sync = `${CLUSTER}/flux-system/kustomization.yaml`;
    const typo = { [vault]: replaceOnce('storageClass: ${STORAGE_CLASS}', 'storageClass: ${STORAGE_CLAS}') };
    // The patch Flux documents for feature gates (fluxcd.io/flux/installation/configuration/boostrap-customization).
    const gate = (s: string) =>
      `${s}patches:\n  - patch: |\n      - op: add\n        path: /spec/template/spec/containers/0/args/-\n        value: --feature-gates=StrictPostBuildSubstitutions=true\n    target:\n      kind: Deployment\n      name: kustomize-controller\n`;
    const repo = fixtureCopy({ ...typo, [sync]: gate });
    expect(lintRule(repo, 'substitution-undefined')).toEqual([
      {
        file: vault,
        line: lineOf(repo, vault, '${STORAGE_CLAS}'),
        column: 23,
        severity: 'error',
        message:
          "'${STORAGE_CLAS}' is not defined by the postBuild of Kustomization 'flux-system/vault' (substituteFrom ConfigMap cluster-vars); the Kustomization fails: Deployment flux-system/kustomize-controller runs kustomize-controller with StrictPostBuildSubstitutions; did you mean 'STORAGE_CLASS'?",
      },
    ]);
    expect(lintRule(fixtureCopy(typo), 'substitution-undefined', { preset: 'strict' }).map((d) => d.severity)).toEqual(['error']);
  });

  it("is an error where a FluxInstance's kustomize.patches turn the feature gate on", () => {
    const sync = `${CLUSTER}/flux-system/kustomization.yaml`;
    const instance =
      'apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux-system\nspec:\n  distribution:\n    version: 2.7.x\n    registry: ghcr.io/fluxcd\n' +
      '  kustomize:\n    patches:\n      - target:\n          kind: Deployment\n          name: kustomize-controller\n        patch: |\n          - op: add\n            path: /spec/template/spec/containers/0/args/-\n            value: --feature-gates=StrictPostBuildSubstitutions=true\n';
    const repo = fixtureCopy({
      [vault]: replaceOnce('storageClass: ${STORAGE_CLASS}', 'storageClass: ${STORAGE_CLAS}'),
      [`${CLUSTER}/flux-system/flux-instance.yaml`]: instance,
      [sync]: replaceOnce('- gotk-sync.yaml', '- gotk-sync.yaml\n- flux-instance.yaml'),
    });
    expect(lintRule(repo, 'substitution-undefined').map((d) => `${d.severity} ${d.message.split('; ')[1]}`)).toEqual([
      'error the Kustomization fails: FluxInstance flux-system/flux runs kustomize-controller with StrictPostBuildSubstitutions',
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
        severity: 'warning',
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

  it('follows nested defaults and string functions: only an undefined variable whose empty value is used is reported', () => {
    const repo = fixtureCopy({
      [vault]: replaceOnce(
        '    ui:\n      enabled: true',
        '    ui:\n      enabled: true\n      a: ${UNSET:-${STORAGE_CLAS}}\n      b: ${UNSET:-${STORAGE_CLASS}}\n      c: ${STORAGE_CLASS:-${TYPO}}\n      d: ${CLUSTER_DOMAIN/./-}\n      e: ${CLUSTR_NAME^^}\n      f: ${#CLUSTER_NAME}',
      ),
    });
    expect(lintRule(repo, 'substitution-undefined').map((d) => [d.line, d.column, d.message])).toEqual([
      [lineOf(repo, vault, 'a: ${UNSET'), 10, `'\${STORAGE_CLAS}' ${undefinedIn('vault')}; did you mean 'STORAGE_CLASS'?`],
      [lineOf(repo, vault, 'e: ${CLUSTR'), 10, `'\${CLUSTR_NAME^^}' ${undefinedIn('vault')}; did you mean 'CLUSTER_NAME'?`],
    ]);
  });

  it("takes a Secret's keys as defined (their values stay unknown)", () => {
    const repo = fixtureCopy({
      [`${CLUSTER}/cluster-secrets.yaml`]: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-secrets\n  namespace: flux-system\nstringData:\n  VAULT_TOKEN: s3cr3t-value\n',
      [`${CLUSTER}/kustomization.yaml`]: replaceOnce('  - cluster.yaml', '  - cluster.yaml\n  - cluster-secrets.yaml'),
      [apps]: replaceOnce(
        '        name: cluster-vars\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: airflow',
        '        name: cluster-vars\n      - kind: Secret\n        name: cluster-secrets\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: airflow',
      ),
      [vault]: replaceOnce('    ui:\n      enabled: true', '    ui:\n      enabled: true\n      token: ${VAULT_TOKEN}\n      other: ${VAULT_TOKN}'),
    });
    const { diagnostics, model } = lintTree(repo);
    expect(diagnostics.filter((d) => d.ruleId === 'substitution-undefined').map((d) => d.message)).toEqual([
      "'${VAULT_TOKN}' is not defined by the postBuild of Kustomization 'flux-system/vault' (substituteFrom ConfigMap cluster-vars, substituteFrom Secret cluster-secrets); Flux substitutes an empty string; did you mean 'VAULT_TOKEN'?",
    ]);
    // The value is not in the model's objects, nor in any finding.
    const release = model.clusters[0].objects.find((o) => o.kind === 'HelmRelease' && o.name === 'vault')!;
    expect(JSON.stringify(release.value)).toContain('"token":"${VAULT_TOKEN}"');
    expect(JSON.stringify(diagnostics)).not.toContain('s3cr3t-value');
  });

  it('is silent when an optional substituteFrom source is absent here (it may exist in the cluster)', () => {
    const repo = fixtureCopy({
      [apps]: replaceOnce(
        '        name: cluster-vars\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: airflow',
        '        name: cluster-vars\n      - kind: Secret\n        name: written-by-an-external-secret\n        optional: true\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: airflow',
      ),
      [vault]: replaceOnce('storageClass: ${STORAGE_CLASS}', 'storageClass: ${STORAGE_CLAS}'),
    });
    expect(lintRule(repo, 'substitution-undefined')).toEqual([]);
  });

  it('follows $${VAR} through two levels of Kustomizations: the outer one leaves ${VAR} for the inner one', () => {
    const platform = 'flux-clusters/stefanzhelev/platform/ks.yaml';
    const outer = (escaped: boolean) =>
      fixtureCopy({
        [apps]: (s) =>
          `${s}---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: platform\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./flux-clusters/stefanzhelev/platform\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  postBuild:\n    substitute:\n      CLUSTER: main\n`,
        [platform]: `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: demo\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./flux-apps/demo\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  postBuild:\n    substitute:\n      APP: demo\n  patches:\n    - target:\n        kind: ConfigMap\n      patch: |\n        - op: add\n          path: /metadata/labels\n          value:\n            owner: ${escaped ? '$$' : '$'}{APP}-\${CLUSTER}\n`,
        'flux-apps/demo/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - config.yaml\n',
        'flux-apps/demo/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n  namespace: flux-system\ndata:\n  app: ${APP}\n',
      });
    const escaped = outer(true);
    const { diagnostics, model } = lintTree(escaped);
    expect(diagnostics.filter((d) => d.ruleId.startsWith('substitution-'))).toEqual([]);
    const cm = model.clusters[0].objects.find((o) => o.kind === 'ConfigMap' && o.name === 'demo')!;
    expect(cm.value).toMatchObject({ metadata: { labels: { owner: 'demo-main' } }, data: { app: 'demo' } });
    // Not escaped, the outer Kustomization substitutes ${APP} itself, and does not define it.
    const plain = outer(false);
    expect(lintRule(plain, 'substitution-undefined').map((d) => [d.file, d.message])).toEqual([
      [platform, "'${APP}' is not defined by the postBuild of Kustomization 'flux-system/platform' (substitute); Flux substitutes an empty string"],
    ]);
  });

  it('is silent on the clean fixture, including the ${var:=default} in the flux-system CRD description', () => {
    expect(lintRule(fixtureCopy(), 'substitution-undefined')).toEqual([]);
  });
});
