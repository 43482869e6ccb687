import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, RACY_MS, recording } from '../../src/cache/journal.js';
import { Disk } from '../../src/load/disk.js';
import { lintCached } from '../../src/cache/lint-cached.js';
import { readCluster } from '../../src/cache/run-entry.js';
import { Verifier } from '../../src/cache/verify.js';
import { lint, type LintOptions } from '../../src/index.js';
import { loadRepo } from '../../src/load/index.js';
import { CLUSTER, fixtureCopy, replaceOnce } from '../helpers.js';

/**
 * The journal is the cache's whole notion of "unchanged": every answer the loader got must be recorded, and
 * asking again must give the same answer exactly when the disk has not changed — for plain trees and for
 * symlinks, loops, special files and files that are only touched.
 */

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `lint-gitops-${prefix}-`));
const vault = 'flux-apps/vault/kustomization.yaml';

function same(repo: string, cache: string, options: Partial<LintOptions> = {}) {
  const opts: LintOptions = { paths: [repo], cwd: repo, ...options };
  const cached = lintCached(opts, cache);
  expect(cached.diagnostics).toEqual(lint(opts).diagnostics);
  return cached;
}

/** The fixture with every kind of path the loader may meet, each referenced from the vault base. */
function hostile(): string {
  const repo = fixtureCopy({
    [vault]: replaceOnce('  - release.yaml', '  - release.yaml\n  - linked.yaml\n  - loop-a.yaml\n  - dangling.yaml\n  - outside.yaml\n  - fifo.yaml\n  - again\n  - Release.yaml'),
  });
  const dir = path.join(repo, 'flux-apps/vault');
  fs.symlinkSync('namespace.yaml', path.join(dir, 'linked.yaml'));
  fs.symlinkSync('loop-b.yaml', path.join(dir, 'loop-a.yaml'));
  fs.symlinkSync('loop-a.yaml', path.join(dir, 'loop-b.yaml'));
  fs.symlinkSync('nowhere.yaml', path.join(dir, 'dangling.yaml'));
  const outside = path.join(tmp('outside'), 'outside.yaml');
  fs.writeFileSync(outside, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stolen}\n');
  fs.symlinkSync(outside, path.join(dir, 'outside.yaml'));
  execFileSync('mkfifo', [path.join(dir, 'fifo.yaml')]);
  fs.symlinkSync('.', path.join(dir, 'again'));
  fs.symlinkSync('../vault', path.join(repo, CLUSTER, 'apps/vault-link'));
  return repo;
}

describe('the journal', () => {
  it('records answers that asking again reproduces, for every kind of path (symlinks, loops, FIFOs, outside the root)', () => {
    const repo = hostile();
    const journal = new Journal();
    const disk = new Disk();
    recording(disk, journal, () => loadRepo({ paths: [path.join(repo, CLUSTER)], cwd: repo }, disk));
    const stored = journal.stored();
    expect(stored.repos[0].kind.length).toBeGreaterThan(100);
    expect(stored.host.length).toBeGreaterThan(10);
    expect(new Verifier().holds(stored)).toBe(true);
    // ...and each answer alone: a wrong answer for one question could hide behind a shortcut for another.
    for (const { root, kind, list, read } of stored.repos) {
      for (const [rel, answer] of kind) expect(new Verifier().holds({ host: [], repos: [{ root, kind: [[rel, answer]], list: [], read: [] }] })).toBe(true);
      for (const [rel, answer] of list) expect(new Verifier().holds({ host: [], repos: [{ root, kind: [], list: [[rel, answer]], read: [] }] })).toBe(true);
      for (const fact of read) expect(new Verifier().holds({ host: [], repos: [{ root, kind: [], list: [], read: [fact] }] })).toBe(true);
    }
    for (const fact of stored.host) expect(new Verifier().holds({ host: [fact], repos: [] })).toBe(true);
  });

  it('tells every change to a hostile tree, and the cached run reports what an uncached one does', () => {
    const repo = hostile();
    const cache = tmp('cache');
    same(repo, cache);
    expect(same(repo, cache).linted).toEqual([]);
    const dir = path.join(repo, 'flux-apps/vault');
    const changes: (() => void)[] = [
      () => fs.rmSync(path.join(dir, 'loop-b.yaml')),
      () => fs.writeFileSync(path.join(dir, 'loop-b.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: was-a-loop, namespace: vault}\n'),
      () => fs.writeFileSync(path.join(dir, 'nowhere.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: now-here, namespace: vault}\n'),
      () => {
        fs.rmSync(path.join(dir, 'linked.yaml'));
        fs.symlinkSync('release.yaml', path.join(dir, 'linked.yaml'));
      },
      () => fs.writeFileSync(path.join(dir, 'Release.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cased, namespace: vault}\n'),
      () => fs.rmSync(path.join(dir, 'fifo.yaml')),
      () => fs.renameSync(path.join(repo, 'flux-apps/vault'), path.join(repo, 'flux-apps/vault-moved')),
    ];
    for (const change of changes) {
      change();
      expect(same(repo, cache).linted).toEqual([CLUSTER]);
      expect(same(repo, cache).linted).toEqual([]);
    }
  });

  it('trusts a settled file by its stat signature, and notices a write that keeps size and modification time', async () => {
    const repo = fixtureCopy();
    const cache = tmp('cache');
    // Files written less than RACY_MS ago are checked by their bytes; wait until the copy has settled.
    await new Promise((r) => setTimeout(r, RACY_MS + 200));
    same(repo, cache);
    const key = fs.readdirSync(path.join(cache, 'results')).find((f) => f.startsWith('cluster-'))!;
    const entry = JSON.parse(fs.readFileSync(path.join(cache, 'results', key), 'utf8').split('\n')[1]) as { journal: { repos: { read: string[][] }[] } };
    expect(entry.journal.repos[0].read.filter((f) => f.length === 3).length).toBeGreaterThan(50);
    // Touched, not changed: the signature differs, the bytes do not; still a hit.
    const release = path.join(repo, 'flux-apps/vault/release.yaml');
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(release, later, later);
    expect(same(repo, cache).linted).toEqual([]);
    // Changed, same size, modification time put back: the change time still moves.
    const { atime, mtime } = fs.statSync(release);
    const text = fs.readFileSync(release, 'utf8');
    fs.writeFileSync(release, text.replace('apiVersion: helm.toolkit.fluxcd.io/v2\n', 'apiVersion: helm.toolkit.fluxcd.io/v9\n'));
    fs.utimesSync(release, atime, mtime);
    expect(fs.statSync(release).size).toBe(Buffer.byteLength(text));
    const after = same(repo, cache);
    expect(after.linted).toEqual([CLUSTER]);
    expect(after.diagnostics.length).toBeGreaterThan(0);
  });

  it('trusts a settled directory by its signature for its listing and plain entries, and notices any entry change', async () => {
    const repo = fixtureCopy();
    const cache = tmp('cache');
    await new Promise((r) => setTimeout(r, RACY_MS + 200));
    same(repo, cache);
    const entry = JSON.parse(
      fs.readFileSync(path.join(cache, 'results', fs.readdirSync(path.join(cache, 'results')).find((f) => f.startsWith('cluster-'))!), 'utf8').split('\n')[1],
    ) as { journal: { repos: { dirs: string[][] }[] } };
    expect(entry.journal.repos[0].dirs.length).toBeGreaterThan(20);
    expect(same(repo, cache).linted).toEqual([]);
    const dir = path.join(repo, 'flux-apps/grafana');
    const changes: [string, () => void][] = [
      ['a file added beside the base', () => fs.writeFileSync(path.join(dir, 'stray.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stray\n')],
      ['a file replaced by a directory of the same name', () => {
        fs.rmSync(path.join(dir, 'database.yaml'));
        fs.mkdirSync(path.join(dir, 'database.yaml'));
      }],
      ['a directory replaced by a symlink to a copy', () => {
        fs.cpSync(path.join(repo, 'flux-apps/vault'), path.join(repo, 'vault-copy'), { recursive: true });
        fs.rmSync(path.join(repo, 'flux-apps/vault'), { recursive: true });
        fs.symlinkSync('../vault-copy', path.join(repo, 'flux-apps/vault'));
      }],
      ['a parent moved and linked back (same directory, another real path)', () => {
        fs.renameSync(path.join(repo, 'flux-apps'), path.join(repo, 'apps-real'));
        fs.symlinkSync('apps-real', path.join(repo, 'flux-apps'));
      }],
    ];
    for (const [what, change] of changes) {
      change();
      expect({ what, linted: same(repo, cache).linted }).toEqual({ what, linted: [CLUSTER] });
      expect({ what, linted: same(repo, cache).linted }).toEqual({ what, linted: [] });
    }
  });

  it('a question that failed for one journal is asked first of the next, and only fails journals that recorded another answer', () => {
    const repo = fixtureCopy();
    const record = () => {
      const journal = new Journal();
      const disk = new Disk();
      recording(disk, journal, () => loadRepo({ paths: [path.join(repo, CLUSTER)], cwd: repo }, disk));
      return journal.stored();
    };
    const release = path.join(repo, 'flux-apps/vault/release.yaml');
    const before = record();
    fs.appendFileSync(release, '# edited\n');
    const edited = record();
    const verifier = new Verifier();
    expect(verifier.holds(before)).toBe(false);
    // Again, now from the failed question: still a miss (two clusters that read the same changed base).
    expect(verifier.holds(before)).toBe(false);
    // A journal that recorded the new bytes asks the same question and gets its answer: it holds.
    expect(verifier.holds(edited)).toBe(true);
    // A kind and a listing that changed: a file removed. The journal that saw it fails, one that saw it gone holds.
    fs.rmSync(path.join(repo, 'flux-apps/vault/namespace.yaml'));
    const removed = record();
    const after = new Verifier();
    expect(after.holds(edited)).toBe(false);
    expect(after.holds(edited)).toBe(false);
    expect(after.holds(removed)).toBe(true);
    expect(new Verifier().holds(removed)).toBe(true);
  });

  it('a cluster entry from the cache is read only when it is the one asked for (key and body hash)', () => {
    const repo = fixtureCopy();
    const cache = tmp('cache');
    same(repo, cache);
    const name = fs.readdirSync(path.join(cache, 'results')).find((f) => f.startsWith('cluster-'))!;
    const text = fs.readFileSync(path.join(cache, 'results', name), 'utf8');
    const header = JSON.parse(text.split('\n')[0]) as { key: string; body: string };
    expect(readCluster(cache, header.key)?.digest).toBe(header.body);
    expect(readCluster(cache, header.key, header.body)).toBeDefined();
    expect(readCluster(cache, header.key, 'another')).toBeUndefined();
    expect(readCluster(cache, 'another key')).toBeUndefined();
  });
});
