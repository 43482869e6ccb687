import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, lintTree, replaceOnce } from '../helpers.js';

describe('yaml-syntax', () => {
  it('reports a syntax error once, at its position, and builds none of the documents of that file (kustomize reads a file as one stream)', () => {
    const apps = `${CLUSTER}/apps/apps.yaml`;
    const repo = fixtureCopy({ [apps]: replaceOnce('  path: ./flux-clusters/stefanzhelev/apps/vault', '  path: [./flux-clusters/stefanzhelev/apps/vault') });
    const found = lintRule(repo, 'yaml-syntax');
    expect(found).toEqual([expect.objectContaining({ file: apps, severity: 'error', message: expect.stringMatching(/^YAML syntax error: /) })]);
    expect(found[0].line).toBeGreaterThanOrEqual(lineOf(repo, apps, 'path: [./'));
    // kustomize fails on the whole file: no app of apps.yaml is built, not only vault.
    const { model } = lintTree(repo);
    expect([...model.clusters[0].kustomizations.keys()]).toEqual(['flux-system/flux-system']);
  });

  it('reports an alias to an anchor defined nowhere before it in its document, at the alias, in the parser\'s words', () => {
    const ks = `${CLUSTER}/apps/apps.yaml`;
    const anchored = (alias: string) =>
      fixtureCopy({ [ks]: replaceOnce('  name: vault\n  namespace: flux-system', `  name: &app vault\n  namespace: flux-system\n  labels:\n    app: *${alias}`) });
    const repo = anchored('app');
    const broken = anchored('pvc');
    expect(lintRule(repo, 'yaml-syntax')).toEqual([]);
    expect(lintRule(broken, 'yaml-syntax')).toEqual([
      {
        file: ks,
        line: lineOf(broken, ks, 'app: *pvc'),
        column: 10,
        severity: 'error',
        message: 'YAML syntax error: undefined alias *pvc: no anchor &pvc before it in this document',
      },
    ]);
  });

  it('reports an unterminated quote where it opens, not at the end of the file', () => {
    const ns = 'flux-apps/vault/namespace.yaml';
    const repo = fixtureCopy({ [ns]: (s) => s.replace('  name: vault', '  name: "vault\n  labels:\n    a: b\n') });
    expect(lintRule(repo, 'yaml-syntax')).toEqual([
      { file: ns, line: lineOf(repo, ns, '"vault'), column: 9, severity: 'error', message: 'YAML syntax error: Missing closing "quote' },
    ]);
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
