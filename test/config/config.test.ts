import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ConfigError, configSchema, configToOptions, isExternal, parseConfig, resolveConfig } from '../../src/config/index.js';
import type { Rule } from '../../src/rules/types.js';
import { rules } from '../../src/rules/index.js';
import { CLUSTER, REPO, fixtureCopy, lineOf, lintTree, replaceOnce, runCli } from '../helpers.js';

const wrapper = `${CLUSTER}/apps/vault/kustomization.yaml`;
const typo = () => replaceOnce('flux-apps/vault', 'flux-apps/vautl');

function problems(text: string, at: string[] = []): string[] {
  try {
    parseConfig(text, rules, '.lint-gitops.yaml', at);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('config file', () => {
  it('config.schema.json is current with the rules (regenerate with npm run readme)', async () => {
    // @ts-expect-error plain ESM script without types
    const { schemaText } = await import('../../scripts/config-schema.mjs');
    expect(fs.readFileSync(path.join(REPO, 'config.schema.json'), 'utf8')).toBe(await schemaText());
  });

  it('ships the schema in the package and the schema is itself valid draft-07', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    expect(pkg.files).toContain('config.schema.json');
    const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'config.schema.json'), 'utf8'));
    expect(new Ajv({ strict: true }).validateSchema(schema)).toBe(true);
    expect(Object.keys(schema.properties.rules.properties)).toEqual(rules.map((r) => r.id).sort());
  });

  it('accepts every documented key', () => {
    const text = [
      '# yaml-language-server: $schema=./node_modules/lint-gitops/config.schema.json',
      'rules:',
      '  unreferenced-file: off',
      '  remote-resource: warning',
      'ignore:',
      '  - flux-apps/legacy/**',
      'crdDirectories:',
      '  - crds',
      'external:',
      '  - kind: Secret',
      '    name: flux-system',
      '    namespace: flux-system',
      '  - kind: ClusterSecretStore',
      '    name: vault',
      'crossNamespace: deny',
      '',
    ].join('\n');
    const config = parseConfig(text, rules, '.lint-gitops.yaml');
    expect(configToOptions(config)).toEqual({
      rules: { 'unreferenced-file': 'off', 'remote-resource': 'warning' },
      ignore: ['flux-apps/legacy/**'],
      crdDirs: ['crds'],
      external: [
        { kind: 'Secret', name: 'flux-system', namespace: 'flux-system' },
        { kind: 'ClusterSecretStore', name: 'vault' },
      ],
      crossNamespacePolicy: 'deny',
    });
    expect(parseConfig('', rules, 'x')).toEqual({});
    expect(parseConfig('# nothing yet\n', rules, 'x')).toEqual({});
  });

  it('reports unknown keys and bad values with their line and column, all at once', () => {
    const text = ['rules:', '  path-not-fund: off', '  remote-resource: warn', 'ignor:', '  - x', 'external:', '  - kind: Secret', '    nmae: flux-system', 'crossNamespace: maybe', 'ignore: flux-apps', ''].join('\n');
    expect(problems(text)).toEqual([
      ".lint-gitops.yaml:4:1: unknown key 'ignor'; did you mean 'ignore'? (expected preset, rules, ignore, crdDirectories, schemaLocations, external, sources, crossNamespace)",
      ".lint-gitops.yaml:2:3: unknown rule 'path-not-fund'; did you mean 'path-not-found'? (see: lint-gitops rules)",
      '.lint-gitops.yaml:3:20: rules.remote-resource must be one of error, warning, info, off, not "warn"',
      ".lint-gitops.yaml:10:9: ignore must be a list, not string \"flux-apps\"",
      ".lint-gitops.yaml:7:5: external[0] needs 'name'",
      ".lint-gitops.yaml:8:5: unknown key 'nmae' in external[0]; did you mean 'name'? (expected kind, name, namespace)",
      '.lint-gitops.yaml:9:17: crossNamespace must be one of allow, warn, deny, not "maybe"',
    ]);
  });

  it('reports YAML that does not parse, and duplicate keys, with their line', () => {
    expect(problems('rules:\n  a: [\n')[0]).toMatch(/^\.lint-gitops\.yaml:3:1: /);
    expect(problems('ignore: []\nignore: []\n')).toEqual(['.lint-gitops.yaml:2:1: Map keys must be unique']);
    expect(problems('- rules\n')).toEqual(['.lint-gitops.yaml:1:1: the config must be a mapping, not a list']);
  });

  it('reads the lint-gitops key of package.json, with positions in package.json', () => {
    const pkg = JSON.stringify({ name: 'platform', 'lint-gitops': { rules: { 'unreferenced-file': 'off' } } }, null, 2);
    expect(parseConfig(pkg, rules, 'package.json', ['lint-gitops'])).toEqual({ rules: { 'unreferenced-file': 'off' } });
    const bad = JSON.stringify({ name: 'platform', 'lint-gitops': { rulez: {} } }, null, 2);
    expect(problems(bad, ['lint-gitops'])).toEqual([".lint-gitops.yaml:4:5: unknown key 'rulez'; did you mean 'rules'? (expected preset, rules, ignore, crdDirectories, schemaLocations, external, sources, crossNamespace)"]);
  });

  it('validates rule ids against the rules given, so a new rule is accepted before the schema file is rewritten', () => {
    const extra: Rule = { id: 'brand-new', severity: 'info', description: 'x', docs: { why: 'y' }, check() {} };
    expect(() => parseConfig('rules:\n  brand-new: off\n', rules, 'x')).toThrow(ConfigError);
    expect(parseConfig('rules:\n  brand-new: off\n', [...rules, extra], 'x')).toEqual({ rules: { 'brand-new': 'off' } });
    expect(configSchema([extra]).properties).toMatchObject({ rules: { properties: { 'brand-new': { enum: ['error', 'warning', 'info', 'off'] } } } });
  });

  it('is found at the repo root: .lint-gitops.yaml first, then package.json; --config and --no-config override', () => {
    const repo = fixtureCopy({ 'package.json': JSON.stringify({ 'lint-gitops': { ignore: ['from-package'] } }) });
    const opts = { paths: [path.join(repo, CLUSTER)], cwd: repo, rules };
    expect(resolveConfig(opts)).toEqual({ config: { ignore: ['from-package'] }, file: path.join(repo, 'package.json') });
    fs.writeFileSync(path.join(repo, '.lint-gitops.yaml'), 'ignore: [from-yaml]\n');
    expect(resolveConfig(opts)).toEqual({ config: { ignore: ['from-yaml'] }, file: path.join(repo, '.lint-gitops.yaml') });
    fs.writeFileSync(path.join(repo, 'other.yaml'), 'ignore: [from-other]\n');
    expect(resolveConfig({ ...opts, config: 'other.yaml' }).config).toEqual({ ignore: ['from-other'] });
    expect(resolveConfig({ ...opts, config: false })).toEqual({ config: {} });
    expect(() => resolveConfig({ ...opts, config: 'missing.yaml' })).toThrow(/cannot read config file missing\.yaml: ENOENT/);
  });

  it('a package.json without the key, or broken, is not a config', () => {
    const repo = fixtureCopy({ 'package.json': '{"name": "x"}' });
    expect(resolveConfig({ paths: [path.join(repo, CLUSTER)], cwd: repo, rules })).toEqual({ config: {} });
    fs.writeFileSync(path.join(repo, 'package.json'), '{ not json');
    expect(resolveConfig({ paths: [path.join(repo, CLUSTER)], cwd: repo, rules })).toEqual({ config: {} });
  });
});

describe('config in a lint run (CLI)', () => {
  it('sets rule severities, and --rule wins over the file', () => {
    const repo = fixtureCopy({ [wrapper]: typo(), '.lint-gitops.yaml': 'rules:\n  path-not-found: warning\n' });
    const r = runCli([CLUSTER, '--format', 'json'], repo);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).diagnostics.filter((d: { ruleId: string }) => d.ruleId === 'path-not-found').map((d: { severity: string }) => d.severity)).toEqual(['warning']);
    expect(runCli([CLUSTER, '--rule', 'path-not-found=error'], repo).code).toBe(1);
    expect(runCli([CLUSTER, '--no-config'], repo).code).toBe(1);
  });

  it('drops findings in ignored files (globs and directories, repo-relative)', () => {
    const repo = fixtureCopy({ [wrapper]: typo(), '.lint-gitops.yaml': 'ignore: ["flux-clusters/**/vault/*.yaml"]\n' });
    const files = (ignore: string[]) => lintTree(repo, { ignore }).diagnostics.map((d) => d.file);
    expect(files([])).toContain(wrapper);
    expect(files(['flux-clusters/**/vault/*.yaml'])).not.toContain(wrapper);
    expect(files(['flux-clusters/stefanzhelev/apps/vault'])).not.toContain(wrapper);
    expect(files(['./flux-clusters/stefanzhelev/apps/vault/'])).not.toContain(wrapper);
    expect(files(['flux-clusters/stefanzhelev/apps/vaul'])).toContain(wrapper);
    // The CLI reads the globs from the config file.
    const r = runCli([CLUSTER, '--format', 'json'], repo);
    expect(JSON.parse(r.stdout).diagnostics.map((d: { file: string }) => d.file)).not.toContain(wrapper);
  });

  it('exits 2 with every problem and its line on a bad config, before linting', () => {
    const repo = fixtureCopy({ '.lint-gitops.yaml': 'rules:\n  path-not-found: of\nextrnal: []\n' });
    const r = runCli([CLUSTER], repo);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'lint-gitops: invalid configuration:',
        "  .lint-gitops.yaml:3:1: unknown key 'extrnal'; did you mean 'external'? (expected preset, rules, ignore, crdDirectories, schemaLocations, external, sources, crossNamespace)",
        '  .lint-gitops.yaml:2:19: rules.path-not-found must be one of error, warning, info, off, not "of"',
        '',
      ].join('\n'),
    );
  });

  it('reads CRDs from crdDirectories into the model, and names a missing directory', () => {
    const crd = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions: []\n';
    const repo = fixtureCopy({ 'platform-crds/widgets.yaml': crd, 'platform-crds/nested/gadgets.yml': crd.replace(/widget/gi, 'gadget') });
    const result = lintTree(repo, { crdDirs: ['platform-crds'] });
    expect(result.model.externalCrdFiles).toEqual(['platform-crds/nested/gadgets.yml', 'platform-crds/widgets.yaml']);
    expect([...result.model.files.get('platform-crds/widgets.yaml')!.roles]).toEqual(['crd']);
    expect(result.diagnostics).toEqual([]);
    fs.writeFileSync(path.join(repo, '.lint-gitops.yaml'), 'crdDirectories: [platform-crd]\n');
    const r = runCli([CLUSTER], repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('lint-gitops: crdDirectories: no such directory in the repo: platform-crd\n');
  });

  it('takes the preset from the file; --preset wins, and --rule wins over both', () => {
    const certificate = 'apiVersion: certs.example.com/v1\nkind: Certificate\nmetadata:\n  name: vault\nspec:\n  secretName: vault-tls\n  issuerRef:\n    name: letsencrypt\n';
    const repo = fixtureCopy({
      'flux-apps/vault/kustomization.yaml': (s) => s.replace('  - release.yaml\n', '  - release.yaml\n  - certificate.yaml\n'),
      'flux-apps/vault/certificate.yaml': certificate,
      '.lint-gitops.yaml': 'preset: strict\n',
    });
    expect(configToOptions(parseConfig('preset: strict\n', rules, 'x'))).toEqual({ preset: 'strict' });
    const severity = (...args: string[]) =>
      (JSON.parse(runCli([CLUSTER, '--format', 'json', ...args], repo).stdout).diagnostics as { ruleId: string; severity: string }[])
        .filter((d) => d.ruleId === 'schema-missing')
        .map((d) => d.severity);
    // The runs share the result cache: a cluster linted under strict is not reused under recommended (its key has the preset).
    expect(severity()).toEqual(['warning']);
    expect(severity('--preset', 'recommended')).toEqual(['info']);
    expect(severity('--no-config')).toEqual(['info']);
    expect(severity('--rule', 'schema-missing=error')).toEqual(['error']);
    const bad = runCli([CLUSTER, '--preset', 'all'], repo);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '--preset <name>' argument 'all' is invalid. Allowed choices are recommended, strict.");
    expect(problems('preset: all\n')).toEqual(['.lint-gitops.yaml:1:9: preset must be one of recommended, strict, not "all"']);
  });

  it('hands external objects and the cross-namespace policy to the rules (RuleContext.options)', () => {
    const seen: unknown[] = [];
    const probe: Rule = {
      id: 'probe',
      severity: 'info',
      description: 'records its options',
      docs: { why: 'test' },
      check({ options }) {
        seen.push(options);
      },
    };
    const repo = fixtureCopy({ '.lint-gitops.yaml': 'external:\n  - {kind: Secret, name: sops-age, namespace: flux-system}\ncrossNamespace: allow\n' });
    const { config } = resolveConfig({ paths: [path.join(repo, CLUSTER)], cwd: repo, rules });
    lintTree(repo, { ...configToOptions(config), ruleSet: [probe] });
    expect(seen).toEqual([{ preset: 'recommended', crossNamespacePolicy: 'allow', external: [{ kind: 'Secret', name: 'sops-age', namespace: 'flux-system' }] }]);
    const external = (seen[0] as { external: { kind: string; name: string; namespace?: string }[] }).external;
    expect(isExternal(external, 'Secret', 'sops-age', 'flux-system')).toBe(true);
    expect(isExternal(external, 'Secret', 'sops-age', 'default')).toBe(false);
    expect(isExternal([{ kind: 'Secret', name: 'x' }], 'Secret', 'x', 'any')).toBe(true);
  });
});

void lineOf;
