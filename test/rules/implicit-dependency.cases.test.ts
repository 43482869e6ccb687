import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
/** infra builds the Namespace 'team'; app puts a ConfigMap in it. */
const tree = (appSpec: string) =>
  cluster({
    [apps]: fluxKustomization('infra', './apps/infra', 'wait: true') + '---\n' + fluxKustomization('app', './apps/app', appSpec),
    'apps/infra/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n',
    'apps/app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: team\n',
  });

ruleTester.run('implicit-dependency', {
  valid: [{ name: 'app waits for the Kustomization that builds its Namespace', files: tree('dependsOn:\n  - name: infra') }],
  invalid: [
    {
      name: 'an object placed in a Namespace that another Kustomization builds',
      files: tree(''),
      errors: [
        { file: "clusters/test/apps.yaml", line: 18, column: 9, severity: 'warning', message: "app uses what infra builds without depending on it: ConfigMap team/app (apps/app/cm.yaml:1) needs Namespace team; add '- name: infra' to the spec.dependsOn of app" },
      ],
    },
  ],
});
