import { describe, expect, it } from 'vitest';
import { fixtureCopy, lineOf, lintRule } from '../helpers.js';

describe('remote-resource', () => {
  it('lists a remote base as info, at its line', () => {
    const base = 'flux-apps/vault/kustomization.yaml';
    const url = 'https://github.com/hashicorp/vault-helm//templates?ref=v0.28.0';
    const repo = fixtureCopy({ [base]: (s) => s.replace('  - release.yaml', `  - release.yaml\n  - ${url}`) });
    expect(lintRule(repo, 'remote-resource')).toEqual([
      { file: base, line: lineOf(repo, base, url), column: 5, severity: 'info', message: `remote resource '${url}' is not checked offline` },
    ]);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'remote-resource')).toEqual([]);
  });
});
