import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintAndFix } from '../../src/engine/fix.js';
import { lint } from '../../src/engine/lint.js';
import { CLUSTER, FIXTURES, fixtureCopy, lineOf, lintRule, replaceOnce, runCli } from '../helpers.js';

const vault = 'flux-apps/vault/release.yaml';
const grafana = 'flux-apps/grafana/release.yaml';
const vaultBase = 'flux-apps/vault/kustomization.yaml';
const extra = 'flux-apps/vault/extra.yaml';
const read = (repo: string, f: string) => fs.readFileSync(path.join(repo, f), 'utf8');
const helmV2 = 'apiVersion: helm.toolkit.fluxcd.io/v2\n';

/** The vault base with one more resource file. */
function withExtra(docs: string, more: Record<string, ((s: string) => string) | string> = {}) {
  return fixtureCopy({ [vaultBase]: replaceOnce('  - release.yaml\n', '  - release.yaml\n  - extra.yaml\n'), [extra]: docs, ...more });
}

function findings(repo: string) {
  return lint({ paths: [path.join(repo, CLUSTER)], cwd: repo })
    .diagnostics.filter((d) => d.ruleId === 'deprecated-api')
    .map((d) => ({ file: d.file, line: d.line, severity: d.severity, message: d.message, fixed: d.fix ? d.fix.text : undefined }));
}

describe('deprecated-api', () => {
  it('is silent on the clean fixture', () => {
    expect(lintRule(FIXTURES, 'deprecated-api')).toEqual([]);
  });

  it('reports a HelmRelease still on helm.toolkit.fluxcd.io/v2beta1 at its apiVersion, fixable', () => {
    const repo = fixtureCopy({ [vault]: replaceOnce(helmV2, 'apiVersion: helm.toolkit.fluxcd.io/v2beta1\n') });
    expect(lintRule(repo, 'deprecated-api')).toEqual([
      {
        file: vault,
        line: lineOf(repo, vault, 'v2beta1'),
        column: 13,
        severity: 'error',
        message: 'helm.toolkit.fluxcd.io/v2beta1 HelmRelease is no longer served by current Flux releases; use helm.toolkit.fluxcd.io/v2 HelmRelease',
      },
    ]);
    expect(findings(repo).map((f) => f.fixed)).toEqual(['helm.toolkit.fluxcd.io/v2']);
    // The schema rules do not pile onto an unserved version: deprecated-api is the one finding.
    expect(lint({ paths: [path.join(repo, CLUSTER)], cwd: repo }).diagnostics.map((d) => d.ruleId)).toEqual(['deprecated-api']);
  });

  it('--fix rewrites only the apiVersion value (quotes and comments kept) and the re-lint is clean', () => {
    const repo = fixtureCopy({
      [vault]: replaceOnce(helmV2, 'apiVersion: "helm.toolkit.fluxcd.io/v2beta2"  # pinned until the chart moves\n'),
      [grafana]: replaceOnce(helmV2, 'apiVersion: helm.toolkit.fluxcd.io/v2beta1\n'),
    });
    const clean = fixtureCopy();
    const r = runCli([CLUSTER, '--fix'], repo);
    expect(r.stderr).toBe(
      [
        'lint-gitops --fix: fixed 2 problems in 2 files',
        `  ${grafana}:${lineOf(clean, grafana, helmV2)}:13  helm.toolkit.fluxcd.io/v2beta1 HelmRelease is no longer served by current Flux releases; use helm.toolkit.fluxcd.io/v2 HelmRelease  deprecated-api`,
        `  ${vault}:${lineOf(clean, vault, helmV2)}:13  helm.toolkit.fluxcd.io/v2beta2 HelmRelease is no longer served by current Flux releases; use helm.toolkit.fluxcd.io/v2 HelmRelease  deprecated-api`,
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
    expect(read(repo, grafana)).toBe(read(clean, grafana));
    expect(read(repo, vault)).toBe(read(clean, vault).replace(helmV2, 'apiVersion: "helm.toolkit.fluxcd.io/v2"  # pinned until the chart moves\n'));
    const again = runCli([CLUSTER, '--format', 'json'], repo);
    expect(JSON.parse(again.stdout).diagnostics).toEqual([]);
  });

  it('says which fields were renamed and offers no fix when the object is not valid as the new version', () => {
    const repo = fixtureCopy({
      [vault]: (s) => replaceOnce(helmV2, 'apiVersion: helm.toolkit.fluxcd.io/v2beta1\n')(replaceOnce('      version: 0.31.0\n', '      version: 0.31.0\n      valuesFile: values-prod.yaml\n')(s)),
    });
    expect(findings(repo)).toEqual([
      {
        file: vault,
        line: lineOf(repo, vault, 'v2beta1'),
        severity: 'error',
        message:
          'helm.toolkit.fluxcd.io/v2beta1 HelmRelease is no longer served by current Flux releases; use helm.toolkit.fluxcd.io/v2 HelmRelease; helm.toolkit.fluxcd.io/v2 HelmRelease does not accept it as written: spec.chart.spec.valuesFile (use spec.chart.spec.valuesFiles, a list)',
        fixed: undefined,
      },
    ]);
  });

  it('reports a Flux Kustomization on v1beta2 with patchesStrategicMerge: spec.patches replaces it', () => {
    const apps = `${CLUSTER}/apps/apps.yaml`;
    const vaultKs = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: vault\n';
    const repo = fixtureCopy({
      [apps]: replaceOnce(vaultKs, vaultKs.replace('/v1\n', '/v1beta2\n')),
    });
    expect(findings(repo)).toEqual([
      {
        file: apps,
        line: lineOf(repo, apps, 'kustomize.toolkit.fluxcd.io/v1beta2'),
        severity: 'error',
        message: 'kustomize.toolkit.fluxcd.io/v1beta2 Kustomization is no longer served by current Flux releases; use kustomize.toolkit.fluxcd.io/v1 Kustomization',
        fixed: 'kustomize.toolkit.fluxcd.io/v1',
      },
    ]);
    const patched = fixtureCopy({
      [apps]: (s) =>
        replaceOnce(vaultKs, vaultKs.replace('/v1\n', '/v1beta2\n'))(
          replaceOnce('  path: ./flux-clusters/stefanzhelev/apps/vault\n', '  path: ./flux-clusters/stefanzhelev/apps/vault\n  patchesStrategicMerge:\n    - kind: HelmRelease\n')(s),
        ),
    });
    expect(findings(patched).map((f) => [f.message, f.fixed])).toEqual([
      [
        'kustomize.toolkit.fluxcd.io/v1beta2 Kustomization is no longer served by current Flux releases; use kustomize.toolkit.fluxcd.io/v1 Kustomization; kustomize.toolkit.fluxcd.io/v1 Kustomization does not accept it as written: spec.patchesStrategicMerge (use spec.patches)',
        undefined,
      ],
    ]);
  });

  it('warns about a deprecated version that is still served (tofu-controller v1alpha1), fixable', () => {
    const tf = 'flux-apps/forgejo/terraform.yaml';
    const repo = fixtureCopy({ [tf]: replaceOnce('apiVersion: infra.contrib.fluxcd.io/v1alpha2\n', 'apiVersion: infra.contrib.fluxcd.io/v1alpha1\n') });
    expect(findings(repo)).toEqual([
      {
        file: tf,
        line: lineOf(repo, tf, 'v1alpha1'),
        severity: 'warning',
        message: 'infra.contrib.fluxcd.io/v1alpha1 Terraform is deprecated (v1alpha1 Terraform is deprecated, upgrade to v1alpha2); use infra.contrib.fluxcd.io/v1alpha2 Terraform',
        fixed: 'infra.contrib.fluxcd.io/v1alpha2',
      },
    ]);
  });

  it('knows the removed Kubernetes, Flux and External Secrets versions and what replaces them', () => {
    const docs = [
      'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: backup\nspec:\n  schedule: "0 3 * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: backup\n              image: busybox\n',
      'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: vault\nspec:\n  minAvailable: 2\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: vault\n',
      'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: vault\nspec:\n  rules:\n    - host: vault.example.com\n      http:\n        paths:\n          - path: /\n            backend:\n              serviceName: vault\n              servicePort: 8200\n',
      'apiVersion: notification.toolkit.fluxcd.io/v1beta2\nkind: Alert\nmetadata:\n  name: vault\nspec:\n  providerRef:\n    name: slack\n  eventSources:\n    - kind: HelmRelease\n      name: vault\n',
      'apiVersion: notification.toolkit.fluxcd.io/v1beta1\nkind: Receiver\nmetadata:\n  name: vault\nspec:\n  type: github\n  secretRef:\n    name: webhook-token\n  resources:\n    - kind: GitRepository\n      name: flux-system\n',
      'apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImageRepository\nmetadata:\n  name: vault\nspec:\n  image: hashicorp/vault\n  interval: 1h\n',
      'apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: vault-a\nspec:\n  secretStoreRef:\n    kind: ClusterSecretStore\n    name: vault\n  target:\n    name: vault-a\n  dataFrom:\n    - extract:\n        key: vault/a\n',
      'apiVersion: external-secrets.io/v1alpha1\nkind: ExternalSecret\nmetadata:\n  name: vault-b\nspec:\n  secretStoreRef:\n    kind: ClusterSecretStore\n    name: vault\n  target:\n    name: vault-b\n',
    ];
    const repo = withExtra(docs.join('---\n'));
    const line = (needle: string) => lineOf(repo, extra, needle);
    expect(findings(repo)).toEqual([
      {
        file: extra,
        line: line('batch/v1beta1'),
        severity: 'error',
        message: 'batch/v1beta1 CronJob was removed in Kubernetes 1.25; use batch/v1 CronJob',
        fixed: 'batch/v1',
      },
      {
        file: extra,
        line: line('policy/v1beta1'),
        severity: 'error',
        message: 'policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25; use policy/v1 PodDisruptionBudget',
        fixed: 'policy/v1',
      },
      {
        file: extra,
        line: line('extensions/v1beta1'),
        severity: 'error',
        message:
          "extensions/v1beta1 Ingress was removed in Kubernetes 1.22; use networking.k8s.io/v1 Ingress; networking.k8s.io/v1 Ingress does not accept it as written: spec.rules[0].http.paths[0] is missing required field 'pathType', spec.rules[0].http.paths[0].backend.serviceName (use backend.service.name), spec.rules[0].http.paths[0].backend.servicePort (use backend.service.port.number or backend.service.port.name)",
        fixed: undefined,
      },
      {
        file: extra,
        line: line('notification.toolkit.fluxcd.io/v1beta2'),
        severity: 'error',
        message: 'notification.toolkit.fluxcd.io/v1beta2 Alert is no longer served by current Flux releases; use notification.toolkit.fluxcd.io/v1beta3 Alert',
        fixed: 'notification.toolkit.fluxcd.io/v1beta3',
      },
      {
        file: extra,
        line: line('notification.toolkit.fluxcd.io/v1beta1'),
        severity: 'error',
        message: 'notification.toolkit.fluxcd.io/v1beta1 Receiver is no longer served by current Flux releases; use notification.toolkit.fluxcd.io/v1 Receiver',
        fixed: 'notification.toolkit.fluxcd.io/v1',
      },
      {
        file: extra,
        line: line('image.toolkit.fluxcd.io/v1beta2'),
        // No image CRDs in the tree: the release gotk-components.yaml names (v2.7.5) still serves v1beta2.
        severity: 'warning',
        message: `image.toolkit.fluxcd.io/v1beta2 ImageRepository is served by Flux 2.7 (v2.7.5 at ${CLUSTER}/flux-system/gotk-components.yaml:3) but removed in later releases; use image.toolkit.fluxcd.io/v1 ImageRepository`,
        fixed: 'image.toolkit.fluxcd.io/v1',
      },
      {
        file: extra,
        line: line('external-secrets.io/v1beta1'),
        severity: 'error',
        message: 'external-secrets.io/v1beta1 ExternalSecret is no longer served; use external-secrets.io/v1 ExternalSecret',
        fixed: 'external-secrets.io/v1',
      },
      {
        file: extra,
        line: line('external-secrets.io/v1alpha1'),
        severity: 'error',
        message: 'external-secrets.io/v1alpha1 ExternalSecret is not served by current releases (served: v1); use external-secrets.io/v1 ExternalSecret',
        fixed: 'external-secrets.io/v1',
      },
    ]);
    // The rule never reports these as schema-missing: they are known, removed versions.
    expect(lintRule(repo, 'schema-missing')).toEqual([]);
  });

  it('follows a CRD in the tree that pins an older Flux: a version it still serves is a warning, one it does not serve an error', () => {
    const gotk = `${CLUSTER}/flux-system/gotk-components.yaml`;
    // The fixture's Flux v2.7.5 helm-controller CRD, as if it still served v2beta2 instead of v2.
    const repo = fixtureCopy({
      [gotk]: (s) => {
        const i = s.indexOf('  name: helmreleases.helm.toolkit.fluxcd.io');
        const j = s.indexOf('    name: v2\n', i);
        return s.slice(0, j) + '    name: v2beta2\n' + s.slice(j + '    name: v2\n'.length);
      },
      [vault]: replaceOnce(helmV2, 'apiVersion: helm.toolkit.fluxcd.io/v2beta2\n'),
    });
    const found = findings(repo);
    expect(found.find((f) => f.file === vault)).toEqual({
      file: vault,
      line: lineOf(repo, vault, 'v2beta2'),
      severity: 'warning',
      message: `helm.toolkit.fluxcd.io/v2beta2 HelmRelease is no longer served by current releases; the CustomResourceDefinition in ${gotk} (Flux v2.7.5) still serves it; upgrade those CRDs, then use helm.toolkit.fluxcd.io/v2 HelmRelease`,
      fixed: undefined,
    });
    expect(found.find((f) => f.file === grafana)).toEqual({
      file: grafana,
      line: lineOf(repo, grafana, helmV2),
      severity: 'error',
      message: `helm.toolkit.fluxcd.io/v2 HelmRelease is not served by the CustomResourceDefinition in ${gotk} (Flux v2.7.5), which serves v2beta2; upgrade those CRDs first`,
      fixed: undefined,
    });
  });

  it('rewrites a strategic-merge patch file together with its object, so kustomize still matches them', () => {
    const wrapper = `${CLUSTER}/apps/vault/kustomization.yaml`;
    const patch = `${CLUSTER}/apps/vault/release-patch.yaml`;
    const repo = fixtureCopy({
      [vault]: replaceOnce(helmV2, 'apiVersion: helm.toolkit.fluxcd.io/v2beta1\n'),
      [wrapper]: (s) => `${s}patches:\n  - path: release-patch.yaml\n`,
      [patch]: 'apiVersion: helm.toolkit.fluxcd.io/v2beta1 # keep in step with the base\nkind: HelmRelease\nmetadata:\n  name: vault\nspec:\n  timeout: 10m\n',
    });
    expect(findings(repo).map((f) => `${f.file}:${f.line} ${f.fixed}`)).toEqual([`${vault}:${lineOf(repo, vault, 'v2beta1')} helm.toolkit.fluxcd.io/v2`, `${patch}:1 helm.toolkit.fluxcd.io/v2`]);
    const out = lintAndFix({ paths: [path.join(repo, CLUSTER)], cwd: repo });
    expect(out.files).toEqual([vault, patch]);
    expect(read(repo, patch).split('\n')[0]).toBe('apiVersion: helm.toolkit.fluxcd.io/v2 # keep in step with the base');
    expect(out.result.diagnostics).toEqual([]);
  });

  it('leaves the fix to the user when a patch target selects the old version', () => {
    const wrapper = `${CLUSTER}/apps/vault/kustomization.yaml`;
    const repo = fixtureCopy({
      [vault]: replaceOnce(helmV2, 'apiVersion: helm.toolkit.fluxcd.io/v2beta1\n'),
      [wrapper]: (s) =>
        `${s}patches:\n  - target:\n      group: helm.toolkit.fluxcd.io\n      version: v2beta1\n      kind: HelmRelease\n    patch: |\n      - op: replace\n        path: /spec/timeout\n        value: 10m\n`,
    });
    expect(findings(repo)).toEqual([
      {
        file: vault,
        line: lineOf(repo, vault, 'v2beta1'),
        severity: 'error',
        message: `helm.toolkit.fluxcd.io/v2beta1 HelmRelease is no longer served by current Flux releases; use helm.toolkit.fluxcd.io/v2 HelmRelease; --fix leaves it: the patch at ${wrapper}:${lineOf(repo, wrapper, '- target:')} selects version v2beta1`,
        fixed: undefined,
      },
    ]);
  });

  it('notes (info) a Flux Kustomization healthCheck that names an unserved apiVersion of a served kind, fixable: kustomize-controller checks by group and kind', () => {
    const apps = `${CLUSTER}/apps/apps.yaml`;
    const vaultPath = '  path: ./flux-clusters/stefanzhelev/apps/vault\n';
    const repo = fixtureCopy({
      [apps]: replaceOnce(vaultPath, `${vaultPath}  healthChecks:\n    - apiVersion: helm.toolkit.fluxcd.io/v2beta1\n      kind: HelmRelease\n      name: vault\n      namespace: vault\n`),
    });
    expect(lintRule(repo, 'deprecated-api')).toEqual([
      {
        file: apps,
        line: lineOf(repo, apps, '- apiVersion: helm.toolkit.fluxcd.io/v2beta1'),
        column: 19,
        severity: 'info',
        message:
          'spec.healthChecks[0] names helm.toolkit.fluxcd.io/v2beta1 HelmRelease, which the cluster does not serve; the check still works (kustomize-controller looks the object up by group and kind), but write helm.toolkit.fluxcd.io/v2',
      },
    ]);
    const out = lintAndFix({ paths: [path.join(repo, CLUSTER)], cwd: repo });
    expect(out.files).toEqual([apps]);
    expect(read(repo, apps)).toContain('    - apiVersion: helm.toolkit.fluxcd.io/v2\n      kind: HelmRelease\n      name: vault\n');
    expect(out.result.diagnostics.filter((d) => d.ruleId === 'deprecated-api')).toEqual([]);
  });

  it('reports a healthCheck of a kind no version of which the cluster serves: the check cannot find it', () => {
    const apps = `${CLUSTER}/apps/apps.yaml`;
    const vaultPath = '  path: ./flux-clusters/stefanzhelev/apps/vault\n';
    const repo = fixtureCopy({
      [apps]: replaceOnce(vaultPath, `${vaultPath}  healthChecks:\n    - apiVersion: extensions/v1beta1\n      kind: Ingress\n      name: vault\n      namespace: vault\n`),
    });
    expect(lintRule(repo, 'deprecated-api')).toEqual([
      {
        file: apps,
        line: lineOf(repo, apps, '- apiVersion: extensions/v1beta1'),
        column: 19,
        severity: 'error',
        message: 'spec.healthChecks[0]: extensions/v1beta1 Ingress was removed in Kubernetes 1.22; use networking.k8s.io/v1 Ingress',
      },
    ]);
  });

  it('reports a kustomization file with a kustomize apiVersion kustomize rejects, fixable', () => {
    const repo = fixtureCopy({ [vaultBase]: replaceOnce('apiVersion: kustomize.config.k8s.io/v1beta1\n', 'apiVersion: kustomize.config.k8s.io/v1alpha1\n') });
    expect(findings(repo)).toEqual([
      {
        file: vaultBase,
        line: 1,
        severity: 'error',
        message: 'kustomize rejects kustomize.config.k8s.io/v1alpha1 Kustomization: apiVersion for Kustomization should be kustomize.config.k8s.io/v1beta1',
        fixed: 'kustomize.config.k8s.io/v1beta1',
      },
    ]);
  });
});
