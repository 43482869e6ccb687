import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint, type LintOptions } from '../../src/engine/lint.js';
import { CLUSTER, FIXTURES, fixtureCopy, lineOf, lintRule, replaceOnce, runCli } from '../helpers.js';

const vaultBase = 'flux-apps/vault/kustomization.yaml';
const certs = 'flux-apps/vault/certificates.yaml';

/** Two Certificates of a private group in the vault base: a kind neither lint-gitops nor its CRDs catalog has a schema for. */
const CERTIFICATES = ['vault', 'vault-ui']
  .map(
    (name) =>
      `apiVersion: certs.example.com/v1\nkind: Certificate\nmetadata:\n  name: ${name}\nspec:\n  secretName: ${name}-tls\n  dnsNames: [${name}.example.com]\n  issuerRef:\n    name: letsencrypt\n    kind: ClusterIssuer\n`,
  )
  .join('---\n');

/** A trimmed Certificate CRD (the shape of cert-manager's, in a private group). */
const CERTIFICATE_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: certificates.certs.example.com
spec:
  group: certs.example.com
  names:
    kind: Certificate
    listKind: CertificateList
    plural: certificates
    singular: certificate
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            apiVersion: {type: string}
            kind: {type: string}
            metadata: {type: object}
            spec:
              type: object
              required: [secretName, issuerRef]
              properties:
                secretName: {type: string}
                dnsNames:
                  type: array
                  items: {type: string}
                duration: {type: string}
                issuerRef:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string}
                    kind: {type: string}
                    group: {type: string}
`;

const withCertificates = { [vaultBase]: replaceOnce('  - release.yaml\n', '  - release.yaml\n  - certificates.yaml\n'), [certs]: CERTIFICATES };

function schemaFindings(repo: string, options: Partial<LintOptions> = {}) {
  return lint({ paths: [path.join(repo, CLUSTER)], cwd: repo, ...options })
    .diagnostics.filter((d) => d.ruleId.startsWith('schema'))
    .map((d) => `${d.ruleId} ${d.severity} ${d.file}:${d.line} ${d.message}`);
}

describe('schema-missing', () => {
  it('is silent on the clean fixture', () => {
    expect(lintRule(FIXTURES, 'schema-missing')).toEqual([]);
  });

  it('reports a kind without schema once, at its first object, with the number of objects: an info (a warning under strict)', () => {
    const repo = fixtureCopy(withCertificates);
    const line = {
      file: certs,
      line: 2,
      column: 7,
      severity: 'info',
      message: 'no schema for certs.example.com/v1 Certificate; 2 objects not validated (add its CustomResourceDefinition to the repository, or pass it with --crds DIR)',
    };
    expect(lintRule(repo, 'schema-missing')).toEqual([line]);
    expect(lintRule(repo, 'schema-missing', { preset: 'strict' })).toEqual([{ ...line, severity: 'warning' }]);
  });

  it('lists every kind without schema in one line, at the first of their objects in file order', () => {
    const route = 'apiVersion: routes.example.com/v1alpha1\nkind: IngressRoute\nmetadata:\n  name: grafana\nspec:\n  routes: []\n';
    const repo = fixtureCopy({
      ...withCertificates,
      'flux-apps/grafana/kustomization.yaml': replaceOnce('  - release.yaml\n', '  - release.yaml\n  - route.yaml\n'),
      'flux-apps/grafana/route.yaml': route,
    });
    expect(lintRule(repo, 'schema-missing')).toEqual([
      {
        file: 'flux-apps/grafana/route.yaml',
        line: 2,
        column: 7,
        severity: 'info',
        message:
          'no schema for 2 kinds, so 3 objects were not validated: certs.example.com/v1 Certificate (2), routes.example.com/v1alpha1 IngressRoute (1) ' +
          '(add their CustomResourceDefinitions to the repository, or pass them with --crds DIR)',
      },
    ]);
  });

  it('gives one line per run over several clusters: the kinds of all, each object counted once', () => {
    // A second cluster that builds the same apps, plus a Traefik IngressRoute of its own.
    const repo = fixtureCopy(withCertificates);
    const other = 'flux-clusters/other';
    fs.cpSync(path.join(repo, CLUSTER), path.join(repo, other), { recursive: true });
    for (const f of ['flux-system/gotk-sync.yaml', 'apps/apps.yaml']) {
      const file = path.join(repo, other, f);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replaceAll('./flux-clusters/stefanzhelev', `./${other}`));
    }
    fs.writeFileSync(path.join(repo, other, 'route.yaml'), 'apiVersion: routes.example.com/v1alpha1\nkind: IngressRoute\nmetadata:\n  name: grafana\n  namespace: grafana\nspec:\n  routes: []\n');
    fs.writeFileSync(path.join(repo, other, 'kustomization.yaml'), fs.readFileSync(path.join(repo, other, 'kustomization.yaml'), 'utf8') + '  - route.yaml\n');
    const { diagnostics, summary } = lint({ paths: [path.join(repo, 'flux-clusters')], cwd: repo });
    expect(summary.clusters).toEqual([other, CLUSTER]);
    expect(diagnostics.filter((d) => d.ruleId === 'schema-missing').map((d) => ({ file: d.file, line: d.line, severity: d.severity, message: d.message }))).toEqual([
      {
        file: certs,
        line: 2,
        severity: 'info',
        message:
          'no schema for 2 kinds, so 3 objects were not validated: certs.example.com/v1 Certificate (2), routes.example.com/v1alpha1 IngressRoute (1) ' +
          '(add their CustomResourceDefinitions to the repository, or pass them with --crds DIR)',
      },
    ]);
    expect(diagnostics.some((d) => 'data' in d)).toBe(false);
  });

  it('validates the kind with its CRD when the CRD is in the tree', () => {
    const repo = fixtureCopy({
      ...withCertificates,
      [vaultBase]: replaceOnce('  - release.yaml\n', '  - release.yaml\n  - certificate-crd.yaml\n  - certificates.yaml\n'),
      'flux-apps/vault/certificate-crd.yaml': CERTIFICATE_CRD,
      [certs]: CERTIFICATES.replace('  secretName: vault-ui-tls\n', '  secretNam: vault-ui-tls\n'),
    });
    expect(schemaFindings(repo)).toEqual([
      `schema error ${certs}:${lineOf(repo, certs, 'spec:', 2)} spec is missing required field 'secretName'`,
      `schema-unknown-field error ${certs}:${lineOf(repo, certs, 'secretNam:')} spec has unknown field 'secretNam'; did you mean 'secretName'?`,
    ]);
  });

  it('validates the kind with a CRD given with --crds (crdPaths) outside the repository', () => {
    const crds = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-crds-'));
    fs.writeFileSync(path.join(crds, 'certificates.yaml'), CERTIFICATE_CRD);
    const repo = fixtureCopy({ ...withCertificates, [certs]: CERTIFICATES.replace('  secretName: vault-tls\n', '  secretName: 42\n') });
    expect(schemaFindings(repo, { crdPaths: [crds] })).toEqual([`schema error ${certs}:${lineOf(repo, certs, 'secretName: 42')} spec.secretName must be a string`]);
  });

  it('validates the kind with a CRD from the config crdDirectories (crdDirs, repo-relative)', () => {
    const repo = fixtureCopy({ ...withCertificates, 'platform/crds/certificates.yaml': CERTIFICATE_CRD });
    expect(schemaFindings(repo, { crdDirs: ['platform/crds'] })).toEqual([]);
    expect(schemaFindings(repo)).toHaveLength(1);
  });

  it('suggests the kind of the same group that a misspelt kind meant', () => {
    const vault = 'flux-apps/vault/release.yaml';
    const repo = fixtureCopy({ [vault]: replaceOnce('kind: HelmRelease\n', 'kind: HelmReleas\n') });
    expect(lintRule(repo, 'schema-missing')).toEqual([
      {
        file: vault,
        line: lineOf(repo, vault, 'kind: HelmReleas\n'),
        column: 7,
        severity: 'warning',
        message:
          "no schema for helm.toolkit.fluxcd.io/v2 HelmReleas (did you mean 'HelmRelease'?); 1 object not validated (add its CustomResourceDefinition to the repository, or pass it with --crds DIR)",
      },
    ]);
  });

  it('the CLI takes --crds DIR (repeatable) and exits 2 when it does not exist', () => {
    const crds = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-crds-'));
    fs.writeFileSync(path.join(crds, 'certificates.yaml'), CERTIFICATE_CRD);
    const repo = fixtureCopy(withCertificates);
    const without = runCli([CLUSTER, '--format', 'json'], repo);
    expect(JSON.parse(without.stdout).diagnostics.map((d: { ruleId: string }) => d.ruleId)).toEqual(['schema-missing']);
    const withCrds = runCli([CLUSTER, '--crds', crds, '--crds', crds, '--format', 'json'], repo);
    expect(withCrds.code).toBe(0);
    expect(JSON.parse(withCrds.stdout).diagnostics).toEqual([]);
    const missing = runCli([CLUSTER, '--crds', 'no-such-dir'], repo);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('lint-gitops: --crds: no such file or directory: no-such-dir\n');
  });
});
