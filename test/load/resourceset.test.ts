import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { inputId } from '../../src/load/operator-template.js';
import {
  expandResourceSet,
  locateGenerated,
  normalizeObjectName,
  resourceSetDependsOn,
  templatePointRange,
} from '../../src/load/resourceset.js';
import type { GeneratedObject, ResourceSetExpansion } from '../../src/model/types.js';
import { parseYamlFile } from '../../src/load/parse/yaml-file.js';
import { SHARED } from '../helpers.js';

const OWNER = (name: string, namespace: string) => ({
  'resourceset.fluxcd.controlplane.io/name': name,
  'resourceset.fluxcd.controlplane.io/namespace': namespace,
});

const pos = (r: { line: number; column: number }) => ({ line: r.line, column: r.column });
const brief = (r: ResourceSetExpansion) => r.objects.map((o) => `${o.kind} ${o.namespace ?? '-'}/${o.name}`);

/** A file holding the ResourceSet (first document) and whatever follows it (providers), as the loader parses it. */
function load(text: string) {
  const file = parseYamlFile('rset.yaml', text);
  const values = file.docs.map((d) => d.value);
  return { file, doc: file.docs[0], rset: values[0], providers: values.slice(1) };
}

describe('ResourceSet with inline inputs', () => {
  // flux-operator internal/builder/testdata/resourceset/slugify.yaml and its golden file.
  const SLUGIFY = `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: app1
  namespace: apps
spec:
  inputs:
    - tenant: team1
      domain: t1.example.com
      semver: ">=1.0.0-rc.0"
      replicas: "2"
    - tenant: team2
      domain: t2.example.com
      semver: ">=1.0.0"
      replicas: "3"
  resources:
    - apiVersion: source.toolkit.fluxcd.io/v1beta2
      kind: OCIRepository
      metadata:
        name: << inputs.tenant >>-app1
        namespace: apps
        labels:
          app.kubernetes.io/semver: << inputs.semver | slugify >>
      spec:
        interval: 10m
        url: oci://ghcr.io/org/charts/app1
        ref:
          semver: << inputs.semver | quote >>
    - apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata:
        name: << inputs.tenant >>-app1
        namespace: apps
        labels:
          replicas: << inputs.replicas | quote >>
      spec:
        interval: 1h
        releaseName: << inputs.tenant >>-app1
        chartRef:
          kind: OCIRepository
          name: << inputs.tenant >>-app1
        values:
          domain: << inputs.domain >>
          replicas: << inputs.replicas | int >>
`;

  it('renders every item once per input set, items in order, as the golden file', () => {
    const r = expandResourceSet(parse(SLUGIFY));
    expect(r.status).toBe('expanded');
    expect(r.issues).toEqual([]);
    expect(r.inputSets).toBe(2);
    expect(brief(r)).toEqual(['OCIRepository apps/team1-app1', 'OCIRepository apps/team2-app1', 'HelmRelease apps/team1-app1', 'HelmRelease apps/team2-app1']);
    expect(r.objects[0].value).toEqual({
      apiVersion: 'source.toolkit.fluxcd.io/v1beta2',
      kind: 'OCIRepository',
      metadata: { name: 'team1-app1', namespace: 'apps', labels: { 'app.kubernetes.io/semver': '1-0-0-rc-0', ...OWNER('app1', 'apps') } },
      spec: { interval: '10m', url: 'oci://ghcr.io/org/charts/app1', ref: { semver: '>=1.0.0-rc.0' } },
    });
    // `| int` renders an unquoted number; `| quote` keeps a string.
    expect(r.objects[3].value).toMatchObject({
      metadata: { labels: { replicas: '3' } },
      spec: { values: { domain: 't2.example.com', replicas: 3 } },
    });
    expect(r.objects.map((o) => [o.template.path, o.inputIndex])).toEqual([
      [['spec', 'resources', 0], 0],
      [['spec', 'resources', 0], 1],
      [['spec', 'resources', 1], 0],
      [['spec', 'resources', 1], 1],
    ]);
  });

  it('points a generated field at the templated value it came from', () => {
    const { doc, rset } = load(SLUGIFY);
    const r = expandResourceSet(rset);
    const o = r.objects[2];
    expect(locateGenerated(o, ['spec', 'values', 'replicas'])).toEqual({ path: ['spec', 'resources', 1, 'spec', 'values', 'replicas'] });
    expect(pos(templatePointRange(doc, locateGenerated(o, ['spec', 'values', 'replicas'])))).toEqual({ line: 44, column: 21 });
    // Paths the template does not have (the owner labels) point at their nearest templated ancestor.
    expect(locateGenerated(o, ['metadata', 'labels', 'resourceset.fluxcd.controlplane.io/name'])).toEqual({
      path: ['spec', 'resources', 1, 'metadata', 'labels'],
    });
  });

  it('reports a missing input at the template value that reads it, where the operator fails the build', () => {
    const text = SLUGIFY.replace('          domain: << inputs.domain >>', '          domain: << inputs.domian >>');
    const { doc, rset } = load(text);
    const r = expandResourceSet(rset);
    expect(r.objects).toEqual([]);
    expect(r.issues).toEqual([
      {
        code: 'template-exec',
        severity: 'error',
        message: 'template: map has no entry for key "domian" (input set 0)',
        // Go reports a chain at its first field: `.domian`.
        at: { path: ['spec', 'resources', 1, 'spec', 'values', 'domain'], line: 1, column: 10 },
      },
    ]);
    const line = text.split('\n').findIndex((l) => l.includes('inputs.domian')) + 1;
    expect(pos(templatePointRange(doc, r.issues[0].at))).toEqual({ line, column: 28 });
  });

  it('reports an error inside a multi-line string of an item at its line and column in the file', () => {
    const text = `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: { name: r, namespace: ns }
spec:
  inputs: [{ id: "7" }]
  resources:
    - apiVersion: batch/v1
      kind: Job
      metadata: { name: comment, namespace: ns }
      spec:
        template:
          spec:
            containers:
              - name: c
                args:
                  - |
                    curl -sf -X POST \\
                      "https://api.github.com/repos/o/r/issues/<< inputs.id >>/comments" \\
                      -d '{"body": "<< inputs.branch >>"}'
`;
    const { doc, rset } = load(text);
    const r = expandResourceSet(rset);
    expect(r.issues).toEqual([
      {
        code: 'template-exec',
        severity: 'error',
        message: 'template: map has no entry for key "branch" (input set 0)',
        // Line 3 of the script, at `.branch` (its own two leading spaces count).
        at: { path: ['spec', 'resources', 0, 'spec', 'template', 'spec', 'containers', 0, 'args', 0], line: 3, column: 26 },
      },
    ]);
    expect(pos(templatePointRange(doc, r.issues[0].at))).toEqual({ line: 19, column: 46 });
    expect(text.split('\n')[18].slice(45)).toMatch(/^\.branch/);
  });

  it('reports an unknown function at parse time, once per item', () => {
    const r = expandResourceSet(parse(SLUGIFY.replace('inputs.semver | slugify', 'inputs.semver | slugifi')));
    expect(r.issues).toEqual([
      {
        code: 'template-parse',
        severity: 'error',
        message: 'template: function "slugifi" not defined',
        at: { path: ['spec', 'resources', 0, 'metadata', 'labels', 'app.kubernetes.io/semver'], line: 1, column: 20 },
      },
    ]);
    expect(r.objects).toEqual([]);
  });

  it('fails when a name renders as a number, which the API server refuses', () => {
    const rset = parse(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: { name: r, namespace: ns }
spec:
  inputs: [{ n: 42 }]
  resources:
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: << inputs.n >>
`);
    expect(expandResourceSet(rset).issues).toEqual([
      {
        code: 'template-output',
        severity: 'error',
        message: 'metadata.name renders as a number, not a string (quote it) (input set 0)',
        at: { path: ['spec', 'resources', 0, 'metadata', 'name'] },
      },
    ]);
  });

  it('adds the inputs.provider built-in and an inputs.id stand-in it flags', () => {
    const r = expandResourceSet(
      parse(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: { name: podinfo, namespace: flux-system }
spec:
  inputs: [{ version: "6.x" }]
  resources:
    - apiVersion: source.toolkit.fluxcd.io/v1
      kind: OCIRepository
      metadata:
        name: << inputs.provider.name >>
        namespace: << inputs.provider.namespace >>
      spec:
        ref: { semver: << inputs.version | quote >> }
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: cm-<< inputs.id >>
        namespace: << inputs.provider.namespace >>
      data: { kind: << inputs.provider.kind >>, api: << inputs.provider.apiVersion >> }
`),
    );
    expect(r.issues).toEqual([]);
    expect(brief(r)).toEqual(['OCIRepository flux-system/podinfo', `ConfigMap flux-system/cm-${inputId('flux-system/podinfo/0')}`]);
    expect(r.objects[0].placeholders).toEqual([]);
    expect(r.objects[1].placeholders).toEqual(['inputs.id of ResourceSet podinfo inputs[0]']);
    expect(r.objects[1].value.data).toEqual({ kind: 'ResourceSet', api: 'fluxcd.controlplane.io/v1' });
  });

  it('renders once with empty inputs when there are none, without de-duplication', () => {
    const r = expandResourceSet(
      parse(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: { name: r, namespace: ns }
spec:
  resources:
    - { apiVersion: v1, kind: ConfigMap, metadata: { name: a, namespace: ns } }
    - { apiVersion: v1, kind: ConfigMap, metadata: { name: a, namespace: ns } }
    - apiVersion: v1
      kind: ConfigMap
      metadata: { name: b, namespace: ns, annotations: { fluxcd.controlplane.io/reconcile: disabled } }
`),
    );
    expect(r.issues).toEqual([]);
    expect(r.inputSets).toBe(1);
    expect(brief(r)).toEqual(['ConfigMap ns/a', 'ConfigMap ns/a', 'ConfigMap ns/b']);
    expect(r.objects.every((o) => o.inputIndex === undefined)).toBe(true);
  });

  it('de-duplicates by group/kind/namespace/name, drops reconcile: disabled, and applies commonMetadata', () => {
    const r = expandResourceSet(
      parse(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: { name: podinfo, namespace: default }
spec:
  commonMetadata:
    labels: { app.kubernetes.io/name: podinfo }
    annotations: { fluxcd.controlplane.io/prune: disabled }
  inputs: [{ tenant: team1 }, { tenant: team2 }]
  resources:
    - apiVersion: source.toolkit.fluxcd.io/v1
      kind: OCIRepository
      metadata: { name: podinfo, namespace: default }
    - apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: flux
        namespace: << inputs.tenant >>
        annotations:
          fluxcd.controlplane.io/reconcile: << if eq inputs.tenant "team1" >>enabled<< else >>disabled<< end >>
  resourcesTemplate: |
    apiVersion: source.toolkit.fluxcd.io/v1beta2
    kind: OCIRepository
    metadata: { name: podinfo, namespace: default }
    ---
    apiVersion: v1
    kind: Namespace
    metadata: { name: << inputs.tenant >> }
`),
    );
    expect(r.issues).toEqual([]);
    // The shared source is made once, the template's copy of it (v1beta2, same group) is a duplicate too.
    expect(brief(r)).toEqual(['OCIRepository default/podinfo', 'ServiceAccount team1/flux', 'Namespace -/team1', 'Namespace -/team2']);
    expect(r.objects[0].value.metadata).toEqual({
      name: 'podinfo',
      namespace: 'default',
      labels: { ...OWNER('podinfo', 'default'), 'app.kubernetes.io/name': 'podinfo' },
      annotations: { 'fluxcd.controlplane.io/prune': 'disabled' },
    });
  });

  it('merges YAML merge keys in items as the API server gets them, instead of reading `<<` as a template action', () => {
    const r = expandResourceSet(
      parse(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: { name: r, namespace: ns }
spec:
  inputs: [{ n: a }]
  resources:
    - apiVersion: v1
      kind: ConfigMap
      metadata: { name: << inputs.n >>, namespace: ns }
      data:
        <<: { x: "1", y: "2" }
        y: "3"
`),
    );
    expect(r.issues).toEqual([]);
    expect(r.objects[0].value.data).toEqual({ x: '1', y: '3' });
  });

  it('does not expand a template calling a function it does not evaluate, and says so without an error', () => {
    const r = expandResourceSet(parse(SLUGIFY.replace('<< inputs.domain >>', '<< inputs.domain | urlParse >>')));
    expect(r.status).toBe('not-expandable');
    expect(r.objects).toEqual([]);
    expect(r.issues).toEqual([
      {
        code: 'unsupported',
        severity: 'info',
        message: 'not expanded offline: function "urlParse" is not evaluated offline',
        at: { path: ['spec', 'resources', 1, 'spec', 'values', 'domain'], line: 1, column: 20 },
      },
    ]);
  });

  it('generates nothing when the ResourceSet is disabled', () => {
    const r = expandResourceSet(
      parse(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: { name: r, namespace: ns, annotations: { fluxcd.controlplane.io/reconcile: disabled } }
spec:
  resources: [{ apiVersion: v1, kind: ConfigMap, metadata: { name: a } }]
`),
    );
    expect(r.objects).toEqual([]);
    expect(r.issues.map((i) => [i.code, i.severity])).toEqual([['disabled', 'info']]);
  });
});

describe('ResourceSet resourcesTemplate', () => {
  // flux-operator internal/builder/testdata/resourceset/multi-doc-template.yaml and its golden file.
  const MULTI = `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: bundles
  namespace: flux-system
spec:
  inputs:
    - bundle: addons
      decryption: false
      apps:
        - ingress-nginx
        - cert-manager
    - bundle: apps
      decryption: true
      apps:
        - frontend
        - backend
  resourcesTemplate: |
    ---
    apiVersion: source.toolkit.fluxcd.io/v1beta2
    kind: OCIRepository
    metadata:
      name: << inputs.bundle >>
      namespace: flux-system
    spec:
      interval: 10m
      url: oci://registry.example.com/<< inputs.bundle >>
      ref:
        tag: latest
    <<- range $app := inputs.apps >>
    ---
    apiVersion: kustomize.toolkit.fluxcd.io/v1
    kind: Kustomization
    metadata:
      name: << $app >>
      namespace: flux-system
    spec:
      interval: 10m
      prune: true
      <<- if inputs.decryption >>
      decryption:
        provider: sops
        secretRef:
          name: << inputs.bundle >>-sops
      <<- end >>
      sourceRef:
        kind: OCIRepository
        name: << inputs.bundle >>
      path: ./<< $app >>
    <<- end >>
`;

  it('renders the multi-document template once per input set, as the golden file', () => {
    const r = expandResourceSet(parse(MULTI));
    expect(r.issues).toEqual([]);
    expect(brief(r)).toEqual([
      'OCIRepository flux-system/addons',
      'Kustomization flux-system/ingress-nginx',
      'Kustomization flux-system/cert-manager',
      'OCIRepository flux-system/apps',
      'Kustomization flux-system/frontend',
      'Kustomization flux-system/backend',
    ]);
    expect(r.objects[4].value.spec).toEqual({
      interval: '10m',
      prune: true,
      decryption: { provider: 'sops', secretRef: { name: 'apps-sops' } },
      sourceRef: { kind: 'OCIRepository', name: 'apps' },
      path: './frontend',
    });
    expect(r.objects[1].value.spec).not.toHaveProperty('decryption');
  });

  it('points each object and field at its line in the template string, and that at the file', () => {
    const { doc, rset } = load(MULTI);
    const r = expandResourceSet(rset);
    const ks = r.objects[1];
    expect(ks.template).toEqual({ path: ['spec', 'resourcesTemplate'], line: 14, column: 1 });
    const at = locateGenerated(ks, ['spec', 'sourceRef', 'name']);
    expect(at).toEqual({ path: ['spec', 'resourcesTemplate'], line: 30, column: 11 });
    // Template line 30 is file line 18 + 30 (the block starts after `resourcesTemplate: |` on line 18).
    expect(MULTI.split('\n')[47]).toBe('        name: << inputs.bundle >>');
    expect(pos(templatePointRange(doc, at))).toEqual({ line: 48, column: 15 });
  });

  it('reports a syntax error at its line in the template string', () => {
    const text = MULTI.replace('      path: ./<< $app >>', '      path: ./<< $ap >>');
    const { doc, rset } = load(text);
    const r = expandResourceSet(rset);
    expect(r.issues).toEqual([
      { code: 'template-parse', severity: 'error', message: 'template: undefined variable "$ap"', at: { path: ['spec', 'resourcesTemplate'], line: 31, column: 14 } },
    ]);
    const line = text.split('\n').findIndex((l) => l.includes('$ap >>')) + 1;
    expect(pos(templatePointRange(doc, r.issues[0].at))).toEqual({ line, column: 18 });
  });

  it('reports rendered YAML the operator cannot read at the template line that produced it', () => {
    const r = expandResourceSet(
      parse(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: { name: r, namespace: ns }
spec:
  inputs: [{ v: "a: b" }]
  resourcesTemplate: |
    apiVersion: v1
    kind: ConfigMap
    metadata: { name: x }
    data:
      k: << inputs.v >>
`),
    );
    expect(r.issues).toMatchObject([
      { code: 'template-output', severity: 'error', at: { path: ['spec', 'resourcesTemplate'], line: 5 } },
    ]);
    expect(r.issues[0].message).toMatch(/^failed to read objects from multi-doc YAML: error converting YAML to JSON: .*\(input set 0\)$/);
  });

  it('drops documents that are not Kubernetes objects, as the operator reads them, and expands Lists', () => {
    const r = expandResourceSet(
      parse(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: { name: r, namespace: ns }
spec:
  resourcesTemplate: |
    # only a comment
    ---
    apiVersion: v1
    kind: ConfigMap
    data: { no: name }
    ---
    apiVersion: v1
    kind: List
    items:
      - { apiVersion: v1, kind: ConfigMap, metadata: { name: a, namespace: ns } }
      - { apiVersion: v1, kind: Secret, metadata: { name: b, namespace: ns } }
`),
    );
    expect(brief(r)).toEqual(['ConfigMap ns/a', 'Secret ns/b']);
    expect(r.issues.map((i) => [i.code, i.severity, i.at.line])).toEqual([['dropped', 'info', 3]]);
    expect(locateGenerated(r.objects[1], ['kind'])).toEqual({ path: ['spec', 'resourcesTemplate'], line: 11, column: 29 });
  });
});

describe('ResourceSet inputsFrom', () => {
  const RSET = (inputsFrom: string, extra = '') => `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: { name: apps, namespace: tenants }
spec:
${extra}  inputsFrom:
${inputsFrom}
  resources:
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: << inputs.app >>
        namespace: tenants
      data:
        provider: << inputs.provider.name >>
        id: << inputs.id | quote >>
`;
  const PROVIDER = (name: string, app: string, labels = '{}', ns = 'tenants', type = 'Static') => `---
apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSetInputProvider
metadata: { name: ${name}, namespace: ${ns}, labels: ${labels} }
spec:
  type: ${type}
  defaultValues: { app: ${app}, id: ignored }
`;

  it('expands a Static provider referenced by name; its id depends on the cluster uid and is flagged', () => {
    const { rset, providers } = load(RSET('    - kind: ResourceSetInputProvider\n      name: alpha') + PROVIDER('alpha', 'a1'));
    const r = expandResourceSet(rset, { providers });
    expect(r.status).toBe('expanded');
    expect(r.issues).toEqual([]);
    expect(brief(r)).toEqual(['ConfigMap tenants/a1']);
    // NewResourceSetInput(defaults, {id}): the exported id replaces a default called id.
    expect(r.objects[0].value.data).toEqual({ provider: 'alpha', id: inputId('tenants/alpha') });
    expect(r.objects[0].placeholders).toEqual(['inputs.id of ResourceSetInputProvider alpha (adler32 of its metadata.uid)']);
  });

  it('uses metadata.uid when the provider has one: the id is then exact', () => {
    const text = RSET('    - name: alpha') + PROVIDER('alpha', 'a1').replace('labels: {} }', 'labels: {}, uid: 0d6b7c1e }');
    const { rset, providers } = load(text);
    const r = expandResourceSet(rset, { providers });
    expect(r.objects[0].value.data).toEqual({ provider: 'alpha', id: inputId('0d6b7c1e') });
    expect(r.objects[0].placeholders).toEqual([]);
  });

  it('selects providers by labels in the ResourceSet namespace, sorted by name, after the inline inputs', () => {
    const text =
      RSET(
        '    - selector:\n        matchLabels: { team: a }\n        matchExpressions: [{ key: tier, operator: In, values: [web, api] }]',
        '  inputs: [{ app: inline }]\n',
      ) +
      PROVIDER('zeta', 'z1', '{ team: a, tier: web }') +
      PROVIDER('beta', 'b1', '{ team: a, tier: api }') +
      PROVIDER('gamma', 'g1', '{ team: a, tier: db }') +
      PROVIDER('delta', 'd1', '{ team: b, tier: web }') +
      PROVIDER('other-ns', 'o1', '{ team: a, tier: web }', 'elsewhere');
    const { rset, providers } = load(text);
    const r = expandResourceSet(rset, { providers });
    expect(r.issues).toEqual([]);
    expect(brief(r)).toEqual(['ConfigMap tenants/inline', 'ConfigMap tenants/b1', 'ConfigMap tenants/z1']);
    expect(r.objects.map((o) => (o.value.data as Record<string, string>).provider)).toEqual(['apps', 'beta', 'zeta']);
  });

  it('takes the effective namespace from the caller when the manifests have none', () => {
    const text = RSET('    - name: alpha').replace('namespace: tenants }', '}') + PROVIDER('alpha', 'a1').replace(', namespace: tenants', '');
    const { rset, providers } = load(text);
    const r = expandResourceSet(rset, { namespace: 'tenants', providers: providers.map((value) => ({ value, namespace: 'tenants' })) });
    expect(brief(r)).toEqual(['ConfigMap tenants/a1']);
  });

  it('renders nothing when the providers export no input set (the operator reconciles an empty set)', () => {
    const { rset, providers } = load(RSET('    - selector: { matchLabels: { team: nobody } }') + PROVIDER('alpha', 'a1'));
    const r = expandResourceSet(rset, { providers });
    expect(r).toMatchObject({ status: 'expanded', objects: [], issues: [], inputSets: 0 });
  });

  it('says which provider a name matches none of, as a warning (the cluster may have it)', () => {
    const { rset } = load(RSET('    - name: missing'));
    const r = expandResourceSet(rset, { providers: [] });
    expect(r.status).toBe('not-expandable');
    expect(r.issues).toEqual([
      {
        code: 'provider-not-found',
        severity: 'warning',
        message: 'ResourceSetInputProvider tenants/missing is not in the repository: the operator fails unless the cluster has it',
        at: { path: ['spec', 'inputsFrom', 0, 'name'] },
      },
    ]);
  });

  it('does not expand providers that need a live API, and says which, without an error', () => {
    const { rset, providers } = load(
      RSET('    - name: prs') + PROVIDER('prs', 'x', '{}', 'tenants', 'GitHubPullRequest').replace('spec:\n', 'spec:\n  url: https://github.com/o/r\n'),
    );
    const r = expandResourceSet(rset, { providers });
    expect(r).toMatchObject({ status: 'not-expandable', objects: [], issues: [] });
    expect(r.offlineProviders).toEqual([{ name: 'prs', namespace: 'tenants', type: 'GitHubPullRequest', path: ['spec', 'inputsFrom', 0] }]);
  });

  it('still expands the inline and Static input sets beside them (Flatten), as partial', () => {
    const text =
      RSET('    - name: prs\n    - name: alpha', '  inputs: [{ app: inline }]\n') +
      PROVIDER('prs', 'x', '{}', 'tenants', 'OCIArtifactTag') +
      PROVIDER('alpha', 'a1');
    const { rset, providers } = load(text);
    const r = expandResourceSet(rset, { providers });
    expect(r.status).toBe('partial');
    expect(brief(r)).toEqual(['ConfigMap tenants/inline', 'ConfigMap tenants/a1']);
    expect(r.offlineProviders.map((p) => `${p.name} ${p.type}`)).toEqual(['prs OCIArtifactTag']);
  });

  it('still reports a syntax error when the inputs are not known offline: any input set fails on it', () => {
    const { rset, providers } = load(
      RSET('    - name: prs').replace('<< inputs.app >>', '<< inputs.app | nope >>') + PROVIDER('prs', 'x', '{}', 'tenants', 'GitLabMergeRequest'),
    );
    const r = expandResourceSet(rset, { providers });
    expect(r.status).toBe('not-expandable');
    expect(r.issues.map((i) => [i.code, i.message])).toEqual([['template-parse', 'template: function "nope" not defined']]);
  });
});

describe('ResourceSet inputStrategy Permute', () => {
  it('gives the ids of the operator for the permutations of its own inputs and a provider (inputs/combine_test.go)', () => {
    // combine_test.go: ResourceSet "rset" with inputs id ID("foo"), ID("bar") and a provider "rsip" exporting
    // id ID("baz"); the Permute ids are 563152006 and 563676295, Flatten keeps 42074437, 39649590, 40173886.
    expect([inputId('foo'), inputId('bar'), inputId('baz')]).toEqual(['42074437', '39649590', '40173886']);
    const rset = (strategy: string) =>
      parse(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: { name: rset, namespace: default }
spec:
  inputStrategy: { name: ${strategy} }
  inputs: [{ id: "42074437" }, { id: "39649590" }]
  inputsFrom: [{ name: rsip }]
  resourcesTemplate: |
    apiVersion: v1
    kind: ConfigMap
    metadata: { name: cm-<< inputs.id >>, namespace: default }
    data: << inputs | toJson | quote >>
`);
    const provider = parse(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSetInputProvider
metadata: { name: rsip, namespace: default, uid: baz }
spec: { type: Static }
`);
    const permuted = expandResourceSet(rset('Permute'), { providers: [provider] });
    expect(permuted.issues).toEqual([]);
    expect(brief(permuted)).toEqual(['ConfigMap default/cm-563152006', 'ConfigMap default/cm-563676295']);
    const prov = (kind: string, name: string) => ({ apiVersion: 'fluxcd.controlplane.io/v1', kind, name, namespace: 'default' });
    expect(JSON.parse(permuted.objects[0].value.data as string)).toEqual({
      id: '563152006',
      rset: { id: '42074437', provider: prov('ResourceSet', 'rset') },
      rsip: { id: '40173886', provider: prov('ResourceSetInputProvider', 'rsip') },
    });
    const flat = expandResourceSet(rset('Flatten'), { providers: [provider] });
    expect(brief(flat)).toEqual(['ConfigMap default/cm-42074437', 'ConfigMap default/cm-39649590', 'ConfigMap default/cm-40173886']);
  });

  it('scopes each provider under its normalized name and skips empty providers unless told otherwise', () => {
    expect(normalizeObjectName('Git-Tag.v2 (x)')).toBe('git_tag_v2_x');
    const text = (include: string) => `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: { name: my-rset, namespace: default }
spec:
  inputStrategy: { name: Permute${include} }
  inputs: [{ env: dev }, { env: prod }]
  inputsFrom: [{ selector: { matchLabels: { use: "yes" } } }]
  resources:
    - apiVersion: v1
      kind: ConfigMap
      metadata: { name: "<< inputs.my_rset.env >>-<< inputs.git_tag.tag >>", namespace: default }
---
apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSetInputProvider
metadata: { name: git-tag, namespace: default, labels: { use: "yes" } }
spec: { type: Static, defaultValues: { tag: v1 } }
`;
    const { rset, providers } = load(text(''));
    expect(brief(expandResourceSet(rset, { providers }))).toEqual(['ConfigMap default/dev-v1', 'ConfigMap default/prod-v1']);
    const onlyEmpty = load(text('').replace('use: "yes" } }', 'use: "no" } }'));
    // With the provider selected by nothing, the permutations are those of the inline inputs alone...
    const r = expandResourceSet(onlyEmpty.rset, { providers: onlyEmpty.providers });
    expect(r.issues).toEqual([
      { code: 'template-exec', severity: 'error', message: 'template: map has no entry for key "git_tag" (input set 0)', at: expect.objectContaining({ path: ['spec', 'resources', 0, 'metadata', 'name'] }) },
    ]);
  });

  it('does not expand a permutation that needs a live provider', () => {
    const { rset, providers } = load(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: { name: r, namespace: default }
spec:
  inputStrategy: { name: Permute }
  inputs: [{ env: dev }]
  inputsFrom: [{ name: tags }]
  resources: [{ apiVersion: v1, kind: ConfigMap, metadata: { name: x, namespace: default } }]
---
apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSetInputProvider
metadata: { name: tags, namespace: default }
spec: { type: GitHubTag, url: "https://github.com/o/r" }
`);
    const r = expandResourceSet(rset, { providers });
    expect(r).toMatchObject({ status: 'not-expandable', objects: [], issues: [] });
    expect(r.offlineProviders.map((p) => p.type)).toEqual(['GitHubTag']);
  });
});

describe('ResourceSet steps and dependsOn', () => {
  it('builds each step, marks its objects, and fails on an object two steps define', () => {
    const text = (second: string) => `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: { name: app, namespace: apps }
spec:
  inputs: [{ v: "1" }]
  steps:
    - name: pre-deploy
      resourcesTemplate: |
        apiVersion: batch/v1
        kind: Job
        metadata: { name: migrate-<< inputs.v >>, namespace: apps }
    - name: deploy
      resources:
        - apiVersion: helm.toolkit.fluxcd.io/v2
          kind: HelmRelease
          metadata: { name: ${second}, namespace: apps }
`;
    const ok = expandResourceSet(parse(text('app')));
    expect(ok.issues).toEqual([]);
    expect(ok.objects.map((o) => `${o.step} ${o.kind} ${o.name}`)).toEqual(['pre-deploy Job migrate-1', 'deploy HelmRelease app']);
    expect(ok.objects[1].template).toEqual({ path: ['spec', 'steps', 1, 'resources', 0] });
    const dup = expandResourceSet(parse(text('migrate-1').replace('helm.toolkit.fluxcd.io/v2\n          kind: HelmRelease', 'batch/v1\n          kind: Job')));
    expect(dup.issues.map((i) => [i.code, i.severity, i.message])).toEqual([
      ['duplicate-resource', 'error', 'duplicate resource Job/apps/migrate-1 in step "deploy", already defined in step "pre-deploy"'],
    ]);
  });

  it('refuses steps beside resources, as the CRD does', () => {
    const r = expandResourceSet(
      parse(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: { name: app, namespace: apps }
spec:
  resources: [{ apiVersion: v1, kind: ConfigMap, metadata: { name: a } }]
  steps: [{ name: s, resources: [{ apiVersion: v1, kind: ConfigMap, metadata: { name: b } }] }]
`),
    );
    expect(r.issues.map((i) => [i.code, i.message])).toEqual([['invalid-spec', 'spec.steps is mutually exclusive with spec.resources and spec.resourcesTemplate']]);
    expect(r.status).toBe('not-expandable');
  });

  it('lists dependsOn with ready and readyExpr, namespace as written', () => {
    const deps = resourceSetDependsOn(
      parse(`apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: { name: app, namespace: apps }
spec:
  dependsOn:
    - { apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, name: helmreleases.helm.toolkit.fluxcd.io }
    - apiVersion: fluxcd.controlplane.io/v1
      kind: ResourceSet
      name: addons
      namespace: flux-system
      ready: true
      readyExpr: status.conditions.exists(c, c.type == 'Ready')
    - { kind: Broken, name: no-api-version }
`),
    );
    expect(deps).toEqual([
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'helmreleases.helm.toolkit.fluxcd.io', namespace: undefined, ready: false, readyExpr: undefined, path: ['spec', 'dependsOn', 0] },
      { apiVersion: 'fluxcd.controlplane.io/v1', kind: 'ResourceSet', name: 'addons', namespace: 'flux-system', ready: true, readyExpr: "status.conditions.exists(c, c.type == 'Ready')", path: ['spec', 'dependsOn', 1] },
    ]);
  });
});

describe('the ResourceSets of xunholy/k8s-gitops', () => {
  const corpus = path.join(SHARED, 'corpora', 'xunholy__k8s-gitops');
  const present = fs.existsSync(corpus);
  if (!present) console.log(`skipping the xunholy ResourceSets: ${corpus} is absent`);

  const read = (rel: string) => parseAllDocuments(fs.readFileSync(path.join(corpus, rel), 'utf8')).map((d) => d.toJS());
  const objectsOf = (objs: GeneratedObject[]) => objs.map((o) => `${o.apiVersion} ${o.kind} ${o.namespace}/${o.name}`);

  it.skipIf(!present)('flux-instance and flux-operator: their two fixed resources each, and their CRD dependencies', () => {
    for (const name of ['flux-instance', 'flux-operator']) {
      const [rset] = read(`kubernetes/clusters/cluster-00/flux-system/${name}/app/helmrelease.yaml`);
      const r = expandResourceSet(rset);
      expect(r.status).toBe('expanded');
      expect(r.issues).toEqual([]);
      expect(objectsOf(r.objects)).toEqual([
        `source.toolkit.fluxcd.io/v1 OCIRepository flux-system/${name}`,
        `helm.toolkit.fluxcd.io/v2 HelmRelease flux-system/${name}`,
      ]);
      expect(r.objects[1].value.spec).toMatchObject({ chartRef: { kind: 'OCIRepository', name }, valuesFrom: [{ kind: 'ConfigMap', name: `${name}-values` }] });
      expect(r.objects[1].value.metadata).toMatchObject({ labels: OWNER(name, 'flux-system') });
      expect(r.dependsOn.map((d) => `${d.kind} ${d.name}`)).toEqual([
        'CustomResourceDefinition helmreleases.helm.toolkit.fluxcd.io',
        'CustomResourceDefinition ocirepositories.source.toolkit.fluxcd.io',
      ]);
    }
    const [instance] = read('kubernetes/clusters/cluster-00/flux-system/flux-instance/app/helmrelease.yaml');
    expect(expandResourceSet(instance).objects[1].value.spec).toMatchObject({ dependsOn: [{ name: 'flux-operator', namespace: 'flux-system' }] });
  });

  it.skipIf(!present)('the pull-request previews: GitHubPullRequest inputs are not expandable offline, and the templates parse', () => {
    const [rset] = read('kubernetes/apps/base/preview-system/app/resourceset.yaml');
    const providers = read('kubernetes/apps/base/preview-system/app/resourcesetinputprovider.yaml');
    // Built by the Flux Kustomization preview-system with targetNamespace preview-system.
    const r = expandResourceSet(rset, { namespace: 'preview-system', providers: providers.map((value) => ({ value, namespace: 'preview-system' })) });
    expect(r).toMatchObject({ status: 'not-expandable', objects: [], issues: [], dependsOn: [] });
    expect(r.offlineProviders).toEqual([{ name: 'github-pr-previews', namespace: 'preview-system', type: 'GitHubPullRequest', path: ['spec', 'inputsFrom', 0] }]);
  });

  it.skipIf(!present)('the pull-request previews, with a stand-in pull request as a Static provider, render the seven preview objects', () => {
    const [rset] = read('kubernetes/apps/base/preview-system/app/resourceset.yaml');
    const [pr] = read('kubernetes/apps/base/preview-system/app/resourcesetinputprovider.yaml');
    // The inputs a GitHubPullRequest provider exports (id, sha, branch, author, title), here made static.
    const stand = { ...pr, metadata: { ...pr.metadata, uid: 'u' }, spec: { type: 'Static', defaultValues: { sha: 'abc123', branch: 'feat/x', author: 'me', title: 't' } } };
    const r = expandResourceSet(rset, { namespace: 'preview-system', providers: [{ value: stand, namespace: 'preview-system' }] });
    expect(r.issues).toEqual([]);
    const id = inputId('u');
    expect(objectsOf(r.objects)).toEqual([
      `v1 Namespace undefined/preview-pr-${id}`,
      `v1 ResourceQuota preview-pr-${id}/preview-quota`,
      `source.toolkit.fluxcd.io/v1 GitRepository preview-pr-${id}/pr-${id}`,
      `external-secrets.io/v1 ExternalSecret preview-pr-${id}/github-auth`,
      `kustomize.toolkit.fluxcd.io/v1 Kustomization preview-pr-${id}/emberstone-portal-pr-${id}`,
      `batch/v1 Job preview-pr-${id}/preview-comment`,
      `gateway.networking.k8s.io/v1 HTTPRoute preview-pr-${id}/emberstone-portal-preview`,
    ]);
    const ks = r.objects[4].value as { metadata: { annotations: Record<string, string> }; spec: Record<string, unknown> };
    expect(ks.metadata.annotations).toEqual({ 'event.toolkit.fluxcd.io/change_request': id, 'event.toolkit.fluxcd.io/commit': 'abc123' });
    expect(ks.spec).toMatchObject({ path: './kubernetes/apps/base/game-servers/emberstone-portal/app', sourceRef: { kind: 'GitRepository', name: `pr-${id}` }, targetNamespace: `preview-pr-${id}` });
    // The Job's multi-line shell script went through the template as a YAML block and came back unchanged.
    const job = r.objects[5].value as { spec: { template: { spec: { containers: { args: string[] }[] } } } };
    expect(job.spec.template.spec.containers[0].args[0]).toContain(`https://api.github.com/repos/xunholy/k8s-gitops/issues/${id}/comments`);
    expect(job.spec.template.spec.containers[0].args[0]).toContain("$(echo 'abc123' | cut -c1-7)");
    expect((r.objects[6].value.spec as { hostnames: string[] }).hostnames).toEqual([`${id}.preview.owncloud.ai`]);
  });
});
