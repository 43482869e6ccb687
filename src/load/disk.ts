import crypto from 'node:crypto';
import fs from 'node:fs';

/**
 * The loader's door to the disk: `host` (node:fs calls before the repo root is known, and outside it for `--crds`)
 * and RepoFs (src/load/repo-fs.ts, inside the root) are the only code of the loader, the config and the schema
 * locations that reads the disk, and both answer from plain fs. What they ask and get can be recorded: a
 * DiskRecorder plugged in with recordingInto() hears every question asked meanwhile (the result cache's journal,
 * src/cache/journal.ts, which tells from those answers whether a cached result still holds). The loader never
 * imports the cache: the recorder is given to it. Nothing is recorded, and nothing hashed, when none is plugged in.
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

let active: DiskRecorder | undefined;

/** Runs `fn` with `recorder` receiving every disk question asked meanwhile (undefined: none). */
export function recordingInto<T>(recorder: DiskRecorder | undefined, fn: () => T): T {
  const previous = active;
  active = recorder;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

export function isRecording(): boolean {
  return active !== undefined;
}

/** The recorder recording now, if any (a memo can skip noting what it noted in this recorder already). */
export function activeRecorder(): DiskRecorder | undefined {
  return active;
}

/** Records a host answer in the active recorder. */
export function note(op: string, path: string, answer: string, signature?: string): void {
  active?.recordHost(op, path, answer, signature);
}

/** The settled signature of a directory (or file) about to be listed (or read), when recording; else undefined. */
export function settledSignature(p: string): string | undefined {
  if (!active) return undefined;
  try {
    return fileSignature(fs.statSync(p), Date.now());
  } catch {
    return undefined;
  }
}

/** Records a directory's signature (taken before listing it) in the active recorder. */
export function noteDirSignature(root: string, rel: string, signature: string): void {
  active?.recordDirSignature(root, rel, signature);
}

/** Records a RepoFs answer in the active recorder. */
export function noteRepo(root: string, op: RepoOp, rel: string, answer: string, signature?: string): void {
  active?.recordRepo(root, op, rel, answer, signature);
}

/** The cache's content hash: collisions must be out of reach, since equal hashes mean equal results. */
export function digest(data: string | Uint8Array): string {
  return crypto.hash('sha256', data, 'base64');
}

export type HostStat = { type: 'file'; size: number } | { type: 'dir' | 'other' };

/**
 * The loader's door to the disk outside RepoFs (before the repo root is known, and outside the root for `--crds`):
 * the same calls as node:fs, answering what the callers use and recording it. Directory listings come back sorted
 * (every caller sorts; the disk's order is not an input).
 */
export const host = {
  /** fs.realpathSync, or undefined when it fails. */
  realpath(p: string): string | undefined {
    let real: string | undefined;
    try {
      real = fs.realpathSync(p);
    } catch {
      real = undefined;
    }
    if (active) note('realpath', p, real ?? '!');
    return real;
  },

  /** fs.statSync (following links): the type, and the size of a file; undefined when it fails. */
  stat(p: string): HostStat | undefined {
    let st: HostStat | undefined;
    try {
      const s = fs.statSync(p);
      st = s.isFile() ? { type: 'file', size: s.size } : { type: s.isDirectory() ? 'dir' : 'other' };
    } catch {
      st = undefined;
    }
    if (active) note('stat', p, st === undefined ? '!' : st.type === 'file' ? `file ${st.size}` : st.type);
    return st;
  },

  isFile(p: string): boolean {
    return host.stat(p)?.type === 'file';
  },

  isDirectory(p: string): boolean {
    return host.stat(p)?.type === 'dir';
  },

  /** fs.existsSync. */
  exists(p: string): boolean {
    const yes = fs.existsSync(p);
    if (active) note('exists', p, yes ? 'y' : 'n');
    return yes;
  },

  /** fs.readdirSync, sorted; undefined when it fails. */
  readdir(p: string): string[] | undefined {
    // Taken before listing: a change in between makes the signature older than the listing, never newer.
    const sig = settledSignature(p);
    let names: string[] | undefined;
    try {
      names = fs.readdirSync(p).sort();
    } catch {
      names = undefined;
    }
    if (active) note('readdir', p, names === undefined ? '!' : digest(names.join('\0')), names && sig);
    return names;
  },

  /** fs.readdirSync with file types (a symlink is not a directory here), sorted by name; undefined when it fails. */
  readdirTypes(p: string): { name: string; dir: boolean }[] | undefined {
    const sig = settledSignature(p);
    let entries: { name: string; dir: boolean }[] | undefined;
    try {
      entries = fs
        .readdirSync(p, { withFileTypes: true })
        .map((e) => ({ name: e.name, dir: e.isDirectory() }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      entries = undefined;
    }
    if (active) note('readdirTypes', p, entries === undefined ? '!' : digest(entries.map((e) => `${e.dir ? 'd' : '-'}${e.name}`).join('\0')), entries && sig);
    return entries;
  },

  /** fs.readFileSync as UTF-8 text, or the error code. */
  readText(p: string): { text: string } | { error: string } {
    let buf: Buffer;
    try {
      buf = fs.readFileSync(p);
    } catch (e) {
      const error = (e as NodeJS.ErrnoException).code ?? 'error';
      if (active) note('readText', p, `!${error}`);
      return { error };
    }
    if (active) note('readText', p, digest(buf));
    return { text: buf.toString('utf8') };
  },
};
