import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Git histories for tests, made with isomorphic-git (the library the linter reads them with): no `git` program is
 * needed. Author and committer times are fixed, so the same trees always make the same commit ids.
 */
const git = createRequire(import.meta.url)('isomorphic-git') as typeof import('isomorphic-git');

const author = { name: 'lint-gitops test', email: 'test@example.com', timestamp: 1_700_000_000, timezoneOffset: 0 };

export async function initRepo(dir: string): Promise<void> {
  await git.init({ fs, dir, defaultBranch: 'main' });
}

/** Commits the tree `tree` (a directory) into the repository of `dir` as it is: files added, changed and gone. */
export async function commitTree(dir: string, tree: string, message: string, when = 0): Promise<string> {
  const gitdir = path.join(dir, '.git');
  const tracked = await git.listFiles({ fs, dir: tree, gitdir });
  for (const f of tracked) if (!fs.existsSync(path.join(tree, f))) await git.remove({ fs, dir: tree, gitdir, filepath: f });
  for (const f of walk(tree)) await git.add({ fs, dir: tree, gitdir, filepath: f });
  return git.commit({ fs, dir: tree, gitdir, message, author: { ...author, timestamp: author.timestamp + when }, committer: { ...author, timestamp: author.timestamp + when } });
}

function walk(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    if (e.name === '.git') continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(root, r));
    else out.push(r);
  }
  return out.sort();
}

export async function tag(dir: string, ref: string, object: string): Promise<void> {
  await git.annotatedTag({ fs, dir, ref, object, message: ref, tagger: author });
}

/**
 * Moves every object of the repository into one packfile (with its index) and deletes the loose ones, as `git gc`
 * would: the reader must then find everything in the pack.
 */
export async function packAll(dir: string): Promise<string> {
  const gitdir = path.join(dir, '.git');
  const objects = path.join(gitdir, 'objects');
  const oids: string[] = [];
  for (const d of fs.readdirSync(objects)) {
    if (!/^[0-9a-f]{2}$/.test(d)) continue;
    for (const f of fs.readdirSync(path.join(objects, d))) oids.push(d + f);
  }
  const { filename } = await git.packObjects({ fs, dir, oids, write: true });
  await git.indexPack({ fs, dir, filepath: `.git/objects/pack/${filename}` });
  for (const d of fs.readdirSync(objects)) if (/^[0-9a-f]{2}$/.test(d)) fs.rmSync(path.join(objects, d), { recursive: true });
  return filename;
}

/** Makes a clone shallow at `commit`: its parent objects are gone and `.git/shallow` says so, as `git clone --depth 1` leaves it. */
export function makeShallow(dir: string, commit: string, dropped: string[]): void {
  const objects = path.join(dir, '.git', 'objects');
  for (const oid of dropped) fs.rmSync(path.join(objects, oid.slice(0, 2), oid.slice(2)), { force: true });
  fs.writeFileSync(path.join(dir, '.git', 'shallow'), `${commit}\n`);
}
