import crypto from 'node:crypto';
import fs from 'node:fs';

/**
 * The loader's door to the disk: a Disk (node:fs calls before the repo root is known, and outside it for `--crds`
 * and `--schema-location`) and the RepoFs made over it (src/load/repo-fs.ts, inside the root) are the only code of
 * the loader, the config and the schema locations that reads the disk. Each run is given one Disk (lintRun's
 * hooks, planRepo, loadRepo; a new one when none is given), and every question goes to the Disk it was given.
 * What is asked and answered can be recorded: a DiskRecorder plugged into a Disk with recordingInto() hears every
 * question asked through it meanwhile (the result cache's journal, src/cache/journal.ts, which tells from those
 * answers whether a cached result still holds). The loader never imports the cache: the recorder is given to the
 * Disk. Nothing is recorded, and nothing hashed, when none is plugged in.
 */

/** A question RepoFs answers about a repo-relative path. */
export type RepoOp = 'kind' | 'list' | 'read';

/** What hears the disk questions the loader asks, and their answers. */
export interface DiskRecorder {
  recordHost(op: string, path: string, answer: string, signature?: string): void;
  recordRepo(root: string, op: RepoOp, rel: string, answer: string, signature?: string): void;
  recordDirSignature(root: string, rel: string, signature: string): void;
}

/** A file changed less than this long ago may change again within its timestamps' resolution. */
export const RACY_MS = 3000;

/**
 * A file's stat signature: size, modification and change time, inode and device. Equal signatures mean equal
 * bytes when the first was taken after the file had settled — unchanged for RACY_MS — since any later write moves
 * the change time past it (it cannot be set back). git's index makes the same bet. `now`: the signature is only
 * given for a settled file.
 */
export function fileSignature(st: fs.Stats, now?: number): string | undefined {
  if (now !== undefined && !(st.mtimeMs < now - RACY_MS && st.ctimeMs < now - RACY_MS)) return undefined;
  return `${st.size} ${st.mtimeMs} ${st.ctimeMs} ${st.ino} ${st.dev}`;
}


/** The cache's content hash: collisions must be out of reach, since equal hashes mean equal results. */
export function digest(data: string | Uint8Array): string {
  return crypto.hash('sha256', data, 'base64');
}

export type HostStat = { type: 'file'; size: number } | { type: 'dir' | 'other' };

/** What discovery found below a directory (src/load/discover.ts), kept while one run plans itself. */
export interface DiscoveryMemo<T> {
  get(dir: string): T | undefined;
  set(dir: string, found: T): void;
}

/**
 * The disk a run reads: the same calls as node:fs for paths outside RepoFs, answering what the callers use and
 * recording it, and what RepoFs records of its own answers. Directory listings come back sorted (every caller
 * sorts; the disk's order is not an input).
 */
export class Disk {
  private recorder: DiskRecorder | undefined;
  private memo: Map<string, unknown> | undefined;

  /** `recorder`: hears every question from the start (else plug one in with recordingInto). */
  constructor(recorder?: DiskRecorder) {
    this.recorder = recorder;
  }

  /** Runs `fn` with `recorder` hearing every question asked through this disk meanwhile (undefined: none). */
  recordingInto<T>(recorder: DiskRecorder | undefined, fn: () => T): T {
    const previous = this.recorder;
    this.recorder = recorder;
    try {
      return fn();
    } finally {
      this.recorder = previous;
    }
  }

  /** The recorder hearing questions now, if any (a memo can skip noting what it noted in this recorder already). */
  get recording(): DiskRecorder | undefined {
    return this.recorder;
  }

  /**
   * Runs `fn` with discovery remembered per directory (nested calls share the outer memo): the roots, the config
   * file and the plan each look for clusters below the same directories, and a walk of a large repository (every
   * directory listed, every flux-system/ parsed) is worth doing once. Never kept past the call that opened it:
   * the tree may change.
   */
  withDiscoveryMemo<T>(fn: () => T): T {
    if (this.memo) return fn();
    this.memo = new Map();
    try {
      return fn();
    } finally {
      this.memo = undefined;
    }
  }

  /** The discovery memo open now (withDiscoveryMemo), if any. */
  discoveryMemo<T>(): DiscoveryMemo<T> | undefined {
    return this.memo as Map<string, T> | undefined;
  }

  /** Records a host answer in the recorder, if any. */
  note(op: string, path: string, answer: string, signature?: string): void {
    this.recorder?.recordHost(op, path, answer, signature);
  }

  /** Records a RepoFs answer in the recorder, if any. */
  noteRepo(root: string, op: RepoOp, rel: string, answer: string, signature?: string): void {
    this.recorder?.recordRepo(root, op, rel, answer, signature);
  }

  /** Records a directory's signature (taken before listing it) in the recorder, if any. */
  noteDirSignature(root: string, rel: string, signature: string): void {
    this.recorder?.recordDirSignature(root, rel, signature);
  }

  /** The settled signature of a directory (or file) about to be listed (or read), when recording; else undefined. */
  settledSignature(p: string): string | undefined {
    if (!this.recorder) return undefined;
    try {
      return fileSignature(fs.statSync(p), Date.now());
    } catch {
      return undefined;
    }
  }

  /** fs.realpathSync, or undefined when it fails. */
  realpath(p: string): string | undefined {
    let real: string | undefined;
    try {
      real = fs.realpathSync(p);
    } catch {
      real = undefined;
    }
    if (this.recorder) this.note('realpath', p, real ?? '!');
    return real;
  }

  /** fs.statSync (following links): the type, and the size of a file; undefined when it fails. */
  stat(p: string): HostStat | undefined {
    let st: HostStat | undefined;
    try {
      const s = fs.statSync(p);
      st = s.isFile() ? { type: 'file', size: s.size } : { type: s.isDirectory() ? 'dir' : 'other' };
    } catch {
      st = undefined;
    }
    if (this.recorder) this.note('stat', p, st === undefined ? '!' : st.type === 'file' ? `file ${st.size}` : st.type);
    return st;
  }

  isFile(p: string): boolean {
    return this.stat(p)?.type === 'file';
  }

  isDirectory(p: string): boolean {
    return this.stat(p)?.type === 'dir';
  }

  /** fs.existsSync. */
  exists(p: string): boolean {
    const yes = fs.existsSync(p);
    if (this.recorder) this.note('exists', p, yes ? 'y' : 'n');
    return yes;
  }

  /** fs.readdirSync, sorted; undefined when it fails. */
  readdir(p: string): string[] | undefined {
    // Taken before listing: a change in between makes the signature older than the listing, never newer.
    const sig = this.settledSignature(p);
    let names: string[] | undefined;
    try {
      names = fs.readdirSync(p).sort();
    } catch {
      names = undefined;
    }
    if (this.recorder) this.note('readdir', p, names === undefined ? '!' : digest(names.join('\0')), names && sig);
    return names;
  }

  /** fs.readdirSync with file types (a symlink is not a directory here), sorted by name; undefined when it fails. */
  readdirTypes(p: string): { name: string; dir: boolean }[] | undefined {
    const sig = this.settledSignature(p);
    let entries: { name: string; dir: boolean }[] | undefined;
    try {
      entries = fs
        .readdirSync(p, { withFileTypes: true })
        .map((e) => ({ name: e.name, dir: e.isDirectory() }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      entries = undefined;
    }
    if (this.recorder) this.note('readdirTypes', p, entries === undefined ? '!' : digest(entries.map((e) => `${e.dir ? 'd' : '-'}${e.name}`).join('\0')), entries && sig);
    return entries;
  }

  /** fs.readFileSync as UTF-8 text, or the error code. */
  readText(p: string): { text: string } | { error: string } {
    let buf: Buffer;
    try {
      buf = fs.readFileSync(p);
    } catch (e) {
      const error = (e as NodeJS.ErrnoException).code ?? 'error';
      if (this.recorder) this.note('readText', p, `!${error}`);
      return { error };
    }
    if (this.recorder) this.note('readText', p, digest(buf));
    return { text: buf.toString('utf8') };
  }
}
