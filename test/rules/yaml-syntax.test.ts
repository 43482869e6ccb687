import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, lintTree, replaceOnce } from '../helpers.js';

describe('yaml-syntax', () => {
  it('reports a syntax error with the parser position, and keeps linting the other documents', () => {
    const apps = `${CLUSTER}/apps/apps.yaml`;
    const repo = fixtureCopy({ [apps]: replaceOnce('  path: ./flux-clusters/stefanzhelev/apps/vault', '  path: [./flux-clusters/stefanzhelev/apps/vault') });
    const found = lintRule(repo, 'yaml-syntax');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatchObject({ file: apps, severity: 'error', message: expect.stringMatching(/^YAML syntax error: /) });
    expect(found[0].line).toBeGreaterThanOrEqual(lineOf(repo, apps, 'path: [./'));
    // The other apps in the same file are still built: only vault's document is lost.
    const { model } = lintTree(repo);
    const keys = [...model.clusters[0].kustomizations.keys()];
    expect(keys).toContain('flux-system/forgejo');
    expect(keys).not.toContain('flux-system/vault');
  });

  it('reports a tab used for indentation', () => {
    const base = 'flux-apps/vault/namespace.yaml';
    const repo = fixtureCopy({ [base]: (s) => s.replace(/\n  name:/, '\n\tname:') });
    expect(lintRule(repo, 'yaml-syntax')).toEqual([
      expect.objectContaining({ file: base, line: lineOf(repo, base, '\tname'), severity: 'error' }),
    ]);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'yaml-syntax')).toEqual([]);
  });
});
