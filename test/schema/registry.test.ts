import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaRegistry, compileTimes, validatorOrigins, type ValidationResult } from '../../src/schema/index.js';
import { sharedDir } from '../helpers.js';

const registry = SchemaRegistry.bundled();
const crdsDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..', 'shared', 'crds');

function check(yaml: string, reg: SchemaRegistry = registry): ValidationResult {
  const obj = YAML.parse(yaml) as { apiVersion: string; kind: string };
  return reg.validate(obj.apiVersion, obj.kind, obj);
}
const messages = (r: ValidationResult) => r.issues.map((i) => i.message);

const HELM_RELEASE = `
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: apps
  labels: { app: podinfo }
spec:
  interval: 10m
  timeout: 5m
  chart:
    spec:
      chart: podinfo
      version: ">=6.0.0"
      sourceRef:
        kind: HelmRepository
        name: podinfo
        namespace: flux-system
      interval: 1h
  install:
    crds: CreateReplace
    remediation:
      retries: 3
  upgrade:
    remediation:
      retries: 3
      remediateLastFailure: true
  dependsOn:
    - name: cert-manager
      namespace: cert-manager
  valuesFrom:
    - kind: ConfigMap
      name: podinfo-values
  values:
    replicaCount: 2
    anything:
      nested: [1, "two", { three: 3 }]
`;

describe('valid objects pass', () => {
  it('HelmRelease', () => {
    expect(check(HELM_RELEASE)).toMatchObject({ status: 'ok', issues: [] });
  });

  it('Flux Kustomization', () => {
    const r = check(`
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: { name: apps, namespace: flux-system }
spec:
  interval: 10m
  retryInterval: 1m
  path: ./apps/production
  prune: true
  wait: true
  sourceRef: { kind: GitRepository, name: flux-system }
  dependsOn: [{ name: infrastructure }]
  postBuild:
    substitute: { CLUSTER_DOMAIN: example.com }
    substituteFrom: [{ kind: ConfigMap, name: cluster-vars }]
  decryption: { provider: sops, secretRef: { name: sops-age } }
  patches:
    - patch: |
        - op: add
          path: /metadata/labels/x
          value: y
      target: { kind: Deployment }
`);
    expect(r).toMatchObject({ status: 'ok', issues: [] });
  });

  it('ExternalSecret', () => {
    const r = check(`
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: db, namespace: apps }
spec:
  refreshInterval: 1h
  secretStoreRef: { kind: ClusterSecretStore, name: vault }
  target:
    name: db-credentials
    creationPolicy: Owner
    template:
      type: kubernetes.io/basic-auth
      data:
        username: "{{ .username }}"
  data:
    - secretKey: password
      remoteRef: { key: apps/db, property: password }
  dataFrom:
    - extract: { key: apps/db }
`);
    expect(r).toMatchObject({ status: 'ok', issues: [] });
  });

  it('Terraform (tofu-controller v1alpha2)', () => {
    const r = check(`
apiVersion: infra.contrib.fluxcd.io/v1alpha2
kind: Terraform
metadata: { name: authentik, namespace: authentik }
spec:
  interval: 30m
  approvePlan: auto
  path: ./terraform
  sourceRef: { kind: GitRepository, name: flux-system, namespace: flux-system }
  serviceAccountName: tf-runner
  vars:
    - name: domain
      value: auth.example.com
    - name: clients
      value: { grafana: "https://grafana.example.com/login" }
  varsFrom:
    - kind: Secret
      name: tf-vars
  writeOutputsToSecret:
    name: outputs
    outputs: [issuer_url]
`);
    expect(r).toMatchObject({ status: 'ok', issues: [] });
  });

  it('CloudNativePG Cluster', () => {
    const r = check(`
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: { name: postgres, namespace: databases }
spec:
  instances: 2
  imageName: ghcr.io/cloudnative-pg/postgresql:17.6
  primaryUpdateStrategy: unsupervised
  storage: { size: 20Gi, storageClass: standard }
  postgresql:
    parameters: { max_connections: "200", shared_buffers: 256MB }
  managed:
    roles:
      - name: app
        ensure: present
        login: true
        passwordSecret: { name: app-db }
  resources:
    requests: { cpu: 250m, memory: 512Mi }
    limits: { cpu: 1, memory: 1Gi }
`);
    expect(r).toMatchObject({ status: 'ok', issues: [] });
  });

  it('core kinds, with kubectl-style creationTimestamp: null', () => {
    const r = check(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
  creationTimestamp: null
  annotations: { "reloader.stakater.com/auto": "true" }
spec:
  replicas: 2
  strategy:
    rollingUpdate: { maxSurge: 1, maxUnavailable: "25%" }
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{ containerPort: 80, name: http }]
          resources:
            requests: { cpu: 100m, memory: 64Mi }
            limits: { cpu: 1, memory: 128Mi }
          env:
            - name: POD_NAME
              valueFrom: { fieldRef: { fieldPath: metadata.name } }
          readinessProbe:
            httpGet: { path: /healthz, port: http }
      volumes:
        - name: cache
          emptyDir: { sizeLimit: 1Gi }
status: {}
`);
    expect(r).toMatchObject({ status: 'ok', issues: [] });
    for (const doc of [
      'apiVersion: v1\nkind: Namespace\nmetadata: { name: apps, labels: { a: b } }',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { a: b }',
      'apiVersion: v1\nkind: Secret\nmetadata: { name: s }\ntype: Opaque\nstringData: { a: b }',
      'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: i }\nspec:\n  ingressClassName: nginx\n  rules:\n    - host: a.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend: { service: { name: web, port: { number: 80 } } }',
      'apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: c }\nspec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers: [{ name: c, image: busybox }]',
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: { name: p }\nspec: { minAvailable: 1, selector: { matchLabels: { a: b } } }',
      'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: { name: h }\nspec:\n  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }\n  minReplicas: 1\n  maxReplicas: 5\n  metrics:\n    - type: Resource\n      resource: { name: cpu, target: { type: Utilization, averageUtilization: 80 } }',
    ]) {
      expect(check(doc), doc).toMatchObject({ status: 'ok', issues: [] });
    }
  });

  it('fields and kinds newer than kubernetes-types (from the @kubernetes/client-node models)', () => {
    // image volumes: Kubernetes 1.31+
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers: [{ name: a, image: busybox, volumeMounts: [{ name: m, mountPath: /m }] }]\n  volumes:\n    - name: m\n      image: { reference: "quay.io/crio/artifact:v2", pullPolicy: IfNotPresent }';
    expect(check(pod)).toMatchObject({ status: 'ok', issues: [] });
    expect(messages(check(pod.replace('reference:', 'referance:')))).toEqual([
      "spec.volumes[0].image has unknown field 'referance' (did you mean 'reference'?)",
    ]);
    expect(check('apiVersion: storage.k8s.io/v1\nkind: VolumeAttributesClass\nmetadata: { name: fast }\ndriverName: ebs.csi.aws.com\nparameters: { iops: "3000" }')).toMatchObject({ status: 'ok' });
    expect(registry.lookup('storage.k8s.io/v1', 'VolumeAttributesClass')).toMatchObject({ namespaced: false, served: true });
    expect(registry.lookup('resource.k8s.io/v1', 'ResourceClaimTemplate')).toMatchObject({ namespaced: true });
    expect(registry.lookup('apiregistration.k8s.io/v1', 'APIService')).toMatchObject({ namespaced: false });
    // integer vs number comes from the client's int32/int64 formats
    expect(messages(check('apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\nspec:\n  replicas: 1.5\n  selector: {}\n  template: {}'))).toEqual([
      'spec.replicas must be an integer',
    ]);
  });

  it('kustomize Kustomization and Component', () => {
    expect(
      check(`
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: apps
resources: [namespace.yaml, release.yaml, ../base]
components: [../components/monitoring]
labels:
  - pairs: { app.kubernetes.io/part-of: shop }
    includeSelectors: false
images:
  - name: nginx
    newTag: "1.27"
configMapGenerator:
  - name: values
    files: [values.yaml]
    options: { disableNameSuffixHash: true }
secretGenerator:
  - name: creds
    type: kubernetes.io/basic-auth
    literals: [username=admin]
generatorOptions: { disableNameSuffixHash: true }
patches:
  - path: patch.yaml
    target: { kind: Deployment, name: web }
  - patch: |-
      - op: remove
        path: /spec/replicas
    target: { group: apps, version: v1, kind: Deployment }
    options: { allowNameChange: true }
replicas: [{ name: web, count: 3 }]
helmCharts:
  - name: podinfo
    repo: https://stefanprodan.github.io/podinfo
    version: 6.7.0
    releaseName: podinfo
    valuesInline: { replicaCount: 2 }
replacements:
  - source: { kind: ConfigMap, name: vars, fieldPath: data.domain }
    targets:
      - select: { kind: Ingress }
        fieldPaths: [spec.rules.0.host]
`),
    ).toMatchObject({ status: 'ok' });
    expect(
      check('apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [a.yaml]\npatches: [{ path: p.yaml }]'),
    ).toMatchObject({ status: 'ok' });
  });
});

describe('unknown fields', () => {
  it('deep in a HelmRelease: unknownKey and allowedKeys', () => {
    const r = check(HELM_RELEASE.replace('      retries: 3\n  upgrade', '      retriess: 3\n  upgrade'));
    expect(r.status).toBe('invalid');
    expect(r.issues).toHaveLength(1);
    const issue = r.issues[0]!;
    expect(issue).toMatchObject({
      path: ['spec', 'install', 'remediation'],
      keyword: 'additionalProperties',
      unknownKey: 'retriess',
    });
    expect(issue.allowedKeys).toContain('retries');
    expect(issue.message).toBe("spec.install.remediation has unknown field 'retriess' (did you mean 'retries'?)");
  });

  it('inside a Terraform CR', () => {
    const r = check(`
apiVersion: infra.contrib.fluxcd.io/v1alpha2
kind: Terraform
metadata: { name: t }
spec:
  interval: 1h
  path: ./tf
  approvePlan: auto
  sourceRef: { kind: GitRepository, name: flux-system, namspace: flux-system }
`);
    expect(r.status).toBe('invalid');
    expect(r.issues).toMatchObject([{ path: ['spec', 'sourceRef'], unknownKey: 'namspace' }]);
    expect(r.issues[0]!.allowedKeys).toEqual(['apiVersion', 'kind', 'name', 'namespace']);
  });

  it('Deployment spec.replica and containers[0].imagee', () => {
    const r = check(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replica: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          imagee: nginx
`);
    expect(r.status).toBe('invalid');
    expect(r.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ['spec'], unknownKey: 'replica', message: "spec has unknown field 'replica' (did you mean 'replicas'?)" }),
        expect.objectContaining({
          path: ['spec', 'template', 'spec', 'containers', 0],
          unknownKey: 'imagee',
          message: "spec.template.spec.containers[0] has unknown field 'imagee' (did you mean 'image'?)",
        }),
      ]),
    );
    expect(r.issues).toHaveLength(2);
  });

  it('a kustomization with resource: instead of resources:', () => {
    const r = check('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresource:\n  - app.yaml\n');
    expect(r.status).toBe('invalid');
    expect(r.issues).toMatchObject([{ path: [], unknownKey: 'resource', keyword: 'additionalProperties' }]);
    expect(r.issues[0]!.message).toBe("Kustomization has unknown field 'resource' (did you mean 'resources'?)");
  });

  it('unknown metadata fields are caught on custom resources too (strict ObjectMeta)', () => {
    const r = check('apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: { name: a, label: { a: b } }\nspec: { interval: 1m, url: https://example.com/repo }');
    expect(r.issues).toMatchObject([{ path: ['metadata'], unknownKey: 'label' }]);
    expect(r.issues[0]!.message).toContain("did you mean 'labels'?");
  });
});

describe('messages', () => {
  it('enum', () => {
    const r = check(HELM_RELEASE.replace('kind: HelmRepository', 'kind: HelmRepo'));
    expect(r.issues).toMatchObject([
      {
        path: ['spec', 'chart', 'spec', 'sourceRef', 'kind'],
        keyword: 'enum',
        message: 'spec.chart.spec.sourceRef.kind must be one of HelmRepository, GitRepository, Bucket',
      },
    ]);
  });

  it('type', () => {
    const r = check(HELM_RELEASE.replace('interval: 10m', 'interval: 10'));
    expect(r.issues).toMatchObject([{ path: ['spec', 'interval'], keyword: 'type', message: 'spec.interval must be a string' }]);
  });

  it('required: path at the parent, field name in the message', () => {
    const r = check('apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: a }\nspec:\n  chart: { spec: { chart: a, sourceRef: { kind: HelmRepository, name: r } } }');
    expect(r.issues).toMatchObject([{ path: ['spec'], keyword: 'required', message: "spec is missing required field 'interval'" }]);
    const nested = check(HELM_RELEASE.replace('        name: podinfo\n        namespace: flux-system', '        namespace: flux-system'));
    expect(messages(nested)).toEqual(["spec.chart.spec.sourceRef is missing required field 'name'"]);
  });

  it('a null required field counts as missing, a null optional field is fine', () => {
    const r = check('apiVersion: v1\nkind: Pod\nmetadata: { name: p, labels: null }\nspec:\n  containers: null');
    expect(messages(r)).toEqual(["spec is missing required field 'containers'"]);
  });

  it('pattern and quantity', () => {
    const r = check(HELM_RELEASE.replace('timeout: 5m', 'timeout: 5 minutes'));
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]!.message).toMatch(/^spec\.timeout must match pattern \^/);
    const q = check('apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers:\n    - name: a\n      resources: { limits: { memory: 1 Gi } }');
    expect(messages(q)).toEqual(['spec.containers[0].resources.limits.memory must be a quantity such as 500m, 2, 1.5 or 512Mi']);
  });

  it('several issues at once (allErrors)', () => {
    const r = check(`
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: { name: r }
spec:
  url: 5
  type: git
  intervall: 1m
`);
    expect(messages(r).sort()).toEqual([
      "spec has unknown field 'intervall' (did you mean 'interval'?)",
      'spec.type must be one of default, oci',
      'spec.url must be a string',
    ]);
  });

  it('Secret data must be base64 (plain text belongs under stringData)', () => {
    const base = 'apiVersion: v1\nkind: Secret\nmetadata: { name: s }\ndata:\n  password: ';
    expect(check(`${base}c2VjcmV0`).status).toBe('ok');
    expect(check(`${base}|\n    c2Vj\n    cmV0`).status).toBe('ok');
    expect(messages(check(`${base}hunter2`))).toEqual(['data.password must be base64-encoded']);
  });

  it('annotation keys with dots and slashes are quoted in paths', () => {
    const r = check('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations: { "kustomize.toolkit.fluxcd.io/ssa": 1 }');
    expect(messages(r)).toEqual(['metadata.annotations["kustomize.toolkit.fluxcd.io/ssa"] must be a string']);
    expect(r.issues[0]!.path).toEqual(['metadata', 'annotations', 'kustomize.toolkit.fluxcd.io/ssa']);
  });
});

describe('int-or-string', () => {
  it('in a core kind', () => {
    const base = 'apiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec:\n  ports:\n    - port: 80\n      targetPort: ';
    expect(check(`${base}8080`).status).toBe('ok');
    expect(check(`${base}http`).status).toBe('ok');
    expect(messages(check(`${base}true`))).toEqual(['spec.ports[0].targetPort must be an integer or a string']);
    expect(messages(check(`${base}1.5`))).toEqual(['spec.ports[0].targetPort must be an integer or a string']);
  });

  it('in a CRD (x-kubernetes-int-or-string)', () => {
    const base = 'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: { name: c }\nspec:\n  instances: 1\n  storage: { size: 1Gi }\n  resources:\n    limits:\n      cpu: ';
    expect(check(`${base}1`).status).toBe('ok');
    expect(check(`${base}"500m"`).status).toBe('ok');
    expect(messages(check(`${base}true`))).toEqual(['spec.resources.limits.cpu must be an integer or a string']);
    expect(messages(check(`${base}"half a core"`))[0]).toMatch(/^spec\.resources\.limits\.cpu must match pattern/);
  });
});

describe('SOPS-encrypted objects', () => {
  it('encrypted values and the sops key raise no issue', () => {
    const r = check(`
apiVersion: v1
kind: Secret
metadata: { name: s, namespace: apps }
type: Opaque
stringData:
  password: ENC[AES256_GCM,data:c2VjcmV0,iv:aXY=,tag:dGFn,type:str]
sops:
  age:
    - recipient: age1xyz
      enc: "-----BEGIN AGE ENCRYPTED FILE-----"
  lastmodified: "2024-01-01T00:00:00Z"
  mac: ENC[AES256_GCM,data:bWFj,iv:aXY=,tag:dGFn,type:str]
  version: 3.8.1
`);
    expect(r).toMatchObject({ status: 'ok', issues: [] });
    const hr = check(`${HELM_RELEASE.replace('interval: 10m', 'interval: ENC[AES256_GCM,data:MTBt,iv:aXY=,tag:dGFn,type:str]').replace('retries: 3', 'retries: ENC[AES256_GCM,data:Mw==,iv:aXY=,tag:dGFn,type:int]')}sops: { version: 3.8.1 }\n`);
    expect(hr).toMatchObject({ status: 'ok', issues: [] });
  });

  it('keys stay plaintext, so an unknown field is still reported', () => {
    const r = check('apiVersion: v1\nkind: Secret\nmetadata: { name: s }\nstringDta:\n  a: ENC[AES256_GCM,data:YQ==,iv:aXY=,tag:dGFn,type:str]\nsops: { version: 3.8.1 }');
    expect(r.issues).toMatchObject([{ unknownKey: 'stringDta' }]);
  });
});

describe('Flux post-build substitution', () => {
  it('placeholders are tolerated only when asked', () => {
    const yaml = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\nspec:\n  replicas: ${REPLICAS:=2}\n  selector: { matchLabels: { a: b } }\n  template:\n    spec:\n      containers: [{ name: a, image: "nginx:${TAG}", resources: { limits: { memory: "${MEM}" } } }]';
    const obj = YAML.parse(yaml) as object;
    expect(messages(registry.validate('apps/v1', 'Deployment', obj))).toEqual([
      'spec.replicas must be an integer',
      'spec.template.spec.containers[0].resources.limits.memory must be a quantity such as 500m, 2, 1.5 or 512Mi',
    ]);
    expect(registry.validate('apps/v1', 'Deployment', obj, { substitution: true })).toMatchObject({ status: 'ok', issues: [] });
    const unknown = YAML.parse(yaml.replace('replicas:', 'replica:')) as object;
    expect(registry.validate('apps/v1', 'Deployment', unknown, { substitution: true }).issues).toMatchObject([{ unknownKey: 'replica' }]);
  });
});

describe('API versions', () => {
  it('removed core versions are known, not served, with their replacement', () => {
    const cases: [string, string, string, string][] = [
      ['extensions/v1beta1', 'Ingress', '1.22', 'networking.k8s.io/v1'],
      ['networking.k8s.io/v1beta1', 'Ingress', '1.22', 'networking.k8s.io/v1'],
      ['batch/v1beta1', 'CronJob', '1.25', 'batch/v1'],
      ['policy/v1beta1', 'PodDisruptionBudget', '1.25', 'policy/v1'],
      ['apiextensions.k8s.io/v1beta1', 'CustomResourceDefinition', '1.22', 'apiextensions.k8s.io/v1'],
      ['rbac.authorization.k8s.io/v1beta1', 'ClusterRoleBinding', '1.22', 'rbac.authorization.k8s.io/v1'],
      ['autoscaling/v2beta1', 'HorizontalPodAutoscaler', '1.25', 'autoscaling/v2'],
      ['autoscaling/v2beta2', 'HorizontalPodAutoscaler', '1.26', 'autoscaling/v2'],
      ['extensions/v1beta1', 'Deployment', '1.16', 'apps/v1'],
    ];
    for (const [apiVersion, kind, removedIn, replacement] of cases) {
      const entry = registry.lookup(apiVersion, kind);
      expect(entry, `${apiVersion} ${kind}`).toMatchObject({ served: false, deprecated: true, removedIn, replacement, file: null });
      expect(entry!.deprecationWarning).toBe(`${apiVersion} ${kind} was removed in Kubernetes ${removedIn}; use ${replacement} ${kind}`);
      expect(registry.validate(apiVersion, kind, { apiVersion, kind })).toMatchObject({ status: 'not-served', issues: [], entry });
    }
    expect(registry.lookup('policy/v1beta1', 'PodSecurityPolicy')).toMatchObject({ served: false, removedIn: '1.25', replacement: null });
  });

  it('removed Flux beta versions point at the GA version', () => {
    expect(registry.lookup('helm.toolkit.fluxcd.io/v2beta1', 'HelmRelease')).toMatchObject({ served: false, replacement: 'helm.toolkit.fluxcd.io/v2' });
    expect(registry.lookup('kustomize.toolkit.fluxcd.io/v1beta2', 'Kustomization')).toMatchObject({ served: false, replacement: 'kustomize.toolkit.fluxcd.io/v1' });
  });

  it('versionsOf lists the served version first', () => {
    const hr = registry.versionsOf('helm.toolkit.fluxcd.io', 'HelmRelease');
    expect(hr[0]).toMatchObject({ version: 'v2', served: true });
    expect(hr.map((e) => e.version)).toEqual(['v2', 'v2beta2', 'v2beta1']);
    const ing = registry.versionsOf('networking.k8s.io', 'Ingress');
    expect(ing.map((e) => [e.version, e.served])).toEqual([['v1', true], ['v1beta1', false]]);
    expect(registry.versionsOf('', 'Namespace').map((e) => e.apiVersion)).toEqual(['v1']);
  });

  it('kustomization files: apiVersion defaults as in kustomize, the wrong apiVersion is not served', () => {
    expect(registry.lookup('', 'Kustomization')?.key).toBe('kustomize.config.k8s.io/v1beta1/Kustomization');
    expect(registry.lookup('', 'Component')?.key).toBe('kustomize.config.k8s.io/v1alpha1/Component');
    expect(registry.validate('', 'Kustomization', { resources: ['a.yaml'] }).status).toBe('ok');
    expect(registry.validate('', 'Kustomization', { resource: ['a.yaml'] }).issues).toMatchObject([{ unknownKey: 'resource' }]);
    expect(registry.lookup('kustomize.config.k8s.io/v1alpha1', 'Kustomization')).toMatchObject({
      served: false,
      replacement: 'kustomize.config.k8s.io/v1beta1',
    });
  });

  it('unknown kinds have no schema', () => {
    expect(registry.lookup('example.com/v1', 'Widget')).toBeUndefined();
    expect(registry.validate('example.com/v1', 'Widget', {})).toEqual({ status: 'no-schema', issues: [] });
  });
});

describe('addCrd', () => {
  const CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
  versions:
    - name: v1alpha1
      served: true
      storage: false
      deprecated: true
      deprecationWarning: example.com/v1alpha1 Widget is deprecated; use example.com/v1
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: { type: integer }
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size:
                  x-kubernetes-int-or-string: true
                  anyOf: [{ type: integer }, { type: string }]
                color: { type: string, enum: [red, green], nullable: true }
                template:
                  type: object
                  x-kubernetes-embedded-resource: true
                  x-kubernetes-preserve-unknown-fields: true
                config:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
                  properties:
                    known: { type: string }
                labels:
                  type: object
                  additionalProperties: { type: string }
                mode:
                  type: object
                  properties:
                    a: { type: string }
                    b: { type: string }
                  oneOf:
                    - required: [a]
                    - required: [b]
            status:
              type: object
              x-kubernetes-preserve-unknown-fields: true
`;

  it('validates custom resources strictly', () => {
    const reg = SchemaRegistry.bundled();
    expect(reg.addCrd(YAML.parse(CRD), 'crds/widget.yaml')).toEqual([]);
    expect(reg.lookup('example.com/v1', 'Widget')).toMatchObject({ served: true, storage: true, source: 'crds/widget.yaml', namespaced: true });
    expect(reg.lookup('example.com/v1alpha1', 'Widget')).toMatchObject({ deprecated: true, deprecationWarning: 'example.com/v1alpha1 Widget is deprecated; use example.com/v1' });
    const ok = check(`
apiVersion: example.com/v1
kind: Widget
metadata: { name: w, namespace: n }
spec:
  size: "10"
  color: null
  template: { apiVersion: v1, kind: ConfigMap, metadata: { name: x }, data: { a: b } }
  config: { known: a, whatever: { deep: 1 } }
  labels: { a: b }
  mode: { a: x }
status: { anything: true }
`, reg);
    expect(ok).toMatchObject({ status: 'ok', issues: [] });
    const bad = check(`
apiVersion: example.com/v1
kind: Widget
metadata: { name: w }
spec:
  sise: 10
  color: blue
  template: { apiVersion: v1, kind: ConfigMap, metadata: { nam: x } }
  mode: { a: x, b: y }
`, reg);
    expect(messages(bad).sort()).toEqual([
      "spec has unknown field 'sise' (did you mean 'size'?)",
      "spec is missing required field 'size'",
      "spec.mode must set exactly one of 'a', 'b'",
      "spec.template.metadata has unknown field 'nam' (did you mean 'name'?)",
      'spec.color must be one of red, green, null',
    ].sort());
    expect(messages(check('apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\nspec: { size: 1, mode: {} }', reg))).toEqual([
      "spec.mode must set exactly one of 'a', 'b'",
    ]);
    expect(messages(check('apiVersion: example.com/v1alpha1\nkind: Widget\nmetadata: { name: w }\nspec: { size: "1" }', reg))).toEqual([
      'spec.size must be an integer',
    ]);
  });

  it('a CRD from the repository overrides the bundled one of the same group/version/kind', () => {
    const reg = SchemaRegistry.bundled();
    const crd = YAML.parse(CRD.replaceAll('example.com', 'helm.toolkit.fluxcd.io').replace('Widget, plural: widgets', 'HelmRelease, plural: helmreleases').replace('name: v1\n', 'name: v2\n'));
    expect(reg.addCrd(crd, 'clusters/prod/crds.yaml')).toEqual([]);
    expect(reg.lookup('helm.toolkit.fluxcd.io/v2', 'HelmRelease')?.source).toBe('clusters/prod/crds.yaml');
    expect(check(HELM_RELEASE, reg).issues.length).toBeGreaterThan(0);
    // the shared bundled registry is untouched
    expect(check(HELM_RELEASE).status).toBe('ok');
  });

  it.skipIf(!sharedDir('crds', 'the bundled-validator check of an identical repository CRD'))('a repository CRD identical to the bundled one keeps the bundled (precompiled) validator', () => {
    const reg = SchemaRegistry.bundled();
    const crd = YAML.parse(readFileSync(join(crdsDir, 'flux', 'helm', 'helm.toolkit.fluxcd.io_helmreleases.yaml'), 'utf8')) as object;
    expect(reg.addCrd(crd, 'clusters/prod/flux-system/gotk-components.yaml')).toEqual([]);
    expect(reg.lookup('helm.toolkit.fluxcd.io/v2', 'HelmRelease')).toMatchObject({
      source: 'clusters/prod/flux-system/gotk-components.yaml',
      file: 'helm.toolkit.fluxcd.io/helmrelease-v2.json',
      precompiled: 'precompiled/helm.toolkit.fluxcd.io_helmrelease-v2.cjs.br',
    });
    expect(check(HELM_RELEASE, reg).status).toBe('ok');
  });

  it('reports problems with the CRD itself', () => {
    const reg = SchemaRegistry.bundled();
    expect(reg.addCrd({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', spec: { names: {} } }, 'x.yaml')).toEqual([
      'spec.group is missing',
      'spec.names.kind is missing',
    ]);
    expect(reg.addCrd('nope', 'x.yaml')).toEqual(['CustomResourceDefinition is not an object']);
    const noSchema = YAML.parse(CRD) as { spec: { versions: { schema?: unknown }[] } };
    delete noSchema.spec.versions[1]!.schema;
    expect(reg.addCrd(noSchema, 'x.yaml')).toEqual(['spec.versions[1] (v1) has no schema.openAPIV3Schema']);
  });

  it('accepts legacy apiextensions.k8s.io/v1beta1 CRDs (unknown fields kept unless preserveUnknownFields: false)', () => {
    const reg = SchemaRegistry.empty();
    const legacy = {
      apiVersion: 'apiextensions.k8s.io/v1beta1',
      kind: 'CustomResourceDefinition',
      spec: {
        group: 'old.example.com',
        version: 'v1',
        names: { kind: 'Gadget', plural: 'gadgets' },
        scope: 'Cluster',
        validation: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } } } },
      },
    };
    expect(reg.addCrd(legacy, 'legacy.yaml')).toEqual([]);
    expect(reg.lookup('old.example.com/v1', 'Gadget')).toMatchObject({ namespaced: false, served: true });
    expect(reg.validate('old.example.com/v1', 'Gadget', { metadata: { name: 'g' }, spec: { a: 'x', b: 1 } }).status).toBe('ok');
    expect(messages(reg.validate('old.example.com/v1', 'Gadget', { spec: { a: 1 } }))).toEqual(['spec.a must be a string']);
  });
});

describe('lazy compilation', () => {
  it('compiles a kind only when an object of that kind is validated', () => {
    const key = 'postgresql.cnpg.io/v1/Pooler';
    SchemaRegistry.bundled();
    expect(compileTimes.has(key)).toBe(false);
    registry.validate('postgresql.cnpg.io/v1', 'Pooler', { metadata: { name: 'p' }, spec: { cluster: { name: 'c' }, pgbouncer: {} } });
    expect(compileTimes.has(key)).toBe(true);
  });
});

describe('precompiled validators', () => {
  const samples = [
    HELM_RELEASE.replace('retries: 3', 'retriess: 3').replace('kind: HelmRepository', 'kind: HelmRepo').replace('interval: 10m', 'interval: 10'),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d, labels: { a: 1 } }\nspec:\n  replica: 1\n  strategy: { rollingUpdate: { maxSurge: true } }\n  template:\n    spec:\n      containers: [{ name: a, imagee: b, resources: { limits: { cpu: "1 core" } } }]',
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresource: [a.yaml]\nimages: [{ name: a, newtag: "1" }]\nsortOptions: { order: random }',
    'apiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec: { ports: [{ port: "80", targetPort: 1.5 }], type: Loadbalancer }',
    // the large CRDs, which used to be compiled at run time
    'apiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\nmetadata: { name: s }\nspec:\n  provider:\n    vault: { server: 1, path: secret, version: v3, auth: { tokenSecretRef: { name: t, keyy: k } } }\n    aws: { service: SecretsManager }',
    'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: { name: c, creationTimestamp: null }\nspec: { instances: "2", storage: { size: 1Gi, sise: 2 }, bootstrap: { initdb: { database: app, owner: null } } }',
    'apiVersion: infra.contrib.fluxcd.io/v1alpha2\nkind: Terraform\nmetadata: { name: t }\nspec: { interval: 1h, approvePlan: sometimes, sourceRef: { kind: Bucket } }',
  ];

  it('report exactly what a fresh compile reports', () => {
    const fresh = SchemaRegistry.bundled(undefined, { precompiled: false });
    for (const yaml of samples) {
      const a = check(yaml);
      const b = check(yaml, fresh);
      expect(a.status, yaml).toBe('invalid');
      expect(a.issues).toEqual(b.issues);
    }
  });

  it('are used for every bundled kind: none is compiled at run time', () => {
    expect(registry.lookup('apps/v1', 'Deployment')?.precompiled).toBe('precompiled/apps_deployment-v1.cjs.br');
    // (the fresh registry above compiled some again, so look at origins recorded by kinds only this test validates)
    check('apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: a }');
    check('apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata: { name: a }\nspec: { provider: { fake: { data: [] } } }');
    check('apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: a }\nspec: { schedule: "* * * * *", jobTemplate: { spec: { template: { spec: { containers: [] } } } } }');
    for (const key of ['v1/ServiceAccount', 'external-secrets.io/v1/SecretStore', 'batch/v1/CronJob']) expect(validatorOrigins.get(key), key).toBe('precompiled');
    for (const e of registry.entries()) if (e.file) expect(e.precompiled, e.key).toMatch(/^precompiled\/.+\.cjs\.br$/);
  });

  it('a CRD of the tree that differs from the bundled one is compiled', () => {
    const reg = SchemaRegistry.bundled();
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      spec: {
        group: 'postgresql.cnpg.io',
        scope: 'Namespaced',
        names: { kind: 'Pooler', plural: 'poolers' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { instances: { type: 'integer' } } } } } } }],
      },
    };
    expect(reg.addCrd(crd, 'crds/pooler.yaml')).toEqual([]);
    expect(messages(reg.validate('postgresql.cnpg.io/v1', 'Pooler', { metadata: { name: 'p' }, spec: { instances: 'x' } }))).toEqual(['spec.instances must be an integer']);
    expect(validatorOrigins.get('postgresql.cnpg.io/v1/Pooler')).toBe('compiled');
  });

  it('validate objects as they are written: null members are dropped, the value is never changed', () => {
    const value = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', creationTimestamp: null, labels: { a: 'b' } }, data: { k: 'v' } };
    const before = JSON.stringify(value);
    expect(registry.validate('v1', 'ConfigMap', value)).toMatchObject({ status: 'ok', issues: [] });
    expect(messages(registry.validate('v1', 'ConfigMap', { ...value, data: { k: 1 } }))).toEqual(['data.k must be a string']);
    expect(messages(registry.validate('v1', 'ConfigMap', { ...value, data: { k: 1 }, binaryData: null }))).toEqual(['data.k must be a string']);
    expect(JSON.stringify(value)).toBe(before);
    // not a plain object (a YAML !!binary, a Set): validated as withoutNulls always saw it, as {}
    expect(registry.validate('v1', 'ConfigMap', { ...value, data: new Set(['x']) }).status).toBe('ok');
    expect(messages(registry.validate('v1', 'ConfigMap', { ...value, immutable: new Uint8Array(1) }))).toEqual(['immutable must be a boolean']);
  });
});
