import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/engine/lint.js';
import { compileTimes } from '../../src/schema/index.js';
import { CLUSTER, FIXTURES, fixtureCopy, lineOf, replaceOnce, runCli, type Mutation } from '../helpers.js';

/**
 * The community CRDs catalog shipped in schemas/catalog/ (from ../shared/crds-catalog) and --schema-location:
 * kinds that no CRD of the tree and no bundled schema describe are validated against them.
 */

const root = `${CLUSTER}/kustomization.yaml`;
const extra = `${CLUSTER}/extra.yaml`;
const CATALOG = '; schema: %s from the CRDs catalog (datreeio/CRDs-catalog 7b1e26e, 2026-08-20)';
const from = (what: string) => CATALOG.replace('%s', what);

function withExtra(docs: string, more: Record<string, Mutation> = {}) {
  return fixtureCopy({ [root]: replaceOnce('  - cluster.yaml\n', '  - cluster.yaml\n  - extra.yaml\n'), [extra]: docs, ...more });
}

function findings(repo: string, options: Record<string, unknown> = {}) {
  return lint({ paths: [path.join(repo, CLUSTER)], cwd: repo, ...options })
    .diagnostics.filter((d) => d.ruleId.startsWith('schema'))
    .map((d) => ({ ruleId: d.ruleId, line: d.line, severity: d.severity, message: d.message }));
}

const CERTIFICATE = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: wildcard
  namespace: flux-system
spec:
  secretName: wildcard-tls
  dnsNames:
    - "*.example.com"
  issuerRef:
    kind: ClusterIssuer
    name: letsencrypt
`;
const SERVICE_MONITOR = `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: vault
  namespace: flux-system
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: vault
  endpoints:
    - port: http
      interval: 30s
`;
const HTTP_ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: vault
  namespace: flux-system
spec:
  parentRefs:
    - name: external
      namespace: network
  hostnames:
    - vault.example.com
  rules:
    - backendRefs:
        - name: vault
          port: 8200
`;

describe('the CRDs catalog', () => {
  it('validates catalog kinds strictly, with no finding on valid objects', () => {
    expect(findings(withExtra([CERTIFICATE, SERVICE_MONITOR, HTTP_ROUTE].join('---\n')))).toEqual([]);
  });

  it('finds a misspelt field in a cert-manager Certificate, a ServiceMonitor and an HTTPRoute, with did-you-mean, and says the schema came from the catalog', () => {
    const repo = withExtra(
      [
        CERTIFICATE.replace('  secretName:', '  secretNmae:'),
        SERVICE_MONITOR.replace('      interval: 30s', '      intervall: 30s'),
        HTTP_ROUTE.replace('  hostnames:', '  hostname:'),
      ].join('---\n'),
    );
    expect(findings(repo)).toEqual([
      {
        ruleId: 'schema',
        line: lineOf(repo, extra, 'spec:', 1),
        severity: 'error',
        message: `spec is missing required field 'secretName'${from('cert-manager.io/v1 Certificate')}`,
      },
      {
        ruleId: 'schema-unknown-field',
        line: lineOf(repo, extra, 'secretNmae'),
        severity: 'error',
        message: `spec has unknown field 'secretNmae'; did you mean 'secretName'?${from('cert-manager.io/v1 Certificate')}`,
      },
      {
        ruleId: 'schema-unknown-field',
        line: lineOf(repo, extra, 'intervall'),
        severity: 'error',
        message: `spec.endpoints[0] has unknown field 'intervall'; did you mean 'interval'?${from('monitoring.coreos.com/v1 ServiceMonitor')}`,
      },
      {
        ruleId: 'schema-unknown-field',
        line: lineOf(repo, extra, 'hostname:'),
        severity: 'error',
        message: `spec has unknown field 'hostname'; did you mean 'hostnames'?${from('gateway.networking.k8s.io/v1 HTTPRoute')}`,
      },
    ]);
  });

  it('reports what may be newer than the catalog (a field or enum value with no close match) as info, a close one as an error', () => {
    const repo = withExtra(
      [
        CERTIFICATE.replace('  secretName: wildcard-tls\n', '  secretName: wildcard-tls\n  rotation: weekly\n').replace('kind: ClusterIssuer', 'kind: ClusterIssuer\n    group: cert-manager.io').replace(
          '  dnsNames:',
          '  privateKey:\n    algorithm: RAS\n  dnsNames:',
        ),
        CERTIFICATE.replace('name: wildcard\n', 'name: other\n').replace('  dnsNames:', '  privateKey:\n    algorithm: PQC\n  dnsNames:'),
      ].join('---\n'),
    );
    expect(findings(repo)).toEqual([
      {
        ruleId: 'schema-unknown-field',
        line: lineOf(repo, extra, 'rotation'),
        severity: 'info',
        message: `spec has unknown field 'rotation'; a typo, or a field newer than this schema${from('cert-manager.io/v1 Certificate')}`,
      },
      {
        ruleId: 'schema',
        line: lineOf(repo, extra, 'algorithm: RAS'),
        severity: 'error',
        message: `spec.privateKey.algorithm must be one of RSA, ECDSA, Ed25519; did you mean 'RSA'?${from('cert-manager.io/v1 Certificate')}`,
      },
      {
        ruleId: 'schema',
        line: lineOf(repo, extra, 'algorithm: PQC'),
        severity: 'info',
        message: `spec.privateKey.algorithm must be one of RSA, ECDSA, Ed25519${from('cert-manager.io/v1 Certificate')}`,
      },
    ]);
  });

  it('keeps unknown fields where the CRD does (x-kubernetes-preserve-unknown-fields), though the catalog wrote additionalProperties: false there', () => {
    // OpenTelemetryCollector v1beta1 spec.config lists receivers, exporters, ... and keeps any other key.
    const collector = `apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata:
  name: otel
  namespace: flux-system
spec:
  config:
    receivers:
      otlp: {}
    exporters:
      debug: {}
    service:
      pipelines:
        traces:
          receivers: [otlp]
          exporters: [debug]
    x-anchors:
      shared: true
`;
    expect(findings(withExtra(collector))).toEqual([]);
    // while a field next to it is still checked
    const typo = withExtra(collector.replace('spec:\n  config:', 'spec:\n  replica: 2\n  config:'));
    expect(findings(typo).map((f) => [f.ruleId, f.severity, f.message.replace(/; schema: .*/, '')])).toEqual([
      ['schema-unknown-field', 'error', "spec has unknown field 'replica'; did you mean 'replicas'?"],
    ]);
  });

  it('lets a CRD in the tree win over the catalog: it is what the cluster serves', () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: certificates.cert-manager.io
spec:
  group: cert-manager.io
  names:
    kind: Certificate
    plural: certificates
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
                secretNmae:
                  type: string
              x-kubernetes-preserve-unknown-fields: true
`;
    const repo = withExtra(`${crd}---\n${CERTIFICATE.replace('  secretName:', '  secretNmae:')}`);
    expect(findings(repo)).toEqual([]);
  });

  it('loads and compiles nothing of the catalog for a tree that uses none of its kinds', () => {
    compileTimes.clear();
    lint({ paths: [path.join(FIXTURES, CLUSTER)], cwd: FIXTURES });
    expect([...compileTimes.keys()].filter((k) => !/fluxcd|k8s\.io|external-secrets|cnpg|^v1\/|^apps|^rbac|^batch|^policy|kustomize/.test(k))).toEqual([]);
  });
});

describe('--schema-location DIR (and the config key schemaLocations)', () => {
  const WIDGET = `apiVersion: example.com/v1
kind: Widget
metadata:
  name: gear
  namespace: flux-system
spec:
  size: 3
  colour: blue
`;
  const schema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: { type: 'object', additionalProperties: false, properties: { size: { type: 'integer' }, color: { type: 'string' } } },
    },
  };
  const location = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-schemas-'));
    fs.mkdirSync(path.join(dir, 'example.com'));
    fs.writeFileSync(path.join(dir, 'example.com', 'widget_v1.json'), JSON.stringify(schema));
    return dir;
  };

  it('validates kinds against the schemas of the folder, which the findings name', () => {
    const repo = withExtra(WIDGET);
    const dir = location();
    const file = path.join(dir, 'example.com', 'widget_v1.json');
    expect(findings(repo).map((f) => f.ruleId)).toEqual(['schema-missing']);
    expect(findings(repo, { schemaLocations: [dir] })).toEqual([
      {
        ruleId: 'schema-unknown-field',
        line: lineOf(repo, extra, 'colour'),
        severity: 'error',
        message: `spec has unknown field 'colour'; did you mean 'color'?; schema: example.com/v1 Widget from the schema in ${file}`,
      },
    ]);
  });

  it('says when a schema of the folder cannot be used, and never reads outside it for a written apiVersion', () => {
    const dir = location();
    fs.writeFileSync(path.join(dir, 'example.com', 'widget_v1.json'), '{"type": "object", "properties": ');
    const repo = withExtra(`${WIDGET}---\napiVersion: ../example.com/v1\nkind: Widget\nmetadata:\n  name: sneaky\n  namespace: flux-system\n`);
    const got = findings(repo, { schemaLocations: [path.join(dir, 'nested', '..')] });
    expect(got.map((f) => [f.ruleId, f.line])).toEqual([
      ['schema-missing', lineOf(repo, extra, 'kind: Widget')],
      ['schema-missing', lineOf(repo, extra, 'kind: Widget', 2)],
    ]);
    expect(got[0]!.message).toMatch(/^the schema of example\.com\/v1\/Widget \(.*widget_v1\.json\) cannot be used: .*; 1 object of example\.com\/v1 Widget are not validated$/);
    expect(got[1]!.message).toMatch(/^no schema for \.\.\/example\.com\/v1 Widget/);
  });

  it('is a repeatable CLI flag and a config key (relative to the repo root); a missing folder is a usage error', () => {
    const repo = withExtra(WIDGET);
    const dir = location();
    const cli = runCli([CLUSTER, '--no-cache', '--format', 'json', '--schema-location', path.join(repo, 'nowhere'), '--schema-location', dir], repo);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(`--schema-location: no such directory: ${path.join(repo, 'nowhere')}`);
    const ok = runCli([CLUSTER, '--no-cache', '--format', 'json', '--schema-location', dir], repo);
    expect(JSON.parse(ok.stdout).diagnostics.map((d: { ruleId: string; line: number }) => `${d.ruleId}:${d.line}`)).toEqual([`schema-unknown-field:${lineOf(repo, extra, 'colour')}`]);
    fs.cpSync(dir, path.join(repo, 'schemas-private'), { recursive: true });
    fs.writeFileSync(path.join(repo, '.lint-gitops.yaml'), 'schemaLocations:\n  - schemas-private\n');
    const fromConfig = runCli([CLUSTER, '--no-cache', '--format', 'json'], repo);
    expect(JSON.parse(fromConfig.stdout).diagnostics.map((d: { ruleId: string }) => d.ruleId)).toEqual(['schema-unknown-field']);
  });
});
