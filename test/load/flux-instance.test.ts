import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lintTree } from '../helpers.js';

const INSTANCE = `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata:
  name: flux
  namespace: flux-system
spec:
  distribution:
    version: "2.7.x"
    registry: ghcr.io/fluxcd
  sync:
    kind: GitRepository
    url: https://github.com/stefanzhelev/homelab.git
    ref: refs/heads/main
    path: flux-clusters/stefanzhelev
`;

// Bootstraps other than \`flux bootstrap\`: the Flux Operator's FluxInstance names the cluster path in spec.sync.
describe('a cluster bootstrapped by a Flux Operator FluxInstance', () => {
  it('is found, rooted by the instance sync, and walked like a flux bootstrap', () => {
    const repo = fixtureCopy({
      [`${CLUSTER}/flux-system/gotk-sync.yaml`]: null,
      [`${CLUSTER}/flux-system/flux-instance.yaml`]: INSTANCE,
      [`${CLUSTER}/flux-system/kustomization.yaml`]: (s) => s.replace('gotk-sync.yaml', 'flux-instance.yaml'),
    });
    const { summary, model, diagnostics } = lintTree(repo);
    expect(summary).toMatchObject({ root: '.', rootReason: 'flux-path', clusters: [CLUSTER] });
    const cluster = model.clusters[0];
    expect(cluster.bootstrap).toBe('flux-system');
    expect(cluster.rootKey).toBe('flux-system/flux-system');
    expect(cluster.kustomizations.get('flux-system/forgejo')?.path).toBe(`${CLUSTER}/apps/forgejo`);
    // The GitRepository the operator creates from spec.sync is not in Git, yet every sourceRef to it is fine; the
    // FluxInstance itself validates against the Flux Operator's schema (schemas/fluxcd.controlplane.io/).
    expect(diagnostics).toEqual([]);
  });
});
