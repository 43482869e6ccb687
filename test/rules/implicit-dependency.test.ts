import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, lintTree, replaceOnce } from '../helpers.js';
import { appDoc, lineAfter } from '../graph/lines.js';

const apps = `${CLUSTER}/apps/apps.yaml`;
const dropEntry = (app: string, dep: string) => replaceOnce(`${appDoc(app)}  dependsOn:\n    - name: ${dep}\n`, `${appDoc(app)}  dependsOn:\n`);

describe('implicit-dependency', () => {
  it('reports what forgejo uses from cloudnative-pg once that dependsOn entry is gone: the Namespace and the Cluster, not the CRDs (nothing waits for forgejo)', () => {
    const repo = fixtureCopy({ [apps]: dropEntry('forgejo', 'cloudnative-pg') });
    const database = lineOf(repo, 'flux-apps/forgejo/database.yaml', 'apiVersion:');
    expect(lintRule(repo, 'implicit-dependency')).toEqual([
      {
        file: apps,
        line: lineAfter(repo, apps, 'name: forgejo', 'dependsOn:'),
        column: 3,
        severity: 'warning',
        message:
          'forgejo uses what cloudnative-pg builds without depending on it: ' +
          `postgresql.cnpg.io/Database databases/forgejo (flux-apps/forgejo/database.yaml:${database}) needs Namespace databases, postgresql.cnpg.io/Cluster databases/postgres; ` +
          "add '- name: cloudnative-pg' to the spec.dependsOn of forgejo",
      },
    ]);
  });

  it('under strict, names every provider in one finding, CRDs included, and the one entry that covers them', () => {
    const repo = fixtureCopy({ [apps]: dropEntry('forgejo', 'cloudnative-pg') });
    const database = lineOf(repo, 'flux-apps/forgejo/database.yaml', 'apiVersion:');
    const terraform = lineOf(repo, 'flux-apps/forgejo/terraform.yaml', 'apiVersion: infra.contrib.fluxcd.io');
    expect(lintRule(repo, 'implicit-dependency', { preset: 'strict' })).toEqual([
      {
        file: apps,
        line: lineAfter(repo, apps, 'name: forgejo', 'dependsOn:'),
        column: 3,
        severity: 'warning',
        message:
          'forgejo uses what cloudnative-pg and tofu-controller build without depending on them: ' +
          `from cloudnative-pg, postgresql.cnpg.io/Database databases/forgejo (flux-apps/forgejo/database.yaml:${database}) needs Namespace databases, ` +
          'its CRD (installed by HelmRelease cnpg-system/cloudnative-pg), postgresql.cnpg.io/Cluster databases/postgres; ' +
          `from tofu-controller, infra.contrib.fluxcd.io/Terraform forgejo/forgejo (flux-apps/forgejo/terraform.yaml:${terraform}) needs its CRD (installed by HelmRelease tofu-system/tofu-controller); ` +
          "add '- name: cloudnative-pg' to the spec.dependsOn of forgejo (cloudnative-pg depends on tofu-controller, so it covers that one too)",
      },
    ]);
  });

  it('tells uses apart by every field: a second Database naming a Cluster postgres in another namespace (which nothing builds) needs only the CRD (strict)', () => {
    const second = '---\napiVersion: postgresql.cnpg.io/v1\nkind: Database\nmetadata:\n  name: forgejo2\n  namespace: forgejo\nspec:\n  name: forgejo2\n  owner: forgejo\n  cluster:\n    name: postgres\n';
    const repo = fixtureCopy({ [apps]: dropEntry('forgejo', 'cloudnative-pg'), 'flux-apps/forgejo/database.yaml': (t) => t + second });
    const database = (from: string) => lineOf(repo, 'flux-apps/forgejo/database.yaml', from);
    const [found] = lintRule(repo, 'implicit-dependency', { preset: 'strict' });
    expect(found.message).toContain(
      `from cloudnative-pg, postgresql.cnpg.io/Database databases/forgejo (flux-apps/forgejo/database.yaml:${database('apiVersion:')}) needs Namespace databases, ` +
        'its CRD (installed by HelmRelease cnpg-system/cloudnative-pg), postgresql.cnpg.io/Cluster databases/postgres; ' +
        `postgresql.cnpg.io/Database forgejo/forgejo2 (flux-apps/forgejo/database.yaml:${database('---') + 1}) needs its CRD (installed by HelmRelease cnpg-system/cloudnative-pg); from tofu-controller, `,
    );
    // recommended: the second Database needs nothing that breaks, so it is not listed.
    expect(lintRule(repo, 'implicit-dependency').map((d) => d.message.includes('forgejo2'))).toEqual([false]);
  });

  it('reports the store and the CRDs clickhouse uses, at metadata.name when it has no dependsOn: clickstack waits for clickhouse, so one entry covers both', () => {
    const repo = fixtureCopy({
      [apps]: replaceOnce(`${appDoc('clickhouse')}  dependsOn:\n    - name: external-secrets-config\n`, appDoc('clickhouse')),
    });
    const es = `external-secrets.io/ExternalSecret clickhouse/clickhouse-auth (flux-apps/clickhouse/externalsecret.yaml:${lineOf(repo, 'flux-apps/clickhouse/externalsecret.yaml', 'apiVersion:')})`;
    const finding = {
      file: apps,
      line: lineOf(repo, apps, 'name: clickhouse'),
      column: 9,
      severity: 'warning',
      message:
        `clickhouse uses what external-secrets-config and external-secrets-crds build without depending on them: from external-secrets-config, ${es} needs ClusterSecretStore vault; ` +
        `from external-secrets-crds, ${es} needs its CRD (installed by HelmRelease external-secrets/external-secrets); ` +
        "add '- name: external-secrets-config' to the spec.dependsOn of clickhouse (external-secrets-config depends on external-secrets-crds, so it covers that one too)",
    };
    expect(lintRule(repo, 'implicit-dependency')).toEqual([finding]);
    expect(lintRule(repo, 'implicit-dependency', { preset: 'strict' })).toEqual([finding]);
  });

  it('reports a CRD that a Kustomization others wait for uses once, at it, not at the ones downstream: external-secrets-config without external-secrets-crds', () => {
    const repo = fixtureCopy({ [apps]: replaceOnce('    - name: vault\n    - name: external-secrets-crds\n', '    - name: vault\n') });
    const store = 'external-secrets.io/ClusterSecretStore vault (flux-apps/external-secrets-config/clustersecretstore.yaml:1)';
    expect(lintRule(repo, 'implicit-dependency')).toEqual([
      {
        file: apps,
        line: lineAfter(repo, apps, 'name: external-secrets-config', 'dependsOn:'),
        column: 3,
        severity: 'warning',
        message:
          `external-secrets-config uses what external-secrets-crds builds without depending on it: ${store} needs its CRD (installed by HelmRelease external-secrets/external-secrets); ` +
          "add '- name: external-secrets-crds' to the spec.dependsOn of external-secrets-config",
      },
    ]);
    // strict: also every app downstream whose ExternalSecrets need the CRDs.
    expect(lintRule(repo, 'implicit-dependency', { preset: 'strict' }).map((d) => d.message.split(':')[0])).toEqual([
      'external-secrets-config uses what external-secrets-crds builds without depending on it',
      'cloudnative-pg uses what external-secrets-crds builds without depending on it',
      'authentik uses what external-secrets-crds builds without depending on it',
      'forgejo uses what external-secrets-crds builds without depending on it',
      'clickhouse uses what external-secrets-crds builds without depending on it',
      'clickstack uses what external-secrets-crds builds without depending on it',
      'grafana uses what external-secrets-crds builds without depending on it',
    ]);
  });

  it('reports a secret store whose provider server is a Service that another Kustomization deploys: vault before external-secrets-config', () => {
    const repo = fixtureCopy({ [apps]: dropEntry('external-secrets-config', 'vault') });
    expect(lintRule(repo, 'implicit-dependency')).toEqual([
      {
        file: apps,
        line: lineAfter(repo, apps, 'name: external-secrets-config', 'dependsOn:'),
        column: 3,
        severity: 'warning',
        message:
          'external-secrets-config uses what vault builds without depending on it: external-secrets.io/ClusterSecretStore vault (flux-apps/external-secrets-config/clustersecretstore.yaml:1) ' +
          "needs Service vault/vault (spec.provider.vault.server), deployed in Namespace vault; add '- name: vault' to the spec.dependsOn of external-secrets-config",
      },
    ]);
  });

  it('a real race still warns; the bootstrap layout does not', () => {
    // The layout flux bootstrap makes: airflow's HelmRepository in flux-system, applied by the root Kustomization.
    const repository = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: apache-airflow\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: https://airflow.apache.org\n';
    const release = 'flux-apps/airflow/release.yaml';
    const fromFluxSystem = replaceOnce('        kind: HelmRepository\n        name: apache-airflow\n', '        kind: HelmRepository\n        name: apache-airflow\n        namespace: flux-system\n');
    const withoutRepository = (s: string) => fromFluxSystem(s.slice(s.indexOf('---\n') + 4));
    const bootstrap = fixtureCopy({
      [release]: withoutRepository,
      [`${CLUSTER}/flux-system/helm-repositories.yaml`]: repository,
      [`${CLUSTER}/flux-system/kustomization.yaml`]: replaceOnce('- gotk-sync.yaml\n', '- gotk-sync.yaml\n- helm-repositories.yaml\n'),
    });
    expect(lintTree(bootstrap).diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    // The same HelmRepository applied by a sibling that airflow does not wait for: a fresh cluster may install airflow first.
    const race = fixtureCopy({
      [release]: withoutRepository,
      'flux-apps/external-secrets-config/helm-repositories.yaml': repository,
      'flux-apps/external-secrets-config/kustomization.yaml': replaceOnce('  - clustersecretstore.yaml\n', '  - clustersecretstore.yaml\n  - helm-repositories.yaml\n'),
    });
    expect(lintTree(race).diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.ruleId} ${d.severity} ${d.message}`)).toEqual([
      `implicit-dependency warning airflow uses what external-secrets-config builds without depending on it: helm.toolkit.fluxcd.io/HelmRelease airflow/airflow (${release}:1) needs HelmRepository flux-system/apache-airflow; add '- name: external-secrets-config' to the spec.dependsOn of airflow`,
    ]);
  });

  it('leaves to strict what several Kustomizations use while most do not wait for its builder (the repository relies on retries); once half wait, the others are slips', () => {
    // authentik, forgejo and grafana each put a ConfigMap into the Namespace dremio builds; dremio depends on nothing.
    const config = (app: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${app}-export\n  namespace: dremio\ndata:\n  source: ${app}\n`;
    const exports = Object.fromEntries(
      ['authentik', 'forgejo', 'grafana'].flatMap((app) => [
        [`flux-apps/${app}/kustomization.yaml`, replaceOnce('  - release.yaml\n', '  - release.yaml\n  - export.yaml\n')],
        [`flux-apps/${app}/export.yaml`, config(app)],
      ]),
    );
    const waitFor = (...apps: string[]) => (s: string) =>
      apps.reduce((t, app) => replaceOnce(`${appDoc(app)}  dependsOn:\n`, `${appDoc(app)}  dependsOn:\n    - name: dremio\n`)(t), s);
    const consumers = (repo: string, preset?: 'strict') => lintRule(repo, 'implicit-dependency', preset ? { preset } : {}).map((d) => d.message.split(':')[0]);
    const none = fixtureCopy(exports);
    expect(consumers(none)).toEqual([]);
    expect(consumers(none, 'strict')).toEqual(['authentik', 'forgejo', 'grafana'].map((app) => `${app} uses what dremio builds without depending on it`));
    expect(consumers(fixtureCopy({ ...exports, [apps]: waitFor('forgejo') }))).toEqual([]);
    expect(consumers(fixtureCopy({ ...exports, [apps]: waitFor('forgejo', 'grafana') }))).toEqual(['authentik uses what dremio builds without depending on it']);
  });

  it('reports a CRD when its installer already waits for the consumer: neither can become ready first', () => {
    const terraform =
      'apiVersion: infra.contrib.fluxcd.io/v1alpha2\nkind: Terraform\nmetadata:\n  name: airflow-db\nspec:\n  interval: 30m\n  path: ./flux-apps/forgejo/terraform\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n    namespace: flux-system\n';
    const repo = fixtureCopy({
      'flux-apps/airflow/kustomization.yaml': replaceOnce('  - release.yaml\n', '  - release.yaml\n  - terraform.yaml\n'),
      'flux-apps/airflow/terraform.yaml': terraform,
      [apps]: replaceOnce(`${appDoc('tofu-controller')}  interval: 10m\n`, `${appDoc('tofu-controller')}  dependsOn:\n    - name: airflow\n  interval: 10m\n`),
    });
    expect(lintRule(repo, 'implicit-dependency')).toEqual([
      {
        file: apps,
        line: lineOf(repo, apps, appDoc('airflow')) + 2,
        column: 9,
        severity: 'warning',
        message:
          'airflow uses what tofu-controller builds without depending on it: infra.contrib.fluxcd.io/Terraform airflow/airflow-db (flux-apps/airflow/terraform.yaml:1) needs its CRD (installed by HelmRelease tofu-system/tofu-controller); ' +
          'tofu-controller already depends on airflow, so a dependsOn entry would make a cycle: move these objects into tofu-controller, or split what airflow builds for it into a Kustomization of its own',
      },
    ]);
  });

  it('reports an object placed in a Namespace that another Kustomization builds', () => {
    const base = 'flux-apps/authentik';
    const repo = fixtureCopy({
      [`${base}/kustomization.yaml`]: replaceOnce('  - release.yaml\n', '  - release.yaml\n  - dashboard.yaml\n'),
      [`${base}/dashboard.yaml`]:
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: authentik-dashboard\n  namespace: grafana\n  labels:\n    grafana_dashboard: "1"\ndata:\n  authentik.json: "{}"\n',
    });
    expect(lintRule(repo, 'implicit-dependency')).toEqual([
      expect.objectContaining({
        file: apps,
        line: lineAfter(repo, apps, 'name: authentik', 'dependsOn:'),
        message:
          `authentik uses what grafana builds without depending on it: ConfigMap grafana/authentik-dashboard (${base}/dashboard.yaml:1) needs Namespace grafana; ` +
          "add '- name: grafana' to the spec.dependsOn of authentik",
      }),
    ]);
  });

  it('reports a HelmRelease valuesFrom Secret that an ExternalSecret in another Kustomization writes', () => {
    const airflow = 'flux-apps/airflow/release.yaml';
    const repo = fixtureCopy({
      'flux-apps/authentik/kustomization.yaml': replaceOnce('  - release.yaml\n', '  - release.yaml\n  - airflow-db.yaml\n'),
      'flux-apps/authentik/airflow-db.yaml':
        'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: airflow-db\n  namespace: airflow\nspec:\n  secretStoreRef:\n    kind: ClusterSecretStore\n    name: vault\n  target:\n    name: airflow-db\n  data:\n    - secretKey: password\n      remoteRef:\n        key: databases/airflow\n        property: password\n',
      [airflow]: replaceOnce('  values:\n', '  valuesFrom:\n    - kind: Secret\n      name: airflow-db\n      valuesKey: password\n      targetPath: postgresql.auth.password\n  values:\n'),
    });
    const hr = lineOf(repo, airflow, 'apiVersion: helm.toolkit.fluxcd.io');
    expect(lintRule(repo, 'implicit-dependency')).toEqual([
      expect.objectContaining({
        line: lineOf(repo, apps, 'name: airflow'),
        message:
          `airflow uses what authentik builds without depending on it: helm.toolkit.fluxcd.io/HelmRelease airflow/airflow (${airflow}:${hr}) needs Secret airflow/airflow-db (written by ExternalSecret airflow/airflow-db); ` +
          "add '- name: authentik' to the spec.dependsOn of airflow",
      }),
      // And the ExternalSecret authentik now applies lives in airflow's Namespace.
      expect.objectContaining({
        line: lineAfter(repo, apps, 'name: authentik', 'dependsOn:'),
        message: expect.stringMatching(/^authentik uses what airflow builds without depending on it: external-secrets\.io\/ExternalSecret airflow\/airflow-db \(flux-apps\/authentik\/airflow-db\.yaml:1\) needs Namespace airflow; /),
      }),
    ]);
  });

  it("blames a Flux Kustomization for the substituteFrom it reads, not the parent that applies it", () => {
    const repo = fixtureCopy({
      'flux-apps/authentik/kustomization.yaml': replaceOnce('  - release.yaml\n', '  - release.yaml\n  - grafana-vars.yaml\n'),
      'flux-apps/authentik/grafana-vars.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: grafana-vars\n  namespace: flux-system\ndata:\n  OIDC_ISSUER: https://auth.example.com/application/o/grafana/\n',
      [apps]: replaceOnce(
        '  path: ./flux-clusters/stefanzhelev/apps/grafana\n  prune: true\n  wait: true\n  timeout: 5m\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-vars\n',
        '  path: ./flux-clusters/stefanzhelev/apps/grafana\n  prune: true\n  wait: true\n  timeout: 5m\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-vars\n      - kind: ConfigMap\n        name: grafana-vars\n',
      ),
    });
    // The object starts at its apiVersion line, just above `kind: Kustomization` / `name: grafana`.
    const grafana = lineOf(repo, apps, appDoc('grafana')) - 1;
    expect(lintRule(repo, 'implicit-dependency')).toEqual([
      expect.objectContaining({
        file: apps,
        line: lineAfter(repo, apps, 'name: grafana', 'dependsOn:'),
        message:
          `grafana uses what authentik builds without depending on it: kustomize.toolkit.fluxcd.io/Kustomization flux-system/grafana (${apps}:${grafana}) needs ConfigMap flux-system/grafana-vars; ` +
          "add '- name: authentik' to the spec.dependsOn of grafana",
      }),
    ]);
  });

  it('says a dependsOn entry would make a cycle when the provider already waits for the consumer', () => {
    // external-secrets-config applies a SecretStore in the forgejo namespace, which forgejo (downstream of it) builds.
    const repo = fixtureCopy({
      'flux-apps/external-secrets-config/kustomization.yaml': replaceOnce('  - clustersecretstore.yaml\n', '  - clustersecretstore.yaml\n  - forgejo-store.yaml\n'),
      'flux-apps/external-secrets-config/forgejo-store.yaml':
        'apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: forgejo\n  namespace: forgejo\nspec:\n  provider:\n    vault:\n      server: http://vault.vault.svc.cluster.local:8200\n      path: secret\n      version: v2\n      auth:\n        kubernetes:\n          mountPath: kubernetes\n          role: forgejo\n',
    });
    expect(lintRule(repo, 'implicit-dependency')).toEqual([
      expect.objectContaining({
        file: apps,
        line: lineAfter(repo, apps, 'name: external-secrets-config', 'dependsOn:'),
        message:
          'external-secrets-config uses what forgejo builds without depending on it: ' +
          'external-secrets.io/SecretStore forgejo/forgejo (flux-apps/external-secrets-config/forgejo-store.yaml:1) needs Namespace forgejo; ' +
          'forgejo already depends on external-secrets-config, so a dependsOn entry would make a cycle: move these objects into forgejo, or split what external-secrets-config builds for it into a Kustomization of its own',
      }),
    ]);
  });

  it('is silent when the provider is an ancestor: the root applies cluster-vars and the Flux CRDs before any app exists', () => {
    // Every app reads cluster-vars (built by the root flux-system Kustomization) and is a Flux CRD kind from gotk-components.
    const repo = fixtureCopy();
    expect(lintRule(repo, 'implicit-dependency')).toEqual([]);
  });
});
