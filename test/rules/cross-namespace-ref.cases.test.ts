import { cluster, CLUSTER_DIR, fluxKustomization, helmRelease, ruleTester, yaml } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
/** A HelmRelease in 'team' whose chart comes from a HelmRepository in 'default'. */
const release = (sourceNamespace: string) => helmRelease({ namespace: 'team', sourceNamespace });
const tree = (sourceNamespace: string) => cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/release.yaml': release(sourceNamespace) });
/**
 * The same, with Flux installed by the Flux Operator (its Deployments are not in the tree): a FluxInstance with the
 * multitenancy lockdown (`cluster.multitenant: true` on line 11), and `patches` after it.
 */
const operated = (patches = '') =>
  cluster({
    [apps]: fluxKustomization('app', './apps/app'),
    'apps/app/release.yaml': release('default'),
    [`${CLUSTER_DIR}/flux-instance.yaml`]:
      yaml`
        apiVersion: fluxcd.controlplane.io/v1
        kind: FluxInstance
        metadata:
          name: flux
          namespace: flux-system
        spec:
          distribution:
            version: "2.x"
            registry: ghcr.io/fluxcd
          cluster:
            multitenant: true
      ` + patches,
  });
const allowAgain = yaml`
  kustomize:
    patches:
      - target:
          kind: Deployment
          name: "(kustomize-controller|helm-controller)"
        patch: |
          - op: add
            path: /spec/template/spec/containers/0/args/-
            value: --no-cross-namespace-refs=false
`.replace(/^/gm, '  ');

ruleTester.run('cross-namespace-ref', {
  valid: [
    { name: 'a same-namespace reference that writes its namespace', files: tree('team'), options: { crossNamespacePolicy: 'deny' } },
    { name: 'a cross-namespace chart source helm-controller accepts, under recommended', files: tree('default') },
    {
      name: "a FluxInstance's kustomize.patches turning the multitenant lockdown's flag off again (the last flag wins)",
      files: operated(allowAgain),
      options: { crossNamespacePolicy: 'deny' },
    },
  ],
  invalid: [
    {
      name: 'the Flux Operator\'s multitenancy lockdown (FluxInstance cluster.multitenant: true) refuses a cross-namespace chart source',
      files: operated(),
      errors: [
        { file: 'apps/app/release.yaml', line: 23, column: 20, severity: 'error', message: "HelmRelease spec.chart.spec.sourceRef HelmRepository 'default/podinfo' is in namespace 'default', not 'team': helm-controller runs with --no-cross-namespace-refs=true (its FluxInstance sets cluster.multitenant: true, clusters/test/flux-instance.yaml:11) and refuses cross-namespace references" },
      ],
    },
    {
      name: 'a cross-namespace chart source under strict: a warning',
      files: tree('default'),
      options: { preset: 'strict' },
      errors: [
        { file: "apps/app/release.yaml", line: 23, column: 20, severity: 'warning', message: "HelmRelease spec.chart.spec.sourceRef HelmRepository 'default/podinfo' is in namespace 'default', not 'team'; helm-controller accepts it, but it ties this object to another namespace (the strict preset; crossNamespace: allow silences it)" },
      ],
    },
    {
      name: 'crossNamespace: deny makes it an error',
      files: tree('default'),
      options: { crossNamespacePolicy: 'deny' },
      errors: [
        { file: "apps/app/release.yaml", line: 23, column: 20, severity: 'error', message: "HelmRelease spec.chart.spec.sourceRef HelmRepository 'default/podinfo' is in namespace 'default', not 'team'; the config forbids references across namespaces, though helm-controller would accept it (crossNamespace: deny)" },
      ],
    },
  ],
});
