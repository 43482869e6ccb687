import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lintTree, replaceOnce } from '../helpers.js';

const apps = `${CLUSTER}/apps/apps.yaml`;

/** Two Flux Kustomizations building flux-apps/demo with a component, each with its own postBuild. */
function twoApps(substitute: (app: string) => string, extra: Record<string, string> = {}) {
  const ks = (app: string) =>
    `---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: demo-${app}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./flux-apps/demo\n  components:\n    - ../components/volume\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  postBuild:\n${substitute(app)}`;
  return fixtureCopy({
    [apps]: (s) => `${s}${ks('a')}${ks('b')}`,
    'flux-apps/demo/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - config.yaml\n',
    'flux-apps/demo/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${APP}-config\n  namespace: flux-system\ndata:\n  domain: ${DOMAIN/./-}\n',
    'flux-apps/components/volume/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - pvc.yaml\n',
    'flux-apps/components/volume/pvc.yaml':
      'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ${APP}-data\n  namespace: flux-system\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n',
    ...extra,
  });
}

describe('the model holds objects as post-build substitution makes them', () => {
  it("decides duplicates on substituted names: a component's ${APP} PVC is a different PVC per app", () => {
    const repo = twoApps((app) => `    substitute:\n      APP: ${app}\n      DOMAIN: example.com\n`);
    const { diagnostics, model } = lintTree(repo);
    expect(diagnostics.filter((d) => d.ruleId === 'duplicate-resource')).toEqual([]);
    const demo = model.clusters[0].objects.filter((o) => /^flux-apps\/(demo|components)\//.test(o.doc.file.path));
    expect(demo.map((o) => `${o.kind}/${o.name} by ${o.builtBy}`).sort()).toEqual([
      'ConfigMap/a-config by flux-system/demo-a',
      'ConfigMap/b-config by flux-system/demo-b',
      'PersistentVolumeClaim/a-data by flux-system/demo-a',
      'PersistentVolumeClaim/b-data by flux-system/demo-b',
    ]);
    const cm = model.clusters[0].objects.find((o) => o.name === 'a-config')!;
    expect(cm.value.data).toEqual({ domain: 'example-com' });
    // The same APP for both: the same PVC and ConfigMap, applied by two Kustomizations.
    const same = twoApps(() => '    substitute:\n      APP: a\n      DOMAIN: example.com\n');
    expect(lintTree(same).diagnostics.filter((d) => d.ruleId === 'duplicate-resource').map((d) => d.message)).toEqual([
      "PersistentVolumeClaim 'flux-system/a-data' is applied by two Kustomizations, 'flux-system/demo-a' and 'flux-system/demo-b', which both build this file",
      "ConfigMap 'flux-system/a-config' is applied by two Kustomizations, 'flux-system/demo-a' and 'flux-system/demo-b', which both build this file",
    ]);
  });

  it('decides nothing on a value from a Secret: no duplicate, no missing reference, and the value never shows', () => {
    const secret = `${CLUSTER}/app-secrets.yaml`;
    const repo = twoApps(() => '    substituteFrom:\n      - kind: Secret\n        name: app-secrets\n', {
      [secret]: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-secrets\n  namespace: flux-system\nstringData:\n  APP: hunter2-app\n  DOMAIN: hunter2.example\n',
      'flux-apps/demo/release.yaml':
        'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${APP}-release\n  namespace: flux-system\nspec:\n  interval: 1h\n  chart:\n    spec:\n      chart: demo\n      sourceRef:\n        kind: HelmRepository\n        name: ${APP}-charts\n  valuesFrom:\n    - kind: ConfigMap\n      name: ${APP}-values\n',
    });
    const withSecret = (s: string) => s.replace('resources:\n  - config.yaml\n', 'resources:\n  - config.yaml\n  - release.yaml\n');
    const k = path.join(repo, 'flux-apps/demo/kustomization.yaml');
    fs.writeFileSync(k, withSecret(fs.readFileSync(k, 'utf8')));
    const ck = path.join(repo, `${CLUSTER}/kustomization.yaml`);
    fs.writeFileSync(ck, replaceOnce('  - cluster.yaml', '  - cluster.yaml\n  - app-secrets.yaml')(fs.readFileSync(ck, 'utf8')));
    const { diagnostics, model } = lintTree(repo);
    const decided = diagnostics.filter((d) => ['duplicate-resource', 'ref-not-found', 'source-not-found', 'substitution-undefined'].includes(d.ruleId));
    expect(decided).toEqual([]);
    const pvcs = model.clusters[0].objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.name);
    expect(pvcs).toEqual(['${APP}-data', '${APP}-data']);
    expect(JSON.stringify(diagnostics)).not.toContain('hunter2');
    expect(JSON.stringify(model.clusters[0].objects.filter((o) => o.kind !== 'Secret').map((o) => o.value))).not.toContain('hunter2');
  });
});
