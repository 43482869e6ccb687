import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, replaceOnce } from '../helpers.js';
import { appDoc, lineAfter } from '../graph/lines.js';

const apps = `${CLUSTER}/apps/apps.yaml`;
const suspend = (app: string, value = 'true') => replaceOnce(appDoc(app), `${appDoc(app)}  suspend: ${value}\n`);

describe('suspended', () => {
  it('warns at spec.suspend of a Kustomization nobody depends on', () => {
    const repo = fixtureCopy({ [apps]: suspend('grafana') });
    expect(lintRule(repo, 'suspended')).toEqual([
      {
        file: apps,
        line: lineAfter(repo, apps, appDoc('grafana'), 'suspend: true'),
        column: 12,
        severity: 'warning',
        message: "Kustomization flux-system/grafana is committed with suspend: true: Flux does not reconcile it until someone runs 'flux resume'",
      },
    ]);
  });

  it('names the Kustomizations that will wait for a suspended dependency', () => {
    const repo = fixtureCopy({ [apps]: suspend('cloudnative-pg') });
    expect(lintRule(repo, 'suspended')).toEqual([
      expect.objectContaining({
        line: lineAfter(repo, apps, appDoc('cloudnative-pg'), 'suspend: true'),
        message:
          "Kustomization flux-system/cloudnative-pg is committed with suspend: true: Flux does not reconcile it until someone runs 'flux resume'; authentik, forgejo, grafana depend on it and will wait",
      }),
    ]);
  });

  it('warns for a suspended HelmRelease in a base', () => {
    const release = 'flux-apps/vault/release.yaml';
    const repo = fixtureCopy({ [release]: replaceOnce('spec:\n  interval: 30m\n', 'spec:\n  suspend: true\n  interval: 30m\n') });
    expect(lintRule(repo, 'suspended')).toEqual([
      {
        file: release,
        line: lineOf(repo, release, 'suspend: true'),
        column: 12,
        severity: 'warning',
        message: "HelmRelease vault/vault is committed with suspend: true: Flux does not reconcile it until someone runs 'flux resume'",
      },
    ]);
  });

  it('warns for each of two suspended Kustomizations of one file', () => {
    const repo = fixtureCopy({ [apps]: (t) => suspend('grafana')(suspend('authentik')(t) as string) as string });
    const at = (app: string) => lineAfter(repo, apps, appDoc(app), 'suspend: true');
    const expected = ['authentik', 'grafana'].map((app) => ({ line: at(app), what: `Kustomization flux-system/${app}` })).sort((a, b) => a.line - b.line);
    expect(lintRule(repo, 'suspended').map((d) => ({ line: d.line, what: d.message.split(' is committed')[0] }))).toEqual(expected);
  });

  it('is silent for suspend: false', () => {
    expect(lintRule(fixtureCopy({ [apps]: suspend('grafana', 'false') }), 'suspended')).toEqual([]);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'suspended')).toEqual([]);
  });
});
