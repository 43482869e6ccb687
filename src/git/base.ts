import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BaseLabel } from '../model/diff.js';
import { BaseError } from './errors.js';
import { GitRepository } from './repository.js';
import { compareTrees, filesBelow, hashTree, sortChanged, type ChangedPath, type TreeEntry } from './worktree.js';

/** What the working tree is compared with. */
export type BaseSpec = { ref: string } | { dir: string };

/** The base, ready to lint: its repo root on disk and what differs from the working tree's. */
export interface BaseCheckout {
  /** Absolute repo root of the base: a temporary directory for a revision, the given checkout for --base-dir. */
  root: string;
  /** Files (and symlinks) that differ between the base and the working tree, below the repo root. */
  changed: ChangedPath[];
  label: BaseLabel;
  /**
   * Settles when the base is all on disk. The files that are the same as the working tree's are linked (or copied)
   * by the system's I/O threads meanwhile, while the caller lints the head: await it before reading the base.
   */
  ready: Promise<void>;
  /** Removes what was written for a revision (nothing for --base-dir). */
  close(): Promise<void>;
  /** The temporary directory written for a revision. */
  temp?: string;
}

/**
 * The base of a comparison for the repo root `headRoot` (absolute). A revision (`--base REF`) is read from the git
 * repository holding the root, and the root's directory of that revision is written to a new directory under the
 * system's temporary directory (os.tmpdir(), removed by close()): never into the repository. Only what differs is
 * read from git: directories whose tree id is the working tree's (src/git/worktree.ts) are copied from the working
 * tree, which is what makes one changed file cheap on a large fleet. `--base-dir DIR` is another checkout of the
 * same repository: the root is at the same place below it as below the working tree's git top-level.
 */
export async function checkoutBase(spec: BaseSpec, headRoot: string, cwd: string, onTemp?: (dir: string) => void): Promise<BaseCheckout> {
  const repo = GitRepository.find(headRoot);
  const rel = repo ? path.relative(repo.top, headRoot).split(path.sep).join('/') : '';
  if ('dir' in spec) {
    const dir = path.resolve(cwd, spec.dir);
    const root = rel ? path.join(dir, ...rel.split('/')) : dir;
    if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new BaseError(`--base-dir ${spec.dir}: no directory ${root} (the repo root${rel ? ` ${rel}` : ''} in that checkout)`);
    if (path.resolve(root) === path.resolve(headRoot)) throw new BaseError(`--base-dir ${spec.dir}: that is the working tree itself`);
    return { root, changed: compareTrees(hashTree(root), hashTree(headRoot)), label: { dir: spec.dir }, ready: Promise.resolve(), close: async () => {} };
  }
  if (!repo) throw new BaseError(`--base ${spec.ref}: ${headRoot} is not in a git repository (no .git above it); compare with a checkout: --base-dir DIR`);
  const commit = await repo.resolve(spec.ref);
  const { subject } = await repo.describe(commit);
  const treeOid = await repo.treeAt(commit, rel);
  const head = hashTree(headRoot);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-base-'));
  onTemp?.(tmp);
  const close = () => fs.promises.rm(tmp, { recursive: true, force: true });
  try {
    // The root keeps its name (a cluster at the root is named after it) and its depth below the top-level.
    const root = path.join(tmp, 'checkout', ...(rel ? rel.split('/') : [path.basename(headRoot)]));
    const changed: ChangedPath[] = [];
    const m = new Materializer(repo, changed);
    await m.dir(treeOid, head, root, '');
    const ready = m.apply();
    // Settled by whoever awaits it; a failure is reported there, not as an unhandled rejection meanwhile.
    ready.catch(() => {});
    return {
      root,
      changed: sortChanged(changed),
      label: { ref: spec.ref, commit, subject },
      ready,
      temp: tmp,
      close: async () => {
        await ready.catch(() => {});
        await close();
      },
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Plans a revision's tree, taking from the working tree what is the same, and notes what differs. What differs is
 * read from git now (little); the directories are made, the blobs written, and the rest queued as links (or copies)
 * to the working tree's files by apply(), which the I/O threads carry out while the caller lints the head: on a
 * large fleet with one change that is thousands of files, whose creating would otherwise add to the run.
 */
class Materializer {
  private readonly dirs: string[] = [];
  private readonly blobs: Array<{ abs: string; bytes: Uint8Array; link: boolean }> = [];
  private readonly same: TreeEntry[] = [];
  private readonly to: string[] = [];

  constructor(
    private readonly repo: GitRepository,
    private readonly changed: ChangedPath[],
  ) {}

  async dir(treeOid: string | undefined, work: TreeEntry | undefined, abs: string, rel: string): Promise<void> {
    this.dirs.push(abs);
    if (work && treeOid !== undefined && work.oid === treeOid) {
      this.copyTree(work, abs);
      return;
    }
    const entries = treeOid !== undefined ? await this.repo.readTree(treeOid) : [];
    const own = new Map((work?.children ?? []).map((c) => [c.name, c]));
    const join = (name: string) => (rel ? `${rel}/${name}` : name);
    for (const b of entries) {
      const w = own.get(b.name);
      own.delete(b.name);
      const at = join(b.name);
      const childAbs = path.join(abs, b.name);
      // A submodule is another repository: not part of this tree's files.
      if (b.kind === 'commit') continue;
      if (b.kind === 'tree') {
        await this.dir(b.oid, w?.kind === 'dir' ? w : undefined, childAbs, at);
        if (w && w.kind !== 'dir') this.changed.push({ path: at, status: 'added', oid: w.oid });
        continue;
      }
      const link = b.mode === '120000';
      if (w && w.kind === (link ? 'link' : 'file') && w.oid === b.oid) {
        this.same.push(w);
        this.to.push(childAbs);
        continue;
      }
      this.blobs.push({ abs: childAbs, bytes: await this.repo.readBlob(b.oid), link });
      if (w?.kind === 'dir') {
        this.changed.push({ path: at, status: 'removed', oid: b.oid });
        for (const f of filesBelow(w, at)) this.changed.push({ path: f.path, status: 'added', oid: f.oid });
      } else if (w) this.changed.push({ path: at, status: 'modified' });
      else this.changed.push({ path: at, status: 'removed', oid: b.oid });
    }
    for (const [name, w] of own) for (const f of filesBelow(w, join(name))) this.changed.push({ path: f.path, status: 'added', oid: f.oid });
  }

  private copyTree(work: TreeEntry, abs: string): void {
    for (const c of work.children!) {
      const to = path.join(abs, c.name);
      if (c.kind === 'dir') {
        this.dirs.push(to);
        this.copyTree(c, to);
      } else {
        this.same.push(c);
        this.to.push(to);
      }
    }
  }

  /**
   * Queues everything on the I/O threads: each directory made after its parent, each file written or linked after
   * its directory. Resolves when all of it is on disk.
   */
  apply(): Promise<void> {
    const made = new Map<string, Promise<unknown>>();
    for (const d of this.dirs) {
      const parent = made.get(path.dirname(d));
      made.set(d, parent ? parent.then(() => fs.promises.mkdir(d)) : fs.promises.mkdir(d, { recursive: true }));
    }
    const inDir = (abs: string) => made.get(path.dirname(abs)) ?? Promise.resolve();
    const writes = this.blobs.map((b) =>
      inDir(b.abs).then(async () => {
        if (!b.link) return fs.promises.writeFile(b.abs, b.bytes);
        try {
          await fs.promises.symlink(Buffer.from(b.bytes).toString('utf8'), b.abs);
        } catch {
          // A system without symlinks: the base lacks the link, as a checkout there would.
        }
      }),
    );
    // A hard link costs no copy; across file systems (the temporary directory on another disk) it cannot be made,
    // and then every file is copied.
    let linking = true;
    const place = async (e: TreeEntry, to: string) => {
      if (e.kind === 'link') {
        try {
          await fs.promises.symlink(await fs.promises.readlink(e.abs), to);
        } catch {
          // As above.
        }
        return;
      }
      if (linking) {
        try {
          await fs.promises.link(e.abs, to);
          return;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EXDEV' || (err as NodeJS.ErrnoException).code === 'EPERM') linking = false;
        }
      }
      await fs.promises.copyFile(e.abs, to);
    };
    return Promise.all([...made.values(), ...writes, ...this.same.map((e, i) => inDir(this.to[i]).then(() => place(e, this.to[i])))]).then(() => undefined);
  }
}
