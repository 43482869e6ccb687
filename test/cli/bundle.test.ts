import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, CLUSTER, REPO, fixtureCopy, replaceOnce } from '../helpers.js';

/**
 * The installed command is the bundle scripts/bundle.mjs writes (dist/bin/lint-gitops.js, package.json "bin");
 * the other CLI tests run dist/cli.js, the modules tsc wrote. Here both must print the same bytes.
 */
const BIN_DIR = path.join(REPO, 'dist', 'bin');
const BIN = path.join(BIN_DIR, 'lint-gitops.js');

function run(cli: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the bundled command', () => {
  it('is what package.json installs', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin['lint-gitops']).toBe('dist/bin/lint-gitops.js');
    expect(fs.readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('finds every file it names relative to a module (schemas, the parse worker, package.json) where dist/ has it', () => {
    const named: string[] = [];
    for (const f of fs.readdirSync(BIN_DIR).filter((n) => /\.c?js$/.test(n))) {
      const text = fs.readFileSync(path.join(BIN_DIR, f), 'utf8');
      for (const m of text.matchAll(/new URL\("(\.\.?\/[^"]+)", (?:import\.meta\.url|__lintGitopsUrl)\)/g)) named.push(m[1]!);
    }
    expect(named).toEqual(expect.arrayContaining(['../cli/launch.js', '../load/parse/pool.js', '../schema/registry.js', '../cache/tool-id.js']));
    for (const rel of named) expect(fs.existsSync(path.join(BIN_DIR, rel)), rel).toBe(true);
  });

  it('prints what dist/cli.js prints: findings of every kind, formats, exit codes, usage errors', () => {
    const repo = fixtureCopy({
      'flux-apps/grafana/kustomization.yaml': replaceOnce('- release.yaml', '- releases.yaml'),
      'flux-apps/vault/release.yaml': replaceOnce('apiVersion: helm.toolkit.fluxcd.io/v2\n', 'apiVersion: helm.toolkit.fluxcd.io/v2beta2\n'),
      // a schema finding in a large CRD kind (a precompiled validator found through the bundle's schemas path)
      'flux-apps/external-secrets-config/clustersecretstore.yaml': replaceOnce('version: v2', 'version: v3'),
    });
    const cases: { args: string[]; env?: Record<string, string> }[] = [
      { args: [CLUSTER, '--no-cache'] },
      { args: [CLUSTER, '--no-cache', '--format', 'json'] },
      { args: [CLUSTER, '--no-cache', '--format', 'sarif'] },
      { args: [CLUSTER, '--no-cache', '--quiet', '--max-warnings', '0'] },
      // parse worker threads started from the bundle
      { args: [CLUSTER, '--no-cache', '--format', 'github'], env: { LINT_GITOPS_WORKERS: '1' } },
      { args: ['--version'] },
      { args: ['--no-such-flag'] },
      { args: ['no/such/dir', '--no-cache'] },
    ];
    let findings = 0;
    for (const { args, env } of cases) {
      const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-bundle-'));
      const a = run(CLI, args, repo, { LINT_GITOPS_CACHE_DIR: cache, ...env });
      const b = run(BIN, args, repo, { LINT_GITOPS_CACHE_DIR: cache, ...env });
      expect(b, args.join(' ')).toEqual(a);
      if (a.code === 1) findings++;
    }
    expect(findings).toBeGreaterThanOrEqual(4);
    expect(run(BIN, [CLUSTER, '--no-cache', '--format', 'json'], repo).stdout).toContain('"ruleId": "schema"');
  });

  it('answers an unchanged re-run from the result cache, as dist/cli.js does', () => {
    const repo = fixtureCopy();
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-bundle-'));
    const first = run(BIN, [CLUSTER], repo, { LINT_GITOPS_CACHE_DIR: cache });
    const again = run(BIN, [CLUSTER], repo, { LINT_GITOPS_CACHE_DIR: cache });
    expect(first.code).toBe(0);
    expect(again).toEqual(first);
    expect(run(CLI, [CLUSTER], repo, { LINT_GITOPS_CACHE_DIR: cache })).toEqual(first);
  });
});
