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
