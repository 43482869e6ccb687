import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, lineOf, replaceOnce } from '../helpers.js';
import { twoClusters } from './two-clusters.js';

/**
 * End to end with the real pre-commit tool: a throw-away git repository (the fixture plus a second cluster that
 * shares the vault base) adds this repository's hook the way the README says, and pre-commit installs it the way
 * it would from GitHub: clone at a commit, npm install (prepare builds dist/), npm pack, npm install -g.
 * The hook comes from this repository's HEAD commit, so uncommitted changes are not what runs here.
 */
function tool(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const preCommit = tool('pre-commit', ['--version']);
const head = tool('git', ['-C', REPO, 'rev-parse', 'HEAD']);
const hookCommitted = head !== undefined && spawnSync('git', ['-C', REPO, 'cat-file', '-e', 'HEAD:.pre-commit-hooks.yaml']).status === 0;
const skip = !preCommit
  ? "'pre-commit' is not installed (Debian: apt-get install pre-commit)"
  : !head
    ? 'this checkout is not a git repository'
    : !hookCommitted
      ? '.pre-commit-hooks.yaml is not committed at HEAD'
      : undefined;
if (skip) console.warn(`SKIPPED pre-commit end-to-end test: ${skip}`);

describe.skipIf(skip !== undefined)(`pre-commit hook, end to end${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('blocks a commit that breaks a shared base, showing the finding, and lets the fixed commit through', { timeout: 600_000 }, () => {
    const repo = twoClusters();
    // pre-commit keeps one environment per hook repository and commit: reusing it across runs is safe.
    const env = { ...process.env, PRE_COMMIT_HOME: path.join(os.tmpdir(), 'lint-gitops-pre-commit-home'), NO_COLOR: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
    const run = (cmd: string, ...args: string[]) => {
      const r = spawnSync(cmd, args, { cwd: repo, env, encoding: 'utf8' });
      return { code: r.status, out: `${r.stdout}${r.stderr}` };
    };
    const ok = (cmd: string, ...args: string[]) => {
      const r = run(cmd, ...args);
      expect(r.code, r.out).toBe(0);
      return r.out;
    };
    ok('git', 'init', '-q', '-b', 'main');
    ok('git', 'add', '-A');
    ok('git', 'commit', '-q', '-m', 'clean fixture');
    // The three lines the README tells users to add.
    fs.writeFileSync(path.join(repo, '.pre-commit-config.yaml'), `repos:\n  - repo: ${REPO}\n    rev: ${head}\n    hooks: [{ id: lint-gitops }]\n`);
    // Drop the environments of earlier runs' throw-away repositories (one per HEAD commit) before adding this one.
    ok('pre-commit', 'gc');
    ok('pre-commit', 'install');
    ok('pre-commit', 'install-hooks');

    const base = 'flux-apps/vault/kustomization.yaml';
    const good = fs.readFileSync(path.join(repo, base), 'utf8');
    fs.writeFileSync(path.join(repo, base), replaceOnce('- namespace.yaml', '- namespaces.yaml')(good));
    ok('git', 'add', '-A');
    const bad = run('git', 'commit', '-m', 'rename the vault namespace file');
    expect(bad.code, bad.out).not.toBe(0);
    expect(bad.out).toMatch(/^lint-gitops \(Flux CD\)\.+Failed$/m);
    expect(bad.out).toContain(`${base}\n  ${lineOf(repo, base, 'namespaces.yaml')}:5  error  resources entry 'namespaces.yaml' does not exist (resolved to flux-apps/vault/namespaces.yaml); did you mean 'namespace.yaml'?  path-not-found\n`);
    expect(ok('git', 'log', '--format=%s')).toBe('clean fixture\n');

    fs.writeFileSync(path.join(repo, base), good.replace('resources:\n', '# the vault base, shared by both clusters\nresources:\n'));
    ok('git', 'add', '-A');
    const pass = run('git', 'commit', '-m', 'document the vault base');
    expect(pass.code, pass.out).toBe(0);
    expect(pass.out).toMatch(/^lint-gitops \(Flux CD\)\.+Passed$/m);
    expect(ok('git', 'log', '--format=%s')).toBe('document the vault base\nclean fixture\n');
  });
});
