import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, replaceOnce } from '../helpers.js';
import { appDoc } from '../graph/lines.js';

const apps = `${CLUSTER}/apps/apps.yaml`;
const forgejoRelease = 'flux-apps/forgejo/release.yaml';
const hrSpec = 'spec:\n  interval: 30m\n  timeout: 10m\n';

describe('dependency-missing', () => {
  it('reports a dependsOn typo at the line of the entry, with the closest Kustomization', () => {
    const repo = fixtureCopy({
      [apps]: replaceOnce(`${appDoc('forgejo')}  dependsOn:\n    - name: cloudnative-pg\n`, `${appDoc('forgejo')}  dependsOn:\n    - name: cloudnative-pgg\n`),
    });
    expect(lintRule(repo, 'dependency-missing')).toEqual([
      {
        file: apps,
        line: lineOf(repo, apps, 'cloudnative-pgg'),
        column: 13,
        severity: 'error',
        message: "dependsOn Kustomization 'cloudnative-pgg' does not exist in namespace 'flux-system' of cluster stefanzhelev; did you mean 'cloudnative-pg'?",
      },
    ]);
  });

  it("resolves an entry without namespace in the referrer's namespace, and says where a same-named one lives", () => {
    const repo = fixtureCopy({
      [apps]: replaceOnce(`${appDoc('external-secrets-config')}  dependsOn:\n    - name: vault\n`, `${appDoc('external-secrets-config')}  dependsOn:\n    - name: vault\n      namespace: vault\n`),
    });
    expect(lintRule(repo, 'dependency-missing')).toEqual([
      {
        file: apps,
        line: lineOf(repo, apps, '    - name: vault\n      namespace: vault'),
        column: 13,
        severity: 'error',
        message: "dependsOn Kustomization 'vault' does not exist in namespace 'vault' of cluster stefanzhelev; there is one in namespace 'flux-system': fix the entry's namespace",
      },
    ]);
  });

  it('checks HelmRelease dependsOn against HelmReleases, defaulting to the HelmRelease namespace', () => {
    const repo = fixtureCopy({
      [forgejoRelease]: replaceOnce(hrSpec, `${hrSpec}  dependsOn:\n    - name: authentik\n    - name: vaul\n      namespace: vault\n`),
    });
    expect(lintRule(repo, 'dependency-missing')).toEqual([
      {
        file: forgejoRelease,
        line: lineOf(repo, forgejoRelease, '- name: authentik'),
        column: 13,
        severity: 'error',
        message: "dependsOn HelmRelease 'authentik' does not exist in namespace 'forgejo' of cluster stefanzhelev; there is one in namespace 'authentik': add 'namespace: authentik' to the entry",
      },
      {
        file: forgejoRelease,
        line: lineOf(repo, forgejoRelease, '- name: vaul'),
        column: 13,
        severity: 'error',
        message: "dependsOn HelmRelease 'vaul' does not exist in namespace 'vault' of cluster stefanzhelev; did you mean 'vault'?",
      },
    ]);
  });

  it('does not accept a Kustomization as the target of a HelmRelease dependsOn (Flux only orders the same kind)', () => {
    const repo = fixtureCopy({
      [forgejoRelease]: replaceOnce(hrSpec, `${hrSpec}  dependsOn:\n    - name: cloudnative-pg\n      namespace: flux-system\n`),
    });
    expect(lintRule(repo, 'dependency-missing')).toEqual([
      expect.objectContaining({
        file: forgejoRelease,
        line: lineOf(repo, forgejoRelease, '- name: cloudnative-pg'),
        message: "dependsOn HelmRelease 'cloudnative-pg' does not exist in namespace 'flux-system' of cluster stefanzhelev; there is one in namespace 'cnpg-system': fix the entry's namespace",
      }),
    ]);
  });

  it('is silent for entries that resolve, with or without namespace', () => {
    const repo = fixtureCopy({
      [apps]: replaceOnce(`${appDoc('forgejo')}  dependsOn:\n    - name: cloudnative-pg\n`, `${appDoc('forgejo')}  dependsOn:\n    - name: cloudnative-pg\n      namespace: flux-system\n`),
      [forgejoRelease]: replaceOnce(hrSpec, `${hrSpec}  dependsOn:\n    - name: authentik\n      namespace: authentik\n`),
    });
    expect(lintRule(repo, 'dependency-missing')).toEqual([]);
  });

  it('leaves a name that substitution did not resolve to substitution-undefined', () => {
    const repo = fixtureCopy({
      [apps]: replaceOnce(`${appDoc('forgejo')}  dependsOn:\n    - name: cloudnative-pg\n`, `${appDoc('forgejo')}  dependsOn:\n    - name: \${DB_APP}\n`),
    });
    expect(lintRule(repo, 'dependency-missing')).toEqual([]);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'dependency-missing')).toEqual([]);
  });
});
