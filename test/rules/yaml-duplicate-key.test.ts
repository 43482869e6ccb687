import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, replaceOnce } from '../helpers.js';

describe('yaml-duplicate-key', () => {
  it('points at the repeated key and names the first one', () => {
    const apps = `${CLUSTER}/apps/apps.yaml`;
    const repo = fixtureCopy({
      [apps]: replaceOnce('  path: ./flux-clusters/stefanzhelev/apps/vault\n', '  path: ./flux-clusters/stefanzhelev/apps/vault\n  interval: 1h\n'),
    });
    const first = lineOf(repo, apps, 'interval: 10m', 3);
    expect(lintRule(repo, 'yaml-duplicate-key')).toEqual([
      {
        file: apps,
        line: lineOf(repo, apps, 'interval: 1h'),
        column: 3,
        severity: 'error',
        message: `duplicate key 'interval' (first at line ${first}); only one of the two values would be used`,
      },
    ]);
  });

  it('warns about a repeated key in a kustomization file: kustomize keeps the last value instead of failing', () => {
    const k = 'flux-apps/vault/kustomization.yaml';
    const repo = fixtureCopy({ [k]: (s) => `${s}namespace: vault-two\n` });
    expect(lintRule(repo, 'yaml-duplicate-key')).toEqual([
      {
        file: k,
        line: lineOf(repo, k, 'namespace: vault-two'),
        column: 1,
        severity: 'warning',
        message: `duplicate key 'namespace' (first at line ${lineOf(repo, k, 'namespace: vault')}); kustomize keeps only this last value`,
      },
    ]);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'yaml-duplicate-key')).toEqual([]);
  });
});
