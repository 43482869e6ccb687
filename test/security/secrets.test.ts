import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/report/index.js';
import { CLUSTER, fixtureCopy, replaceOnce, runCli } from '../helpers.js';

/** Every value a secret can hide in, each distinct so a leak names where it came from. */
const SECRETS = {
  stringData: 'hunter2-stringData-Zq9v',
  data: 'base64-data-Xk41w',
  literal: 'literal-secret-Pw77r',
  envFile: 'envfile-secret-Tt55q',
  substituted: 'substituted-secret-Mm12z',
  syntaxError: 'broken-secret-Yy31k',
  duplicateFirst: 'dup-secret-Aa1p',
  duplicateSecond: 'dup-secret-Bb2p',
  wrongType: 'map-secret-Dd4m',
  typoField: 'typo-secret-Ee5n',
  helmValues: 'helm-values-secret-Cc3h',
  list: 'list-secret-Ff6l',
};

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secretDoc = (name: string, body: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\ntype: Opaque\n${body}`;

/** The clean fixture with a secret value in every place a rule might be tempted to quote. */
function leakyRepo(): string {
  const vault = 'flux-apps/vault';
  const repo = fixtureCopy({
    [`${vault}/kustomization.yaml`]: (s) =>
      s.replace('  - release.yaml', '  - release.yaml\n  - secrets.yaml\n  - broken.yaml\n  - list.yaml') +
      `secretGenerator:\n  - name: generated\n    literals:\n      - password=${SECRETS.literal}\n    envs:\n      - vault.env\n`,
    [`${vault}/secrets.yaml`]: [
      secretDoc('plain', `stringData:\n  unseal-key: ${SECRETS.stringData}\n`),
      secretDoc('encoded', `data:\n  token: ${b64(SECRETS.data)}\n`),
      secretDoc('dup', `stringData:\n  pw: ${SECRETS.duplicateFirst}\n  pw: ${SECRETS.duplicateSecond}\n`),
      secretDoc('typed', `data:\n  nested:\n    deep: ${SECRETS.wrongType}\n`),
      secretDoc('typo', `stringdata:\n  pw: ${SECRETS.typoField}\n`),
    ].join('---\n'),
    [`${vault}/broken.yaml`]: secretDoc('broken', `stringData:\n  pw: "${SECRETS.syntaxError}\n  other: [\n`),
    [`${vault}/list.yaml`]: `apiVersion: v1\nkind: List\nitems:\n  - ${secretDoc('listed', `stringData: {pw: ${SECRETS.list}}`).replace(/\n/g, '\n    ')}\n`,
    [`${vault}/vault.env`]: `TOKEN=${SECRETS.envFile}\n`,
    [`${vault}/release.yaml`]: replaceOnce('    ui:\n      enabled: true', `    ui:\n      enabled: true\n      adminPassword: ${SECRETS.helmValues}\n      banner: \${VAULT_BANNER}`),
    // A Secret the vault Kustomization substitutes from: its value must never reach a message either.
    [`${CLUSTER}/cluster-secrets.yaml`]: secretDoc('cluster-secrets', `stringData:\n  VAULT_BANNER: ${SECRETS.substituted}\n`).replace(
      'name: cluster-secrets',
      'name: cluster-secrets\n  namespace: flux-system',
    ),
    [`${CLUSTER}/kustomization.yaml`]: replaceOnce('  - cluster.yaml', '  - cluster.yaml\n  - cluster-secrets.yaml'),
    [`${CLUSTER}/apps/apps.yaml`]: replaceOnce(
      '  path: ./flux-clusters/stefanzhelev/apps/vault\n  prune: true\n  wait: true\n  timeout: 5m\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-vars\n',
      '  path: ./flux-clusters/stefanzhelev/apps/vault\n  prune: true\n  wait: true\n  timeout: 5m\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-vars\n      - kind: Secret\n        name: cluster-secrets\n',
    ),
  });
  return repo;
}

/** The choices of a `--format` option, as the CLI's own help prints them. */
function helpChoices(args: string[], repo: string): string[] {
  const help = runCli([...args, '--help'], repo).stdout.replace(/\s+/g, ' ');
  const m = help.match(/--format <format> output format \(choices: (.*?), default:/);
  if (!m) throw new Error(`no --format choices in: ${help}`);
  return [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]);
}

describe('no output format ever contains a secret value', () => {
  const repo = leakyRepo();
  const formats = helpChoices([], repo);

  it('knows every format the CLI offers (the shared FORMATS list is the CLI help)', () => {
    expect([...formats].sort()).toEqual([...FORMATS].sort());
    expect(formats.length).toBeGreaterThanOrEqual(2);
  });

  it('the fixture really puts its secrets in front of the rules (so a clean grep proves something)', () => {
    const r = runCli([CLUSTER, '--format', 'json', '--no-cache'], repo);
    const found = (JSON.parse(r.stdout).diagnostics as { ruleId: string; file: string }[]).map((d) => `${d.ruleId} ${d.file}`);
    for (const expected of [
      'plaintext-secret flux-apps/vault/secrets.yaml',
      'plaintext-secret flux-apps/vault/kustomization.yaml',
      'plaintext-secret flux-apps/vault/list.yaml',
      'plaintext-secret flux-clusters/stefanzhelev/cluster-secrets.yaml',
      'yaml-syntax flux-apps/vault/broken.yaml',
      'yaml-duplicate-key flux-apps/vault/secrets.yaml',
    ]) {
      expect(found).toContain(expected);
    }
    for (const file of ['secrets.yaml', 'broken.yaml', 'vault.env']) {
      const text = fs.readFileSync(path.join(repo, 'flux-apps/vault', file), 'utf8');
      expect(Object.values(SECRETS).some((s) => text.includes(s) || text.includes(b64(s)))).toBe(true);
    }
  });

  for (const format of FORMATS) {
    it(`--format ${format}`, () => {
      const r = runCli([CLUSTER, '--format', format, '--no-cache'], repo);
      expect(r.code, r.stderr).toBe(1);
      const out = r.stdout + r.stderr;
      expect(out.length).toBeGreaterThan(0);
      for (const [where, value] of Object.entries(SECRETS)) {
        expect(out.includes(value), `${where} leaked in --format ${format}`).toBe(false);
        expect(out.includes(b64(value)), `${where} (base64) leaked in --format ${format}`).toBe(false);
      }
    });
  }

  it('nor does the graph command, in any of its formats', () => {
    for (const format of helpChoices(['graph'], repo)) {
      const r = runCli(['graph', CLUSTER, '--format', format], repo);
      const out = r.stdout + r.stderr;
      for (const [where, value] of Object.entries(SECRETS)) expect(out.includes(value), `${where} leaked in graph --format ${format}`).toBe(false);
    }
  });
});
