/**
 * Small kustomize directories, one behaviour each, that the differential test builds with kubectl and with the
 * builder (test/load/kustomize-differential.test.ts compares whole objects here, not only identities and Flux
 * specs). Each directory's comment says what kustomize does there; a directory whose name ends in `-fails` is one
 * kustomize refuses, and the builder must refuse it too.
 */

const flux = (name: string, extra = '') => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
spec:
  interval: 1h
  path: ./apps/${name}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
    namespace: flux-system
${extra}`;

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
    tier: front
  finalizers: [a, b]
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    spec:
      serviceAccountName: web
      containers:
        - name: web
          image: web:1
          args: [--a, --b]
          env:
            - name: A
              value: "1"
            - name: B
              value: "2"
          envFrom:
            - configMapRef:
                name: settings
          ports:
            - name: http
              containerPort: 80
            - name: metrics
              containerPort: 9090
          volumeMounts:
            - name: data
              mountPath: /data
        - name: sidecar
          image: side:1
      tolerations:
        - key: a
          operator: Exists
      volumes:
        - name: data
          emptyDir: {}
        - name: config
          configMap:
            name: settings
`;

const helmRelease = (name: string, labels = '') => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
${labels}spec:
  interval: 1h
  chart:
    spec:
      chart: ${name}
      sourceRef:
        kind: HelmRepository
        name: charts
  valuesFrom:
    - kind: ConfigMap
      name: ${name}-values
    - kind: Secret
      name: ${name}-secret
  values:
    replicas: 1
    image:
      tag: "1.0"
    list:
      - name: one
        v: 1
      - name: two
        v: 2
`;

export const CASES: Record<string, string> = {
  // The joryirving pattern: a component's Namespace named anything, renamed by `namespace:`, whose name a
  // replacement then writes into every Flux Kustomization's spec.targetNamespace (created).
  'cases/replacement-target-namespace/kustomization.yaml': `namespace: cert-manager
components: [../../components/namespace]
replacements:
  - path: ../../components/replacements/ks.yaml
resources: [ks.yaml]
`,
  'cases/replacement-target-namespace/ks.yaml': `${flux('cert-manager')}---
${flux('cert-manager-issuers', '  targetNamespace: old\n')}`,
  'components/namespace/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources: [namespace.yaml]
`,
  'components/namespace/namespace.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: _
  labels:
    managed: "true"
`,
  'components/replacements/ks.yaml': `- source:
    kind: Namespace
    fieldPath: metadata.name
  targets:
    - select:
        kind: Kustomization
        group: kustomize.toolkit.fluxcd.io
      fieldPaths: [spec.targetNamespace]
      options:
        create: true
`,

  // Source options (delimiter/index), list selectors (a regular expression anywhere in the value), `*`, indexes,
  // created list items and maps, a scalar keeping its type, rejects by id and by label selector.
  'cases/replacement-options/kustomization.yaml': `resources: [source.yaml, deployment.yaml, release.yaml, other.yaml]
replacements:
  - source:
      kind: ConfigMap
      name: source
      fieldPath: data.image
      options:
        delimiter: ":"
        index: 1
    targets:
      - select:
          kind: Deployment
        fieldPaths:
          - spec.template.spec.containers.[name=web].image
          - spec.template.spec.containers.*.env.[name=TAG].value
        options:
          delimiter: ":"
          index: 1
          create: true
  - source:
      kind: ConfigMap
      name: source
      fieldPath: data.replicas
    targets:
      - select:
          kind: Deployment
          name: web
        fieldPaths: [spec.replicas, spec.template.spec.containers.0.args.1]
      - select:
          group: helm.toolkit.fluxcd.io
          labelSelector: "tier in (back, front), env notin (dev)"
        reject:
          - name: other
          - labelSelector: "skip"
        fieldPaths: [spec.values.replicas, spec.values.extra.count]
        options:
          create: true
  - source:
      kind: ConfigMap
      name: source
      fieldPath: data
    targets:
      - select:
          kind: HelmRelease
          annotationSelector: "copy=yes"
        fieldPaths: [spec.values.copied]
        options:
          create: true
  - source:
      kind: HelmRelease
      name: app
      fieldPath: spec.valuesFrom.[kind=Secret].name
    targets:
      - select:
          kind: HelmRelease
          name: other
        fieldPaths: [spec.values.secretName]
        options:
          create: true
`,
  'cases/replacement-options/source.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: source
data:
  image: registry/web:2.5
  replicas: "3"
`,
  'cases/replacement-options/deployment.yaml': deployment,
  'cases/replacement-options/release.yaml': helmRelease('app', '  labels:\n    tier: back\n  annotations:\n    copy: "yes"\n'),
  'cases/replacement-options/other.yaml': `${helmRelease('other', '  labels:\n    tier: front\n')}---
${helmRelease('skipped', '  labels:\n    tier: front\n    skip: "1"\n')}---
${helmRelease('dev', '  labels:\n    tier: front\n    env: dev\n')}`,

  // A path file holding one replacement (not a list); the source selected by its name before a prefix.
  'cases/replacement-file/kustomization.yaml': `namePrefix: p-
resources: [source.yaml, release.yaml]
replacements:
  - path: one.yaml
`,
  'cases/replacement-file/one.yaml': `source:
  kind: ConfigMap
  name: source
  fieldPath: data.tag
targets:
  - select:
      kind: HelmRelease
    fieldPaths: [spec.values.image.tag, spec.chart.spec.version]
    options:
      create: true
`,
  'cases/replacement-file/source.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: source
data:
  tag: "2.0"
`,
  'cases/replacement-file/release.yaml': helmRelease('app'),

  'cases/replacement-no-source-fails/kustomization.yaml': `resources: [release.yaml]
replacements:
  - source:
      kind: ConfigMap
      name: nothing
    targets:
      - select:
          kind: HelmRelease
        fieldPaths: [spec.values.x]
`,
  'cases/replacement-no-source-fails/release.yaml': helmRelease('app'),
  'cases/replacement-no-target-field-fails/kustomization.yaml': `resources: [release.yaml]
replacements:
  - source:
      kind: HelmRelease
      fieldPath: metadata.name
    targets:
      - select:
          kind: HelmRelease
        fieldPaths: [spec.values.missing]
`,
  'cases/replacement-no-target-field-fails/release.yaml': helmRelease('app'),
  'cases/replacement-two-sources-fails/kustomization.yaml': `resources: [release.yaml]
replacements:
  - source:
      kind: HelmRelease
    targets:
      - select:
          kind: HelmRelease
        fieldPaths: [spec.values.name]
        options:
          create: true
`,
  'cases/replacement-two-sources-fails/release.yaml': `${helmRelease('a')}---
${helmRelease('b')}`,

  // Name references to renamed ServiceAccounts of one name in two namespaces: a RoleBinding reaches the one of its
  // subject's namespace, a Deployment only its own namespace's.
  'cases/nameref-serviceaccounts/kustomization.yaml': `namePrefix: p-
resources: [sa.yaml]
`,
  'cases/nameref-serviceaccounts/sa.yaml': `apiVersion: v1
kind: ServiceAccount
metadata:
  name: runner
  namespace: a
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: runner
  namespace: b
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rb
  namespace: a
subjects:
  - kind: ServiceAccount
    name: runner
    namespace: b
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: reader
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: a
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      serviceAccountName: runner
      containers:
        - name: web
          image: nginx
`,

  // `namespace:` with a prefix: Namespaces renamed (not prefixed), RoleBinding subjects named default and those
  // whose ServiceAccount is in the build, APIService and webhook services, roleRef names.
  'cases/namespace-subjects/kustomization.yaml': `namespace: apps
namePrefix: p-
resources: [rbac.yaml]
`,
  'cases/namespace-subjects/rbac.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: whatever
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rb
subjects:
  - kind: ServiceAccount
    name: default
  - kind: ServiceAccount
    name: default
    namespace: other
  - kind: ServiceAccount
    name: web
    namespace: old
  - kind: ServiceAccount
    name: outside
    namespace: other
  - kind: Group
    name: admins
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: reader
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: crb
subjects:
  - kind: ServiceAccount
    name: web
    namespace: old
  - kind: ServiceAccount
    name: default
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: viewer
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
  namespace: old
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: viewer
---
apiVersion: v1
kind: Service
metadata:
  name: svc
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: hooks
webhooks:
  - name: a.example.com
    clientConfig:
      service:
        name: svc
        namespace: old
  - name: b.example.com
    clientConfig:
      service:
        name: elsewhere
        namespace: old
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1.metrics.example.com
spec:
  service:
    name: svc
    namespace: old
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1.local.example.com
spec:
  group: local.example.com
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.example.com
spec:
  group: example.com
  conversion:
    strategy: Webhook
    webhook:
      clientConfig:
        service:
          name: svc
          namespace: old
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: letsencrypt
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: policy
`,

  // Two Namespaces renamed to one: kustomize refuses the build.
  'cases/namespace-conflict-fails/kustomization.yaml': `namespace: apps
resources: [namespaces.yaml]
`,
  'cases/namespace-conflict-fails/namespaces.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: a
---
apiVersion: v1
kind: Namespace
metadata:
  name: b
`,

  // A NamespaceTransformer in `transformers:` with unsetOnly: only objects without a namespace move.
  'cases/namespace-transformer-unset-only/kustomization.yaml': `resources: [objects.yaml]
transformers:
  - |-
    apiVersion: builtin
    kind: NamespaceTransformer
    unsetOnly: true
    metadata:
      name: not-used
      namespace: media
`,
  'cases/namespace-transformer-unset-only/objects.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: a
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  namespace: kept
---
apiVersion: v1
kind: Namespace
metadata:
  name: media
`,

  // Strategic merge on a built-in kind: containers, env, ports, volumes merge by key (the patch's items first),
  // tolerations and args are replaced, `$patch: delete` removes an item, null removes a field, finalizers merge.
  'cases/smp-builtin/kustomization.yaml': `resources: [deployment.yaml, gone.yaml]
patches:
  - patch: |
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        finalizers: [c, a]
        labels:
          added: "yes"
      spec:
        replicas: null
        template:
          spec:
            containers:
              - name: web
                args: [--c]
                env:
                  - name: C
                    value: "3"
                  - name: A
                    value: changed
                ports:
                  - name: web
                    containerPort: 80
              - name: sidecar
                $patch: delete
              - name: extra
                image: extra:1
            tolerations:
              - key: b
                operator: Exists
            volumes:
              - name: new
                emptyDir: {}
  - patch: |
      $patch: delete
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: gone
`,
  'cases/smp-builtin/deployment.yaml': deployment,
  'cases/smp-builtin/gone.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: gone
`,

  // Strategic merge on a custom resource (no schema): maps merge, every list is replaced whole.
  'cases/smp-custom-resource/kustomization.yaml': `resources: [release.yaml]
patchesStrategicMerge:
  - patch.yaml
`,
  'cases/smp-custom-resource/release.yaml': helmRelease('app'),
  'cases/smp-custom-resource/patch.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: app
spec:
  interval: 5m
  valuesFrom:
    - kind: ConfigMap
      name: other
  values:
    image:
      repository: new
    list:
      - name: two
        w: 3
    removed: null
`,

  // A strategic-merge patch without a target is for the one object of its id: without a namespace it does not
  // match an object that has one.
  'cases/smp-namespace-mismatch-fails/kustomization.yaml': `resources: [release.yaml]
patches:
  - patch: |
      apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata:
        name: app
      spec:
        interval: 5m
`,
  'cases/smp-namespace-mismatch-fails/release.yaml': helmRelease('app').replace('  name: app\n', '  name: app\n  namespace: apps\n'),
  'cases/smp-api-version-mismatch-fails/kustomization.yaml': `resources: [release.yaml]
patches:
  - patch: |
      apiVersion: helm.toolkit.fluxcd.io/v2beta1
      kind: HelmRelease
      metadata:
        name: app
      spec:
        interval: 5m
`,
  'cases/smp-api-version-mismatch-fails/release.yaml': helmRelease('app'),

  // Targets: every form of label selector, a name regular expression, a namespace (default is no namespace).
  'cases/patch-targets/kustomization.yaml': `resources: [releases.yaml]
patches:
  - target:
      kind: HelmRelease
      labelSelector: "tier in (front,back),env notin (dev)"
    patch: |
      - op: add
        path: /spec/values/inOrNotin
        value: true
  - target:
      labelSelector: "!env"
    patch: |
      - op: add
        path: /spec/values/noEnv
        value: true
  - target:
      labelSelector: "env!=prod,tier"
    patch: |
      - op: add
        path: /spec/values/notProd
        value: true
  - target:
      labelSelector: "env==prod"
    patch: |
      - op: add
        path: /spec/values/prod
        value: true
  - target:
      name: "a.*"
      namespace: default
    patch: |
      - op: replace
        path: /spec/interval
        value: 2h
  - target:
      annotationSelector: "team=blue"
      version: v2
      group: helm.toolkit.fluxcd.io
    patch: |
      apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata:
        name: any
      spec:
        suspend: true
`,
  'cases/patch-targets/releases.yaml': `${helmRelease('alpha', '  labels:\n    tier: front\n    env: prod\n  annotations:\n    team: blue\n')}---
${helmRelease('beta', '  labels:\n    tier: back\n    env: dev\n')}---
${helmRelease('gamma', '  labels:\n    tier: middle\n')}---
${helmRelease('apps', '  namespace: apps\n  labels:\n    tier: front\n')}`,

  // RFC 6902: every operation; a replace of a path that is not there fails the build.
  'cases/json6902/kustomization.yaml': `resources: [release.yaml]
patchesJson6902:
  - target:
      group: helm.toolkit.fluxcd.io
      version: v2
      kind: HelmRelease
      name: app
    patch: |
      - op: test
        path: /spec/interval
        value: 1h
      - op: add
        path: /spec/values/list/-
        value: {name: three}
      - op: copy
        from: /spec/values/image
        path: /spec/values/copied
      - op: move
        from: /spec/values/replicas
        path: /spec/values/moved
      - op: remove
        path: /spec/valuesFrom/1
      - op: replace
        path: /spec/chart/spec/chart
        value: renamed
`,
  'cases/json6902/release.yaml': helmRelease('app'),
  'cases/json6902-missing-path-fails/kustomization.yaml': `resources: [release.yaml]
patches:
  - target:
      kind: HelmRelease
    patch: |
      - op: replace
        path: /spec/nothing/here
        value: x
`,
  'cases/json6902-missing-path-fails/release.yaml': helmRelease('app'),

  // Generators: literal, file and env data exactly as kustomize reads them, options, a Secret, the name hash, and
  // references that follow it (a pod's volume built in; a HelmRelease's valuesFrom from a configurations file).
  'cases/generators/kustomization.yaml': `namespace: apps
resources: [deployment.yaml, release.yaml]
configMapGenerator:
  - name: settings
    literals: [A=1, B="quoted", C=a=b]
    files: [app.conf, renamed=app.conf]
    envs: [vars.env]
  - name: app-values
    files: [values.yaml]
    options:
      disableNameSuffixHash: true
secretGenerator:
  - name: app-secret
    literals: [password=hunter2]
    files: [long.txt]
generatorOptions:
  labels:
    generated: "yes"
  annotations:
    kustomize.toolkit.fluxcd.io/substitute: disabled
configurations: [kustomizeconfig.yaml]
`,
  'cases/generators/app.conf': 'key = <value> & "more"\n',
  'cases/generators/vars.env': '# comment\nX=1\n  Y = "two" \nZ=\n',
  'cases/generators/values.yaml': 'replicas: 2\n',
  'cases/generators/long.txt': `${'0123456789'.repeat(12)}\n`,
  'cases/generators/deployment.yaml': deployment,
  'cases/generators/release.yaml': helmRelease('app'),
  'cases/generators/kustomizeconfig.yaml': `nameReference:
  - kind: ConfigMap
    version: v1
    fieldSpecs:
      - path: spec/valuesFrom/name
        kind: HelmRelease
  - kind: Secret
    version: v1
    fieldSpecs:
      - path: spec/valuesFrom/name
        kind: HelmRelease
`,

  // An overlay: a prefix, a generator merging into the base's, a patch targeting the base's name, a JSON patch
  // (it runs after the prefix, and still finds the object by its first name), labels that a later selector uses.
  'cases/overlay/kustomization.yaml': `namePrefix: prod-
nameSuffix: -v1
commonLabels:
  stage: prod
commonAnnotations:
  owner: team
resources: [../../bases/app]
configMapGenerator:
  - name: app-values
    behavior: merge
    literals: [extra=1]
patches:
  - target:
      kind: HelmRelease
      name: app
    patch: |
      - op: add
        path: /spec/values/overlay
        value: true
patchesJson6902:
  - target:
      kind: HelmRelease
      name: app
    patch: |
      - op: add
        path: /spec/values/json6902
        value: true
`,
  'bases/app/kustomization.yaml': `configMapGenerator:
  - name: app-values
    literals: [base=1]
resources: [release.yaml]
configurations: [config.yaml]
`,
  'bases/app/release.yaml': helmRelease('app'),
  'bases/app/config.yaml': `nameReference:
  - kind: ConfigMap
    fieldSpecs:
      - path: spec/valuesFrom/name
        kind: HelmRelease
`,
  'cases/overlay-of-overlay/kustomization.yaml': `resources: [../overlay]
patches:
  - target:
      labelSelector: stage=prod
      kind: HelmRelease
    patch: |
      apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata:
        name: x
      spec:
        suspend: true
`,

  // A component runs after its parent's generators and before its transformers, on everything accumulated.
  'cases/component/kustomization.yaml': `resources: [release.yaml]
configMapGenerator:
  - name: app-values
    literals: [a=1]
components: [../../components/tweaks]
namespace: apps
`,
  'cases/component/release.yaml': helmRelease('app'),
  'components/tweaks/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
configMapGenerator:
  - name: app-values
    behavior: merge
    literals: [b=2]
patches:
  - target:
      kind: HelmRelease
    patch: |
      - op: add
        path: /spec/values/fromComponent
        value: true
`,

  // Two files with the same object: kustomize refuses the build.
  'cases/duplicate-fails/kustomization.yaml': `resources: [a.yaml, b.yaml]
`,
  'cases/duplicate-fails/a.yaml': helmRelease('app'),
  'cases/duplicate-fails/b.yaml': helmRelease('app'),

  // config.kubernetes.io/local-config objects are not in the output.
  'cases/local-config/kustomization.yaml': `resources: [objects.yaml]
`,
  'cases/local-config/objects.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: local
  annotations:
    config.kubernetes.io/local-config: "true"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: kept
`,

  // YAML merge keys are applied (kustomize reads YAML with yaml.v3).
  'cases/merge-keys/kustomization.yaml': `resources: [ks.yaml]
`,
  'cases/merge-keys/ks.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: checks
spec:
  interval: 1h
  path: ./x
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  healthChecks:
    - &crd
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      name: one.example.com
    - <<: *crd
      name: two.example.com
`,

  // A plugin transformer: Flux's kustomize-controller runs none, and kubectl without --enable-alpha-plugins neither.
  'cases/plugin-transformer-fails/kustomization.yaml': `resources: [release.yaml]
transformers:
  - |-
    apiVersion: example.com/v1
    kind: MyTransformer
    metadata:
      name: x
`,
  'cases/plugin-transformer-fails/release.yaml': helmRelease('app'),

  // References kustomize cannot follow: what path-not-found and kustomize-cycle report.
  'cases/missing-resource-fails/kustomization.yaml': `resources: [nothing.yaml]
`,
  'cases/component-as-resource-fails/kustomization.yaml': `resources: [../../components/namespace]
`,
  'cases/cycle-a-fails/kustomization.yaml': `resources: [../cycle-b-fails]
`,
  'cases/cycle-b-fails/kustomization.yaml': `resources: [../cycle-a-fails]
`,
  'cases/missing-patch-fails/kustomization.yaml': `resources: [release.yaml]
patches:
  - path: nothing.yaml
`,
  'cases/missing-patch-fails/release.yaml': helmRelease('app'),
  // Two kustomization files in one directory: kustomize will not choose.
  'cases/two-files-fails/kustomization.yaml': `resources: []
`,
  'cases/two-files-fails/kustomization.yml': `resources: []
`,
  // Built-in transformers configured in a file: a PatchTransformer runs like a `patches` entry.
  'cases/transformer-file/kustomization.yaml': `resources: [release.yaml]
transformers: [patch.yaml]
`,
  'cases/transformer-file/patch.yaml': `apiVersion: builtin
kind: PatchTransformer
metadata:
  name: suspend
target:
  kind: HelmRelease
patch: |
  - op: add
    path: /spec/suspend
    value: true
`,
  'cases/transformer-file/release.yaml': helmRelease('app'),
  'cases/plugin-generator-fails/kustomization.yaml': `generators:
  - |-
    apiVersion: example.com/v1
    kind: MyGenerator
    metadata:
      name: x
`,
  // Files as kustomize reads them: empty documents, a List, several patches in one patchesStrategicMerge file,
  // an inline one, a JSON patch written as JSON in a .json file, allowNameChange.
  'cases/files-and-patches/kustomization.yaml': `resources: [objects.yaml, list.yaml]
patchesStrategicMerge:
  - two-patches.yaml
  - |-
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: a
      annotations:
        inline: "yes"
patchesJson6902:
  - target:
      version: v1
      kind: ConfigMap
      name: b
    path: patch.json
patches:
  - target:
      kind: ConfigMap
      name: c
    patch: |
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: renamed
    options:
      allowNameChange: true
`,
  'cases/files-and-patches/objects.yaml': `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
data:
  k: v
---
---
# only a comment
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
data:
  k: v
`,
  'cases/files-and-patches/list.yaml': `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: c
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: d
`,
  'cases/files-and-patches/two-patches.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  labels:
    patched: "1"
data:
  k: changed
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: d
data:
  added: "yes"
`,
  'cases/files-and-patches/patch.json': '[{"op": "add", "path": "/data/json", "value": "yes"}]\n',

  // An overlay that sets another namespace over its base's, a generator replacing the base's, a Secret from an env
  // file with a type, replacements in a component selecting by namespace (the base's: the component runs before
  // the overlay's own namespace) and by a list index.
  'cases/overlay-namespace/kustomization.yaml': `namespace: prod
resources: [../../bases/namespaced]
components: [../../components/replace]
configMapGenerator:
  - name: settings
    namespace: base
    behavior: replace
    literals: [mode=prod]
secretGenerator:
  - name: registry
    type: kubernetes.io/dockerconfigjson
    envs: [secret.env]
`,
  'cases/overlay-namespace/secret.env': '.dockerconfigjson={"auths":{}}\nOTHER=x\n',
  'bases/namespaced/kustomization.yaml': `namespace: base
resources: [deployment.yaml, release.yaml]
configMapGenerator:
  - name: settings
    literals: [mode=base, extra=1]
`,
  'bases/namespaced/deployment.yaml': deployment,
  'bases/namespaced/release.yaml': helmRelease('app'),
  'components/replace/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
replacements:
  - source:
      kind: Deployment
      namespace: base
      fieldPath: spec.template.spec.containers.0.image
    targets:
      - select:
          kind: HelmRelease
          namespace: base
        fieldPaths: [spec.values.image.tag]
        options:
          delimiter: ":"
          index: 1
`,
  // kustomize reads a strategic-merge patch as a resource: a kind and a name it must have, even with a target.
  'cases/smp-without-name-fails/kustomization.yaml': `resources: [release.yaml]
patches:
  - target:
      kind: HelmRelease
    patch: |
      apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      spec:
        suspend: true
`,
  'cases/smp-without-name-fails/release.yaml': helmRelease('app'),
  'cases/smp-without-api-version/kustomization.yaml': `resources: [release.yaml]
patches:
  - target:
      kind: HelmRelease
    patch: |
      kind: HelmRelease
      metadata:
        name: any
      spec:
        suspend: true
`,
  'cases/smp-without-api-version/release.yaml': helmRelease('app'),
};
