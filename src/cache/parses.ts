import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parserVersion as cacheVersion, parseKey, type ParseStore } from '../load/parse/store.js';
import { checksum } from '../model/checksum.js';
import { CACHE_DIR_MODE, CACHE_FILE_MODE } from './atomic.js';

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
export class ParseCache implements ParseStore {
  /** Entries of the file, by key, with their checksum (checked on first use: most runs use only some). */
  private readonly old = new Map<string, { value: Uint8Array; sum: string }>();
  private readonly used = new Map<string, Uint8Array>();
  private dirty = false;

  private constructor(private readonly file: string) {}

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

  /** The entry for a file's bytes, as parsed by this parser (src/load/parse/store.ts). */
  static key(text: string): string {
    return parseKey(text);
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
    this.used.set(key, value);
    this.dirty = true;
  }

  /** Writes the entries this run used, when anything changed; a failure to write is not a lint failure. */
  save(): void {
    if (!this.dirty && this.used.size === this.old.size) return;
    const entries = [...this.used].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const index: [string, number, string][] = entries.map(([k, v]) => [k, v.byteLength, checksum(v)]);
    const header = Buffer.from(JSON.stringify({ version: cacheVersion(), index }));
    // The header's length and a hash of its bytes (see load).
    const len = Buffer.alloc(4 + HEADER_SUM_BYTES);
    len.writeUInt32LE(header.length);
    len.write(checksum(header), 4, 'latin1');
    // Process id and random bytes: two writers never share a temporary file (as src/cache/atomic.ts).
    const tmp = `${this.file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: CACHE_DIR_MODE });
      const fd = fs.openSync(tmp, 'w', CACHE_FILE_MODE);
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
