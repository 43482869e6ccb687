import fs from 'node:fs';
import path from 'node:path';
import { CLUSTER, FIXTURES, replaceOnce, type Mutation } from '../helpers.js';

/**
 * The fixture variants of issue 20, each a change from the clean fixture (the base) to a head: the mutations
 * fixtureCopy applies. Secret values are distinct strings so a leak names where it came from.
 */
export const SECRET_VALUES = {
  before: 'old-unseal-Qw81x',
  after: 'new-unseal-Rt62y',
  substitutedBefore: 'old-banner-Lk33m',
  substitutedAfter: 'new-banner-Vb44n',
  unchanged: 'same-token-Zz90p',
} as const;

const apps = `${CLUSTER}/apps/apps.yaml`;

const podinfoFk = `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: podinfo
  namespace: flux-system
spec:
  dependsOn:
    - name: external-secrets-config
  interval: 10m
  path: ./flux-clusters/stefanzhelev/apps/podinfo
  prune: true
  wait: true
  timeout: 5m
  sourceRef:
    kind: GitRepository
    name: flux-system
`;

/** A Secret in the vault base and one the vault Kustomization substitutes from, with the given values. */
export function secretFiles(unseal: string, banner: string): Record<string, Mutation> {
  return {
    'flux-apps/vault/kustomization.yaml': replaceOnce('  - release.yaml', '  - release.yaml\n  - secret.yaml'),
    'flux-apps/vault/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: vault-unseal\ntype: Opaque\nstringData:\n  unseal-key: ${unseal}\ndata:\n  token: ${Buffer.from(SECRET_VALUES.unchanged).toString('base64')}\n`,
    'flux-apps/vault/release.yaml': replaceOnce('    ui:\n      enabled: true', '    ui:\n      enabled: true\n      banner: ${VAULT_BANNER}'),
    [`${CLUSTER}/cluster-secrets.yaml`]: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-secrets\n  namespace: flux-system\ndata:\n  VAULT_BANNER: ${Buffer.from(banner).toString('base64')}\n`,
    [`${CLUSTER}/kustomization.yaml`]: replaceOnce('  - cluster.yaml', '  - cluster.yaml\n  - cluster-secrets.yaml'),
    [apps]: replaceOnce(
      '  path: ./flux-clusters/stefanzhelev/apps/vault\n  prune: true\n  wait: true\n  timeout: 5m\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-vars\n',
      '  path: ./flux-clusters/stefanzhelev/apps/vault\n  prune: true\n  wait: true\n  timeout: 5m\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-vars\n      - kind: Secret\n        name: cluster-secrets\n',
    ),
  };
}

export interface Variant {
  /** Mutations of the fixture for the base (none: the clean fixture). */
  base?: Record<string, Mutation>;
  head: Record<string, Mutation>;
}

export const VARIANTS: Record<string, Variant> = {
  'a changed HelmRelease value': {
    head: { 'flux-apps/grafana/release.yaml': replaceOnce('    replicas: 1', '    replicas: 2') },
  },
  'a new app': {
    head: {
      [apps]: (s) => s + podinfoFk,
      [`${CLUSTER}/apps/podinfo/kustomization.yaml`]: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../../../flux-apps/podinfo\n',
      'flux-apps/podinfo/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: podinfo\nresources:\n  - namespace.yaml\n  - release.yaml\n',
      'flux-apps/podinfo/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: podinfo\n',
      'flux-apps/podinfo/release.yaml':
        'apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: podinfo\nspec:\n  interval: 1h\n  url: https://stefanprodan.github.io/podinfo\n---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\nspec:\n  interval: 30m\n  chart:\n    spec:\n      chart: podinfo\n      version: 6.9.0\n      sourceRef:\n        kind: HelmRepository\n        name: podinfo\n  values:\n    replicaCount: 2\n',
    },
  },
  'a removed dependsOn': {
    head: { [apps]: replaceOnce('  dependsOn:\n    - name: clickhouse\n    - name: external-secrets-config\n', '  dependsOn:\n    - name: external-secrets-config\n') },
  },
  'a moved wave': {
    head: {
      [apps]: replaceOnce(
        'metadata:\n  name: vault\n  namespace: flux-system\nspec:\n',
        'metadata:\n  name: vault\n  namespace: flux-system\nspec:\n  dependsOn:\n    - name: tofu-controller\n',
      ),
    },
  },
  'a Secret change': {
    base: secretFiles(SECRET_VALUES.before, SECRET_VALUES.substitutedBefore),
    head: secretFiles(SECRET_VALUES.after, SECRET_VALUES.substitutedAfter),
  },
  'a renamed file': {
    head: {
      'flux-apps/vault/release.yaml': null,
      'flux-apps/vault/helmrelease.yaml': fs.readFileSync(path.join(FIXTURES, 'flux-apps/vault/release.yaml'), 'utf8'),
      'flux-apps/vault/kustomization.yaml': replaceOnce('  - release.yaml', '  - helmrelease.yaml'),
    },
  },
};
