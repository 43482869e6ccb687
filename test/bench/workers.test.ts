import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, replaceOnce, runCli } from '../helpers.js';

/** A fixture copy with findings of several kinds, in several files, so positions come from re-parsed syntax trees. */
function brokenRepo(): string {
  return fixtureCopy({
    [`${CLUSTER}/apps/vault/kustomization.yaml`]: replaceOnce('flux-apps/vault', 'flux-apps/vautl'),
    'flux-apps/forgejo/namespace.yaml': replaceOnce('  name: forgejo\n', '  name: forgejo\n  name: forgejo2\n'),
    'flux-apps/grafana/release.yaml': (s) => `${s}\n---\nkey: [unclosed\n`,
    'flux-apps/airflow/stray.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stray\n',
  });
}

describe('parsing in worker threads', () => {
  it('prints byte-for-byte what a single-threaded run prints, cold and from the cache', () => {
    const repo = brokenRepo();
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-workers-'));
    const args = ['--format', 'json', CLUSTER];
    const single = runCli(['--no-cache', ...args], repo, { LINT_GITOPS_WORKERS: '0' });
    const threaded = runCli(['--no-cache', ...args], repo, { LINT_GITOPS_WORKERS: '2' });
    const cold = runCli(args, repo, { LINT_GITOPS_WORKERS: '2', LINT_GITOPS_CACHE_DIR: cache });
    const warm = runCli(args, repo, { LINT_GITOPS_WORKERS: '2', LINT_GITOPS_CACHE_DIR: cache });
    expect(single.code).toBe(1);
    const ids = new Set(JSON.parse(single.stdout).diagnostics.map((d: { ruleId: string }) => d.ruleId));
    expect([...ids]).toEqual(expect.arrayContaining(['path-not-found', 'yaml-duplicate-key', 'yaml-syntax', 'unreferenced-file']));
    expect(threaded.stderr).toBe('');
    expect(threaded.stdout).toBe(single.stdout);
    expect(cold.stdout).toBe(single.stdout);
    expect(warm.stdout).toBe(single.stdout);
  });
});
