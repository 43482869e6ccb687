import fs from 'node:fs';
import path from 'node:path';
import { Disk, digest, fileSignature, type DiskRecorder } from './disk.js';
import type { FileProblem } from '../model/types.js';
import { MAX_FILE_BYTES } from '../model/limits.js';

export type ReadResult = { text: string } | { problem: FileProblem };

export type Kind = 'file' | 'dir' | 'missing' | 'outside-root' | 'loop' | 'unreadable';

/**
 * The door to the disk inside the repo root. Every path is repo-relative POSIX; nothing outside the root is read,
 * even through `../` chains or symlinks, and nothing is ever written. Every answer is recorded in the recorder of
 * the Disk it was made over (src/load/disk.ts; the result cache's journal), memoized or not: the result cache
 * replays them to tell a hit.
 */
export class RepoFs {
  readonly root: string;
  private readonly posixRoot: string | undefined;
  private readonly realRoot: string;
  private readonly kinds = new Map<string, Kind>();
  private readonly listings = new Map<string, string[]>();
  private readonly listed = new Map<string, Set<string>>();
  /** Entries of listed directories that are plain files or directories (not symlinks): name → kind. */
  private readonly plain = new Map<string, Map<string, 'file' | 'dir'>>();
  private readonly reals = new Map<string, string>();
  /** Digests of listings, for the journal. */
  private readonly listingDigests = new Map<string, string>();
  /** Settled signatures of listed directories, taken just before listing them (only while recording). */
  private readonly dirSigs = new Map<string, string>();
  /**
   * The kinds noted in each journal: a memoized kind asked again is noted once per journal. Weak: a cluster's
   * journal (and what it holds) must not outlive the cluster because this memo, which lives for the run, names it.
   */
  private readonly kindNoted = new WeakMap<DiskRecorder, Set<string>>();

  /**
   * `disk`: the run's (its recorder hears what this answers). `readdir`: how directories are listed (withFileTypes),
   * for a caller that lists them anyway (the cache's verifier).
   */
  constructor(
    root: string,
    readonly disk: Disk = new Disk(),
    private readonly readdir: (abs: string) => fs.Dirent[] = (abs) => fs.readdirSync(abs, { withFileTypes: true }),
  ) {
    this.root = path.resolve(root);
    this.posixRoot = path.sep === '/' ? (this.root.endsWith('/') ? this.root : `${this.root}/`) : undefined;
    this.realRoot = fs.realpathSync(this.root);
    if (disk.recording) disk.note('realpath', this.root, this.realRoot);
  }

  /** Repo-relative POSIX path of an absolute path, or undefined when it lies outside the root. */
  relative(abs: string): string | undefined {
    const rel = path.relative(this.root, abs);
    if (rel === '') return '.';
    if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  absolute(rel: string): string {
    if (rel === '.') return this.root;
    // A repo-relative path is normalised POSIX (no '.', '..' or empty segments): on POSIX, joining is appending.
    return this.posixRoot !== undefined ? this.posixRoot + rel : path.join(this.root, ...rel.split('/'));
  }

  /** Joins a path as written in a file onto a repo-relative directory; undefined when it escapes the root. */
  join(dir: string, written: string): string | undefined {
    if (this.posixRoot !== undefined) {
      const rel = joinInside(dir, written);
      if (rel !== null) return rel;
    }
    const abs = path.resolve(this.absolute(dir), written);
    return this.relative(abs);
  }

  kind(rel: string): Kind {
    let k = this.kinds.get(rel);
    if (k === undefined) {
      k = this.computeKind(rel);
      this.kinds.set(rel, k);
    }
    const journal = this.disk.recording;
    let noted = journal && this.kindNoted.get(journal);
    if (journal && !noted) {
      noted = new Set();
      this.kindNoted.set(journal, noted);
    }
    if (noted && !noted.has(rel)) {
      noted.add(rel);
      this.disk.noteRepo(this.root, 'kind', rel, `${k} ${this.reals.get(rel) ?? ''}`);
      if (rel !== '.') {
        // A kind depends on where its parent is: the parent's kind goes in the same journal (memoized or not), and
        // the parent's signature, which vouches for a plain entry's kind (see Journal.dirSignatures).
        const parent = parentOf(rel);
        this.kind(parent);
        const parentSig = this.dirSigs.get(parent);
        if (parentSig !== undefined) this.disk.noteDirSignature(this.root, parent, parentSig);
      }
    }
    return k;
  }

  /**
   * What the journal records as the answer to `kind`, `list` or `read` of `rel` (src/cache/journal.ts), asked
   * without recording: the result cache's verifier compares it with the recorded one.
   */
  answer(op: 'kind' | 'list' | 'read', rel: string): string {
    if (op === 'kind') return `${this.kind(rel)} ${this.reals.get(rel) ?? ''}`;
    if (op === 'list') return this.listingDigest(rel);
    const result = this.readUnrecorded(rel, () => {});
    return 'problem' in result ? JSON.stringify(result.problem) : digest(result.text);
  }

  /**
   * The repo-relative path a file or directory really is, after symlinks: two paths to the same place share it.
   * Walks and cycle checks key on it, so a symlink is followed once and a symlink loop is seen as a cycle.
   */
  canonical(rel: string): string | undefined {
    const k = this.kind(rel);
    return k === 'file' || k === 'dir' ? this.reals.get(rel) : undefined;
  }

  private computeKind(rel: string): Kind {
    // In a directory that is where it says it is (no symlink on the way), its listing already tells a plain file
    // or directory, at its own path, and a name it does not hold is missing — what realpath and stat would say,
    // without walking the path for each of 30,000 files.
    if (rel !== '.') {
      const slash = rel.lastIndexOf('/');
      const parent = slash < 0 ? '.' : rel.slice(0, slash);
      if (this.kind(parent) === 'dir' && this.reals.get(parent) === parent) {
        this.names(parent);
        if (this.listed.has(parent)) {
          const name = rel.slice(slash + 1);
          const plain = this.plain.get(parent)!.get(name);
          if (plain) {
            this.reals.set(rel, rel);
            return plain;
          }
          if (!this.listed.get(parent)!.has(name)) return 'missing';
        }
      }
    }
    const abs = this.absolute(rel);
    let real: string;
    try {
      real = fs.realpathSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A name too long for the filesystem cannot exist, so it is missing like any other typo.
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') return 'missing';
      if (code === 'ELOOP') return 'loop';
      return 'unreadable';
    }
    if (real !== this.realRoot && !real.startsWith(this.realRoot + path.sep)) return 'outside-root';
    // Flux runs on Linux, where names are case-sensitive: on a case-insensitive disk (macOS, Windows) a path that
    // differs from the real name only in case must still be missing, or the linter would pass what Flux fails.
    if (rel !== '.') {
      const slash = rel.lastIndexOf('/');
      const parent = slash < 0 ? '.' : rel.slice(0, slash);
      // Not recorded as a listing: the kind recorded for `rel` already says whether its name is there.
      this.names(parent);
      const names = this.listed.get(parent);
      if (names && !names.has(rel.slice(slash + 1))) return 'missing';
    }
    this.reals.set(rel, real === this.realRoot ? '.' : path.relative(this.realRoot, real).split(path.sep).join('/'));
    try {
      const st = fs.statSync(real);
      return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'unreadable';
    } catch {
      return 'unreadable';
    }
  }

  /** Sorted entry names of a directory inside the root; [] when it cannot be listed. */
  list(rel: string): string[] {
    const names = this.names(rel);
    if (this.disk.recording) {
      this.disk.noteRepo(this.root, 'list', rel, this.listingDigest(rel));
      const sig = this.dirSigs.get(rel);
      if (sig !== undefined) this.disk.noteDirSignature(this.root, rel, sig);
    }
    return names;
  }

  private listingDigest(rel: string): string {
    let d = this.listingDigests.get(rel);
    if (d === undefined) {
      d = digest(this.names(rel).join('\0'));
      this.listingDigests.set(rel, d);
    }
    return d;
  }

  private names(rel: string): string[] {
    let names = this.listings.get(rel);
    if (names === undefined) {
      names = [];
      if (this.kind(rel) === 'dir') {
        try {
          // Taken before listing (when recording): a change in between leaves the signature older, never newer.
          const sig = this.disk.settledSignature(this.absolute(rel));
          const entries = this.readdir(this.absolute(rel));
          if (sig !== undefined) this.dirSigs.set(rel, sig);
          const plain = new Map<string, 'file' | 'dir'>();
          for (const e of entries) {
            if (e.isFile()) plain.set(e.name, 'file');
            else if (e.isDirectory()) plain.set(e.name, 'dir');
          }
          names = entries.map((e) => e.name).sort();
          this.listed.set(rel, new Set(names));
          this.plain.set(rel, plain);
        } catch {
          names = [];
        }
      }
      this.listings.set(rel, names);
    }
    return names;
  }

  read(rel: string): ReadResult {
    let stat: fs.Stats | undefined;
    const result = this.readUnrecorded(rel, (st) => (stat = st));
    if (this.disk.recording) {
      const answer = 'problem' in result ? JSON.stringify(result.problem) : digest(result.text);
      this.disk.noteRepo(this.root, 'read', rel, answer, stat && fileSignature(stat, Date.now()));
    }
    return result;
  }

  private readUnrecorded(rel: string, statted: (st: fs.Stats) => void): ReadResult {
    const kind = this.kind(rel);
    if (kind === 'outside-root') return { problem: { kind: 'outside-root', realPath: rel } };
    if (kind === 'loop') return { problem: { kind: 'symlink-loop' } };
    if (kind !== 'file') return { problem: { kind: 'unreadable', reason: kind === 'dir' ? 'is a directory' : kind } };
    const abs = this.absolute(rel);
    let buf: Buffer;
    try {
      // One open, then fstat and read on it (what readFileSync does inside), rather than a stat by path before:
      // one path lookup less for each of 30,000 files, and the size checked is the size of what is read.
      const fd = fs.openSync(abs, 'r');
      try {
        const st = fs.fstatSync(fd);
        statted(st);
        const size = st.size;
        if (size > MAX_FILE_BYTES) return { problem: { kind: 'too-large', size, limit: MAX_FILE_BYTES } };
        buf = readUpTo(fd, size);
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      return { problem: { kind: 'unreadable', reason: (e as NodeJS.ErrnoException).code ?? 'error' } };
    }
    // A NUL byte in the first 8 KiB is what git itself takes for binary.
    if (buf.subarray(0, 8192).includes(0)) return { problem: { kind: 'binary' } };
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    } catch {
      return { problem: { kind: 'not-utf8' } };
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text };
  }
}

function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '.' : rel.slice(0, i);
}

export function dirname(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '.' : rel.slice(0, i);
}

export function joinRel(dir: string, name: string): string {
  return dir === '.' ? name : `${dir}/${name}`;
}

/**
 * The bytes of an open file, up to `size` (its size when it was fstat'ed), as readFileSync reads a regular file:
 * a file that shrank meanwhile gives what is there.
 */
function readUpTo(fd: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let at = 0;
  while (at < size) {
    const n = fs.readSync(fd, buf, at, size - at, null);
    if (n === 0) break;
    at += n;
  }
  return at < size ? buf.subarray(0, at) : buf;
}

/**
 * `dir` (repo-relative) joined with a path as written, normalised like path.resolve, when that stays inside the
 * root without passing above it; null when the written path is absolute or climbs above the root (path.resolve
 * decides those: `../<root's name>/x` comes back in). A string walk instead of resolve + relative + split for
 * each of the ~100,000 references of a large fleet. POSIX roots only (the caller checks).
 */
export function joinInside(dir: string, written: string): string | undefined | null {
  if (written.charCodeAt(0) === 47 /* '/' */) return null;
  const segs: string[] = [];
  for (const part of [dir, written]) {
    if (part === '.' || part === '') continue;
    for (const seg of part.split('/')) {
      if (seg === '' || seg === '.') continue;
      if (seg === '..') {
        if (segs.length === 0) return null;
        segs.pop();
      } else segs.push(seg);
    }
  }
  if (segs.length === 0) return '.';
  const rel = segs.join('/');
  // What relative() says of the same path: a first name that starts with '..' reads as outside the root.
  return rel.startsWith('..') ? undefined : rel;
}
