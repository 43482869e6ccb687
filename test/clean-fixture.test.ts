import { describe, expect, it } from 'vitest';
import { CLUSTER, FIXTURES, lintTree } from './helpers.js';

describe('the clean fixture', () => {
  it('has no finding of any severity from any rule', () => {
    const result = lintTree(FIXTURES);
    expect(result.diagnostics).toEqual([]);
  });

  it('is found through its own flux-system Kustomization and walked in full', () => {
    const { summary, model } = lintTree(FIXTURES);
    expect(summary.rootReason).toBe('flux-path');
    expect(summary.clusters).toEqual([CLUSTER]);
    const cluster = model.clusters[0];
    expect(cluster.bootstrap).toBe('flux-system');
    // The root plus one Flux Kustomization per app in apps/apps.yaml, each built from its wrapper.
    const apps = [...cluster.kustomizations.values()].filter((k) => k.parent === 'flux-system/flux-system');
    expect(apps.length).toBeGreaterThanOrEqual(12);
    for (const k of apps) {
      expect(k.path).toBe(`${CLUSTER}/apps/${k.object!.name}`);
      expect(k.objects.length, `${k.key} builds objects`).toBeGreaterThan(0);
    }
  });

  it('records which Kustomization applies each base object, with namespaces applied', () => {
    const { model } = lintTree(FIXTURES);
    const cluster = model.clusters[0];
    const vault = cluster.objects.find((o) => o.kind === 'HelmRelease' && o.name === 'vault');
    expect(vault?.builtBy).toBe('flux-system/vault');
    expect(vault?.namespace).toBe('vault');
    expect(vault?.doc.file.path).toMatch(/^flux-apps\/vault\//);
  });
});
