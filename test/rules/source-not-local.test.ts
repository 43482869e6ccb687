import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, replaceOnce } from '../helpers.js';

describe('source-not-local', () => {
  it('lists a Kustomization whose source is an OCI artifact instead of reporting its path missing', () => {
    const apps = `${CLUSTER}/apps/apps.yaml`;
    const repo = fixtureCopy({
      [apps]: replaceOnce(
        '  path: ./flux-clusters/stefanzhelev/apps/dremio\n',
        '  path: ./deploy/dremio\n',
      ),
    });
    // Point that one Kustomization at an OCIRepository.
    const text = (s: string) => {
      const at = s.indexOf('path: ./deploy/dremio');
      const ref = s.indexOf('kind: GitRepository', at);
      return s.slice(0, ref) + 'kind: OCIRepository' + s.slice(ref + 'kind: GitRepository'.length);
    };
    const repo2 = fixtureCopy({ [apps]: (s) => text(replaceOnce('  path: ./flux-clusters/stefanzhelev/apps/dremio\n', '  path: ./deploy/dremio\n')(s)) });
    expect(lintRule(repo, 'path-not-found')).toHaveLength(1);
    expect(lintRule(repo2, 'path-not-found')).toEqual([]);
    expect(lintRule(repo2, 'source-not-local')).toEqual([
      expect.objectContaining({ file: apps, line: lineOf(repo2, apps, './deploy/dremio'), severity: 'info', message: expect.stringContaining("spec.path './deploy/dremio' is not checked: source OCIRepository/flux-system/flux-system is an artifact") }),
    ]);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'source-not-local')).toEqual([]);
  });
});
