import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { affectedClusters } from '../../src/engine/changed.js';
import { CLUSTER, FIXTURES, lineOf, runCli } from '../helpers.js';

/**
 * Two independent Flux installations side by side in one git repository (issue 15, item 4): `a/` and `b/` each
 * hold a copy of the fixture, whose flux-system Kustomization syncs `./flux-clusters/stefanzhelev`, a path relative
 * to `a/` or `b/` (each installation's source is its own sub-directory). Each cluster is linted with its own root;
 * file paths are printed relative to the directory holding both. `b/` has a typo; `a/` is clean.
 */
function twoRoots(): string {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-roots-'));
  fs.mkdirSync(path.join(repo, '.git'));
  fs.cpSync(FIXTURES, path.join(repo, 'a'), { recursive: true });
  fs.cpSync(FIXTURES, path.join(repo, 'b'), { recursive: true });
  const k = path.join(repo, 'b/flux-apps/grafana/kustomization.yaml');
  fs.writeFileSync(k, fs.readFileSync(k, 'utf8').replace('- release.yaml', '- releases.yaml'));
  return repo;
}

const BROKEN = 'flux-apps/grafana/kustomization.yaml';
const typo = "resources entry 'releases.yaml' does not exist (resolved to flux-apps/grafana/releases.yaml); did you mean 'release.yaml'?";
const orphan = 'flux-apps/grafana/release.yaml is not referenced by any kustomization or Flux Kustomization; it is never applied';

/** What stylish prints for b's two findings, with b's files under `prefix`. */
function stylishB(repo: string, prefix: string): string {
  const line = lineOf(path.join(repo, 'b'), BROKEN, 'releases.yaml');
  return [
    `${prefix}${BROKEN}`,
    `  ${line}:5  error  ${typo}  path-not-found`,
    '',
    `${prefix}flux-apps/grafana/release.yaml`,
    `  1:1  info  ${orphan}  unreferenced-file`,
    '',
    '✖ 2 problems (1 error, 0 warnings, 1 info)',
    '',
  ].join('\n');
}

describe('two Flux roots in one repository', () => {
  it('`lint-gitops .` and `lint-gitops a b` lint both clusters, each with its own root', () => {
    const repo = twoRoots();
    const expected = { code: 1, stdout: stylishB(repo, 'b/'), stderr: '' };
    expect(runCli(['.'], repo)).toEqual(expected);
    expect(runCli(['a', 'b'], repo)).toEqual(expected);
    expect(runCli(['.', '--no-cache'], repo)).toEqual(expected);
    // Each on its own, as before: paths relative to its root.
    expect(runCli(['a'], repo)).toEqual({ code: 0, stdout: '✔ no problems (1 cluster, 66 files, 108 objects)\n', stderr: '' });
    expect(runCli(['b'], repo)).toEqual({ code: 1, stdout: stylishB(repo, ''), stderr: '' });
  });

  it('the JSON summary names every root and its clusters', () => {
    const repo = twoRoots();
    const out = JSON.parse(runCli(['.', '--format', 'json'], repo).stdout);
    expect(out.diagnostics.map((d: { file: string; ruleId: string }) => [d.file, d.ruleId])).toEqual([
      [`b/${BROKEN}`, 'path-not-found'],
      ['b/flux-apps/grafana/release.yaml', 'unreferenced-file'],
    ]);
    expect(out.summary).toEqual({
      errorCount: 1,
      warningCount: 0,
      infoCount: 1,
      fixableCount: 0,
      root: '.',
      rootReason: 'flux-path',
      clusters: [`a/${CLUSTER}`, `b/${CLUSTER}`],
      filesRead: 131,
      objects: 214,
      fluxKustomizations: 26,
      fluxVersions: ['v2.7.5'],
      sourceRoots: [],
      roots: [
        { root: 'a', rootReason: 'flux-path', clusters: [`a/${CLUSTER}`] },
        { root: 'b', rootReason: 'flux-path', clusters: [`b/${CLUSTER}`] },
      ],
    });
    // --shard splits the clusters of both roots; paths stay relative to the directory holding them.
    expect(JSON.parse(runCli(['.', '--shard', '1/2', '--format', 'json'], repo).stdout).summary.clusters).toEqual([`a/${CLUSTER}`]);
    const second = runCli(['.', '--shard', '2/2'], repo);
    expect(second).toEqual({ code: 1, stdout: stylishB(repo, 'b/'), stderr: '' });
  });

  it('file arguments and --changed map to the cluster that reads them under whichever root', () => {
    const repo = twoRoots();
    // The pre-commit hook with a broken file under b/ fails, showing the finding.
    expect(runCli([`b/${BROKEN}`], repo)).toEqual({ code: 1, stdout: stylishB(repo, ''), stderr: '' });
    expect(runCli([`a/${BROKEN}`], repo)).toEqual({ code: 0, stdout: '✔ no problems (1 cluster, 66 files, 108 objects)\n', stderr: '' });
    expect(runCli(['--changed', 'a/flux-apps/vault/release.yaml', `b/${BROKEN}`], repo)).toEqual({ code: 1, stdout: stylishB(repo, 'b/'), stderr: '' });
    expect(affectedClusters(['a/flux-apps/vault/release.yaml', `b/${BROKEN}`, 'README.md'], { cwd: repo })).toEqual({
      root: repo,
      clusters: [`a/${CLUSTER}`, `b/${CLUSTER}`],
      unrelated: ['README.md'],
      roots: [
        { root: path.join(repo, 'a'), clusters: [CLUSTER] },
        { root: path.join(repo, 'b'), clusters: [CLUSTER] },
      ],
    });
    // From inside one installation, its own root as before.
    expect(affectedClusters([BROKEN], { cwd: path.join(repo, 'b') })).toMatchObject({ root: path.join(repo, 'b'), clusters: [CLUSTER] });
    // A file no cluster reads still passes, with a note.
    fs.writeFileSync(path.join(repo, 'README.md'), '# two installations\n');
    expect(runCli(['README.md'], repo)).toEqual({ code: 0, stdout: '✔ no problems (0 clusters, 0 files, 0 objects)\n', stderr: 'lint-gitops: no cluster reads the given files; nothing to lint\n' });
  });

  it('graph shows the sync waves of both clusters', () => {
    const repo = twoRoots();
    const r = runCli(['graph', '.', '--format', 'json'], repo);
    expect(r.code).toBe(0);
    const clusters = (JSON.parse(r.stdout) as { kustomizations: { cluster: string }[] }).kustomizations.map((k) => k.cluster);
    expect([...new Set(clusters)]).toEqual([`a/${CLUSTER}`, `b/${CLUSTER}`]);
  });
});
