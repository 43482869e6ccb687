import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LoadContext } from '../../src/load/context.js';
import { applyPatch, KustomizeBuilder, type BuiltObject } from '../../src/load/kustomize.js';
import { nameHash } from '../../src/load/name-hash.js';
import { RepoFs } from '../../src/load/repo-fs.js';
import { objectLocation } from '../../src/model/location.js';

/*
 * kustomize behaviours of the builder, each with the exact objects kustomize (kubectl kustomize v5.5) gives for the
 * same tree. test/load/kustomize-differential.test.ts checks the same against kubectl itself where it is installed.
 */

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-kustomize-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

function build(files: Record<string, string>, dir = '.') {
  const ctx = new LoadContext(new RepoFs(tree(files)));
  const builder = new KustomizeBuilder(ctx, new Map());
  const r = builder.build(dir);
  if ('error' in r) throw new Error(r.error);
  return { ...r, ctx, byName: (name: string) => r.objects.find((o) => o.value.metadata && (o.value.metadata as { name: string }).name === name)! };
}

const values = (objects: BuiltObject[]) => objects.map((o) => o.value);

const ks = (name: string, extra = '') =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\nspec:\n  interval: 1h\n  path: ./x\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${extra}`;

describe('kustomize replacements', () => {
  const files = {
    'kustomization.yaml': 'namespace: cert-manager\ncomponents: [ns]\nreplacements:\n  - path: ks-replacement.yaml\nresources: [ks.yaml]\n',
    'ns/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [namespace.yaml]\n',
    'ns/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: _\n',
    'ks-replacement.yaml':
      '- source:\n    kind: Namespace\n    fieldPath: metadata.name\n  targets:\n    - select:\n        kind: Kustomization\n        group: kustomize.toolkit.fluxcd.io\n      fieldPaths: [spec.targetNamespace]\n      options:\n        create: true\n',
    'ks.yaml': `${ks('app')}---\n${ks('other', '  targetNamespace: old\n')}`,
  };

  it("sets each Flux Kustomization's targetNamespace from the Namespace that `namespace:` renamed", () => {
    const r = build(files);
    expect(r.failures).toEqual([]);
    expect(values(r.objects)).toEqual([
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'app', namespace: 'cert-manager' },
        spec: { interval: '1h', path: './x', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, targetNamespace: 'cert-manager' },
      },
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'other', namespace: 'cert-manager' },
        spec: { interval: '1h', path: './x', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, targetNamespace: 'cert-manager' },
      },
      // The component's resources come after the kustomization's own.
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'cert-manager' } },
    ]);
  });

  it("points a replaced value at the source value: here the `namespace:` that named the Namespace", () => {
    const r = build(files);
    const at = objectLocation(r.byName('app'), ['spec', 'targetNamespace']);
    expect([at.doc.file.path, at.path]).toEqual(['kustomization.yaml', ['namespace']]);
    const ns = objectLocation(r.byName('cert-manager'), ['metadata', 'name']);
    expect([ns.doc.file.path, ns.path]).toEqual(['kustomization.yaml', ['namespace']]);
  });

  it('reads a path file holding one replacement, with delimiter/index on source and target', () => {
    const r = build({
      'kustomization.yaml': 'resources: [objects.yaml]\nreplacements:\n  - path: r.yaml\n',
      'r.yaml':
        'source:\n  kind: ConfigMap\n  fieldPath: data.image\n  options: {delimiter: ":", index: 1}\ntargets:\n  - select: {kind: Deployment}\n    fieldPaths:\n      - spec.template.spec.containers.[name=web].image\n    options: {delimiter: ":", index: 1}\n',
      'objects.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: src\ndata:\n  image: reg/web:2.5\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1\n        - name: sidecar\n          image: side:1\n',
    });
    expect(r.failures).toEqual([]);
    expect((r.byName('d').value.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers).toEqual([
      { name: 'web', image: 'web:2.5' },
      { name: 'sidecar', image: 'side:1' },
    ]);
  });

  it('keeps a scalar target its type, selects by labelSelector and rejects by id', () => {
    const hr = (name: string, labels: string) =>
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  labels: {${labels}}\nspec:\n  values:\n    replicas: 1\n`;
    const r = build({
      'kustomization.yaml':
        'resources: [o.yaml]\nreplacements:\n  - source: {kind: ConfigMap, fieldPath: data.n}\n    targets:\n      - select: {labelSelector: "tier notin (db)"}\n        reject: [{name: b}]\n        fieldPaths: [spec.values.replicas]\n',
      'o.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: {tier: db}\ndata:\n  n: "3"\n---\n${hr('a', 'tier: web')}---\n${hr('b', 'tier: web')}---\n${hr('c2', 'tier: db')}`,
    });
    expect(r.failures).toEqual([]);
    expect(['a', 'b', 'c2'].map((n) => (r.byName(n).value.spec as { values: unknown }).values)).toEqual([{ replicas: 3 }, { replicas: 1 }, { replicas: 1 }]);
  });

  it('fails the build where kustomize does: no source, a missing target field without create', () => {
    const r = build({
      'kustomization.yaml':
        'resources: [cm.yaml]\nreplacements:\n  - source: {kind: Secret}\n    targets: [{select: {kind: ConfigMap}, fieldPaths: [data.x]}]\n  - source: {kind: ConfigMap}\n    targets: [{select: {kind: ConfigMap}, fieldPaths: [data.missing]}]\n',
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n',
    });
    expect(r.failures).toEqual([
      'kustomize-build: replacement source (kind Secret) selects nothing',
      "kustomize-build: unable to find field 'data.missing' in replacement target",
    ]);
    expect(r.ctx.kustomizeErrors.map((e) => [e.at.doc.file.path, e.at.path, e.message])).toEqual([
      ['kustomization.yaml', ['replacements', 0], 'replacement source (kind Secret) selects nothing'],
      ['kustomization.yaml', ['replacements', 1], "unable to find field 'data.missing' in replacement target"],
    ]);
  });
});

describe('kustomize namespace', () => {
  it('renames Namespace objects, sets subjects named default and those of ServiceAccounts in the build, not cluster-scoped kinds', () => {
    const r = build({
      'kustomization.yaml': 'namespace: apps\nresources: [o.yaml]\n',
      'o.yaml':
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: whatever\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: crb\nsubjects:\n  - {kind: ServiceAccount, name: default, namespace: other}\n  - {kind: ServiceAccount, name: web, namespace: old}\n  - {kind: ServiceAccount, name: outside, namespace: other}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: old\n---\napiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: le\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: view\n',
    });
    expect(r.failures).toEqual([]);
    expect(values(r.objects)).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'crb' },
        subjects: [
          { kind: 'ServiceAccount', name: 'default', namespace: 'apps' },
          { kind: 'ServiceAccount', name: 'web', namespace: 'apps' },
          { kind: 'ServiceAccount', name: 'outside', namespace: 'other' },
        ],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'apps' } },
      // kustomize knows only the built-in kinds' scope: a ClusterIssuer gets a namespace (the API server drops it).
      { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'le', namespace: 'apps' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'view' } },
    ]);
  });

  it('refuses two Namespaces renamed to one', () => {
    const r = build({
      'kustomization.yaml': 'namespace: apps\nresources: [ns.yaml]\n',
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n',
    });
    expect(r.failures).toEqual(['kustomize-build: namespace: apps gives two objects the id Namespace v1 apps: kustomize refuses the build (ID conflict)']);
  });
});

describe('kustomize strategic merge', () => {
  const hr = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\nspec:\n  valuesFrom:\n    - {kind: ConfigMap, name: a}\n    - {kind: Secret, name: b}\n  values:\n    x: 1\n    y: {z: 2}\n';

  it("replaces a custom resource's lists whole and merges its maps", () => {
    const r = build({
      'kustomization.yaml': 'resources: [hr.yaml]\npatches:\n  - patch: |\n      apiVersion: helm.toolkit.fluxcd.io/v2\n      kind: HelmRelease\n      metadata:\n        name: app\n      spec:\n        valuesFrom:\n          - {kind: ConfigMap, name: c}\n        values:\n          x: null\n          y: {w: 3}\n',
      'hr.yaml': hr,
    });
    expect(r.objects[0].value.spec).toEqual({ valuesFrom: [{ kind: 'ConfigMap', name: 'c' }], values: { y: { z: 2, w: 3 } } });
  });

  it('merges the lists of built-in kinds by their key, the patch items first', () => {
    const r = build({
      'kustomization.yaml':
        'resources: [d.yaml]\npatches:\n  - patch: |\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n        name: d\n      spec:\n        template:\n          spec:\n            containers:\n              - name: c\n                env: [{name: C, value: "3"}, {name: A, value: x}]\n              - {name: old, $patch: delete}\n            tolerations: [{key: b}]\n',
      'd.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          env: [{name: A, value: "1"}, {name: B, value: "2"}]\n        - name: old\n      tolerations: [{key: a}]\n',
    });
    expect(r.objects[0].value.spec).toEqual({
      template: {
        spec: {
          containers: [{ name: 'c', env: [{ name: 'C', value: '3' }, { name: 'A', value: 'x' }, { name: 'B', value: '2' }] }],
          tolerations: [{ key: 'b' }],
        },
      },
    });
  });

  it('refuses a patch without a target whose id (namespace included) matches no object', () => {
    const r = build({
      'kustomization.yaml': 'resources: [hr.yaml]\npatches:\n  - patch: |\n      apiVersion: helm.toolkit.fluxcd.io/v2\n      kind: HelmRelease\n      metadata:\n        name: app\n      spec:\n        suspend: true\n',
      'hr.yaml': hr.replace('  name: app\n', '  name: app\n  namespace: apps\n'),
    });
    expect(r.failures).toEqual(['kustomize-build: no object matches the strategic-merge patch of HelmRelease helm.toolkit.fluxcd.io/v2 app']);
    expect(r.objects[0].value.spec).not.toHaveProperty('suspend');
  });

  it('removes the objects a `$patch: delete` patch of a Flux Kustomization selects', () => {
    const ctx = new LoadContext(new RepoFs(tree({ 'o.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kubevirt\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n' })));
    const objects = new KustomizeBuilder(ctx, new Map()).resourceFile('o.yaml');
    expect(applyPatch(objects, { $patch: 'delete', apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }, { kind: 'Namespace' })).toBe(1);
    expect(values(objects)).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept' } }]);
  });
});

describe('kustomize patch targets', () => {
  const hr = (name: string, labels: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  labels: {${labels}}\nspec: {}\n`;
  const selected = (selector: string) => {
    const r = build({
      'kustomization.yaml': `resources: [o.yaml]\npatches:\n  - target: {labelSelector: "${selector}"}\n    patch: |\n      - {op: add, path: /spec/hit, value: true}\n`,
      'o.yaml': `${hr('a', 'tier: web, env: prod')}---\n${hr('b', 'tier: db, env: dev')}---\n${hr('c', 'tier: web')}`,
    });
    expect(r.failures).toEqual([]);
    return r.objects.filter((o) => (o.value.spec as { hit?: boolean }).hit).map((o) => (o.value.metadata as { name: string }).name);
  };

  it.each([
    ['tier in (web, db)', ['a', 'b', 'c']],
    ['env notin (dev)', ['a', 'c']],
    ['env', ['a', 'b']],
    ['!env', ['c']],
    ['tier=web', ['a', 'c']],
    ['tier==web,env!=prod', ['c']],
    ['tier notin (db),env', ['a']],
  ])('selects %s like apimachinery', (selector, names) => {
    expect(selected(selector)).toEqual(names);
  });

  it('matches a target by the name an object had before a prefix', () => {
    const r = build({
      'kustomization.yaml': 'resources: [base]\npatchesJson6902:\n  - target: {kind: HelmRelease, name: a}\n    patch: |\n      - {op: add, path: /spec/hit, value: true}\n',
      'base/kustomization.yaml': 'namePrefix: p-\nresources: [o.yaml]\n',
      'base/o.yaml': hr('a', 'x: y'),
    });
    expect(values(r.objects)).toEqual([{ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'p-a', labels: { x: 'y' } }, spec: { hit: true } }]);
  });
});

describe('kustomize generators', () => {
  it('names generated objects with kustomize\'s hash and follows them in references, built-in and from configurations', () => {
    const r = build({
      'kustomization.yaml':
        'resources: [o.yaml]\nconfigMapGenerator:\n  - name: cm\n    envs: [e.env]\n    files: [f.txt, k2=f.txt]\n    literals: [L1="quoted", L2=\'single\', L3=a=b, L4=" x "]\nsecretGenerator:\n  - name: s\n    literals: [a=b]\nconfigurations: [config.yaml]\n',
      'e.env': 'A=1\n  B = "two" \n# c\nC="x"\nD=\'y\'\n',
      'f.txt': 'hello <world> & "q"\n',
      'config.yaml': 'nameReference:\n  - kind: Secret\n    fieldSpecs:\n      - {path: spec/valuesFrom/name, kind: HelmRelease}\n',
      'o.yaml':
        'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\nspec:\n  valuesFrom: [{kind: Secret, name: s}]\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  volumes: [{name: v, configMap: {name: cm}}]\n',
    });
    expect(r.failures).toEqual([]);
    expect(values(r.objects).map((v) => (v.metadata as { name: string }).name)).toEqual(['app', 'p', 'cm-7mh9bcgf45', 's-k695gkmbtk']);
    expect(r.byName('cm-7mh9bcgf45').value.data).toEqual({
      A: '1',
      'B ': ' "two" ',
      C: '"x"',
      D: "'y'",
      'f.txt': 'hello <world> & "q"\n',
      k2: 'hello <world> & "q"\n',
      L1: 'quoted',
      L2: 'single',
      L3: 'a=b',
      L4: ' x ',
    });
    // Both names are what kubectl kustomize gives for this tree. A Secret's values never enter the model, only its keys.
    expect(r.byName('s-k695gkmbtk').value).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's-k695gkmbtk' }, data: { a: '' }, type: 'Opaque' });
    expect(r.byName('app').value.spec).toEqual({ valuesFrom: [{ kind: 'Secret', name: 's-k695gkmbtk' }] });
    expect(r.byName('p').value.spec).toEqual({ volumes: [{ name: 'v', configMap: { name: 'cm-7mh9bcgf45' } }] });
  });

  it("hashes as kustomize's api/hasher: data only (the name never counts), a Secret's base64 in 70-character lines", () => {
    expect(nameHash({ kind: 'ConfigMap', data: { a: '1' } })).toBe(nameHash({ kind: 'ConfigMap', metadata: { name: 'other' }, data: { a: '1' } }));
    expect(nameHash({ kind: 'Secret', type: 'Opaque', data: { a: '' } }, { a: 'Yg==' })).toBe('k695gkmbtk');
    expect(nameHash({ kind: 'Secret', type: 'kubernetes.io/tls', data: {} }, { 'tls.crt': 'eA==', 'tls.key': 'eQ==' })).toBe('f4c6k54dt5');
  });

  it("merges an overlay's generator into the base's, keeping the base's name and hash option", () => {
    const r = build({
      'kustomization.yaml': 'namePrefix: p-\nresources: [base]\nconfigMapGenerator:\n  - name: cm\n    behavior: merge\n    literals: [b=2]\n',
      'base/kustomization.yaml': 'configMapGenerator:\n  - name: cm\n    literals: [a=1]\n',
    });
    expect(values(r.objects)).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: expect.stringMatching(/^p-cm-[a-z0-9]{10}$/) }, data: { a: '1', b: '2' } }]);
  });
});

describe('kustomize configurations files', () => {
  it('are read with the configuration role', () => {
    const r = build({ 'kustomization.yaml': 'configurations: [c.yaml]\nresources: []\n', 'c.yaml': 'nameReference: []\n' });
    expect([...r.ctx.files.get('c.yaml')!.roles]).toEqual(['configuration']);
  });
});
