import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester, yaml } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const widget = (kind: string) => yaml`
  apiVersion: example.com/v1
  kind: ${kind}
  metadata:
    name: app
    namespace: default
  spec:
    size: 1
`;
const crd = yaml`
  apiVersion: apiextensions.k8s.io/v1
  kind: CustomResourceDefinition
  metadata:
    name: widgets.example.com
  spec:
    group: example.com
    names:
      kind: Widget
      plural: widgets
      singular: widget
      listKind: WidgetList
    scope: Namespaced
    versions:
      - name: v1
        served: true
        storage: true
        schema:
          openAPIV3Schema:
            type: object
            properties:
              spec:
                type: object
                properties:
                  size:
                    type: integer
`;

ruleTester.run('schema-missing', {
  valid: [
    {
      name: 'a custom kind whose CRD is in the tree',
      files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/crd.yaml': crd, 'apps/app/widget.yaml': widget('Widget') }),
    },
  ],
  invalid: [
    {
      name: 'a custom kind without schema: one line (info under recommended)',
      files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/widget.yaml': widget('Widget') }),
      errors: [
        { file: "apps/app/widget.yaml", line: 2, column: 7, severity: 'info', message: "no schema for example.com/v1 Widget; 1 object not validated (add its CustomResourceDefinition to the repository, or pass it with --crds DIR)" },
      ],
    },
    {
      name: 'a warning under strict',
      files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/widget.yaml': widget('Widget') }),
      options: { preset: 'strict' },
      errors: [
        { file: "apps/app/widget.yaml", line: 2, column: 7, severity: 'warning', message: "no schema for example.com/v1 Widget; 1 object not validated (add its CustomResourceDefinition to the repository, or pass it with --crds DIR)" },
      ],
    },
    {
      name: 'a misspelt kind of a group lint-gitops knows: a warning of its own, with the kind it meant',
      files: cluster({ [apps]: fluxKustomization('app', './apps/app').replace('kind: Kustomization', 'kind: Kustomizaton') }),
      errors: [
        { file: "clusters/test/apps.yaml", line: 2, column: 7, severity: 'warning', message: "no schema for kustomize.toolkit.fluxcd.io/v1 Kustomizaton (did you mean 'Kustomization'?); 1 object not validated (add its CustomResourceDefinition to the repository, or pass it with --crds DIR)" },
      ],
    },
    {
      name: "a misspelt kind of a CRD in the tree: a warning of its own, with the CRD's kind it meant",
      files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/crd.yaml': crd, 'apps/app/widget.yaml': widget('Widgit') }),
      errors: [
        { file: "apps/app/widget.yaml", line: 2, column: 7, severity: 'warning', message: "no schema for example.com/v1 Widgit (did you mean 'Widget'?); 1 object not validated (add its CustomResourceDefinition to the repository, or pass it with --crds DIR)" },
      ],
    },
  ],
});
