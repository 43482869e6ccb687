import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { affectedClusters } from '../../src/engine/changed.js';
import { CLUSTER, lintTree, replaceOnce, runCli } from '../helpers.js';
import { LAB, twoClusters } from './two-clusters.js';

describe('--changed and file arguments: lint the clusters that read the files', () => {
  it('the two-cluster tree is clean, so every finding below comes from the mutation', () => {
    const repo = twoClusters();
    const r = runCli(['.', '--format', 'json'], repo);
    expect(JSON.parse(r.stdout)).toMatchObject({ diagnostics: [], summary: { clusters: [LAB, CLUSTER] } });
  });

  it('maps a shared base to every cluster whose build reads it, and a base one cluster uses to that one', () => {
    const repo = twoClusters();
    const pick = (...files: string[]) => affectedClusters(files, { cwd: repo });
    expect(pick('flux-apps/vault/release.yaml')).toEqual({ root: repo, clusters: [LAB, CLUSTER], unrelated: [], roots: [{ root: repo, clusters: [LAB, CLUSTER] }] });
    expect(pick('flux-apps/grafana/release.yaml').clusters).toEqual([CLUSTER]);
    expect(pick(`${LAB}/apps.yaml`).clusters).toEqual([LAB]);
    // Terraform modules are read through the Terraform CR's spec.path.
    expect(pick('flux-apps/forgejo/terraform/main.tf').clusters).toEqual([CLUSTER]);
    // A new file beside a base's manifests concerns the clusters reading that base (it may be unreferenced).
    expect(pick('flux-apps/vault/new.yaml').clusters).toEqual([LAB, CLUSTER]);
    expect(pick('README.md', '../elsewhere.yaml')).toEqual({ root: repo, clusters: [], unrelated: ['README.md', '../elsewhere.yaml'], roots: [] });
  });

  it('counts a deleted file that a cluster still lists (--changed passes deleted paths too)', () => {
    const repo = twoClusters({ 'flux-apps/grafana/database.yaml': null });
    expect(affectedClusters(['flux-apps/grafana/database.yaml'], { cwd: repo }).clusters).toEqual([CLUSTER]);
  });

  it('the CLI lints only the affected clusters for file arguments, and reports their findings', () => {
    const repo = twoClusters({ 'flux-apps/grafana/kustomization.yaml': replaceOnce('- release.yaml', '- releases.yaml') });
    const grafana = runCli(['flux-apps/grafana/kustomization.yaml', '--format', 'json'], repo);
    expect(grafana.code).toBe(1);
    const out = JSON.parse(grafana.stdout);
    expect(out.summary.clusters).toEqual([CLUSTER]);
    expect(out.diagnostics.map((d: { ruleId: string; file: string }) => [d.ruleId, d.file])).toContainEqual(['path-not-found', 'flux-apps/grafana/kustomization.yaml']);
    // The lab cluster does not read grafana: a change in lab alone passes, and is linted alone.
    const lab = runCli([`${LAB}/apps.yaml`, '--format', 'json'], repo);
    expect(lab.code).toBe(0);
    expect(JSON.parse(lab.stdout).summary.clusters).toEqual([LAB]);
  });

  it('--changed accepts deleted files; nothing to lint is a pass with a note', () => {
    const repo = twoClusters({ 'flux-apps/grafana/database.yaml': null });
    const r = runCli(['--changed', 'flux-apps/grafana/database.yaml', '--format', 'json'], repo);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).summary.clusters).toEqual([CLUSTER]);
    fs.writeFileSync(path.join(repo, 'README.md'), '# platform\n');
    const none = runCli(['README.md'], repo);
    expect(none).toEqual({ code: 0, stdout: '✔ no problems (0 clusters, 0 files, 0 objects)\n', stderr: 'lint-gitops: no cluster reads the given files; nothing to lint\n' });
  });

  it('agrees with linting the affected cluster directly', () => {
    const repo = twoClusters({ 'flux-apps/vault/kustomization.yaml': replaceOnce('- namespace.yaml', '- namespaces.yaml') });
    const direct = lintTree(repo).diagnostics;
    const r = JSON.parse(runCli(['flux-apps/vault/kustomization.yaml', '--format', 'json'], repo).stdout);
    expect(r.summary.clusters).toEqual([LAB, CLUSTER]);
    expect(r.diagnostics.filter((d: { ruleId: string }) => d.ruleId === 'path-not-found')).toEqual(
      direct.filter((d) => d.ruleId === 'path-not-found').map(({ fix: _fix, ...d }) => d),
    );
  });
});
