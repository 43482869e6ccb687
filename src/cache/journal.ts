import { createHash } from 'node:crypto';
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
  /** `op\0argument` → answer. */
  readonly facts = new Map<string, string>();
  /** The same question got two answers during the run (the disk changed under it): never reuse such a run. */
  conflict = false;

  record(key: string, answer: string): void {
    const had = this.facts.get(key);
    if (had !== undefined && had !== answer) this.conflict = true;
    this.facts.set(key, answer);
  }

  /** Copies another journal's facts in (a run's journal is its phases' journals together). */
  add(other: Journal): void {
    for (const [k, v] of other.facts) this.record(k, v);
    if (other.conflict) this.conflict = true;
  }
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

/** Records an answer in the active journal. */
export function note(op: string, arg: string, answer: string): void {
  active?.record(`${op}\0${arg}`, answer);
}

/** The cache's content hash: collisions must be out of reach, since equal hashes mean equal results. */
export function digest(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('base64');
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
    let names: string[] | undefined;
    try {
      names = fs.readdirSync(p).sort();
    } catch {
      names = undefined;
    }
    if (active) note('readdir', p, names === undefined ? '!' : digest(names.join('\0')));
    return names;
  },

  /** fs.readdirSync with file types (a symlink is not a directory here), sorted by name; undefined when it fails. */
  readdirTypes(p: string): { name: string; dir: boolean }[] | undefined {
    let entries: { name: string; dir: boolean }[] | undefined;
    try {
      entries = fs
        .readdirSync(p, { withFileTypes: true })
        .map((e) => ({ name: e.name, dir: e.isDirectory() }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      entries = undefined;
    }
    if (active) note('readdirTypes', p, entries === undefined ? '!' : digest(entries.map((e) => `${e.dir ? 'd' : '-'}${e.name}`).join('\0')));
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
