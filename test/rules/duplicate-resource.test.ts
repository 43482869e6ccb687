import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, replaceOnce } from '../helpers.js';

describe('duplicate-resource', () => {
  it('reports a file that two Flux Kustomizations both build', () => {
    const ns = 'flux-apps/vault/namespace.yaml';
    // forgejo's kustomization sets no namespace: the Namespace stays 'vault' (under airflow's `namespace: airflow`
    // kustomize would rename it to airflow, and then refuse two Namespaces airflow).
    const repo = fixtureCopy({ 'flux-apps/forgejo/kustomization.yaml': (s) => `${s}  - ../vault/namespace.yaml\n` });
    expect(lintRule(repo, 'duplicate-resource')).toEqual([
      {
        file: ns,
        line: lineOf(repo, ns, 'name: vault'),
        column: 9,
        severity: 'error',
        message: "Namespace 'vault' is applied by two Kustomizations, 'flux-system/forgejo' and 'flux-system/vault', which both build this file",
      },
    ]);
  });

  it('reports the same object written in two bases, at the second in file order, naming the first', () => {
    const authentik = 'flux-apps/authentik/terraform.yaml';
    const forgejo = 'flux-apps/forgejo/terraform.yaml';
    const copy = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: tf-runner\n  namespace: forgejo\n---\n';
    const repo = fixtureCopy({ [authentik]: (s) => copy + s });
    expect(lintRule(repo, 'duplicate-resource')).toEqual([
      {
        file: forgejo,
        line: lineOf(repo, forgejo, 'name: tf-runner'),
        column: 9,
        severity: 'error',
        message: `ServiceAccount 'forgejo/tf-runner' is applied by Kustomization 'flux-system/forgejo' here and by Kustomization 'flux-system/authentik' from ${authentik}:${lineOf(repo, authentik, 'name: tf-runner')}`,
      },
    ]);
  });

  it('reports an object applied twice by one Kustomization', () => {
    const es = 'flux-apps/grafana/externalsecrets.yaml';
    const repo = fixtureCopy({ [es]: (s) => `${s}---\n${s.slice(0, s.indexOf('---'))}` });
    expect(lintRule(repo, 'duplicate-resource')).toEqual([
      {
        file: es,
        line: lineOf(repo, es, 'name: grafana-admin', 3),
        column: 9,
        severity: 'error',
        message: `ExternalSecret 'grafana/grafana-admin' is applied twice by Kustomization 'flux-system/grafana' (also from ${es}:${lineOf(repo, es, 'name: grafana-admin')})`,
      },
    ]);
  });

  it('counts an object without namespace as the one in default', () => {
    const wrapper = `${CLUSTER}/apps/dremio/kustomization.yaml`;
    const cm = (ns: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared-settings\n${ns}data:\n  a: b\n`;
    const repo = fixtureCopy({
      'flux-apps/extra/a.yaml': cm(''),
      'flux-apps/extra/b.yaml': cm('  namespace: default\n'),
      'flux-apps/extra/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - a.yaml\n  - b.yaml\n',
      [wrapper]: replaceOnce('resources:', 'resources:\n  - ../../../../flux-apps/extra'),
    });
    expect(lintRule(repo, 'duplicate-resource')).toEqual([
      expect.objectContaining({
        file: 'flux-apps/extra/b.yaml',
        line: 4,
        message: "ConfigMap 'default/shared-settings' is applied twice by Kustomization 'flux-system/dremio' (also from flux-apps/extra/a.yaml:4)",
      }),
    ]);
  });

  it('does not confuse objects of the same name with another kind or in another namespace', () => {
    const repo = fixtureCopy({
      'flux-apps/forgejo/terraform.yaml': replaceOnce('  name: forgejo-terraform-vars\n  namespace: forgejo', '  name: tf-runner\n  namespace: forgejo'),
    });
    expect(lintRule(repo, 'duplicate-resource')).toEqual([]);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'duplicate-resource')).toEqual([]);
  });
});
