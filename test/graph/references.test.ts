import { describe, expect, it } from 'vitest';
import { objectIndex } from '../../src/graph/objects.js';
import { clusterReferences, findReferent, referencesOf } from '../../src/graph/references.js';
import { FIXTURES, lintTree } from '../helpers.js';

describe('references of the clean fixture', () => {
  const { model } = lintTree(FIXTURES, { ruleSet: [] });
  const cluster = model.clusters[0];
  const find = (kind: string, name: string) => cluster.objects.find((o) => o.kind === kind && o.name === name)!;
  const brief = (o: Parameters<typeof referencesOf>[0]) =>
    referencesOf(o).map((r) => ({ field: r.field, label: r.label, kind: r.kind, group: r.group, namespace: r.namespace, name: r.name, namespaceWritten: r.namespaceWritten, optional: r.optional }));

  it('lists a HelmRelease chart source and valuesFrom with the HelmRelease namespace as default', () => {
    expect(brief(find('HelmRelease', 'authentik'))).toEqual([
      { field: 'sourceRef', label: 'spec.chart.spec.sourceRef', kind: 'HelmRepository', group: 'source.toolkit.fluxcd.io', namespace: 'authentik', name: 'authentik', namespaceWritten: false, optional: false },
      { field: 'valuesFrom', label: 'spec.valuesFrom[0]', kind: 'Secret', group: '', namespace: 'authentik', name: 'authentik-secrets', namespaceWritten: false, optional: false },
      { field: 'valuesFrom', label: 'spec.valuesFrom[1]', kind: 'Secret', group: '', namespace: 'authentik', name: 'authentik-secrets', namespaceWritten: false, optional: false },
    ]);
  });

  it('lists a Kustomization dependsOn, sourceRef and substituteFrom, and a Terraform cross-namespace sourceRef and varsFrom', () => {
    expect(brief(find('Kustomization', 'forgejo')).map((r) => `${r.field} ${r.kind} ${r.namespace}/${r.name}`)).toEqual([
      'dependsOn Kustomization flux-system/cloudnative-pg',
      'dependsOn Kustomization flux-system/external-secrets-config',
      'sourceRef GitRepository flux-system/flux-system',
      'substituteFrom ConfigMap flux-system/cluster-vars',
    ]);
    expect(brief(find('Terraform', 'forgejo')).map((r) => `${r.field} ${r.kind} ${r.namespace}/${r.name} ${r.namespaceWritten}`)).toEqual([
      'sourceRef GitRepository flux-system/flux-system true',
      'varsFrom ConfigMap forgejo/forgejo-terraform-vars false',
    ]);
  });

  it('gives a ClusterSecretStore no namespace, and every reference of the clean fixture resolves', () => {
    const es = referencesOf(find('ExternalSecret', 'grafana-admin'));
    expect(es.map((r) => [r.field, r.kind, r.namespace, r.name])).toEqual([['secretStoreRef', 'ClusterSecretStore', undefined, 'vault']]);
    const index = objectIndex(cluster);
    const refs = clusterReferences(cluster);
    expect(refs.length).toBeGreaterThan(40);
    expect(refs.filter((r) => findReferent(index, r).length === 0).map((r) => `${r.from.kind}/${r.from.name} ${r.label}`)).toEqual([]);
  });
});
