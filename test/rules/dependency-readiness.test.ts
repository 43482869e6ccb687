import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, replaceOnce } from '../helpers.js';
import { appDoc } from '../graph/lines.js';

const apps = `${CLUSTER}/apps/apps.yaml`;
const waitOf = (app: string, to: string) => replaceOnce(`  path: ./flux-clusters/stefanzhelev/apps/${app}\n  prune: true\n  wait: true\n`, `  path: ./flux-clusters/stefanzhelev/apps/${app}\n  prune: true\n${to}`);
/** The line of a Kustomization's metadata.name in apps.yaml. */
const nameLine = (repo: string, app: string) => lineOf(repo, apps, appDoc(app)) + 2;

describe('dependency-readiness', () => {
  it('warns once, at the dependency, when it leaves wait unset and deploys a HelmRelease its dependents may start before', () => {
    const repo = fixtureCopy({ [apps]: waitOf('tofu-controller', '') });
    const release = lineOf(repo, 'flux-apps/tofu-controller/release.yaml', 'kind: HelmRelease') - 1;
    expect(lintRule(repo, 'dependency-readiness')).toEqual([
      {
        file: apps,
        line: nameLine(repo, 'tofu-controller'),
        column: 9,
        severity: 'warning',
        message:
          "tofu-controller leaves wait unset (Flux's default: false) and has no healthChecks, yet cloudnative-pg depends on it: Flux marks it ready as soon as it is applied, " +
          `before helm.toolkit.fluxcd.io/HelmRelease tofu-system/tofu-controller (flux-apps/tofu-controller/release.yaml:${release}) is running; ` +
          "set 'wait: true' or add healthChecks (or 'wait: false' if the dependents only need it applied)",
      },
    ]);
  });

  it('takes an explicit wait: false as a decision, in every preset', () => {
    const repo = fixtureCopy({ [apps]: waitOf('tofu-controller', '  wait: false\n') });
    expect(lintRule(repo, 'dependency-readiness')).toEqual([]);
    expect(lintRule(repo, 'dependency-readiness', { preset: 'strict' })).toEqual([]);
  });

  it('leaves a dependency that applies configuration only (a ClusterSecretStore) to strict, which names every dependent once', () => {
    const repo = fixtureCopy({ [apps]: waitOf('external-secrets-config', '') });
    expect(lintRule(repo, 'dependency-readiness')).toEqual([]);
    expect(lintRule(repo, 'dependency-readiness', { preset: 'strict' })).toEqual([
      {
        file: apps,
        line: nameLine(repo, 'external-secrets-config'),
        column: 9,
        severity: 'warning',
        message:
          'external-secrets-config leaves wait unset and has no healthChecks; cloudnative-pg, authentik, forgejo, clickhouse, clickstack and grafana depend on it: ' +
          "say 'wait: false' if applied is ready enough (it applies configuration only), or 'wait: true'",
      },
    ]);
  });

  it('is silent when the dependency has healthChecks instead of wait', () => {
    const repo = fixtureCopy({
      [apps]: waitOf(
        'tofu-controller',
        '  healthChecks:\n    - apiVersion: helm.toolkit.fluxcd.io/v2\n      kind: HelmRelease\n      name: tofu-controller\n      namespace: tofu-system\n',
      ),
    });
    expect(lintRule(repo, 'dependency-readiness', { preset: 'strict' })).toEqual([]);
  });

  it('takes a HelmRelease dependency with disableWait as a decision (Helm waits unless told not to)', () => {
    const spec = 'spec:\n  interval: 30m\n  timeout: 10m\n';
    const forgejo = 'flux-apps/forgejo/release.yaml';
    const repo = fixtureCopy({
      [forgejo]: replaceOnce(spec, `${spec}  dependsOn:\n    - name: authentik\n      namespace: authentik\n`),
      'flux-apps/authentik/release.yaml': replaceOnce('  install:\n    remediation:', '  install:\n    disableWait: true\n    remediation:'),
    });
    expect(lintRule(repo, 'dependency-readiness', { preset: 'strict' })).toEqual([]);
  });

  it('is silent on the clean fixture (every app has wait: true)', () => {
    expect(lintRule(fixtureCopy(), 'dependency-readiness', { preset: 'strict' })).toEqual([]);
  });
});
