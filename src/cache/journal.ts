import type { Disk, DiskRecorder, RepoOp } from '../load/disk.js';

// The disk's door is the loader's (src/load/disk.ts); the journal is the recorder the result cache plugs into it.
export { RACY_MS, digest, fileSignature, type HostStat, type RepoOp } from '../load/disk.js';

/**
 * What a lint saw of the disk: every question the loader asked (a path's real path, type, listing or bytes) and
 * the answer it got. The lint is a pure function of those answers (plus the tool and its options), so when every
 * question still gets the same answer its results still hold — including questions that found nothing: a file
 * appearing where a path was missing changes the answer to "what is there?".
 *
 * The loader reads the disk only through the run's Disk (src/load/disk.ts: discovery, config, CRD directories,
 * `--crds`, `--schema-location`) and the RepoFs made over it (src/load/repo-fs.ts); both tell the recorder plugged
 * into that Disk with recording() (a Journal), if any. Nothing is recorded (and nothing is hashed) when none is.
 */
export class Journal implements DiskRecorder {
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

/** Runs `fn` with `journal` receiving every question asked through `disk` meanwhile (undefined: none). */
export function recording<T>(disk: Disk, journal: Journal | undefined, fn: () => T): T {
  return disk.recordingInto(journal, fn);
}

/** The journal recording what is asked through `disk` now, if any. */
export function activeJournal(disk: Disk): Journal | undefined {
  const r = disk.recording;
  return r instanceof Journal ? r : undefined;
}

/** The host questions a journal may hold, by op: replaying one asks the disk again. */
export const HOST_OPS: Record<string, (disk: Disk, arg: string) => void> = {
  realpath: (disk, p) => void disk.realpath(p),
  stat: (disk, p) => void disk.stat(p),
  exists: (disk, p) => void disk.exists(p),
  readdir: (disk, p) => void disk.readdir(p),
  readdirTypes: (disk, p) => void disk.readdirTypes(p),
  readText: (disk, p) => void disk.readText(p),
};
