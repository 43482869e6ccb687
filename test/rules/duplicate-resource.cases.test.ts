import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const cm = (name: string, namespace = 'default') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n`;

ruleTester.run('duplicate-resource', {
  valid: [
    {
      name: 'same name, another namespace or kind',
      files: cluster({
        [apps]: fluxKustomization('a', './apps/a') + '---\n' + fluxKustomization('b', './apps/b'),
        'apps/a/cm.yaml': cm('settings'),
        'apps/b/cm.yaml': cm('settings', 'other') + '---\n' + cm('settings').replace('kind: ConfigMap', 'kind: Secret'),
      }),
    },
  ],
  invalid: [
    {
      name: 'a folder that two Flux Kustomizations both build',
      files: cluster({ [apps]: fluxKustomization('a', './apps/a') + '---\n' + fluxKustomization('b', './apps/a'), 'apps/a/cm.yaml': cm('settings') }),
      errors: [
        { file: "apps/a/cm.yaml", line: 4, column: 9, message: "ConfigMap 'default/settings' is applied by two Kustomizations, 'flux-system/a' and 'flux-system/b', which both build this file" },
      ],
    },
    {
      name: 'the same object written in two folders',
      files: cluster({ [apps]: fluxKustomization('a', './apps/a') + '---\n' + fluxKustomization('b', './apps/b'), 'apps/a/cm.yaml': cm('settings'), 'apps/b/cm.yaml': cm('settings') }),
      errors: [
        { file: "apps/b/cm.yaml", line: 4, column: 9, message: "ConfigMap 'default/settings' is applied by Kustomization 'flux-system/b' here and by Kustomization 'flux-system/a' from apps/a/cm.yaml:4" },
      ],
    },
  ],
});
