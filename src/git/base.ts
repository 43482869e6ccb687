import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../load/index.js';
import { GitRepository } from './repository.js';
import { compareTrees, filesBelow, hashTree, sortChanged, type ChangedPath, type TreeEntry } from './worktree.js';

/** What the working tree is compared with. */
export type BaseSpec = { ref: string } | { dir: string };

/** The base as the outputs name it. */
export type BaseLabel = { ref: string; commit: string; subject: string } | { dir: string };

/** The base, ready to lint: its repo root on disk and what differs from the working tree's. */
export interface BaseCheckout {
  /** Absolute repo root of the base: a temporary directory for a revision, the given checkout for --base-dir. */
  root: string;
  /** Files (and symlinks) that differ between the base and the working tree, below the repo root. */
  changed: ChangedPath[];
  label: BaseLabel;
  /** Removes what was written for a revision (nothing for --base-dir). */
  close(): void;
}

/**
 * The base of a comparison for the repo root `headRoot` (absolute). A revision (`--base REF`) is read from the git
 * repository holding the root, and the root's directory of that revision is written to a new directory under the
 * system's temporary directory (os.tmpdir(), removed by close()): never into the repository. Only what differs is
 * read from git: directories whose tree id is the working tree's (src/git/worktree.ts) are copied from the working
 * tree, which is what makes one changed file cheap on a large fleet. `--base-dir DIR` is another checkout of the
 * same repository: the root is at the same place below it as below the working tree's git top-level.
 */
export async function checkoutBase(spec: BaseSpec, headRoot: string, cwd: string): Promise<BaseCheckout> {
  const repo = GitRepository.find(headRoot);
  const rel = repo ? path.relative(repo.top, headRoot).split(path.sep).join('/') : '';
  if ('dir' in spec) {
    const dir = path.resolve(cwd, spec.dir);
    const root = rel ? path.join(dir, ...rel.split('/')) : dir;
    if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--base-dir ${spec.dir}: no directory ${root} (the repo root${rel ? ` ${rel}` : ''} in that checkout)`);
    if (path.resolve(root) === path.resolve(headRoot)) throw new UsageError(`--base-dir ${spec.dir}: that is the working tree itself`);
    return { root, changed: compareTrees(hashTree(root), hashTree(headRoot)), label: { dir: spec.dir }, close() {} };
  }
  if (!repo) throw new UsageError(`--base ${spec.ref}: ${headRoot} is not in a git repository (no .git above it); compare with a checkout: --base-dir DIR`);
  const commit = await repo.resolve(spec.ref);
  const { subject } = await repo.describe(commit);
  const treeOid = await repo.treeAt(commit, rel);
  const head = hashTree(headRoot);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-base-'));
  try {
    // The root keeps its name (a cluster at the root is named after it) and its depth below the top-level.
    const root = path.join(tmp, 'checkout', ...(rel ? rel.split('/') : [path.basename(headRoot)]));
    const changed: ChangedPath[] = [];
    await new Materializer(repo, changed).dir(treeOid, head, root, '');
    return { root, changed: sortChanged(changed), label: { ref: spec.ref, commit, subject }, close: () => fs.rmSync(tmp, { recursive: true, force: true }) };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Writes a revision's tree, taking from the working tree what is the same, and notes what differs. */
class Materializer {
  constructor(
    private readonly repo: GitRepository,
    private readonly changed: ChangedPath[],
  ) {}

  async dir(treeOid: string | undefined, work: TreeEntry | undefined, abs: string, rel: string): Promise<void> {
    fs.mkdirSync(abs, { recursive: true });
    if (work && treeOid !== undefined && work.oid === treeOid) {
      copyTree(work, abs);
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
        copyEntry(w, childAbs);
        continue;
      }
      await this.blob(b.oid, link, childAbs);
      if (w?.kind === 'dir') {
        this.changed.push({ path: at, status: 'removed', oid: b.oid });
        for (const f of filesBelow(w, at)) this.changed.push({ path: f.path, status: 'added', oid: f.oid });
      } else if (w) this.changed.push({ path: at, status: 'modified' });
      else this.changed.push({ path: at, status: 'removed', oid: b.oid });
    }
    for (const [name, w] of own) for (const f of filesBelow(w, join(name))) this.changed.push({ path: f.path, status: 'added', oid: f.oid });
  }

  private async blob(oid: string, link: boolean, abs: string): Promise<void> {
    const bytes = await this.repo.readBlob(oid);
    if (link) {
      try {
        fs.symlinkSync(Buffer.from(bytes).toString('utf8'), abs);
      } catch {
        // A system without symlinks: the base lacks the link, as a checkout there would.
      }
    } else fs.writeFileSync(abs, bytes);
  }
}

function copyTree(work: TreeEntry, abs: string): void {
  for (const c of work.children!) {
    const to = path.join(abs, c.name);
    if (c.kind === 'dir') {
      fs.mkdirSync(to);
      copyTree(c, to);
    } else copyEntry(c, to);
  }
}

function copyEntry(entry: TreeEntry, to: string): void {
  if (entry.kind === 'link') {
    try {
      fs.symlinkSync(fs.readlinkSync(entry.abs), to);
    } catch {
      // As above.
    }
  } else fs.copyFileSync(entry.abs, to);
}
