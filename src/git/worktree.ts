import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A directory as git would store it: every file's blob id and every directory's tree id, computed from the disk the
 * way `git hash-object` and `git write-tree` do (https://git-scm.com/book/en/v2/Git-Internals-Git-Objects), so that
 * a directory of the working tree that is the same as in a commit has the commit's tree id. Comparing ids then
 * finds what changed by reading only the trees on the way to a change, not every object of the commit.
 *
 * Nothing is followed: a symlink is hashed as git stores it (a blob holding its target), so a link loop is one
 * entry. `.git` (a directory or a worktree's file) is not content; `node_modules` is left out too (installed, not
 * committed, and never a Flux manifest), so a checkout with it installed still compares directory by directory.
 */
export type EntryKind = 'file' | 'link' | 'dir';

export interface TreeEntry {
  name: string;
  kind: EntryKind;
  /** Git object id (SHA-1, hex) of the blob or tree. */
  oid: string;
  /** Git tree-entry mode: 100644, 100755, 120000, 40000. */
  mode: string;
  /** Absolute path on disk. */
  abs: string;
  /** Directories: entries in git's tree order. */
  children?: TreeEntry[];
}

const SKIP = new Set(['.git', 'node_modules']);

/** At most this many entries are hashed below one root: a runaway tree is an error, not a hang. */
export const MAX_TREE_ENTRIES = 500_000;

export class TreeTooLargeError extends Error {}

export function gitObjectId(type: 'blob' | 'tree', body: Uint8Array): string {
  return createHash('sha1').update(`${type} ${body.byteLength}\0`).update(body).digest('hex');
}

/**
 * Git orders a tree's entries by name, bytewise, comparing a directory's name as if it ended in '/'
 * (https://github.com/git/git/blob/master/tree.c, base_name_compare).
 */
export function gitOrder(a: { name: string; kind: EntryKind | 'tree' | 'blob' | 'commit' }, b: { name: string; kind: EntryKind | 'tree' | 'blob' | 'commit' }): number {
  const ka = Buffer.from(a.kind === 'dir' || a.kind === 'tree' ? `${a.name}/` : a.name);
  const kb = Buffer.from(b.kind === 'dir' || b.kind === 'tree' ? `${b.name}/` : b.name);
  return Buffer.compare(ka, kb);
}

/** The tree object of some entries, as git writes it: `<mode> <name>\0<20-byte id>` each. */
export function treeObjectId(entries: readonly Pick<TreeEntry, 'name' | 'mode' | 'oid'>[]): string {
  const parts: Buffer[] = [];
  for (const e of entries) parts.push(Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.oid, 'hex'));
  return gitObjectId('tree', Buffer.concat(parts));
}

/** Hashes a directory; undefined when it holds no file at all (git stores no empty directory). */
export function hashTree(abs: string): TreeEntry | undefined {
  const counter = { n: 0 };
  return hashDir(abs, path.basename(abs), counter);
}

function hashDir(abs: string, name: string, counter: { n: number }): TreeEntry | undefined {
  let dirents: fs.Dirent[];
  try {
    dirents = fs.readdirSync(abs, { withFileTypes: true });
  } catch {
    return undefined;
  }
  const children: TreeEntry[] = [];
  for (const d of dirents) {
    if (SKIP.has(d.name)) continue;
    if (++counter.n > MAX_TREE_ENTRIES) throw new TreeTooLargeError(`more than ${MAX_TREE_ENTRIES} files and directories below ${abs}`);
    const childAbs = path.join(abs, d.name);
    if (d.isDirectory()) {
      const sub = hashDir(childAbs, d.name, counter);
      if (sub) children.push(sub);
    } else if (d.isSymbolicLink()) {
      let target: string;
      try {
        target = fs.readlinkSync(childAbs);
      } catch {
        continue;
      }
      children.push({ name: d.name, kind: 'link', mode: '120000', oid: gitObjectId('blob', Buffer.from(target)), abs: childAbs });
    } else if (d.isFile()) {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(childAbs);
      } catch {
        // Unreadable: an id no content has, so it always counts as changed (the lint reports it on its side).
        children.push({ name: d.name, kind: 'file', mode: '100644', oid: 'unreadable', abs: childAbs });
        continue;
      }
      // Every file as 100644: a stat per file to tell an executable would cost more than it saves. An executable
      // file's directory then differs from the commit's tree, and is compared entry by entry (by content ids).
      children.push({ name: d.name, kind: 'file', mode: '100644', oid: gitObjectId('blob', bytes), abs: childAbs });
    }
    // Sockets, FIFOs, devices: not content git would store.
  }
  if (children.length === 0) return undefined;
  children.sort(gitOrder);
  const oid = children.some((c) => c.oid === 'unreadable') ? 'unreadable' : treeObjectId(children);
  return { name, kind: 'dir', mode: '40000', oid, abs, children };
}

/** A path that differs between the base and the head, repo-relative POSIX. */
export interface ChangedPath {
  path: string;
  status: 'added' | 'removed' | 'modified';
  /** Blob id of the content: the head's for an added path, the base's for a removed one (renames pair them). */
  oid?: string;
}

/** Every file (and link) below a hashed entry, repo-relative, with its blob id. */
export function filesBelow(entry: TreeEntry, rel: string): Array<{ path: string; oid: string }> {
  if (entry.kind !== 'dir') return [{ path: rel, oid: entry.oid }];
  return entry.children!.flatMap((c) => filesBelow(c, rel ? `${rel}/${c.name}` : c.name));
}

/** What differs between two hashed directories (base, head): subtrees with equal ids are not walked. */
export function compareTrees(base: TreeEntry | undefined, head: TreeEntry | undefined, rel = ''): ChangedPath[] {
  const out: ChangedPath[] = [];
  const walk = (b: TreeEntry | undefined, h: TreeEntry | undefined, at: string) => {
    if (b && h && b.oid === h.oid && b.oid !== 'unreadable' && b.kind === h.kind) return;
    if (b?.kind === 'dir' && h?.kind === 'dir') {
      const bs = new Map(b.children!.map((c) => [c.name, c]));
      const hs = new Map(h.children!.map((c) => [c.name, c]));
      for (const name of [...new Set([...bs.keys(), ...hs.keys()])].sort()) walk(bs.get(name), hs.get(name), at ? `${at}/${name}` : name);
      return;
    }
    if (b?.kind === 'dir' || h?.kind === 'dir') {
      // A file became a directory or the other way round, or a whole directory came or went.
      if (b) for (const f of filesBelow(b, at)) out.push({ path: f.path, status: 'removed', oid: f.oid });
      if (h) for (const f of filesBelow(h, at)) out.push({ path: f.path, status: 'added', oid: f.oid });
      return;
    }
    if (b && h) out.push({ path: at, status: 'modified' });
    else if (b) out.push({ path: at, status: 'removed', oid: b.oid });
    else if (h) out.push({ path: at, status: 'added', oid: h.oid });
  };
  walk(base, head, rel);
  return sortChanged(out);
}

export function sortChanged(list: ChangedPath[]): ChangedPath[] {
  return list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
