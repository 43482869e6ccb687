import { describe, expect, it } from 'vitest';
import { objectIndex } from '../../src/graph/objects.js';
import { clusterReferences, findReferent, referencesOf, usesOf } from '../../src/graph/references.js';
import { FIXTURES, fixtureCopy, lintTree } from '../helpers.js';

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
      'serviceAccountName ServiceAccount forgejo/tf-runner false',
    ]);
  });

  it('lists what CloudNative-PG objects and pods name, with the node path of each name', () => {
    const paths = (o: Parameters<typeof referencesOf>[0]) => referencesOf(o).map((r) => `${r.label} ${r.kind} ${r.group}/${r.namespace}/${r.name} ${r.namePath.join('.')}`);
    expect(paths(find('Cluster', 'postgres'))).toEqual([
      'spec.superuserSecret Secret /databases/postgres-superuser spec.superuserSecret.name',
      'spec.managed.roles[0].passwordSecret Secret /databases/authentik-db-credentials spec.managed.roles.0.passwordSecret.name',
      'spec.managed.roles[1].passwordSecret Secret /databases/forgejo-db-credentials spec.managed.roles.1.passwordSecret.name',
      'spec.managed.roles[2].passwordSecret Secret /databases/grafana-db-credentials spec.managed.roles.2.passwordSecret.name',
    ]);
    expect(paths(find('Database', 'forgejo'))).toEqual(['spec.cluster Cluster postgresql.cnpg.io/databases/postgres spec.cluster.name']);
    expect(paths(find('Deployment', 'helm-controller'))).toEqual([
      'spec.template.spec.serviceAccountName ServiceAccount /flux-system/helm-controller spec.template.spec.serviceAccountName',
    ]);
  });

  it('derives the uses of an object from the same list: its namespace, its CRD, and what it names except dependsOn', () => {
    expect(usesOf(find('Kustomization', 'forgejo'))).toEqual([
      { type: 'namespace', namespace: 'flux-system' },
      { type: 'crd', group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization' },
      { type: 'object', kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system', field: 'spec.sourceRef' },
      { type: 'object', kind: 'ConfigMap', name: 'cluster-vars', namespace: 'flux-system', field: 'spec.postBuild.substituteFrom[0]' },
    ]);
    expect(usesOf(find('Database', 'forgejo')).filter((u) => u.type === 'object')).toEqual([
      { type: 'object', kind: 'Cluster', name: 'postgres', namespace: 'databases', group: 'postgresql.cnpg.io', field: 'spec.cluster' },
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

describe('references with an unresolved ${VAR}', () => {
  it('leaves them out of the references the rules check, but keeps them as uses', () => {
    const repo = fixtureCopy({
      'flux-apps/forgejo/release.yaml': (t) => t.replace('      name: forgejo-secrets\n      valuesKey: secret-key', '      name: forgejo-${UNSET}\n      valuesKey: secret-key'),
    });
    const { model } = lintTree(repo, { ruleSet: [] });
    const hr = model.clusters[0].objects.find((o) => o.kind === 'HelmRelease' && o.name === 'forgejo')!;
    const named = ['spec.chart.spec.sourceRef', 'spec.valuesFrom[0]', 'spec.valuesFrom[2]', 'spec.valuesFrom[3]'];
    expect(referencesOf(hr).map((r) => r.label)).toEqual(named);
    expect(clusterReferences(model.clusters[0]).filter((r) => r.from === hr).map((r) => r.label)).toEqual(named);
    expect(usesOf(hr).flatMap((u) => (u.type === 'object' && u.kind === 'Secret' ? [`${u.field} ${u.name}`] : []))).toEqual([
      'spec.valuesFrom[0] forgejo-secrets',
      'spec.valuesFrom[1] forgejo-${UNSET}',
      'spec.valuesFrom[2] forgejo-secrets',
      'spec.valuesFrom[3] forgejo-secrets',
    ]);
  });
});
