import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester, yaml } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const configMap = yaml`
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings
    namespace: default
`;
const twoApps = (dependsOn: string) =>
  cluster({
    [apps]: fluxKustomization('infra', './apps/infra') + '---\n' + fluxKustomization('app', './apps/app', dependsOn),
    'apps/infra/cm.yaml': configMap,
    'apps/app/cm.yaml': configMap.replace('settings', 'app-settings'),
  });

ruleTester.run('dependency-missing', {
  valid: [
    { name: 'an entry naming a Kustomization of the same namespace', files: twoApps('dependsOn:\n  - name: infra') },
    { name: 'an entry that writes the namespace', files: twoApps('dependsOn:\n  - name: infra\n    namespace: flux-system') },
  ],
  invalid: [
    {
      name: 'a typo, with the closest name',
      files: twoApps('dependsOn:\n  - name: infr'),
      errors: [
        { file: "clusters/test/apps.yaml", line: 27, column: 13, message: "dependsOn Kustomization 'infr' does not exist in namespace 'flux-system' of cluster test; did you mean 'infra'?" },
      ],
    },
    {
      name: 'an entry in the wrong namespace, naming the one where it is',
      files: twoApps('dependsOn:\n  - name: infra\n    namespace: default'),
      errors: [
        { file: "clusters/test/apps.yaml", line: 27, column: 13, message: "dependsOn Kustomization 'infra' does not exist in namespace 'default' of cluster test; there is one in namespace 'flux-system': fix the entry's namespace" },
      ],
    },
  ],
});
