import { cluster, CLUSTER_DIR, fluxKustomization, helmRelease, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const release = helmRelease();
const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n';
/** infra deploys a HelmRelease; app waits for it. */
const tree = (infraSpec: string) =>
  cluster({
    [apps]: fluxKustomization('infra', './apps/infra', infraSpec) + '---\n' + fluxKustomization('app', './apps/app', 'dependsOn:\n  - name: infra'),
    'apps/infra/release.yaml': release,
    'apps/app/cm.yaml': cm,
  });

ruleTester.run('dependency-readiness', {
  valid: [
    { name: 'the dependency waits for what it deploys', files: tree('wait: true') },
    { name: 'the dependency has healthChecks', files: tree('healthChecks:\n  - apiVersion: helm.toolkit.fluxcd.io/v2\n    kind: HelmRelease\n    name: podinfo\n    namespace: default') },
    { name: 'wait: false is a decision', files: tree('wait: false') },
  ],
  invalid: [
    {
      name: 'a dependency that leaves wait unset and deploys a HelmRelease',
      files: tree(''),
      errors: [
        { file: "clusters/test/apps.yaml", line: 4, column: 9, severity: 'warning', message: "infra leaves wait unset (Flux's default: false) and has no healthChecks, yet app depends on it: Flux marks it ready as soon as it is applied, before helm.toolkit.fluxcd.io/HelmRelease default/podinfo (apps/infra/release.yaml:10) is running; set 'wait: true' or add healthChecks (or 'wait: false' if the dependents only need it applied)" },
      ],
    },
  ],
});
