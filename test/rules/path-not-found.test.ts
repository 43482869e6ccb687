import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, replaceOnce } from '../helpers.js';

const wrapper = `${CLUSTER}/apps/vault/kustomization.yaml`;
const apps = `${CLUSTER}/apps/apps.yaml`;

describe('path-not-found', () => {
  it('reports a typo in a wrapper resources path at its line, with the closest existing path', () => {
    const repo = fixtureCopy({ [wrapper]: replaceOnce('flux-apps/vault', 'flux-apps/vautl') });
    expect(lintRule(repo, 'path-not-found')).toEqual([
      {
        file: wrapper,
        line: lineOf(repo, wrapper, 'vautl'),
        column: 5,
        severity: 'error',
        message: "resources entry '../../../../flux-apps/vautl' does not exist (resolved to flux-apps/vautl); did you mean '../../../../flux-apps/vault'?",
      },
    ]);
  });

  it('reports a Flux spec.path that does not exist, relative to the repo root', () => {
    const repo = fixtureCopy({ [apps]: replaceOnce('path: ./flux-clusters/stefanzhelev/apps/vault', 'path: ./flux-cluster/stefanzhelev/apps/vault') });
    const found = lintRule(repo, 'path-not-found');
    expect(found).toEqual([
      {
        file: apps,
        line: lineOf(repo, apps, './flux-cluster/'),
        column: 9,
        severity: 'error',
        message: "spec.path './flux-cluster/stefanzhelev/apps/vault' does not exist; did you mean './flux-clusters/stefanzhelev/apps/vault'?",
      },
    ]);
  });

  it('reports a missing manifest in a base', () => {
    const base = 'flux-apps/vault/kustomization.yaml';
    const repo = fixtureCopy({ 'flux-apps/vault/release.yaml': null });
    expect(lintRule(repo, 'path-not-found')).toEqual([
      expect.objectContaining({ file: base, line: lineOf(repo, base, 'release.yaml'), message: "resources entry 'release.yaml' does not exist (resolved to flux-apps/vault/release.yaml)" }),
    ]);
  });

  it('reports a Terraform spec.path that does not exist', () => {
    const tf = 'flux-apps/forgejo/terraform.yaml';
    const repo = fixtureCopy({ 'flux-apps/forgejo/terraform': null });
    expect(lintRule(repo, 'path-not-found')).toEqual([
      expect.objectContaining({ file: tf, line: lineOf(repo, tf, 'path: ./flux-apps/forgejo/terraform'), message: expect.stringContaining("Terraform spec.path './flux-apps/forgejo/terraform' does not exist") }),
    ]);
  });

  it('reports a resource directory without a kustomization.yaml', () => {
    const repo = fixtureCopy({ 'flux-apps/vault/kustomization.yaml': null });
    expect(lintRule(repo, 'path-not-found')).toEqual([
      expect.objectContaining({ file: wrapper, line: lineOf(repo, wrapper, 'flux-apps/vault'), message: expect.stringContaining('is a directory without a kustomization.yaml') }),
    ]);
  });

  it('reports a missing patch file and a missing generator input', () => {
    const base = 'flux-apps/vault/kustomization.yaml';
    const repo = fixtureCopy({
      [base]: (s) => `${s.trimEnd()}\npatches:\n  - path: missing-patch.yaml\nconfigMapGenerator:\n  - name: extra\n    files:\n      - config/missing.hcl\n`,
    });
    expect(lintRule(repo, 'path-not-found')).toEqual([
      expect.objectContaining({ file: base, line: lineOf(repo, base, 'missing-patch.yaml'), message: expect.stringContaining("patch file 'missing-patch.yaml' does not exist") }),
      expect.objectContaining({ file: base, line: lineOf(repo, base, 'config/missing.hcl'), message: expect.stringContaining("generator file 'config/missing.hcl' does not exist") }),
    ]);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'path-not-found')).toEqual([]);
  });
});
