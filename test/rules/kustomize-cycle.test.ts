import { describe, expect, it } from 'vitest';
import { fixtureCopy, lineOf, lintRule } from '../helpers.js';

describe('kustomize-cycle', () => {
  it('reports a base that includes the wrapper that includes it, without hanging', () => {
    const base = 'flux-apps/vault/kustomization.yaml';
    const repo = fixtureCopy({ [base]: (s) => s.replace('  - release.yaml', '  - release.yaml\n  - ../../flux-clusters/stefanzhelev/apps/vault') });
    expect(lintRule(repo, 'kustomize-cycle')).toEqual([
      expect.objectContaining({
        file: base,
        line: lineOf(repo, base, '../../flux-clusters'),
        severity: 'error',
        message: "resources entry '../../flux-clusters/stefanzhelev/apps/vault' includes flux-clusters/stefanzhelev/apps/vault, which is already being built: a kustomization cycle",
      }),
    ]);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'kustomize-cycle')).toEqual([]);
  });
});
