import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RepoFs, joinInside } from '../../src/load/repo-fs.js';

/** What RepoFs.join answered before its string walk: path.resolve, then path.relative to the root. */
function reference(root: string, dir: string, written: string): string | undefined {
  const abs = path.resolve(dir === '.' ? root : path.join(root, dir), written);
  const rel = path.relative(root, abs);
  if (rel === '') return '.';
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/** A deterministic generator (mulberry32), so a failure names its case and reruns the same. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('RepoFs.join', () => {
  it('answers what path.resolve and path.relative answer, for paths as written anywhere in a file', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-join-'));
    const root = path.join(parent, 'root');
    fs.mkdirSync(root);
    const repo = new RepoFs(root);
    const segs = ['a', 'b', 'root', '..', '.', '', '..a', '.b', 'a..', '...', ' ', 'x y', 'ü', '\\'];
    const next = random(6);
    const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)];
    const dirs = ['.', 'a', 'a/b', 'flux-apps/vault', '..a', 'a/..b'];
    let fast = 0;
    for (let i = 0; i < 20_000; i++) {
      const n = Math.floor(next() * 6);
      let written = Array.from({ length: n }, () => pick(segs)).join('/');
      const r = next();
      if (r < 0.05) written = `/${written}`;
      else if (r < 0.1) written = `${root}/${written}`;
      else if (r < 0.15) written += '/';
      const dir = pick(dirs);
      if (joinInside(dir, written) !== null) fast++;
      expect({ dir, written, rel: repo.join(dir, written) }).toEqual({ dir, written, rel: reference(root, dir, written) });
    }
    // Most cases take the string walk (the point of it); the rest fall back to path.resolve.
    expect(fast).toBeGreaterThan(10_000);
  });

  it('comes back into the root through its own name, and never escapes it', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-join-'));
    const root = path.join(parent, 'root');
    fs.mkdirSync(root);
    const repo = new RepoFs(root);
    expect(repo.join('a', '../../root/b')).toBe('b');
    expect(repo.join('.', '../other/b')).toBeUndefined();
    expect(repo.join('a/b', '../..')).toBe('.');
    expect(repo.join('a', '../../..')).toBeUndefined();
    expect(repo.join('a', '../..b/c')).toBeUndefined();
    expect(repo.join('a', './b//c/')).toBe('a/b/c');
    expect(repo.join('a', '')).toBe('a');
    expect(repo.join('.', `${root}/x`)).toBe('x');
  });
});
