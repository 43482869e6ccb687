import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, replaceOnce, type Mutation } from '../helpers.js';

const tofu = 'flux-apps/tofu-controller/release.yaml';
const fluxSystem = `${CLUSTER}/flux-system/kustomization.yaml`;
const cnpg = 'flux-apps/cloudnative-pg/release.yaml';

/** The cloudnative-pg HelmRelease (cnpg-system) reads its chart from a HelmRepository moved to 'databases'. */
const crossChartSource: Record<string, Mutation> = {
  [cnpg]: (s) =>
    replaceOnce('kind: HelmRepository\n        name: cloudnative-pg', 'kind: HelmRepository\n        name: cloudnative-pg\n        namespace: databases')(
      replaceOnce('  name: cloudnative-pg\n  namespace: cnpg-system\nspec:\n  interval: 1h', '  name: cloudnative-pg\n  namespace: databases\nspec:\n  interval: 1h')(s),
    ),
};

/** flux-system patched the way Flux's multi-tenancy lockdown documents it. */
function lockdown(value: string): Mutation {
  return (s) =>
    `${s}patches:\n  - patch: |\n      - op: add\n        path: /spec/template/spec/containers/0/args/-\n        value: --no-cross-namespace-refs=${value}\n    target:\n      kind: Deployment\n      name: "(kustomize-controller|helm-controller)"\n`;
}

describe('cross-namespace-ref', () => {
  it('is silent on the clean fixture: tofu-controller sets allowCrossNamespaceRefs, so Terraform may read flux-system/flux-system', () => {
    expect(lintRule(fixtureCopy(), 'cross-namespace-ref')).toEqual([]);
  });

  it('reports every cross-namespace Terraform sourceRef as an error when tofu-controller does not allow them', () => {
    const repo = fixtureCopy({ [tofu]: replaceOnce('allowCrossNamespaceRefs: true', 'allowCrossNamespaceRefs: false') });
    const why = `tofu-controller refuses cross-namespace references unless its HelmRelease sets values.allowCrossNamespaceRefs: true (HelmRelease 'tofu-system/tofu-controller', ${tofu}:${lineOf(repo, tofu, 'allowCrossNamespaceRefs')})`;
    const at = (app: string) => {
      const file = `flux-apps/${app}/terraform.yaml`;
      return { file, line: lineOf(repo, file, 'namespace: flux-system'), column: 16, severity: 'error' };
    };
    expect(lintRule(repo, 'cross-namespace-ref')).toEqual([
      { ...at('authentik'), message: `Terraform spec.sourceRef GitRepository 'flux-system/flux-system' is in namespace 'flux-system', not 'authentik': ${why}` },
      { ...at('cloudnative-pg'), message: `Terraform spec.sourceRef GitRepository 'flux-system/flux-system' is in namespace 'flux-system', not 'databases': ${why}` },
      { ...at('forgejo'), message: `Terraform spec.sourceRef GitRepository 'flux-system/flux-system' is in namespace 'flux-system', not 'forgejo': ${why}` },
    ]);
  });

  it('treats a tofu-controller HelmRelease without the value as refusing (the controller default)', () => {
    const repo = fixtureCopy({ [tofu]: replaceOnce('    allowCrossNamespaceRefs: true\n', '') });
    const found = lintRule(repo, 'cross-namespace-ref');
    expect(found.map((d) => [d.file, d.severity])).toEqual([
      ['flux-apps/authentik/terraform.yaml', 'error'],
      ['flux-apps/cloudnative-pg/terraform.yaml', 'error'],
      ['flux-apps/forgejo/terraform.yaml', 'error'],
    ]);
    expect(found[0].message).toContain(`(HelmRelease 'tofu-system/tofu-controller', ${tofu}:${lineOf(repo, tofu, '  values:')})`);
  });

  it('reads the flag of a tofu-controller installed from a Deployment manifest', () => {
    const deployment = (args: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: tofu-controller\nspec:\n  selector:\n    matchLabels:\n      app: tofu-controller\n  template:\n    metadata:\n      labels:\n        app: tofu-controller\n    spec:\n      containers:\n        - name: manager\n          image: ghcr.io/flux-iac/tofu-controller:v0.16.0-rc.5\n          args:\n            - --watch-all-namespaces\n${args}`;
    const withArgs = (args: string) => fixtureCopy({ [tofu]: deployment(args) });
    const refused = withArgs('');
    const found = lintRule(refused, 'cross-namespace-ref');
    expect(found.map((d) => [d.file, d.severity])).toEqual([
      ['flux-apps/authentik/terraform.yaml', 'error'],
      ['flux-apps/cloudnative-pg/terraform.yaml', 'error'],
      ['flux-apps/forgejo/terraform.yaml', 'error'],
    ]);
    expect(found[0].message).toContain(`unless it runs with --allow-cross-namespace-refs (Deployment 'tofu-system/tofu-controller', ${tofu}:${lineOf(refused, tofu, 'containers:')})`);
    expect(lintRule(withArgs('            - --allow-cross-namespace-refs\n'), 'cross-namespace-ref')).toEqual([]);
  });

  it('is silent by default on a cross-namespace HelmRelease chart source that Flux accepts, and warns under strict', () => {
    const repo = fixtureCopy(crossChartSource);
    expect(lintRule(repo, 'cross-namespace-ref')).toEqual([]);
    expect(lintRule(repo, 'cross-namespace-ref', { preset: 'strict' })).toEqual([
      {
        file: cnpg,
        line: lineOf(repo, cnpg, '        namespace: databases'),
        column: 20,
        severity: 'warning',
        message:
          "HelmRelease spec.chart.spec.sourceRef HelmRepository 'databases/cloudnative-pg' is in namespace 'databases', not 'cnpg-system'; helm-controller accepts it, but it ties this object to another namespace (the strict preset; crossNamespace: allow silences it)",
      },
    ]);
  });

  it('follows crossNamespace (crossNamespacePolicy) over the preset: warn warns, deny makes it an error, allow silences it under strict', () => {
    const repo = fixtureCopy(crossChartSource);
    const found = (options: object) => lintRule(repo, 'cross-namespace-ref', options).map((d) => [d.severity, d.message.slice(d.message.lastIndexOf('('))]);
    expect(found({ crossNamespacePolicy: 'warn' })).toEqual([['warning', '(crossNamespace: warn)']]);
    expect(found({ crossNamespacePolicy: 'deny' })).toEqual([['error', '(crossNamespace: deny)']]);
    expect(lintRule(repo, 'cross-namespace-ref', { crossNamespacePolicy: 'deny' })[0].message).toContain(
      'the config forbids references across namespaces, though helm-controller would accept it (crossNamespace: deny)',
    );
    expect(found({ crossNamespacePolicy: 'allow', preset: 'strict' })).toEqual([]);
  });

  it('reports an error when flux-system patches helm-controller with --no-cross-namespace-refs=true, naming the patch', () => {
    const repo = fixtureCopy({ ...crossChartSource, [fluxSystem]: lockdown('true') });
    expect(lintRule(repo, 'cross-namespace-ref', { crossNamespacePolicy: 'allow' })).toEqual([
      {
        file: cnpg,
        line: lineOf(repo, cnpg, '        namespace: databases'),
        column: 20,
        severity: 'error',
        message: `HelmRelease spec.chart.spec.sourceRef HelmRepository 'databases/cloudnative-pg' is in namespace 'databases', not 'cnpg-system': helm-controller runs with --no-cross-namespace-refs=true (${fluxSystem}:${lineOf(repo, fluxSystem, '- patch: |')}) and refuses cross-namespace references`,
      },
    ]);
  });

  it('is silent where flux-system explicitly allows cross-namespace references (--no-cross-namespace-refs=false)', () => {
    const repo = fixtureCopy({ ...crossChartSource, [fluxSystem]: lockdown('false') });
    expect(lintRule(repo, 'cross-namespace-ref', { crossNamespacePolicy: 'deny' })).toEqual([]);
  });

  it('under lockdown, refuses a cross-namespace Kustomization sourceRef but not its dependsOn (Flux does not refuse dependsOn), which strict reports', () => {
    const apps = `${CLUSTER}/apps/apps.yaml`;
    // The grafana Kustomization moves to its own namespace and keeps reading flux-system's source and dependencies.
    const grafana = (s: string) => {
      const at = s.indexOf('  name: grafana\n  namespace: flux-system');
      const tail = s
        .slice(at)
        .replace('namespace: flux-system', 'namespace: grafana')
        .replace('    - name: cloudnative-pg', '    - name: cloudnative-pg\n      namespace: flux-system')
        .replace('    name: flux-system', '    name: flux-system\n    namespace: flux-system');
      return s.slice(0, at) + tail;
    };
    const repo = fixtureCopy({ [fluxSystem]: lockdown('true'), [apps]: grafana });
    const lockdownAt = `${fluxSystem}:${lineOf(repo, fluxSystem, '- patch: |')}`;
    const refused = {
      file: apps,
      // the dependsOn entry's '      namespace: flux-system' is the first match
      line: lineOf(repo, apps, '    namespace: flux-system', 2),
      column: 16,
      severity: 'error',
      message: `Kustomization spec.sourceRef GitRepository 'flux-system/flux-system' is in namespace 'flux-system', not 'grafana': kustomize-controller runs with --no-cross-namespace-refs=true (${lockdownAt}) and refuses cross-namespace references`,
    };
    expect(lintRule(repo, 'cross-namespace-ref')).toEqual([refused]);
    expect(lintRule(repo, 'cross-namespace-ref', { preset: 'strict' })).toEqual([
      {
        file: apps,
        line: lineOf(repo, apps, '      namespace: flux-system'),
        column: 18,
        severity: 'warning',
        message:
          "Kustomization spec.dependsOn[0] Kustomization 'flux-system/cloudnative-pg' is in namespace 'flux-system', not 'grafana'; kustomize-controller accepts it, but it ties this object to another namespace (the strict preset; crossNamespace: allow silences it)",
      },
      refused,
    ]);
  });

  it('is silent for a same-namespace reference that writes its namespace', () => {
    const tf = 'flux-apps/forgejo/terraform.yaml';
    const repo = fixtureCopy({
      [tofu]: replaceOnce('allowCrossNamespaceRefs: true', 'allowCrossNamespaceRefs: false'),
      [tf]: replaceOnce('  varsFrom:', '  dependsOn:\n    - name: forgejo-base\n      namespace: forgejo\n  varsFrom:'),
    });
    expect(lintRule(repo, 'cross-namespace-ref').filter((d) => d.file === tf).map((d) => d.message)).toEqual([
      expect.stringContaining('Terraform spec.sourceRef'),
    ]);
  });
});
