import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule } from '../helpers.js';

const wrapper = `${CLUSTER}/apps/vault/kustomization.yaml`;

describe('kustomize-build', () => {
  it('reports a strategic-merge patch whose id matches no object', () => {
    const repo = fixtureCopy({
      [wrapper]: (s) => `${s}patches:\n  - patch: |\n      apiVersion: helm.toolkit.fluxcd.io/v2\n      kind: HelmRelease\n      metadata:\n        name: vaultt\n      spec:\n        suspend: true\n`,
    });
    expect(lintRule(repo, 'kustomize-build')).toEqual([
      {
        file: wrapper,
        line: lineOf(repo, wrapper, '- patch:'),
        column: 5,
        severity: 'error',
        message: 'no object matches the strategic-merge patch of HelmRelease helm.toolkit.fluxcd.io/v2 vaultt',
      },
    ]);
  });

  it('is silent on a patch of the object as the base wrote it (kustomize also matches the id it had before `namespace: vault`) or as built', () => {
    const patch = (meta: string) => `  - patch: |\n      apiVersion: helm.toolkit.fluxcd.io/v2\n      kind: HelmRelease\n      metadata:\n${meta}      spec:\n        suspend: true\n`;
    const repo = fixtureCopy({
      [wrapper]: (s) => `${s}patches:\n${patch('        name: vault\n')}${patch('        name: vault\n        namespace: vault\n')}`,
    });
    expect(lintRule(repo, 'kustomize-build')).toEqual([]);
  });

  it('reports a replacement whose source selects nothing, at the replacement', () => {
    const repo = fixtureCopy({
      [wrapper]: (s) =>
        `${s}replacements:\n  - source:\n      kind: ConfigMap\n      name: nothing\n    targets:\n      - select:\n          kind: HelmRelease\n        fieldPaths: [spec.values.x]\n`,
    });
    expect(lintRule(repo, 'kustomize-build')).toEqual([
      {
        file: wrapper,
        line: lineOf(repo, wrapper, '- source:'),
        column: 5,
        severity: 'error',
        message: 'replacement source (kind ConfigMap, name nothing) selects nothing',
      },
    ]);
  });

  it('reports a label selector kustomize cannot parse', () => {
    const repo = fixtureCopy({
      [wrapper]: (s) => `${s}patches:\n  - target:\n      labelSelector: "app in web"\n    patch: |\n      - op: add\n        path: /spec/suspend\n        value: true\n`,
    });
    expect(lintRule(repo, 'kustomize-build')).toEqual([
      expect.objectContaining({ file: wrapper, line: lineOf(repo, wrapper, '- target:'), message: "invalid selector 'app in web': expected ( after in" }),
    ]);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'kustomize-build')).toEqual([]);
  });
});
