import { cluster, CLUSTER_DIR, fluxKustomization, helmRelease, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\n`;

ruleTester.run('suspended', {
  valid: [
    { name: 'suspend: false', files: cluster({ [apps]: fluxKustomization('app', './apps/app', 'suspend: false'), 'apps/app/cm.yaml': cm('app') }) },
    { name: 'a HelmRelease without suspend', files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/release.yaml': helmRelease() }) },
  ],
  invalid: [
    {
      name: 'a Kustomization nobody depends on',
      files: cluster({ [apps]: fluxKustomization('app', './apps/app', 'suspend: true'), 'apps/app/cm.yaml': cm('app') }),
      errors: [
        { file: "clusters/test/apps.yaml", line: 13, column: 12, severity: 'warning', message: "Kustomization flux-system/app is committed with suspend: true: Flux does not reconcile it until someone runs 'flux resume'" },
      ],
    },
    {
      name: 'a Kustomization others wait for, naming them',
      files: cluster({
        [apps]: fluxKustomization('infra', './apps/infra', 'suspend: true') + '---\n' + fluxKustomization('app', './apps/app', 'dependsOn:\n  - name: infra'),
        'apps/infra/cm.yaml': cm('infra'),
        'apps/app/cm.yaml': cm('app'),
      }),
      errors: [
        { file: "clusters/test/apps.yaml", line: 13, column: 12, message: "Kustomization flux-system/infra is committed with suspend: true: Flux does not reconcile it until someone runs 'flux resume'; app depends on it and will wait" },
      ],
    },
    {
      name: 'a HelmRelease in the folder a Kustomization applies',
      files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/release.yaml': helmRelease({ spec: '  suspend: true\n' }) }),
      errors: [
        { file: "apps/app/release.yaml", line: 23, column: 12, message: "HelmRelease default/podinfo is committed with suspend: true: Flux does not reconcile it until someone runs 'flux resume'" },
      ],
    },
  ],
});
