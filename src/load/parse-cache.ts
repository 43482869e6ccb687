import { createHash, hash as cryptoHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAST_PARSER_VERSION } from './fast-parse.js';
import { cacheDir } from '../cache/dir.js';
import { checksum } from '../cache/checksum.js';

/**
 * Parse results keyed by a hash of the file's bytes, kept between runs under the user's cache directory (never in
 * the repository): a re-run after editing one file parses one file. An entry depends only on the text, so an
 * edited file simply misses; the whole cache is dropped when anything that shapes a parse changes (this build of
 * the parser modules, the yaml package, the V8 serialization format). Nothing is trusted that does not check out:
 * the index (keys, lengths, checksums) is checked against a hash of its bytes when the file is opened, and each
 * entry against its own checksum the first time it is used, so a damaged entry is a miss (parsed again, and
 * rewritten) and a damaged index or a truncated or foreign file drops the whole cache; lint results never depend
 * on whether the cache was there.
 */
export class ParseCache {
  /** Entries of the file, by key, with their checksum (checked on first use: most runs use only some). */
  private readonly old = new Map<string, { value: Uint8Array; sum: string }>();
  private readonly used = new Map<string, Uint8Array>();
  private dirty = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly inMemory = false,
  ) {}

  /** The cache for one repository root and cluster selection (shards keep separate files and do not evict each other). */
  static open(dir: string, scope: string): ParseCache {
    const file = path.join(dir, `parse-${hash(scope).slice(0, 24).replace(/[+/=]/g, '_')}.bin`);
    const cache = new ParseCache(file);
    try {
      cache.load(fs.readFileSync(file));
    } catch {
      cache.old.clear();
    }
    return cache;
  }

  /** A cache that remembers nothing (tests, --no-cache). */
  static none(): ParseCache {
    return new ParseCache(undefined);
  }

  /** A cache kept for this process only (lint-gitops diff: what the base shares with the head is parsed once). */
  static memory(): ParseCache {
    return new ParseCache(undefined, true);
  }

  get enabled(): boolean {
    return this.file !== undefined || this.inMemory;
  }

  /** The entry for a file's bytes, as parsed by this parser: the fast path's version is part of every key. */
  static key(text: string): string {
    // One-shot hash of the same bytes as createHash().update(FAST_PARSER_VERSION).update('\0').update(text) (the
    // version is ASCII): a third of the time over a 5,000-app fleet's 30,111 files (~100 ms against ~290 ms).
    return cryptoHash('sha256', `${FAST_PARSER_VERSION}\0${text}`, 'base64');
  }

  get(key: string): Uint8Array | undefined {
    const used = this.used.get(key);
    if (used) return used;
    const kept = this.old.get(key);
    if (!kept) return undefined;
    // Entries not used by this run are dropped on save: a changed file's old entry, and a damaged one.
    if (checksum(kept.value) !== kept.sum) {
      this.old.delete(key);
      return undefined;
    }
    this.used.set(key, kept.value);
    return kept.value;
  }

  set(key: string, value: Uint8Array): void {
    if (!this.enabled) return;
    this.used.set(key, value);
    this.dirty = true;
  }

  /** Writes the entries this run used, when anything changed; a failure to write is not a lint failure. */
  save(): void {
    if (!this.file) return;
    if (!this.dirty && this.used.size === this.old.size) return;
    const entries = [...this.used].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const index: [string, number, string][] = entries.map(([k, v]) => [k, v.byteLength, checksum(v)]);
    const header = Buffer.from(JSON.stringify({ version: cacheVersion(), index }));
    // The header's length and a hash of its bytes (see load).
    const len = Buffer.alloc(4 + HEADER_SUM_BYTES);
    len.writeUInt32LE(header.length);
    len.write(checksum(header), 4, 'latin1');
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const fd = fs.openSync(tmp, 'w');
      try {
        // In chunks of about WRITE_CHUNK bytes: a write per entry was 30,000 system calls on a large fleet.
        let pending: Uint8Array[] = [];
        let size = 0;
        const flush = () => {
          if (size > 0) writeAll(fd, pending.length === 1 ? pending[0] : Buffer.concat(pending, size));
          pending = [];
          size = 0;
        };
        for (const part of [len, header, ...entries.map(([, v]) => v)]) {
          pending.push(part);
          size += part.byteLength;
          if (size >= WRITE_CHUNK) flush();
        }
        flush();
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, this.file);
      prune(path.dirname(this.file), this.file);
    } catch {
      fs.rmSync(tmp, { force: true });
    }
  }

  /**
   * The file: the header's length (4 bytes, little-endian) and checksum (HEADER_SUM_BYTES of ASCII), the header
   * (JSON: the cache version and the index, [key, length, checksum] per entry), then the entries' bytes in index
   * order. Anything that does not check out throws (the caller drops the whole file).
   */
  private load(buf: Buffer): void {
    const start = 4 + HEADER_SUM_BYTES;
    const headerLength = buf.readUInt32LE(0);
    const headerBytes = buf.subarray(start, start + headerLength);
    if (headerBytes.length !== headerLength || buf.toString('latin1', 4, start) !== checksum(headerBytes)) throw new Error('damaged header');
    const header = JSON.parse(headerBytes.toString('utf8')) as { version?: unknown; index?: unknown };
    if (header.version !== cacheVersion() || !Array.isArray(header.index)) return;
    let at = start + headerLength;
    for (const entry of header.index as unknown[]) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Number.isInteger(entry[1]) || entry[1] < 0 || typeof entry[2] !== 'string') throw new Error('bad index');
      const end = at + (entry[1] as number);
      if (end > buf.length) throw new Error('truncated');
      this.old.set(entry[0], { value: buf.subarray(at, end), sum: entry[2] });
      at = end;
    }
    if (at !== buf.length) throw new Error('trailing bytes');
  }
}

/** Length of a checksum (src/cache/checksum.ts) as stored before the header. */
const HEADER_SUM_BYTES = 22;

/** Bytes gathered before each write of the cache file. */
const WRITE_CHUNK = 1024 * 1024;

/** Writes all of `buf` (a write may take only part of it). */
function writeAll(fd: number, buf: Uint8Array): void {
  for (let at = 0; at < buf.byteLength; ) at += fs.writeSync(fd, buf, at, buf.byteLength - at);
}

/** Cache files kept per directory: one per repository (and shard) linted; the least recently written go first. */
const MAX_CACHE_FILES = 32;

function prune(dir: string, keep: string): void {
  const files = fs
    .readdirSync(dir)
    .filter((n) => /^parse-.*\.bin$/.test(n))
    .map((n) => path.join(dir, n));
  if (files.length <= MAX_CACHE_FILES) return;
  const byAge = files
    .filter((f) => f !== keep)
    .map((f) => ({ f, t: fs.statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => a.t - b.t);
  for (const { f } of byAge.slice(0, files.length - MAX_CACHE_FILES)) fs.rmSync(f, { force: true });
}

function hash(s: string): string {
  return createHash('sha256').update(s).digest('base64');
}

let version: string | undefined;

/**
 * Changes whenever a parse could come out differently: the parser modules of this build (the full parse and the
 * fast path, and the fast path's own version), the yaml and js-yaml packages, V8.
 */
export function cacheVersion(): string {
  if (version) return version;
  const h = createHash('sha256');
  // Format 2: a file fails as a whole (FILE_FAILED), limits are problems of kind 'limit', unresolved aliases are found.
  h.update(`format 2\0${process.versions.v8}\0${FAST_PARSER_VERSION}\0`);
  for (const mod of ['yaml-file', 'parsed-file', 'fast-parse', 'light-ast']) {
    // Built: the .js beside this file; from sources (tests): the .ts.
    const text = ['js', 'ts'].map((ext) => readOrUndefined(new URL(`./${mod}.${ext}`, import.meta.url))).find((t) => t !== undefined);
    h.update(`${mod}\0`);
    h.update(text ?? 'missing');
  }
  for (const pkg of ['yaml', 'js-yaml']) {
    try {
      const entry = fileURLToPath(import.meta.resolve(pkg));
      const st = fs.statSync(entry);
      h.update(`${entry}\0${st.size}\0${st.mtimeMs}\0`);
    } catch {
      h.update(`${pkg}?\0`);
    }
  }
  version = h.digest('base64');
  return version;
}

function readOrUndefined(url: URL): Buffer | undefined {
  try {
    return fs.readFileSync(fileURLToPath(url));
  } catch {
    return undefined;
  }
}

/** Where the cache lives: $LINT_GITOPS_CACHE_DIR, else the platform's user cache directory (src/cache/dir.ts). */
export const defaultCacheDir = cacheDir;
