import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, replaceOnce } from '../helpers.js';
import { appDoc } from '../graph/lines.js';

const apps = `${CLUSTER}/apps/apps.yaml`;
const addDependsOn = (app: string, ...deps: string[]) =>
  replaceOnce(appDoc(app), `${appDoc(app)}  dependsOn:\n${deps.map((d) => `    - name: ${d}\n`).join('')}`);

describe('dependency-cycle', () => {
  it('reports a two-node cycle once, at the entry that closes it (the one pointing further down the file)', () => {
    const repo = fixtureCopy({ [apps]: addDependsOn('vault', 'external-secrets-config') });
    expect(lintRule(repo, 'dependency-cycle')).toEqual([
      {
        file: apps,
        line: lineOf(repo, apps, '- name: external-secrets-config'),
        column: 13,
        severity: 'error',
        message:
          'dependsOn cycle between Kustomizations: vault → external-secrets-config → vault; none of them ever becomes ready, so Flux reconciles none of them; ' +
          'remove the entry that closes the loop (this one, vault → external-secrets-config) or another link',
      },
    ]);
  });

  it('reports every elementary cycle through vault → grafana in dependsOn order, each once', () => {
    // grafana reaches vault through cloudnative-pg → external-secrets-config and directly through external-secrets-config.
    const repo = fixtureCopy({ [apps]: addDependsOn('vault', 'grafana') });
    const at = { file: apps, line: lineOf(repo, apps, '- name: grafana'), column: 13, severity: 'error' };
    const tail = '; none of them ever becomes ready, so Flux reconciles none of them; remove the entry that closes the loop (this one, vault → grafana) or another link';
    expect(lintRule(repo, 'dependency-cycle')).toEqual([
      { ...at, message: `dependsOn cycle between Kustomizations: vault → grafana → cloudnative-pg → external-secrets-config → vault${tail}` },
      { ...at, message: `dependsOn cycle between Kustomizations: vault → grafana → external-secrets-config → vault${tail}` },
    ]);
  });

  it('reports a Kustomization that depends on itself', () => {
    const repo = fixtureCopy({ [apps]: addDependsOn('dremio', 'dremio') });
    expect(lintRule(repo, 'dependency-cycle')).toEqual([
      {
        file: apps,
        line: lineOf(repo, apps, '    - name: dremio'),
        column: 13,
        severity: 'error',
        message: 'dremio depends on itself: Flux never reconciles it; remove this entry',
      },
    ]);
  });

  it('reports HelmRelease cycles across namespaces with namespaced names', () => {
    const spec = 'spec:\n  interval: 30m\n  timeout: 10m\n';
    const repo = fixtureCopy({
      'flux-apps/forgejo/release.yaml': replaceOnce(spec, `${spec}  dependsOn:\n    - name: authentik\n      namespace: authentik\n`),
      'flux-apps/authentik/release.yaml': replaceOnce(spec, `${spec}  dependsOn:\n    - name: forgejo\n      namespace: forgejo\n`),
    });
    // authentik/release.yaml sorts before forgejo/release.yaml: authentik → forgejo points forward and closes the loop.
    expect(lintRule(repo, 'dependency-cycle')).toEqual([
      {
        file: 'flux-apps/authentik/release.yaml',
        line: lineOf(repo, 'flux-apps/authentik/release.yaml', '- name: forgejo'),
        column: 13,
        severity: 'error',
        message:
          'dependsOn cycle between HelmReleases: authentik/authentik → forgejo/forgejo → authentik/authentik; none of them ever becomes ready, so Flux reconciles none of them; ' +
          'remove the entry that closes the loop (this one, authentik/authentik → forgejo/forgejo) or another link',
      },
    ]);
  });

  it('stops after 50 cycles of one tangle instead of enumerating all of them', () => {
    // Every wave-1 and wave-2 app depends on every other: six nodes, hundreds of elementary cycles.
    const tangle = ['tofu-controller', 'external-secrets-crds', 'vault', 'airflow', 'dremio'];
    let mutate = (s: string) => s;
    for (const app of tangle) {
      const before = mutate;
      mutate = (s) => addDependsOn(app, ...tangle.filter((t) => t !== app), 'external-secrets-config')(before(s));
    }
    const repo = fixtureCopy({ [apps]: mutate });
    const found = lintRule(repo, 'dependency-cycle');
    expect(found).toHaveLength(50);
    expect(new Set(found.map((f) => f.message)).size).toBe(50);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'dependency-cycle')).toEqual([]);
  });
});
