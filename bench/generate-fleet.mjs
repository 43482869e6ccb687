#!/usr/bin/env node
/**
 * Writes a synthetic Flux fleet in the layout of the clean fixture (fixtures/README.md): every cluster under
 * flux-clusters/<cluster>/ with its flux bootstrap, cluster-vars and apps/apps.yaml; every app a thin wrapper
 * apps/<app>/kustomization.yaml around a base flux-apps/<app>/ holding a Namespace, a HelmRepository + HelmRelease,
 * an ExternalSecret and a tofu-controller Terraform CR. Apps depend on each other in waves, always through
 * external-secrets-config and tofu-controller, so the fleet is as clean as the fixture.
 *
 *   node bench/generate-fleet.mjs --apps 1000 --clusters 4 [--seed 1] [--out DIR]
 *
 * The same options always write the same bytes (a seeded PRNG, no clock, no Math.random).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(HERE, '..', 'fixtures');
/** Written into every generated root, so a re-run may delete what an earlier run wrote, and nothing else. */
export const MARKER = '.lint-gitops-fleet';

/** The fixture's platform apps, copied into every fleet: what every generated app depends on. */
const PLATFORM = [
  { name: 'tofu-controller', dependsOn: [], substitute: false },
  { name: 'external-secrets-crds', dependsOn: [], substitute: false },
  { name: 'vault', dependsOn: [], substitute: true },
  { name: 'external-secrets-config', dependsOn: ['vault', 'external-secrets-crds'], substitute: false },
];

const WORDS_A = ['amber', 'brisk', 'cedar', 'delta', 'ember', 'fjord', 'granite', 'harbor', 'indigo', 'juniper', 'kestrel', 'lumen', 'maple', 'nimbus', 'onyx', 'prairie', 'quartz', 'raven', 'sierra', 'tundra'];
const WORDS_B = ['api', 'billing', 'catalog', 'dispatch', 'events', 'feeds', 'gateway', 'history', 'inventory', 'jobs', 'ledger', 'metrics', 'notify', 'orders', 'payments', 'queue', 'reports', 'search', 'tracker', 'users'];
const CHARTS = [
  { repo: 'bitnami', url: 'https://charts.bitnami.com/bitnami', chart: 'nginx', versions: ['18.2.4', '18.3.1', '19.0.0'] },
  { repo: 'podinfo', url: 'https://stefanprodan.github.io/podinfo', chart: 'podinfo', versions: ['6.7.1', '6.8.0', '6.9.0'] },
  { repo: 'bjw-s', url: 'https://bjw-s-labs.github.io/helm-charts', chart: 'app-template', versions: ['3.7.3', '4.0.1', '4.1.2'] },
  { repo: 'jetstack', url: 'https://charts.jetstack.io', chart: 'cert-manager-webhook-hetzner', versions: ['1.3.1', '1.4.0'] },
];

/** mulberry32: a tiny deterministic PRNG. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What `components: 'stub'` writes instead of the 270 kB of Flux controllers (tests: the parse is the slow part). */
const STUB_COMPONENTS = `# Flux Version: v2.6.4 (stub written by bench/generate-fleet.mjs)
apiVersion: v1
kind: Namespace
metadata:
  name: flux-system
`;

/**
 * Generates the fleet as a map of repo-relative POSIX path → file content, without touching the disk.
 * `components: 'stub'` writes a one-object gotk-components.yaml instead of the fixture's full one.
 * @param {{apps: number, clusters: number, seed?: number, components?: 'full' | 'stub'}} options
 * @returns {Map<string, string>}
 */
export function fleetFiles({ apps, clusters, seed = 1, components = 'full' }) {
  if (!Number.isInteger(apps) || apps < 1) throw new Error('--apps must be a whole number, 1 or more');
  if (!Number.isInteger(clusters) || clusters < 1) throw new Error('--clusters must be a whole number, 1 or more');
  const rnd = prng(seed);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const files = new Map();

  // The platform bases are the fixture's own, shared by every cluster.
  for (const p of PLATFORM) {
    const dir = path.join(FIXTURES, 'flux-apps', p.name);
    for (const name of fs.readdirSync(dir).sort()) files.set(`flux-apps/${p.name}/${name}`, fs.readFileSync(path.join(dir, name), 'utf8'));
  }
  const gotkComponents =
    components === 'stub' ? STUB_COMPONENTS : fs.readFileSync(path.join(FIXTURES, 'flux-clusters/stefanzhelev/flux-system/gotk-components.yaml'), 'utf8');
  files.set('terraform/modules/app-secrets/main.tf', APP_MODULE);

  const clusterNames = Array.from({ length: clusters }, (_, i) => `${pick(['eu', 'us', 'ap'])}-${pick(['prod', 'stage', 'edge'])}-${String(i + 1).padStart(2, '0')}`);
  /** Generated apps per cluster, each with the wave it is deployed in. */
  const perCluster = clusterNames.map(() => []);
  for (let i = 0; i < apps; i++) {
    const name = `${WORDS_A[i % WORDS_A.length]}-${WORDS_B[Math.floor(i / WORDS_A.length) % WORDS_B.length]}-${String(i).padStart(5, '0')}`;
    const c = i % clusters;
    const peers = perCluster[c];
    const wave = peers.length === 0 ? 3 : Math.min(3 + int(0, 4), 3 + Math.max(...peers.map((p) => p.wave - 3)) + 1);
    // dependsOn chains across waves: up to two apps of earlier waves in the same cluster.
    const earlier = peers.filter((p) => p.wave < wave);
    const deps = new Set();
    for (let k = int(0, 2); k > 0 && earlier.length > 0; k--) deps.add(pick(earlier).name);
    const app = { name, wave, deps: [...deps].sort(), substitute: rnd() < 0.7, chart: pick(CHARTS), secrets: int(1, 4), replicas: int(1, 5) };
    peers.push(app);
    writeApp(files, app, rnd);
  }

  clusterNames.forEach((cluster, c) => {
    const dir = `flux-clusters/${cluster}`;
    files.set(`${dir}/flux-system/gotk-components.yaml`, gotkComponents);
    files.set(`${dir}/flux-system/gotk-sync.yaml`, gotkSync(dir));
    files.set(`${dir}/flux-system/kustomization.yaml`, 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- gotk-components.yaml\n- gotk-sync.yaml\n');
    files.set(`${dir}/kustomization.yaml`, 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - flux-system\n  - cluster.yaml\n  - apps/apps.yaml\n');
    files.set(`${dir}/cluster.yaml`, clusterVars(cluster));
    const entries = [];
    for (const p of PLATFORM) {
      files.set(`${dir}/apps/${p.name}/kustomization.yaml`, wrapper(p.name));
      entries.push(fluxKustomization(dir, p.name, p.dependsOn, p.substitute));
    }
    for (const app of perCluster[c]) {
      files.set(`${dir}/apps/${app.name}/kustomization.yaml`, wrapper(app.name));
      entries.push(fluxKustomization(dir, app.name, ['external-secrets-config', 'tofu-controller', ...app.deps], app.substitute, app.wave));
    }
    files.set(`${dir}/apps/apps.yaml`, `# App orchestration for ${cluster}: one Flux Kustomization per app, ordered by dependsOn.\n${entries.join('')}`);
  });
  return files;
}

function writeApp(files, app, rnd) {
  const { name, chart } = app;
  const base = `flux-apps/${name}`;
  const version = chart.versions[Math.floor(rnd() * chart.versions.length)];
  files.set(
    `${base}/kustomization.yaml`,
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${name}\nresources:\n  - namespace.yaml\n  - externalsecret.yaml\n  - terraform.yaml\n  - release.yaml\n`,
  );
  files.set(`${base}/namespace.yaml`, `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels:\n    app.kubernetes.io/part-of: ${name}\n`);
  const keys = Array.from({ length: app.secrets }, (_, i) => ['api-key', 'db-password', 'session-secret', 'oidc-client-secret'][i]);
  files.set(
    `${base}/externalsecret.yaml`,
    `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: ${name}-secrets
spec:
  refreshInterval: 1h
  secretStoreRef:
    kind: ClusterSecretStore
    name: vault
  target:
    name: ${name}-secrets
  data:
${keys.map((k) => `    - secretKey: ${k}\n      remoteRef:\n        key: ${name}/config\n        property: ${k.replace(/-/g, '_')}\n`).join('')}`,
  );
  files.set(
    `${base}/terraform.yaml`,
    `# tofu-controller runs the plan in a tf-runner pod in this namespace.
apiVersion: v1
kind: ServiceAccount
metadata:
  name: tf-runner
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: tf-runner
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: tf-runner-role
subjects:
  - kind: ServiceAccount
    name: tf-runner
    namespace: ${name}
---
apiVersion: infra.contrib.fluxcd.io/v1alpha2
kind: Terraform
metadata:
  name: ${name}
spec:
  interval: 30m
  approvePlan: auto
  path: ./terraform/modules/app-secrets
  sourceRef:
    kind: GitRepository
    name: flux-system
    namespace: flux-system
  serviceAccountName: tf-runner
  vars:
    - name: vault_address
      value: http://vault.vault.svc.cluster.local:8200
    - name: app
      value: ${name}
  writeOutputsToSecret:
    name: ${name}-terraform-outputs
    outputs:
      - vault_path
`,
  );
  const host = app.substitute ? `${name}.\${CLUSTER_DOMAIN}` : `${name}.internal.example.com`;
  const ingressClass = app.substitute ? '${INGRESS_CLASS}' : 'traefik';
  files.set(
    `${base}/release.yaml`,
    `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: ${chart.repo}
spec:
  interval: 1h
  url: ${chart.url}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
spec:
  interval: 30m
  timeout: 10m
  chart:
    spec:
      chart: ${chart.chart}
      version: ${version}
      sourceRef:
        kind: HelmRepository
        name: ${chart.repo}
  install:
    remediation:
      retries: 3
  upgrade:
    remediation:
      retries: 3
  valuesFrom:
    - kind: Secret
      name: ${name}-secrets
      valuesKey: ${keys[0]}
      targetPath: app.${keys[0].replace(/-/g, '_')}
  values:
    replicaCount: ${app.replicas}
    image:
      pullPolicy: IfNotPresent
    ingress:
      enabled: true
      ingressClassName: ${ingressClass}
      hosts:
        - host: ${host}
          paths:
            - path: /
              pathType: Prefix
    resources:
      requests:
        cpu: ${50 * app.replicas}m
        memory: ${64 * app.replicas}Mi
      limits:
        memory: ${128 * app.replicas}Mi
    env:
      - name: SECRET
        valueFrom:
          secretKeyRef:
            name: ${name}-secrets
            key: ${keys[keys.length - 1]}
`,
  );
}

function wrapper(app) {
  return `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../../../flux-apps/${app}\n`;
}

function fluxKustomization(dir, app, dependsOn, substitute, wave) {
  return `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${app}
  namespace: flux-system${wave ? `\n  labels:\n    wave: "${wave}"` : ''}
spec:
${dependsOn.length ? `  dependsOn:\n${dependsOn.map((d) => `    - name: ${d}\n`).join('')}` : ''}  interval: 10m
  path: ./${dir}/apps/${app}
  prune: true
  wait: true
  timeout: 5m
  sourceRef:
    kind: GitRepository
    name: flux-system
${substitute ? '  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-vars\n' : ''}`;
}

function gotkSync(dir) {
  return `# This manifest was generated by flux. DO NOT EDIT.
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    branch: main
  secretRef:
    name: flux-system
  url: ssh://git@github.com/example/fleet
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m0s
  path: ./${dir}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`;
}

function clusterVars(cluster) {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: cluster-vars
  namespace: flux-system
data:
  CLUSTER_NAME: ${cluster}
  CLUSTER_DOMAIN: ${cluster}.example.com
  STORAGE_CLASS: hcloud-volumes
  INGRESS_CLASS: traefik
`;
}

const APP_MODULE = `# Writes an app's generated credentials into Vault KV.
variable "vault_address" {
  type = string
}

variable "app" {
  type = string
}

output "vault_path" {
  value = format("secret/%s/config", var.app)
}
`;

/**
 * Writes the fleet under `out` (replacing an earlier fleet there) and returns its size.
 * @returns {{root: string, files: number, yamlFiles: number, yamlBytes: number, clusters: string[]}}
 */
export function writeFleet({ apps, clusters, seed = 1, components = 'full', out }) {
  const files = fleetFiles({ apps, clusters, seed, components });
  if (fs.existsSync(out)) {
    if (fs.readdirSync(out).length > 0 && !fs.existsSync(path.join(out, MARKER))) {
      throw new Error(`${out} exists and was not written by generate-fleet: refusing to replace it`);
    }
    fs.rmSync(out, { recursive: true, force: true });
  }
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, MARKER), `${JSON.stringify({ apps, clusters, seed })}\n`);
  const dirs = new Set();
  let yamlFiles = 0;
  let yamlBytes = 0;
  for (const [rel, text] of files) {
    const file = path.join(out, ...rel.split('/'));
    const dir = path.dirname(file);
    if (!dirs.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      dirs.add(dir);
    }
    fs.writeFileSync(file, text);
    if (/\.ya?ml$/.test(rel)) {
      yamlFiles++;
      yamlBytes += Buffer.byteLength(text);
    }
  }
  const clusterDirs = [...new Set([...files.keys()].filter((f) => f.startsWith('flux-clusters/')).map((f) => f.split('/').slice(0, 2).join('/')))].sort();
  return { root: out, files: files.size, yamlFiles, yamlBytes, clusters: clusterDirs };
}

function parseArgs(argv) {
  const opts = { apps: 100, clusters: 2, seed: 1, out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--apps') opts.apps = Number(value());
    else if (flag === '--clusters') opts.clusters = Number(value());
    else if (flag === '--seed') opts.seed = Number(value());
    else if (flag === '--out') opts.out = value();
    else throw new Error(`unknown option ${argv[i]} (use --apps N --clusters C [--seed S] [--out DIR])`);
  }
  opts.out ??= path.join(HERE, 'fleets', `apps-${opts.apps}-clusters-${opts.clusters}-seed-${opts.seed}`);
  return opts;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    const r = writeFleet(opts);
    process.stdout.write(`${r.root}: ${r.files} files (${r.yamlFiles} YAML, ${(r.yamlBytes / 1e6).toFixed(1)} MB) in ${r.clusters.length} clusters\n`);
  } catch (e) {
    process.stderr.write(`generate-fleet: ${e.message}\n`);
    process.exitCode = 2;
  }
}
