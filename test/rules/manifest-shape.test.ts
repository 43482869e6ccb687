import { describe, expect, it } from 'vitest';
import { fixtureCopy, lineOf, lintRule, replaceOnce } from '../helpers.js';

describe('manifest-shape', () => {
  it('reports an object without metadata.name at its metadata', () => {
    const ns = 'flux-apps/vault/namespace.yaml';
    const repo = fixtureCopy({ [ns]: replaceOnce('  name: vault\n', '  labels:\n    team: platform\n') });
    expect(lintRule(repo, 'manifest-shape')).toEqual([
      { file: ns, line: lineOf(repo, ns, 'metadata:'), column: 1, severity: 'error', message: 'Namespace object is missing metadata.name; kustomize cannot build it' },
    ]);
  });

  it('reports a document that is a list, and one without apiVersion and kind', () => {
    const file = 'flux-apps/vault/extra.yaml';
    const base = 'flux-apps/vault/kustomization.yaml';
    const repo = fixtureCopy({
      [file]: '- a\n- b\n---\nmetadata:\n  name: x\n',
      [base]: (s) => s.replace('  - release.yaml', '  - release.yaml\n  - extra.yaml'),
    });
    expect(lintRule(repo, 'manifest-shape')).toEqual([
      { file, line: 1, column: 1, severity: 'error', message: 'document 1 is a list, not a Kubernetes object' },
      { file, line: 4, column: 1, severity: 'error', message: 'object is missing apiVersion, kind; kustomize cannot build it' },
    ]);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'manifest-shape')).toEqual([]);
  });
});
