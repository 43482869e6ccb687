import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SchemaIssue } from '../schema/messages.js';
import { writeFileAtomic } from './atomic.js';
import { digest } from './journal.js';
import { toolId } from './tool-id.js';

/** Bumped whenever what the file holds changes shape. */
export const VALIDATIONS_FORMAT = 'lint-gitops validation results 1';

/**
 * The bound: entries kept, most recently used first. One entry per distinct object value and validator (an empty
 * result, the usual one, costs about 40 bytes on disk), so 200,000 holds the 5,000-app bench fleet (50,122 results,
 * 2 MB) four times over — several repositories, or branches of one, without evicting
 * each other — while the file stays a few megabytes, read in milliseconds. Issue lists can be long (an unknown
 * field lists every allowed key): the bytes are bounded too, so a broken tree cannot grow the file without limit.
 */
export const MAX_VALIDATION_ENTRIES = 200_000;
export const MAX_VALIDATION_BYTES = 32 * 1024 * 1024;

/** The file, in the cache directory beside the parse caches; one for every repository (entries are by content). */
export function validationsFile(cacheDir: string): string {
  return path.join(cacheDir, 'validations.json');
}

/**
 * Schema validation results kept between runs: an object whose validation inputs are all the same as in an earlier
 * run is not validated again, and its validator (often megabytes of precompiled code) is not even loaded. The key
 * (key()) is a hash of every input of a result: this build of lint-gitops (toolId: the validators, the messages
 * and the null/SOPS/substitution handling are its code and its schemas/), the validator (the precompiled code's
 * hash, or the hash of a schema compiled at run time, such as a CRD of the tree), the kind (messages name it), the
 * substitution flag, and the object's exact value (its JSON; values JSON cannot tell apart are not cached, see
 * SchemaRegistry). A result is the issue list, usually empty.
 *
 * The file is read at most once per run (on the first lookup) and written at most once, at its end (close), to a
 * temporary file renamed over it: a concurrent run reads the old file or the new one. Its header names the build
 * and carries a hash of the body: a file of another build, of another format, truncated or edited is ignored as a
 * whole, and an entry that is not an issue list is a miss. A file that cannot be written is skipped.
 */
export class ValidationResults {
  /** Entries of the file, by key: 0 for no issue, else the issue list as stored (checked when used). */
  private old: Map<string, unknown> | undefined;
  /** Entries this run used or computed, in that order (they are kept first: least recently used go first). */
  private readonly used = new Map<string, SchemaIssue[]>();
  private added = 0;
  private tool: string | undefined;
  /** Lookups answered and not answered, for tests and profiles. */
  hits = 0;
  misses = 0;

  private readonly maxEntries: number;
  private readonly maxBytes: number;

  /** `tool`: the build's identity, toolId(cacheDir) unless given (tests); `max*`: the bound, unless given (tests). */
  constructor(
    private readonly cacheDir: string,
    options: { tool?: string; maxEntries?: number; maxBytes?: number } = {},
  ) {
    this.tool = options.tool;
    this.maxEntries = options.maxEntries ?? MAX_VALIDATION_ENTRIES;
    this.maxBytes = options.maxBytes ?? MAX_VALIDATION_BYTES;
  }

  /** The key of one validation; `validator` names the validator, `json` is the object's JSON. */
  key(validator: string, kind: string, substitution: boolean, json: string): string {
    this.tool ??= toolId(this.cacheDir);
    return sha256(`${this.tool}\0${validator}\0${kind}\0${substitution ? 1 : 0}\0${json}`).slice(0, 32);
  }

  get(key: string): SchemaIssue[] | undefined {
    let issues = this.used.get(key);
    if (issues === undefined) {
      const stored = this.entries().get(key);
      issues = stored === undefined ? undefined : asIssues(stored);
      if (issues !== undefined) this.used.set(key, issues);
    }
    if (issues === undefined) this.misses++;
    else this.hits++;
    return issues;
  }

  set(key: string, issues: SchemaIssue[]): void {
    if (this.used.has(key)) return;
    this.used.set(key, issues);
    this.added++;
  }

  /** Writes the file when this run computed anything new: this run's entries first, then the older ones, bounded. */
  save(): void {
    if (this.added === 0) return;
    const parts: string[] = [];
    let bytes = 0;
    const push = (key: string, issues: unknown): boolean => {
      const part = issues === 0 || (Array.isArray(issues) && issues.length === 0) ? `["${key}",0]` : JSON.stringify([key, issues]);
      if (parts.length >= this.maxEntries || bytes + part.length > this.maxBytes) return false;
      parts.push(part);
      bytes += part.length + 1;
      return true;
    };
    let room = true;
    for (const [key, issues] of this.used) if (!(room = push(key, issues))) break;
    if (room) {
      for (const [key, issues] of this.entries()) {
        if (this.used.has(key)) continue;
        if (!push(key, issues)) break;
      }
    }
    const body = `[${parts.join(',')}]`;
    const header = JSON.stringify({ format: VALIDATIONS_FORMAT, tool: this.tool ?? toolId(this.cacheDir), body: digest(body) });
    const file = validationsFile(this.cacheDir);
    if (writeFileAtomic(file, `${header}\n${body}`)) this.added = 0;
  }

  /** The file's entries, read on first use; empty when it is missing or does not check out. */
  private entries(): Map<string, unknown> {
    if (this.old) return this.old;
    this.old = new Map();
    this.tool ??= toolId(this.cacheDir);
    let text: string;
    try {
      text = fs.readFileSync(validationsFile(this.cacheDir), 'utf8');
    } catch {
      return this.old;
    }
    const nl = text.indexOf('\n');
    if (nl < 0) return this.old;
    try {
      const header = JSON.parse(text.slice(0, nl)) as { format?: unknown; tool?: unknown; body?: unknown };
      const body = text.slice(nl + 1);
      if (header.format !== VALIDATIONS_FORMAT || header.tool !== this.tool || header.body !== digest(body)) return this.old;
      const list = JSON.parse(body) as unknown;
      if (!Array.isArray(list)) return this.old;
      for (const e of list as unknown[]) {
        if (Array.isArray(e) && e.length === 2 && typeof e[0] === 'string') this.old.set(e[0], e[1]);
      }
    } catch {
      this.old.clear();
    }
    return this.old;
  }
}

/**
 * One-shot crypto.hash where Node has it (20.12 and later): a Hash object per key costs about 1 µs more, and a run
 * of 1,000 apps makes about 8,000 keys.
 */
const sha256: (s: string) => string =
  typeof crypto.hash === 'function' ? (s) => crypto.hash('sha256', s, 'base64url') : (s) => crypto.createHash('sha256').update(s).digest('base64url');

/** A stored result as an issue list, or undefined when it is not one (never trusted half-way). */
function asIssues(stored: unknown): SchemaIssue[] | undefined {
  if (stored === 0) return [];
  if (!Array.isArray(stored)) return undefined;
  for (const i of stored as unknown[]) {
    if (typeof i !== 'object' || i === null || Array.isArray(i)) return undefined;
    const { path: p, keyword, message, unknownKey, allowedKeys, ...rest } = i as Record<string, unknown>;
    if (Object.keys(rest).length > 0 || typeof keyword !== 'string' || typeof message !== 'string') return undefined;
    if (!Array.isArray(p) || !p.every((s) => typeof s === 'string' || (typeof s === 'number' && Number.isInteger(s) && s >= 0))) return undefined;
    if (unknownKey !== undefined && typeof unknownKey !== 'string') return undefined;
    if (allowedKeys !== undefined && !(Array.isArray(allowedKeys) && allowedKeys.every((k) => typeof k === 'string'))) return undefined;
  }
  return stored as SchemaIssue[];
}
