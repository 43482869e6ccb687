import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIMITS, lint } from '../../src/index.js';
import { CLUSTER, fixtureCopy, lineOf, replaceOnce } from '../helpers.js';
import { invariantViolations } from '../fuzz/invariants.js';

const base = 'flux-apps/vault/kustomization.yaml';
const addResource = (name: string) => replaceOnce('  - release.yaml', `  - release.yaml\n  - ${name}`);
const isRoot = process.getuid?.() === 0;

function lintHostile(repo: string, paths = [path.join(repo, CLUSTER)]) {
  const result = lint({ paths, cwd: repo });
  expect(invariantViolations(repo, result.diagnostics)).toEqual([]);
  return result;
}
const only = (repo: string, ruleId: string) => lintHostile(repo).diagnostics.filter((d) => d.ruleId === ruleId);

/** A directory whose names differ only in case can both exist here (Linux): tests of that need such a disk. */
function caseSensitiveDisk(): boolean {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-case-'));
  fs.writeFileSync(path.join(dir, 'a'), '');
  return !fs.existsSync(path.join(dir, 'A'));
}

describe('hostile file trees never crash or hang the linter', () => {
  it('follows a symlink to a file inside the repo once, as the file it points at', () => {
    const repo = fixtureCopy({ [base]: replaceOnce('  - release.yaml', '  - linked.yaml') });
    fs.symlinkSync('release.yaml', path.join(repo, 'flux-apps/vault/linked.yaml'));
    const { diagnostics, model } = lintHostile(repo);
    // release.yaml is read through the link: it is neither missing nor unreferenced.
    expect(diagnostics).toEqual([]);
    expect(model.clusters[0].objects.filter((o) => o.kind === 'HelmRelease' && o.name === 'vault').map((o) => o.doc.file.path)).toEqual([
      'flux-apps/vault/linked.yaml',
    ]);
  });

  it('follows a symlinked directory inside the repo', () => {
    const wrapper = `${CLUSTER}/apps/vault/kustomization.yaml`;
    const repo = fixtureCopy({ [wrapper]: replaceOnce('../../../../flux-apps/vault', 'base') });
    fs.symlinkSync('../../../../flux-apps/vault', path.join(repo, CLUSTER, 'apps/vault/base'));
    expect(lintHostile(repo).diagnostics).toEqual([]);
  });

  it('reports a symlink loop instead of following it', () => {
    const repo = fixtureCopy({ [base]: addResource('a.yaml') });
    fs.symlinkSync('b.yaml', path.join(repo, 'flux-apps/vault/a.yaml'));
    fs.symlinkSync('a.yaml', path.join(repo, 'flux-apps/vault/b.yaml'));
    expect(only(repo, 'file-unreadable')).toEqual([
      expect.objectContaining({ file: base, line: lineOf(repo, base, 'a.yaml'), message: "resources entry 'a.yaml' cannot be read: a symlink loop, or a file the linter may not open" }),
    ]);
  });

  it('reports a directory symlink back to the directory being built as a kustomization cycle', () => {
    const repo = fixtureCopy({ [base]: addResource('again') });
    fs.symlinkSync('.', path.join(repo, 'flux-apps/vault/again'));
    expect(only(repo, 'kustomize-cycle')).toEqual([
      expect.objectContaining({
        file: base,
        line: lineOf(repo, base, 'again'),
        message: "resources entry 'again' includes flux-apps/vault/again, which is already being built: a kustomization cycle",
      }),
    ]);
  });

  it('walks a directory symlink loop under the cluster once (no file is seen twice, under a longer name)', () => {
    const repo = fixtureCopy();
    fs.symlinkSync('../..', path.join(repo, CLUSTER, 'apps/up'));
    fs.symlinkSync('.', path.join(repo, CLUSTER, 'apps/airflow/self'));
    const { diagnostics, model } = lintHostile(repo);
    expect(diagnostics).toEqual([]);
    expect([...model.files.keys()].filter((f) => f.includes('/up/') || f.includes('/self/'))).toEqual([]);
  });

  it('reports a symlink that points outside the root, and never reads through it', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-outside-'));
    fs.writeFileSync(path.join(outside, 'stolen.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stolen}\n');
    const repo = fixtureCopy({ [base]: addResource('stolen.yaml') });
    fs.symlinkSync(path.join(outside, 'stolen.yaml'), path.join(repo, 'flux-apps/vault/stolen.yaml'));
    // The bootstrap files are read before the root is known: a symlink there must not be followed out either.
    fs.symlinkSync(path.join(outside, 'stolen.yaml'), path.join(repo, CLUSTER, 'flux-system/outside.yaml'));
    const { diagnostics, model } = lintHostile(repo);
    expect(diagnostics.filter((d) => d.ruleId === 'path-outside-root')).toEqual([
      expect.objectContaining({ file: base, line: lineOf(repo, base, 'stolen.yaml'), message: expect.stringContaining("resources entry 'stolen.yaml' points outside") }),
    ]);
    expect(model.clusters[0].objects.some((o) => o.name === 'stolen')).toBe(false);
    expect([...model.files.values()].filter((f) => f.text.includes('{name: stolen}')).map((f) => f.path)).toEqual([]);
  });

  it('reports ../ chains out of the root in a Flux path and in a kustomization, reading nothing there', () => {
    const airflow = 'flux-apps/airflow/kustomization.yaml';
    const repo = fixtureCopy({
      [`${CLUSTER}/apps/apps.yaml`]: replaceOnce('path: ./flux-clusters/stefanzhelev/apps/vault', 'path: ./flux-clusters/../../../../../../etc'),
      [airflow]: replaceOnce('  - release.yaml', '  - release.yaml\n  - ../../../../../../../../etc/passwd'),
    });
    const found = only(repo, 'path-outside-root').map((d) => [d.file, d.message]);
    expect(found).toEqual([
      [airflow, "resources entry '../../../../../../../../etc/passwd' points outside the repository root; Flux only sees files inside the source"],
      [`${CLUSTER}/apps/apps.yaml`, "spec.path './flux-clusters/../../../../../../etc' points outside the repository root; Flux only sees files inside the source"],
    ].sort());
  });

  it('reports a FIFO named .yaml instead of blocking on it, even in flux-system where discovery looks first', () => {
    const repo = fixtureCopy({ [base]: addResource('fifo.yaml') });
    execFileSync('mkfifo', [path.join(repo, 'flux-apps/vault/fifo.yaml'), path.join(repo, CLUSTER, 'flux-system/fifo.yaml')]);
    expect(only(repo, 'file-unreadable')).toEqual([
      expect.objectContaining({ file: base, line: lineOf(repo, base, 'fifo.yaml'), message: "resources entry 'fifo.yaml' cannot be read: a symlink loop, or a file the linter may not open" }),
    ]);
  });

  it.skipIf(isRoot)('reports a file it may not read (chmod 000; root reads anything, so not as root)', () => {
    const repo = fixtureCopy({ [base]: addResource('locked.yaml') });
    const locked = path.join(repo, 'flux-apps/vault/locked.yaml');
    fs.writeFileSync(locked, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: locked}\n');
    fs.chmodSync(locked, 0);
    expect(only(repo, 'file-unreadable')).toEqual([expect.objectContaining({ file: 'flux-apps/vault/locked.yaml', message: 'flux-apps/vault/locked.yaml cannot be read (EACCES)' })]);
  });

  it('reports a directory named like a file, and a kustomization.yaml that is a directory', () => {
    const repo = fixtureCopy({ [base]: addResource('extra.yaml') });
    fs.mkdirSync(path.join(repo, 'flux-apps/vault/extra.yaml'));
    fs.rmSync(path.join(repo, 'flux-apps/airflow/kustomization.yaml'));
    fs.mkdirSync(path.join(repo, 'flux-apps/airflow/kustomization.yaml'));
    const { diagnostics } = lintHostile(repo);
    expect(diagnostics.filter((d) => d.ruleId === 'path-not-found')).toEqual([
      expect.objectContaining({ file: base, line: lineOf(repo, base, 'extra.yaml'), message: expect.stringContaining("resources entry 'extra.yaml' is a directory without a kustomization.yaml") }),
    ]);
    expect(diagnostics.filter((d) => d.ruleId === 'file-unreadable').map((d) => d.message)).toEqual([
      'flux-apps/airflow/kustomization.yaml cannot be read (is a directory)',
    ]);
  });

  it('treats names as case-sensitive, as Flux on Linux does: a case-only difference is a missing path', () => {
    const repo = fixtureCopy({ [base]: replaceOnce('  - release.yaml', '  - Release.yaml') });
    expect(only(repo, 'path-not-found')).toEqual([
      expect.objectContaining({
        file: base,
        line: lineOf(repo, base, 'Release.yaml'),
        message: "resources entry 'Release.yaml' does not exist (resolved to flux-apps/vault/Release.yaml); did you mean 'release.yaml'?",
      }),
    ]);
  });

  it.skipIf(!caseSensitiveDisk())('reads two files whose names differ only in case as two files', () => {
    const repo = fixtureCopy({ [base]: addResource('Release.yaml') });
    fs.writeFileSync(
      path.join(repo, 'flux-apps/vault/Release.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: upper-case-twin\ndata: {a: b}\n',
    );
    const { diagnostics, model } = lintHostile(repo);
    expect(diagnostics).toEqual([]);
    expect(model.clusters[0].objects.some((o) => o.name === 'upper-case-twin')).toBe(true);
  });

  it('handles very long names and paths: over the filesystem limits they are missing, near them they work', () => {
    const long = 'a'.repeat(300);
    const deep = Array.from({ length: 14 }, (_, i) => `${i}`.padEnd(200, 'd')).join('/');
    const repo = fixtureCopy({ [base]: addResource(`${long}.yaml\n  - ${'b/'.repeat(3000)}x.yaml\n  - ${deep}/cm.yaml`) });
    fs.mkdirSync(path.join(repo, 'flux-apps/vault', deep), { recursive: true });
    fs.writeFileSync(path.join(repo, 'flux-apps/vault', deep, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: far-down}\ndata: {a: b}\n');
    const { diagnostics, model } = lintHostile(repo);
    expect(diagnostics.map((d) => [d.ruleId, d.line])).toEqual([
      ['path-not-found', lineOf(repo, base, long)],
      ['path-not-found', lineOf(repo, base, 'b/b/')],
    ]);
    expect(model.clusters[0].objects.some((o) => o.name === 'far-down')).toBe(true);
  });

  it('lints a repo holding 100,000 other files without reading them', () => {
    const repo = fixtureCopy();
    for (let d = 0; d < 100; d++) {
      const dir = path.join(repo, 'vendor', `pkg${String(d).padStart(3, '0')}`);
      fs.mkdirSync(dir, { recursive: true });
      for (let f = 0; f < 1000; f++) fs.writeFileSync(path.join(dir, `f${f}.yaml`), `a: ${f}\n`);
    }
    const { diagnostics, model, summary } = lintHostile(repo, [repo]);
    expect(summary.clusters).toEqual([CLUSTER]);
    expect(diagnostics).toEqual([]);
    expect([...model.files.keys()].filter((f) => f.startsWith('vendor/'))).toEqual([]);
    fs.rmSync(repo, { recursive: true, force: true });
  });

  it('reports each of 10,000 stray files under a cluster once', () => {
    const repo = fixtureCopy();
    for (let d = 0; d < 10; d++) {
      const dir = path.join(repo, CLUSTER, 'archive', `d${d}`);
      fs.mkdirSync(dir, { recursive: true });
      for (let f = 0; f < 1000; f++) fs.writeFileSync(path.join(dir, `old${f}.yaml`), `a: ${f}\n`);
    }
    const found = lintHostile(repo).diagnostics;
    expect(found.length).toBe(10_000);
    expect(new Set(found.map((d) => d.file)).size).toBe(10_000);
    expect(found.every((d) => d.ruleId === 'unreferenced-file')).toBe(true);
    fs.rmSync(repo, { recursive: true, force: true });
  });

  it(`stops looking for clusters after ${LIMITS.MAX_DISCOVERY_DIRS} directories and says so`, () => {
    const repo = fixtureCopy();
    // Sorted before flux-clusters, so the walk spends its budget here first.
    for (let d = 0; d < 110; d++) for (let e = 0; e < 200; e++) fs.mkdirSync(path.join(repo, 'aaa', `d${d}`, `e${e}`), { recursive: true });
    const { diagnostics } = lintHostile(repo, [repo]);
    expect(diagnostics.filter((d) => d.ruleId === 'limit-exceeded')).toEqual([
      expect.objectContaining({
        file: '.',
        line: 1,
        message: `looked for clusters in ${LIMITS.MAX_DISCOVERY_DIRS} directories below . (MAX_DISCOVERY_DIRS) and stopped; lint clusters further down by their own path`,
      }),
    ]);
    fs.rmSync(repo, { recursive: true, force: true });
  });
});
