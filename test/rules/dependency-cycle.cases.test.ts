import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\n`;
const tree = (aDeps: string, bDeps: string) =>
  cluster({
    [apps]: fluxKustomization('a', './apps/a', aDeps) + '---\n' + fluxKustomization('b', './apps/b', bDeps),
    'apps/a/cm.yaml': cm('a'),
    'apps/b/cm.yaml': cm('b'),
  });

ruleTester.run('dependency-cycle', {
  valid: [{ name: 'b waits for a', files: tree('', 'dependsOn:\n  - name: a') }],
  invalid: [
    {
      name: 'a and b wait for each other',
      files: tree('dependsOn:\n  - name: b', 'dependsOn:\n  - name: a'),
      errors: [
        { file: "clusters/test/apps.yaml", line: 14, column: 13, message: "dependsOn cycle between Kustomizations: a → b → a; none of them ever becomes ready, so Flux reconciles none of them; remove the entry that closes the loop (this one, a → b) or another link" },
      ],
    },
    {
      name: 'a Kustomization that depends on itself',
      files: tree('dependsOn:\n  - name: a', ''),
      errors: [
        { file: "clusters/test/apps.yaml", line: 14, column: 13, message: "a depends on itself: Flux never reconciles it; remove this entry" },
      ],
    },
  ],
});
