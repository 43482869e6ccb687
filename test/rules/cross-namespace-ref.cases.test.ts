import { cluster, CLUSTER_DIR, fluxKustomization, helmRelease, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
/** A HelmRelease in 'team' whose chart comes from a HelmRepository in 'default'. */
const release = (sourceNamespace: string) => helmRelease({ namespace: 'team', sourceNamespace });
const tree = (sourceNamespace: string) => cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/release.yaml': release(sourceNamespace) });

ruleTester.run('cross-namespace-ref', {
  valid: [
    { name: 'a same-namespace reference that writes its namespace', files: tree('team'), options: { crossNamespacePolicy: 'deny' } },
    { name: 'a cross-namespace chart source helm-controller accepts, under recommended', files: tree('default') },
  ],
  invalid: [
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
