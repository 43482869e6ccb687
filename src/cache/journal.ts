import crypto from 'node:crypto';
import fs from 'node:fs';

/**
 * What a lint saw of the disk: every question the loader asked (a path's real path, type, listing or bytes) and
 * the answer it got. The lint is a pure function of those answers (plus the tool and its options), so when every
 * question still gets the same answer its results still hold — including questions that found nothing: a file
 * appearing where a path was missing changes the answer to "what is there?".
 *
 * Only this module and src/load/repo-fs.ts talk to the disk for the loader (discovery, config, CRD directories
 * and `--crds` go through `host` below); both record into the journal that is active, if any. Nothing is recorded
 * (and nothing is hashed) when no journal is active.
 */
export class Journal {
  /** Answers to RepoFs questions, by repository root, question (kind, list, read) and repo-relative path. */
  readonly repos = new Map<string, Map<RepoOp, Map<string, string>>>();
  /** For a file's bytes: its stat signature when they were read, if it had settled (see fileSignature), by root and path. */
  readonly signatures = new Map<string, Map<string, string>>();
  /**
   * Stat signatures of directories taken (settled) just before they were listed, by root and path: an unchanged
   * directory signature vouches for its listing and for the kind of each plain file or directory in it (entries
   * cannot be added, removed, renamed or replaced without the directory's times changing).
   */
  readonly dirSignatures = new Map<string, Map<string, string>>();
  /** Answers to `host` questions, by question and absolute path. */
  readonly host = new Map<string, Map<string, string>>();
  /** For host listings: the directory's settled signature taken before listing it, by path. */
  readonly hostSignatures = new Map<string, string>();
  /** The same question got two answers during the run (the disk changed under it): never reuse such a run. */
  conflict = false;

  recordRepo(root: string, op: RepoOp, rel: string, answer: string, signature?: string): void {
    let byOp = this.repos.get(root);
    if (!byOp) {
      byOp = new Map();
      this.repos.set(root, byOp);
    }
    let answers = byOp.get(op);
    if (!answers) {
      answers = new Map();
      byOp.set(op, answers);
    }
    const had = answers.get(rel);
    if (had !== undefined && had !== answer) this.conflict = true;
    answers.set(rel, answer);
    if (op !== 'read') return;
    let sigs = this.signatures.get(root);
    if (!sigs) {
      sigs = new Map();
      this.signatures.set(root, sigs);
    }
    // A signature vouches only if every read of the file saw it.
    if (had === undefined && signature !== undefined) sigs.set(rel, signature);
    else if (sigs.get(rel) !== signature) sigs.delete(rel);
  }

  recordHost(op: string, path: string, answer: string, signature?: string): void {
    let answers = this.host.get(op);
    if (!answers) {
      answers = new Map();
      this.host.set(op, answers);
    }
    const had = answers.get(path);
    if (had !== undefined && had !== answer) this.conflict = true;
    answers.set(path, answer);
    if (signature !== undefined) recordSignature(this.hostSignatures, path, signature);
  }

  recordDirSignature(root: string, rel: string, signature: string): void {
    let sigs = this.dirSignatures.get(root);
    if (!sigs) {
      sigs = new Map();
      this.dirSignatures.set(root, sigs);
    }
    recordSignature(sigs, rel, signature);
  }

  /** Copies another journal's facts in (a run's journal is its phases' journals together). */
  add(other: Journal): void {
    for (const [op, answers] of other.host) for (const [p, a] of answers) this.recordHost(op, p, a, other.hostSignatures.get(p));
    for (const [root, sigs] of other.dirSignatures) for (const [rel, sig] of sigs) this.recordDirSignature(root, rel, sig);
    for (const [root, byOp] of other.repos) {
      for (const [op, answers] of byOp) {
        const sigs = other.signatures.get(root);
        for (const [rel, a] of answers) this.recordRepo(root, op, rel, a, sigs?.get(rel));
      }
    }
    if (other.conflict) this.conflict = true;
  }

  /** The journal as stored in a cache entry. */
  stored(): StoredJournal {
    const host: StoredJournal['host'] = [];
    for (const [op, answers] of this.host) {
      for (const [p, a] of answers) {
        const sig = op === 'readdir' || op === 'readdirTypes' ? this.hostSignatures.get(p) : undefined;
        host.push(sig === undefined ? [op, p, a] : [op, p, a, sig]);
      }
    }
    const repos: StoredJournal['repos'] = [];
    for (const [root, byOp] of this.repos) {
      const sigs = this.signatures.get(root);
      const kind: [string, string][] = [];
      const list: [string, string][] = [];
      const read: ([string, string] | [string, string, string])[] = [];
      // A plain file or directory's kind names its own path: stored as just the kind.
      for (const [rel, a] of byOp.get('kind') ?? []) kind.push([rel, a === `file ${rel}` ? 'file' : a === `dir ${rel}` ? 'dir' : a]);
      for (const [rel, a] of byOp.get('list') ?? []) list.push([rel, a]);
      for (const [rel, a] of byOp.get('read') ?? []) {
        const sig = sigs?.get(rel);
        read.push(sig === undefined ? [rel, a] : [rel, a, sig]);
      }
      const dirs = [...(this.dirSignatures.get(root) ?? [])].filter(([, sig]) => sig !== CONFLICTING);
      repos.push({ root, kind, list, read, dirs });
    }
    return { host, repos };
  }

  static fromStored(stored: StoredJournal): Journal {
    const j = new Journal();
    for (const [op, p, a, sig] of stored.host) j.recordHost(op, p, a, sig);
    for (const r of stored.repos) {
      for (const [rel, sig] of r.dirs) j.recordDirSignature(r.root, rel, sig);
      for (const [rel, a] of r.kind) j.recordRepo(r.root, 'kind', rel, kindAnswer(rel, a));
      for (const [rel, a] of r.list) j.recordRepo(r.root, 'list', rel, a);
      for (const [rel, a, sig] of r.read) j.recordRepo(r.root, 'read', rel, a, sig);
    }
    return j;
  }
}

export type RepoOp = 'kind' | 'list' | 'read';

/**
 * A journal in a cache entry: host facts as [op, path, answer]; RepoFs facts per root and question as
 * [rel, answer] ([rel, answer, signature?] for bytes; a kind without a space is `<kind> <rel>`).
 */
export interface StoredJournal {
  host: ([string, string, string] | [string, string, string, string])[];
  repos: {
    root: string;
    kind: [string, string][];
    list: [string, string][];
    read: ([string, string] | [string, string, string])[];
    /** Settled directory signatures taken before listing: [rel, signature]. */
    dirs: [string, string][];
  }[];
}

/** Two signatures for one directory within a run: it changed, so neither vouches for anything. */
const CONFLICTING = '!';

function recordSignature(sigs: Map<string, string>, key: string, signature: string): void {
  const had = sigs.get(key);
  sigs.set(key, had === undefined || had === signature ? signature : CONFLICTING);
}

/** A stored kind answer in full. */
export function kindAnswer(rel: string, stored: string): string {
  return stored.includes(' ') ? stored : `${stored} ${rel}`;
}

/** A stored journal's shape, checked before it is trusted to be one. */
export function isStoredJournal(v: unknown): v is StoredJournal {
  const j = v as StoredJournal | undefined;
  return (
    typeof j === 'object' &&
    j !== null &&
    Array.isArray(j.host) &&
    Array.isArray(j.repos) &&
    j.repos.every((r) => typeof r?.root === 'string' && Array.isArray(r.kind) && Array.isArray(r.list) && Array.isArray(r.read) && Array.isArray(r.dirs))
  );
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

let active: Journal | undefined;

/** Runs `fn` with `journal` receiving every disk question asked meanwhile (undefined: none). */
export function recording<T>(journal: Journal | undefined, fn: () => T): T {
  const previous = active;
  active = journal;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

export function isRecording(): boolean {
  return active !== undefined;
}

/** The journal recording now, if any (a memo can skip noting what it noted in this journal already). */
export function activeJournal(): Journal | undefined {
  return active;
}

/** Records a host answer in the active journal. */
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

/** Records a directory's signature (taken before listing it) in the active journal. */
export function noteDirSignature(root: string, rel: string, signature: string): void {
  active?.recordDirSignature(root, rel, signature);
}

/** Records a RepoFs answer in the active journal. */
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

/** The host questions a journal may hold, by op: replaying one asks the disk again. */
export const HOST_OPS: Record<string, (arg: string) => void> = {
  realpath: (p) => void host.realpath(p),
  stat: (p) => void host.stat(p),
  exists: (p) => void host.exists(p),
  readdir: (p) => void host.readdir(p),
  readdirTypes: (p) => void host.readdirTypes(p),
  readText: (p) => void host.readText(p),
};
