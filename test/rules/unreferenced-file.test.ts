import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lintRule } from '../helpers.js';

describe('unreferenced-file', () => {
  it('lists a manifest beside a base that its kustomization does not list', () => {
    const repo = fixtureCopy({ 'flux-apps/vault/policy.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: policy\n' });
    expect(lintRule(repo, 'unreferenced-file')).toEqual([
      {
        file: 'flux-apps/vault/policy.yaml',
        line: 1,
        column: 1,
        severity: 'info',
        message: 'flux-apps/vault/policy.yaml is not referenced by any kustomization or Flux Kustomization; it is never applied',
      },
    ]);
  });

  it('lists a stray file anywhere under the cluster directory', () => {
    const stray = `${CLUSTER}/apps/old/kustomization.yaml`;
    const repo = fixtureCopy({ [stray]: 'resources: []\n' });
    expect(lintRule(repo, 'unreferenced-file').map((d) => d.file)).toEqual([stray]);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'unreferenced-file')).toEqual([]);
  });
});

describe('unreferenced-file and kustomize configuration files', () => {
  it('counts configurations, replacements and transformers files as read', () => {
    const k = 'flux-apps/vault/kustomization.yaml';
    const repo = fixtureCopy({
      [k]: (s) => `${s}configurations:\n  - kustomizeconfig.yaml\nreplacements:\n  - path: replacement.yaml\ntransformers:\n  - labels.yaml\n`,
      'flux-apps/vault/kustomizeconfig.yaml': 'nameReference:\n  - kind: ConfigMap\n    fieldSpecs:\n      - path: spec/valuesFrom/name\n        kind: HelmRelease\n',
      'flux-apps/vault/replacement.yaml': 'source:\n  kind: Namespace\ntargets:\n  - select:\n      kind: HelmRelease\n    fieldPaths: [spec.targetNamespace]\n    options:\n      create: true\n',
      'flux-apps/vault/labels.yaml': 'apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: labels\nlabels:\n  team: a\nfieldSpecs:\n  - path: metadata/labels\n    create: true\n',
    });
    expect(lintRule(repo, 'unreferenced-file')).toEqual([]);
  });
});

describe('unreferenced-file across the whole repository', () => {
  it('lists a base that no cluster uses when every cluster is linted', () => {
    const repo = fixtureCopy({
      'flux-apps/unused/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - namespace.yaml\n',
      'flux-apps/unused/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: unused\n',
    });
    expect(lintRule(repo, 'unreferenced-file').map((d) => d.file)).toEqual(['flux-apps/unused/kustomization.yaml', 'flux-apps/unused/namespace.yaml']);
  });

  it('leaves Helm chart templates alone', () => {
    const repo = fixtureCopy({
      'flux-apps/charts/mychart/Chart.yaml': 'apiVersion: v2\nname: mychart\nversion: 0.1.0\n',
      'flux-apps/charts/mychart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n',
    });
    expect(lintRule(repo, 'unreferenced-file')).toEqual([]);
  });
});
