import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, replaceOnce } from '../helpers.js';
import { appDoc, lineAfter } from '../graph/lines.js';

const apps = `${CLUSTER}/apps/apps.yaml`;
const waitOf = (app: string, to: string) => replaceOnce(`  path: ./flux-clusters/stefanzhelev/apps/${app}\n  prune: true\n  wait: true\n`, `  path: ./flux-clusters/stefanzhelev/apps/${app}\n  prune: true\n${to}`);

describe('dependency-readiness', () => {
  it('warns at the dependsOn entry when the dependency has wait: false and no healthChecks', () => {
    const repo = fixtureCopy({ [apps]: waitOf('tofu-controller', '  wait: false\n') });
    expect(lintRule(repo, 'dependency-readiness')).toEqual([
      {
        file: apps,
        line: lineAfter(repo, apps, appDoc('cloudnative-pg'), '- name: tofu-controller'),
        column: 13,
        severity: 'warning',
        message:
          'cloudnative-pg depends on tofu-controller, but tofu-controller has wait: false and no healthChecks: Flux marks it ready as soon as it is applied, ' +
          "so cloudnative-pg may start before what tofu-controller deploys is running; set 'wait: true' or add healthChecks to tofu-controller",
      },
    ]);
  });

  it('treats a missing wait as Flux does (false), once per dependent entry', () => {
    const repo = fixtureCopy({ [apps]: waitOf('external-secrets-config', '') });
    const message = (from: string) =>
      `${from} depends on external-secrets-config, but external-secrets-config has no wait: true (wait defaults to false) and no healthChecks: Flux marks it ready as soon as it is applied, ` +
      `so ${from} may start before what external-secrets-config deploys is running; set 'wait: true' or add healthChecks to external-secrets-config`;
    const found = lintRule(repo, 'dependency-readiness');
    expect(found.map((f) => f.message)).toEqual(['cloudnative-pg', 'authentik', 'forgejo', 'clickhouse', 'clickstack', 'grafana'].map(message));
    expect(found[0]).toMatchObject({ file: apps, line: lineAfter(repo, apps, appDoc('cloudnative-pg'), '- name: external-secrets-config') });
  });

  it('is silent when the dependency has healthChecks instead of wait', () => {
    const repo = fixtureCopy({
      [apps]: waitOf(
        'tofu-controller',
        '  wait: false\n  healthChecks:\n    - apiVersion: helm.toolkit.fluxcd.io/v2\n      kind: HelmRelease\n      name: tofu-controller\n      namespace: tofu-system\n',
      ),
    });
    expect(lintRule(repo, 'dependency-readiness')).toEqual([]);
  });

  it('warns when a HelmRelease depends on one that disables Helm waiting', () => {
    const spec = 'spec:\n  interval: 30m\n  timeout: 10m\n';
    const forgejo = 'flux-apps/forgejo/release.yaml';
    const repo = fixtureCopy({
      [forgejo]: replaceOnce(spec, `${spec}  dependsOn:\n    - name: authentik\n      namespace: authentik\n`),
      'flux-apps/authentik/release.yaml': replaceOnce('  install:\n    remediation:', '  install:\n    disableWait: true\n    remediation:'),
    });
    expect(lintRule(repo, 'dependency-readiness')).toEqual([
      {
        file: forgejo,
        line: lineOf(repo, forgejo, '- name: authentik'),
        column: 13,
        severity: 'warning',
        message:
          'forgejo depends on authentik/authentik, but authentik/authentik sets install.disableWait: true: it is marked ready before its resources are, ' +
          'so forgejo may start before authentik/authentik is running; remove disableWait from authentik/authentik',
      },
    ]);
  });

  it('is silent on the clean fixture (every app has wait: true)', () => {
    expect(lintRule(fixtureCopy(), 'dependency-readiness')).toEqual([]);
  });
});
