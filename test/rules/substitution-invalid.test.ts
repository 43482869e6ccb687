import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, replaceOnce } from '../helpers.js';

const apps = `${CLUSTER}/apps/apps.yaml`;
const vault = 'flux-apps/vault/release.yaml';
const dremio = 'flux-apps/dremio/release.yaml';
const addValues = (lines: string) => replaceOnce('    ui:\n      enabled: true', `    ui:\n      enabled: true\n${lines}`);

describe('substitution-invalid', () => {
  it('reports an expression Flux cannot parse, in the words of its envsubst, at the string', () => {
    const repo = fixtureCopy({ [vault]: addValues('      a: echo ${HOME-/root}\n      b: "${var.region}"\n      c: $${HOME-/root}') });
    const fails = (text: string, why: string) =>
      `Flux cannot substitute '${text}' (${why}): Kustomization 'flux-system/vault' fails; escape a literal as $\${...}, or annotate the object kustomize.toolkit.fluxcd.io/substitute: disabled`;
    expect(lintRule(repo, 'substitution-invalid')).toEqual([
      { file: vault, line: lineOf(repo, vault, 'a: echo'), column: 10, severity: 'error', message: fails('${HOME-/root}', 'missing closing brace') },
      { file: vault, line: lineOf(repo, vault, 'b: "${var'), column: 10, severity: 'error', message: fails('${var.region}', 'missing closing brace') },
    ]);
  });

  it('says nothing where Flux does not substitute: no postBuild, no variable, or substitute: disabled', () => {
    const repo = fixtureCopy({
      [dremio]: replaceOnce('      type: ClusterIP', '      type: ClusterIP\n      x: ${var.region}'),
      'flux-apps/vault/namespace.yaml': (s) => `${s}  annotations:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\n    x: \${{ github.sha }}\n`,
    });
    expect(lintRule(repo, 'substitution-invalid')).toEqual([]);
  });

  it('reports a variable name the controller rejects, at its source', () => {
    const repo = fixtureCopy({
      [`${CLUSTER}/cluster.yaml`]: replaceOnce('  INGRESS_CLASS: traefik', '  INGRESS_CLASS: traefik\n  config.yaml: "a: b"'),
      [apps]: replaceOnce(
        '        name: cluster-vars\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: airflow',
        '        name: cluster-vars\n    substitute:\n      my-var: x\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: airflow',
      ),
    });
    const found = lintRule(repo, 'substitution-invalid').filter((d) => d.message.includes("Kustomization 'flux-system/vault'"));
    const rule = 'kustomize-controller requires ^[_[:alpha:]][_[:alpha:][:digit:]]*$ and fails';
    expect(found.map((d) => [d.file, d.line, d.message])).toEqual([
      [apps, lineOf(repo, apps, '- kind: ConfigMap'), `variable name 'config.yaml' (from ConfigMap cluster-vars) is invalid: ${rule} Kustomization 'flux-system/vault'`],
      [apps, lineOf(repo, apps, 'my-var: x'), `variable name 'my-var' (from substitute) is invalid: ${rule} Kustomization 'flux-system/vault'`],
    ]);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'substitution-invalid')).toEqual([]);
  });
});
