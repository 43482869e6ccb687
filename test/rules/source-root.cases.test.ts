import { ruleTester, yaml } from '../rule-tester.js';

/**
 * A cluster whose Flux Operator syncs an OCI artifact CI pushes from deploy/: its sync path exists only under
 * deploy/ (https://fluxcd.control-plane.io/operator/fluxinstance/#sync-configuration).
 */
const tree = (syncPath: string) => ({
  'deploy/clusters/test/flux-system/flux-instance.yaml': yaml`
    apiVersion: fluxcd.controlplane.io/v1
    kind: FluxInstance
    metadata:
      name: flux
      namespace: flux-system
    spec:
      distribution:
        version: "2.7.x"
        registry: ghcr.io/fluxcd
      sync:
        kind: OCIRepository
        url: oci://ghcr.io/example/manifests
        ref: latest
        path: ${syncPath}
  `,
  'deploy/clusters/test/flux-system/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - flux-instance.yaml\n',
  'deploy/clusters/test/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n',
});

ruleTester.run('source-root', {
  valid: [
    {
      name: 'the sync path is a folder of the repository root',
      files: Object.fromEntries(Object.entries(tree('./clusters/test')).map(([p, t]) => [p.replace(/^deploy\//, ''), t])),
    },
  ],
  invalid: [
    {
      name: 'the sync path exists only below deploy/',
      files: tree('./clusters/test'),
      paths: ['deploy/clusters/test'],
      errors: [
        { file: "deploy/clusters/test/flux-system/flux-instance.yaml", line: 14, column: 11, severity: 'info', message: "OCIRepository flux-system/flux-system is read from deploy/ of this checkout: the sync path './clusters/test' exists only there (say so with 'sources:' in the config: kind OCIRepository, name flux-system, namespace flux-system, path deploy)" },
      ],
    },
  ],
});
