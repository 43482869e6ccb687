import fs from 'node:fs';
import path from 'node:path';
import { RepoFs } from '../load/repo-fs.js';
import { Disk } from '../load/disk.js';
import { HOST_OPS, Journal, digest, fileSignature, kindAnswer, type StoredJournal } from './journal.js';

/** Questions RepoFs answers (see src/load/repo-fs.ts). */
const REPO_OPS = new Set(['kind', 'list', 'read']);

/**
 * Asks a journal's questions again and tells whether every answer is still the same. Each question is asked once
 * per Verifier (clusters share many), through the same code that answered it during the lint (RepoFs, Disk), so
 * "the same answer" means exactly what the loader would see now. A file's bytes are vouched for by its stat
 * signature when the journal has one (see fileSignature), so an unchanged tree is checked without reading it.
 */
export class Verifier {
  /** Answers by root ('' for host questions), op and argument. */
  private readonly now = new Map<string, Map<string, Map<string, string | undefined>>>();
  private readonly repos = new Map<string, RepoFs | undefined>();
  private readonly listings = new Map<string, fs.Dirent[] | undefined>();
  private readonly foldedNames = new Map<string, Set<string> | undefined>();
  private readonly dirSigs = new Map<string, string | undefined>();
  /** Questions whose answer is not the one some journal recorded, by root ('' for host) and op (see failsKnown). */
  private readonly failing = new Map<string, Set<string>>();

  /**
   * True when every fact of a stored journal still holds. A directory whose signature has not changed since it was
   * listed (see Journal.dirSignatures) vouches for its listing and for the kind of each plain file or directory in
   * it — when the directory's own kind (where it is) is in the journal too, and holds.
   */
  holds(journal: StoredJournal): boolean {
    if (this.failing.size > 0 && this.failsKnown(journal)) return false;
    for (const [op, p, answer, sig] of journal.host) {
      if (sig !== undefined && this.dirSignature(p) === sig) continue;
      if (!this.holdsFact(this.memo(undefined, op), op, undefined, p, answer)) return false;
    }
    for (const r of journal.repos) {
      const repo = this.repo(r.root);
      const dirs = new Map(r.dirs);
      // Asked once per directory: most kinds are vouched for by their parent's signature, thousands per parent.
      const vouched = new Map<string, boolean>();
      const unchanged = (rel: string) => {
        let yes = vouched.get(rel);
        if (yes === undefined) {
          const sig = dirs.get(rel);
          yes = sig !== undefined && repo !== undefined && this.dirSignature(repo.absolute(rel)) === sig;
          vouched.set(rel, yes);
        }
        return yes;
      };
      const recordedKinds = new Map(r.kind);
      const kinds = this.memo(r.root, 'kind');
      for (const [rel, a] of r.kind) {
        // A plain entry ('file'/'dir' at its own path) of an unchanged directory that is itself where it was.
        if ((a === 'file' || a === 'dir') && rel !== '.') {
          const parent = parentOf(rel);
          if (recordedKinds.get(parent) === 'dir' || (parent === '.' && recordedKinds.get('.') === 'dir .')) {
            if (unchanged(parent)) continue;
          }
        }
        if (!this.holdsFact(kinds, 'kind', r.root, rel, kindAnswer(rel, a))) return false;
      }
      const lists = this.memo(r.root, 'list');
      for (const [rel, a] of r.list) {
        if (unchanged(rel)) continue;
        if (!this.holdsFact(lists, 'list', r.root, rel, a)) return false;
      }
      const reads = this.memo(r.root, 'read');
      for (const [rel, a, sig] of r.read) if (!this.holdsFact(reads, 'read', r.root, rel, a, sig)) return false;
    }
    return true;
  }

  /**
   * True when one of the questions that already failed for another journal fails for this one too. A changed base
   * that every cluster reads fails every cluster's journal at the same question: asked first, it spares checking
   * each journal's thousands of other facts before getting there. Only the same holdsFact answers, so a journal
   * found failing here fails the full check as well (or, where a directory's signature would have vouched for a
   * kind, the check is stricter than that; a miss is never wrong).
   */
  private failsKnown(journal: StoredJournal): boolean {
    const host = (op: string) => this.failing.get(`\0${op}`);
    for (const [op, p, answer] of journal.host) {
      if (host(op)?.has(p) && !this.holdsFact(this.memo(undefined, op), op, undefined, p, answer)) return true;
    }
    for (const r of journal.repos) {
      for (const op of ['read', 'list', 'kind'] as const) {
        const failed = this.failing.get(`${r.root}\0${op}`);
        if (!failed) continue;
        const memo = this.memo(r.root, op);
        for (const [rel, a, sig] of r[op] as [string, string, string?][]) {
          if (failed.has(rel) && !this.holdsFact(memo, op, r.root, rel, op === 'kind' ? kindAnswer(rel, a) : a, sig)) return true;
        }
      }
    }
    return false;
  }

  /** True when the question gets the same answer now (or, for a file's bytes, the file has the same signature). */
  private holdsFact(memo: Map<string, string | undefined>, op: string, root: string | undefined, arg: string, answer: string, sig?: string): boolean {
    const now = memo.get(arg);
    if (now !== undefined || memo.has(arg)) return now === answer || this.fail(op, root, arg);
    if (sig !== undefined && root !== undefined && this.signature(root, arg) === sig) return true;
    return this.ask(op, root, arg, memo) === answer || this.fail(op, root, arg);
  }

  /** Notes a question whose answer changed (see failsKnown); false. */
  private fail(op: string, root: string | undefined, arg: string): false {
    const key = `${root ?? ''}\0${op}`;
    let args = this.failing.get(key);
    if (!args) {
      args = new Set();
      this.failing.set(key, args);
    }
    args.add(arg);
    return false;
  }

  private memo(root: string | undefined, op: string): Map<string, string | undefined> {
    let byOp = this.now.get(root ?? '');
    if (!byOp) {
      byOp = new Map();
      this.now.set(root ?? '', byOp);
    }
    let m = byOp.get(op);
    if (!m) {
      m = new Map();
      byOp.set(op, m);
    }
    return m;
  }

  /** The answer the disk gives now; undefined for a question this version cannot ask. */
  private ask(op: string, root: string | undefined, arg: string, memo: Map<string, string | undefined>): string | undefined {
    const scratch = root === undefined ? new Journal() : undefined;
    try {
      if (root === undefined && (op === 'readdir' || op === 'readdirTypes')) {
        const answer = this.hostListing(op, arg);
        memo.set(arg, answer);
        return answer;
      }
      if (root !== undefined && REPO_OPS.has(op)) {
        const repo = this.repo(root);
        // Its disk has no recorder: asking records nothing.
        const answer = repo?.answer(op as 'kind' | 'list' | 'read', arg);
        memo.set(arg, answer);
        return answer;
      }
      if (scratch && op in HOST_OPS) HOST_OPS[op](new Disk(scratch), arg);
    } catch {
      // A question that now throws has no answer: the fact no longer holds.
    }
    // Everything asked on the way is a current answer too.
    for (const [o, answers] of scratch?.host ?? []) {
      const m = this.memo(undefined, o);
      for (const [p, v] of answers) if (!m.has(p)) m.set(p, v);
    }
    if (!memo.has(arg)) memo.set(arg, undefined);
    return memo.get(arg);
  }

  /** A directory's stat signature now (following symlinks, as listing it does). */
  private dirSignature(abs: string): string | undefined {
    let sig = this.dirSigs.get(abs);
    if (sig === undefined && !this.dirSigs.has(abs)) {
      try {
        sig = fileSignature(fs.statSync(abs));
      } catch {
        sig = undefined;
      }
      this.dirSigs.set(abs, sig);
    }
    return sig;
  }

  /** The stat signature of the file a `read` fact is about, as RepoFs.read would stat it. */
  private signature(root: string, rel: string): string | undefined {
    const repo = this.repo(root);
    if (!repo) return undefined;
    try {
      return fileSignature(fs.statSync(repo.absolute(rel)));
    } catch {
      return undefined;
    }
  }

  /** Disk.readdir and Disk.readdirTypes (src/load/disk.ts), from one listing per directory. */
  private hostListing(op: 'readdir' | 'readdirTypes', abs: string): string {
    // Discovery asks every directory for a flux-system/ it mostly does not have: the parent's listing (which the
    // next question needs anyway) says so without a failing call. Any name like it (case, Unicode form) is asked.
    if (!this.listings.has(abs) && path.dirname(abs) !== abs) {
      const siblings = this.folded(path.dirname(abs));
      if (siblings && !siblings.has(fold(path.basename(abs)))) return '!';
    }
    const list = this.listing(abs);
    if (!list) return '!';
    return digest(list.map((e) => (op === 'readdir' ? e.name : `${e.isDirectory() ? 'd' : '-'}${e.name}`)).join('\0'));
  }

  private folded(abs: string): Set<string> | undefined {
    if (!this.foldedNames.has(abs)) {
      const list = this.listing(abs);
      this.foldedNames.set(abs, list && new Set(list.map((e) => fold(e.name))));
    }
    return this.foldedNames.get(abs);
  }

  /** A directory's entries with their types, sorted by name; undefined when it cannot be listed. One readdir each. */
  private listing(abs: string): fs.Dirent[] | undefined {
    if (!this.listings.has(abs)) {
      let list: fs.Dirent[] | undefined;
      try {
        list = fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch {
        list = undefined;
      }
      this.listings.set(abs, list);
    }
    return this.listings.get(abs);
  }

  private repo(root: string): RepoFs | undefined {
    if (!this.repos.has(root)) {
      let repo: RepoFs | undefined;
      try {
        // Listed through this verifier: RepoFs and discovery's questions about one directory cost one readdir.
        const readdir = (abs: string) => {
          const list = this.listing(abs);
          if (!list) throw new Error(`cannot list ${abs}`);
          return list;
        };
        repo = new RepoFs(root, new Disk(), readdir);
      } catch {
        repo = undefined;
      }
      this.repos.set(root, repo);
    }
    return this.repos.get(root);
  }
}

function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '.' : rel.slice(0, i);
}

/** A name as a case-insensitive, normalising file system may match it. */
function fold(name: string): string {
  return name.normalize('NFC').toLowerCase();
}
