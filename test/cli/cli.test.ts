import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLUSTER, FIXTURES, REPO, fixtureCopy, lineOf, replaceOnce, runCli } from '../helpers.js';

const wrapper = `${CLUSTER}/apps/vault/kustomization.yaml`;

/**
 * One error (a wrapper typo) and infos (an unreferenced file, and the vault base the typo orphans): enough to
 * see every exit-code path.
 */
function brokenRepo(): string {
  return fixtureCopy({
    [wrapper]: replaceOnce('flux-apps/vault', 'flux-apps/vautl'),
    'flux-apps/forgejo/policy.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: policy\n',
  });
}

describe('lint-gitops CLI', () => {
  it('lints the clean fixture with exit 0, as the README says', () => {
    const r = runCli(['fixtures/flux-clusters/stefanzhelev']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✔ no problems \(1 cluster, \d+ files, \d+ objects\)\n$/);
  });

  it('prints the JSON contract: diagnostics with repo-relative POSIX files and a summary', () => {
    const repo = brokenRepo();
    const r = runCli([CLUSTER, '--format', 'json'], repo);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['diagnostics', 'summary']);
    expect(out.diagnostics).toEqual([
      {
        ruleId: 'unreferenced-file',
        severity: 'info',
        message: 'flux-apps/forgejo/policy.yaml is not referenced by any kustomization or Flux Kustomization; it is never applied',
        file: 'flux-apps/forgejo/policy.yaml',
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 1,
      },
      ...['kustomization.yaml', 'namespace.yaml', 'release.yaml'].map((name) => ({
        ruleId: 'unreferenced-file',
        severity: 'info',
        message: `flux-apps/vault/${name} is not referenced by any kustomization or Flux Kustomization; it is never applied`,
        file: `flux-apps/vault/${name}`,
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 1,
      })),
      {
        ruleId: 'path-not-found',
        severity: 'error',
        message: "resources entry '../../../../flux-apps/vautl' does not exist (resolved to flux-apps/vautl); did you mean '../../../../flux-apps/vault'?",
        file: wrapper,
        line: lineOf(repo, wrapper, 'vautl'),
        column: 5,
        endLine: lineOf(repo, wrapper, 'vautl'),
        endColumn: 5 + '../../../../flux-apps/vautl'.length,
      },
    ]);
    expect(out.summary).toMatchObject({ errorCount: 1, warningCount: 0, infoCount: 4, root: '.', rootReason: 'flux-path', clusters: [CLUSTER], fluxVersions: ['v2.7.5'] });
  });

  it('gives the same bytes on every run', () => {
    const repo = brokenRepo();
    const a = runCli([CLUSTER, '--format', 'json'], repo);
    const b = runCli([CLUSTER, '--format', 'json'], repo);
    expect(a.stdout).toBe(b.stdout);
    const c = runCli([CLUSTER], repo);
    const d = runCli([CLUSTER], repo);
    expect(c.stdout).toBe(d.stdout);
  });

  it('prints stylish output grouped by file with a summary line', () => {
    const repo = brokenRepo();
    const r = runCli([CLUSTER], repo);
    const line = lineOf(repo, wrapper, 'vautl');
    expect(r.stdout).toBe(
      [
        'flux-apps/forgejo/policy.yaml',
        '  1:1  info  flux-apps/forgejo/policy.yaml is not referenced by any kustomization or Flux Kustomization; it is never applied  unreferenced-file',
        '',
        ...['kustomization.yaml', 'namespace.yaml', 'release.yaml'].flatMap((name) => [
          `flux-apps/vault/${name}`,
          `  1:1  info  flux-apps/vault/${name} is not referenced by any kustomization or Flux Kustomization; it is never applied  unreferenced-file`,
          '',
        ]),
        wrapper,
        `  ${line}:5  error  resources entry '../../../../flux-apps/vautl' does not exist (resolved to flux-apps/vautl); did you mean '../../../../flux-apps/vault'?  path-not-found`,
        '',
        '✖ 5 problems (1 error, 0 warnings, 4 info)',
        '',
      ].join('\n'),
    );
  });

  it('--quiet shows errors only; exit code still follows the errors', () => {
    const r = runCli([CLUSTER, '--quiet', '--format', 'json'], brokenRepo());
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).diagnostics.map((d: { ruleId: string }) => d.ruleId)).toEqual(['path-not-found']);
  });

  it('--rule turns a rule off or changes its severity, and warnings fail only past --max-warnings', () => {
    const repo = brokenRepo();
    expect(runCli([CLUSTER, '--rule', 'path-not-found=off'], repo).code).toBe(0);
    expect(runCli([CLUSTER, '--rule', 'path-not-found=warning'], repo).code).toBe(0);
    const tooMany = runCli([CLUSTER, '--rule', 'path-not-found=warning', '--max-warnings', '0'], repo);
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toContain('too many warnings (maximum: 0)');
    expect(runCli([CLUSTER, '--rule', 'path-not-found=warning', '--max-warnings', '1'], repo).code).toBe(0);
  });

  it('exits 2 on usage errors: unknown flag, unknown rule, missing directory', () => {
    expect(runCli(['--no-such-flag']).code).toBe(2);
    expect(runCli(['fixtures', '--rule', 'no-such-rule=off']).code).toBe(2);
    const missing = runCli(['does/not/exist']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such directory');
    expect(runCli(['fixtures', '--format', 'xml']).code).toBe(2);
  });

  it('finds the root by --root, by the flux-system path, and by .git', () => {
    const repo = fixtureCopy();
    expect(JSON.parse(runCli([CLUSTER, '--format', 'json', '--root', '.'], repo).stdout).summary.rootReason).toBe('option');
    expect(JSON.parse(runCli([CLUSTER, '--format', 'json'], repo).stdout).summary).toMatchObject({ root: '.', rootReason: 'flux-path' });
    // Without a flux-system bootstrap, the nearest .git wins.
    fs.rmSync(path.join(repo, CLUSTER, 'flux-system/gotk-sync.yaml'));
    fs.writeFileSync(path.join(repo, CLUSTER, 'flux-system/kustomization.yaml'), 'resources:\n  - gotk-components.yaml\n');
    fs.mkdirSync(path.join(repo, '.git'));
    expect(JSON.parse(runCli([CLUSTER, '--format', 'json'], repo).stdout).summary).toMatchObject({ root: '.', rootReason: 'git' });
  });

  it('lints every cluster below a directory, and shared bases once', () => {
    const repo = fixtureCopy();
    const second = path.join(repo, 'flux-clusters/lab');
    fs.cpSync(path.join(repo, CLUSTER), second, { recursive: true });
    const sync = path.join(second, 'flux-system/gotk-sync.yaml');
    fs.writeFileSync(sync, fs.readFileSync(sync, 'utf8').replace('./flux-clusters/stefanzhelev', './flux-clusters/lab'));
    const apps = path.join(second, 'apps/apps.yaml');
    fs.writeFileSync(apps, fs.readFileSync(apps, 'utf8').replaceAll('./flux-clusters/stefanzhelev/', './flux-clusters/lab/'));
    const r = runCli(['.', '--format', 'json'], repo);
    const out = JSON.parse(r.stdout);
    expect(out.summary.clusters).toEqual(['flux-clusters/lab', CLUSTER]);
    expect(out.diagnostics).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('prints its version, help, the rule list and a rule explanation', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    expect(runCli(['--version']).stdout.trim()).toBe(pkg.version);
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--max-warnings');
    const rules = runCli(['rules']);
    expect(rules.stdout).toMatch(/^RULE\s+RECOMMENDED\s+STRICT\s+WHAT IT CATCHES\n/);
    expect(rules.stdout).toMatch(/^path-not-found\s+error\s+error\s+A kustomize /m);
    expect(rules.stdout).toMatch(/^schema-missing\s+info\s+warning\s+Objects of kinds /m);
    expect(rules.stdout).toMatch(/^implicit-dependency\s+warning\s+warning\s+.* Strict also reports CRDs that another Kustomization installs/m);
    const explain = runCli(['explain', 'path-not-found']);
    expect(explain.stdout).toContain('Why: ');
    expect(explain.stdout).toContain('Wrong:');
    expect(runCli(['explain', 'nope']).code).toBe(2);
  });

  it('a directory with nothing to lint is a usage error, not a pass (exit 2, nothing on stdout)', () => {
    const repo = fixtureCopy();
    const message = (where: string) =>
      `lint-gitops: nothing to lint in ${where}: no Flux cluster (a directory whose flux-system/ holds the Kustomization that syncs it) and no kustomization.yaml or YAML manifest below it; check the path\n`;
    fs.mkdirSync(path.join(repo, 'empty'));
    fs.mkdirSync(path.join(repo, 'docs/.github'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'docs/README.md'), '# docs\n');
    fs.writeFileSync(path.join(repo, 'docs/.github/ci.yaml'), 'on: push\n');
    for (const format of ['stylish', 'json', 'junit']) {
      expect(runCli(['empty', '--format', format], repo)).toEqual({ code: 2, stdout: '', stderr: message('empty') });
      expect(runCli(['docs', '--format', format], repo)).toEqual({ code: 2, stdout: '', stderr: message('docs') });
    }
    expect(runCli([], path.join(repo, 'empty'))).toEqual({ code: 2, stdout: '', stderr: message('.') });
    // A shard may have no cluster: it passes, as before.
    expect(runCli(['empty', '--shard', '2/2'], repo)).toEqual({ code: 0, stdout: '✔ no problems (0 clusters, 0 files, 0 objects)\n', stderr: '' });
    // A directory of YAML without a kustomization.yaml is what Flux would build (its generated kustomization).
    fs.writeFileSync(path.join(repo, 'empty/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: default\n');
    expect(runCli(['empty'], repo)).toEqual({ code: 0, stdout: '✔ no problems (1 cluster, 1 file, 1 object)\n', stderr: '' });
  });

  it('junit: an exit-0 run has no failed test case; warnings fail only past --max-warnings', () => {
    const repo = brokenRepo();
    const failures = (args: string[]) => {
      const r = runCli([CLUSTER, '--format', 'junit', ...args], repo);
      return [r.code, r.stdout.match(/<testsuites name="lint-gitops" tests="(\d+)" failures="(\d+)"/)!.slice(1).join('/'), (r.stdout.match(/<failure /g) ?? []).length];
    };
    // The error fails; the four infos (an unreferenced file, the vault base the typo orphans) pass.
    expect(failures([])).toEqual([1, '5/1', 1]);
    expect(failures(['--rule', 'path-not-found=off'])).toEqual([0, '4/0', 0]);
    expect(failures(['--rule', 'path-not-found=warning'])).toEqual([0, '5/0', 0]);
    expect(failures(['--rule', 'path-not-found=warning', '--max-warnings', '1'])).toEqual([0, '5/0', 0]);
    expect(failures(['--rule', 'path-not-found=warning', '--max-warnings', '0'])).toEqual([1, '5/1', 1]);
  });

  it('graph takes --no-color and the lint options, so one argument list serves both', () => {
    const table = runCli(['graph', CLUSTER], FIXTURES);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^WAVE {2}KUSTOMIZATION/);
    expect(runCli(['graph', CLUSTER, '--no-color'], FIXTURES)).toEqual(table);
    expect(runCli(['graph', CLUSTER, '--max-warnings', '0', '--rule', 'unreferenced-file=off', '-q', '--no-cache', '--no-config'], FIXTURES)).toEqual(table);
    expect(runCli(['graph', CLUSTER, '--shard', '1/1', '--root', '.'], FIXTURES)).toEqual(table);
    expect(runCli(['graph', CLUSTER, '--rule', 'no-such-rule=off'], FIXTURES).code).toBe(2);
  });

  it('an unknown rule gets a did-you-mean, in explain and in --rule', () => {
    expect(runCli(['explain', 'path-not-fond'])).toEqual({
      code: 2,
      stdout: '',
      stderr: "lint-gitops: unknown rule 'path-not-fond'; did you mean 'path-not-found'? (see: lint-gitops rules)\n",
    });
    expect(runCli(['explain', 'zzzz']).stderr).toBe("lint-gitops: unknown rule 'zzzz' (see: lint-gitops rules)\n");
    expect(runCli(['fixtures', '--rule', 'schema-unknown-feld=off']).stderr).toContain("unknown rule 'schema-unknown-feld'; did you mean 'schema-unknown-field'?");
  });

  it('does not write into the repository', () => {
    const repo = brokenRepo();
    const before = snapshot(repo);
    runCli([CLUSTER, '--format', 'json'], repo);
    expect(snapshot(repo)).toEqual(before);
  });
});

function snapshot(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.statSync(p).mtimeMs;
    }
  };
  walk(dir);
  return out;
}

void FIXTURES;
