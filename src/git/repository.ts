import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BaseError } from './errors.js';

/**
 * A git repository read with isomorphic-git (https://isomorphic-git.org), a pure-JavaScript git: loose objects and
 * packfiles (deltas included) are read from `.git` on disk, offline; no `git` program runs. It is loaded only by
 * the commands that read a revision (`diff --base`, `--new-only --base`), with createRequire so that it stays out
 * of the command's bundle (scripts/bundle.mjs) and costs every other run nothing.
 *
 * The file system it gets can only read: a write (isomorphic-git writes only for commands this module never calls)
 * would throw rather than touch the repository.
 */
type Git = typeof import('isomorphic-git');

let loaded: Git | undefined;
function git(): Git {
  return (loaded ??= createRequire(import.meta.url)('isomorphic-git') as Git);
}

const refuse = async () => {
  throw new Error('lint-gitops reads the repository and never writes it');
};

/** node:fs's promises, for reading only. */
const readOnlyFs = {
  promises: {
    readFile: fs.promises.readFile,
    readdir: fs.promises.readdir,
    stat: fs.promises.stat,
    lstat: fs.promises.lstat,
    readlink: fs.promises.readlink,
    writeFile: refuse,
    mkdir: refuse,
    rmdir: refuse,
    unlink: refuse,
    symlink: refuse,
    chmod: refuse,
  },
};

export interface GitTreeEntry {
  name: string;
  kind: 'tree' | 'blob' | 'commit';
  /** 100644, 100755, 120000 (a symlink), 40000 (a tree), 160000 (a submodule's commit). */
  mode: string;
  oid: string;
}

/** How to fix a revision the clone does not have, for every message that names one. */
const FIX = 'fetch the history it needs (actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`), or compare with a checkout of the base: --base-dir DIR';

export class GitRepository {
  /** Cache of parsed packfile indexes, shared by every read (isomorphic-git's `cache` argument). */
  private readonly cache = {};

  private constructor(
    /** The working tree: the directory holding `.git`. */
    readonly top: string,
    /** Where objects and refs live (a linked worktree's common directory). */
    readonly gitdir: string,
    /** Where this working tree's HEAD lives (its own directory for a linked worktree). */
    private readonly headDir: string,
  ) {}

  /** The repository whose working tree holds `dir`: the nearest `.git` above it (a directory, or a worktree's file). */
  static find(dir: string): GitRepository | undefined {
    let at = path.resolve(dir);
    for (;;) {
      const dotgit = path.join(at, '.git');
      let st: fs.Stats | undefined;
      try {
        st = fs.statSync(dotgit);
      } catch {
        st = undefined;
      }
      if (st?.isDirectory()) return new GitRepository(at, dotgit, dotgit);
      if (st?.isFile()) {
        // `gitdir: <path>` (git-worktree, submodules); a linked worktree's directory names its common one in `commondir`.
        const m = fs.readFileSync(dotgit, 'utf8').match(/^gitdir:\s*(.+?)\s*$/m);
        if (m) {
          const own = path.resolve(at, m[1]);
          let common = own;
          try {
            common = path.resolve(own, fs.readFileSync(path.join(own, 'commondir'), 'utf8').trim());
          } catch {
            // Not a linked worktree: a submodule's git directory holds everything.
          }
          return new GitRepository(at, common, own);
        }
      }
      const up = path.dirname(at);
      if (up === at) return undefined;
      at = up;
    }
  }

  get shallow(): boolean {
    return fs.existsSync(path.join(this.gitdir, 'shallow'));
  }

  /**
   * The commit a revision names: a branch, tag or remote-tracking branch (`main`, `origin/main`, `v1.2`), a full or
   * abbreviated commit id, `HEAD`, each followed by any of `~N` (N-th first-parent ancestor) and `^N` (N-th parent),
   * as in https://git-scm.com/docs/gitrevisions. Annotated tags are peeled to their commit.
   */
  async resolve(rev: string): Promise<string> {
    const m = rev.match(/^(.*?)((?:[~^]\d*)*)$/);
    const name = m?.[1] ?? rev;
    const steps = m?.[2] ?? '';
    if (!name || name.startsWith('-') || /[\s:?*[\\]|\.\.|@\{/.test(name)) throw new BaseError(`--base ${rev}: not a revision this reader understands (a branch, tag, commit id or HEAD, with ~N or ^N)`);
    let oid = await this.resolveName(name, rev);
    oid = await this.peel(oid, rev);
    for (const step of steps.match(/[~^]\d*/g) ?? []) {
      const n = step.length > 1 ? Number(step.slice(1)) : 1;
      if (step[0] === '~') for (let i = 0; i < n; i++) oid = await this.parent(oid, 0, rev);
      else if (n > 0) oid = await this.parent(oid, n - 1, rev);
    }
    await this.readCommit(oid, rev);
    return oid;
  }

  private async parent(oid: string, index: number, rev: string): Promise<string> {
    // A shallow clone's boundary commits name parents it does not have (https://git-scm.com/docs/shallow).
    if (this.isShallowBoundary(oid)) throw new BaseError(`--base ${rev}: the clone is shallow and ends before it; ${FIX}`);
    const parent = (await this.readCommit(oid, rev)).parent[index];
    if (parent) return parent;
    throw new BaseError(`--base ${rev}: commit ${oid.slice(0, 12)} has no ${index === 0 ? '' : `${index + 1}. `}parent`);
  }

  private async resolveName(name: string, rev: string): Promise<string> {
    if (/^[0-9a-f]{40}$/i.test(name)) return name.toLowerCase();
    const ref = name === '@' ? 'HEAD' : name;
    try {
      if (ref === 'HEAD') return await this.head();
      return await git().resolveRef({ fs: readOnlyFs, gitdir: this.gitdir, ref });
    } catch {
      // Not a ref: an abbreviated commit id, or nothing.
    }
    if (/^[0-9a-f]{4,39}$/i.test(name)) {
      try {
        return await git().expandOid({ fs: readOnlyFs, gitdir: this.gitdir, oid: name.toLowerCase(), cache: this.cache });
      } catch {
        // Unknown, or ambiguous: reported below.
      }
    }
    throw new BaseError(
      this.shallow
        ? `--base ${rev}: not found in this clone, which is shallow (CI checks out one commit by default); ${FIX}`
        : `--base ${rev}: no branch, tag or commit of that name in ${this.top}; fetch it, or compare with a checkout of the base: --base-dir DIR`,
    );
  }

  /** HEAD of this working tree (a linked worktree has its own). */
  private async head(): Promise<string> {
    const text = fs.readFileSync(path.join(this.headDir, 'HEAD'), 'utf8').trim();
    const sym = text.match(/^ref:\s*(\S+)$/);
    if (!sym) return text;
    return git().resolveRef({ fs: readOnlyFs, gitdir: this.gitdir, ref: sym[1] });
  }

  private async peel(oid: string, rev: string): Promise<string> {
    for (let i = 0; i < 10; i++) {
      const obj = await this.readObject(oid, rev);
      if (obj.type === 'commit') return oid;
      if (obj.type !== 'tag') throw new BaseError(`--base ${rev}: names a ${obj.type}, not a commit`);
      oid = (obj.object as { object: string }).object;
    }
    throw new BaseError(`--base ${rev}: a chain of tags too long to follow`);
  }

  private async readObject(oid: string, rev: string) {
    try {
      return await git().readObject({ fs: readOnlyFs, gitdir: this.gitdir, oid, cache: this.cache });
    } catch (e) {
      throw this.missing(e, oid, rev);
    }
  }

  private async readCommit(oid: string, rev: string): Promise<{ tree: string; parent: string[] }> {
    try {
      return (await git().readCommit({ fs: readOnlyFs, gitdir: this.gitdir, oid, cache: this.cache })).commit;
    } catch (e) {
      throw this.missing(e, oid, rev);
    }
  }

  private missing(e: unknown, oid: string, rev: string): Error {
    if ((e as { code?: string }).code !== 'NotFoundError') return e as Error;
    return new BaseError(
      this.shallow
        ? `--base ${rev}: commit ${oid.slice(0, 12)} is not in this clone, which is shallow; ${FIX}`
        : `--base ${rev}: commit ${oid.slice(0, 12)} is not in this clone; ${FIX}`,
    );
  }

  private isShallowBoundary(oid: string): boolean {
    try {
      return fs.readFileSync(path.join(this.gitdir, 'shallow'), 'utf8').split('\n').includes(oid);
    } catch {
      return false;
    }
  }

  /** The tree id of a directory of a commit (repo-relative POSIX, '' for the top); undefined when it has none there. */
  async treeAt(commit: string, dir: string): Promise<string | undefined> {
    let oid = (await this.readCommit(commit, commit)).tree;
    for (const seg of dir.split('/').filter(Boolean)) {
      const entry = (await this.readTree(oid)).find((e) => e.name === seg);
      if (!entry || entry.kind !== 'tree') return undefined;
      oid = entry.oid;
    }
    return oid;
  }

  async readTree(oid: string): Promise<GitTreeEntry[]> {
    const { tree } = await git().readTree({ fs: readOnlyFs, gitdir: this.gitdir, oid, cache: this.cache });
    return tree.map((e) => ({ name: e.path, kind: e.type, mode: e.mode.replace(/^0+/, ''), oid: e.oid }));
  }

  async readBlob(oid: string): Promise<Uint8Array> {
    return (await git().readBlob({ fs: readOnlyFs, gitdir: this.gitdir, oid, cache: this.cache })).blob;
  }

  /** A one-line description of a commit: its abbreviated id and subject. */
  async describe(oid: string): Promise<{ commit: string; subject: string }> {
    const c = await git().readCommit({ fs: readOnlyFs, gitdir: this.gitdir, oid, cache: this.cache });
    return { commit: oid, subject: c.commit.message.split('\n')[0] };
  }
}
