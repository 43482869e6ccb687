import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { digest } from './journal.js';

/** Bumped whenever what an entry holds changes shape. */
export const ENTRY_FORMAT = 'lint-gitops result cache 1';

/** Entries kept per kind; the oldest written go first. */
const MAX_ENTRIES: Record<EntryKind, number> = { run: 64, cluster: 512, tool: 8 };

export type EntryKind = 'run' | 'cluster' | 'tool';

/**
 * Result cache entries: one file each under `<cache dir>/results/`, named by kind and key. A file is a header line
 * (format, kind, key, a hash of the body) and the body (JSON). Anything that does not check out — another format,
 * another key, a truncated or edited body, unreadable JSON — reads as no entry. Writes go to a temporary file
 * renamed over the entry, so a concurrent reader sees the old entry or the new one, never half of one; a write
 * that fails (a read-only cache directory) is skipped: the cache is an optimisation, never a reason to fail.
 */
export function readEntry<T>(cacheDir: string, kind: EntryKind, key: string): { value: T; digest: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(entryFile(cacheDir, kind, key), 'utf8');
  } catch {
    return undefined;
  }
  const nl = text.indexOf('\n');
  if (nl < 0) return undefined;
  try {
    const header = JSON.parse(text.slice(0, nl)) as { format?: unknown; kind?: unknown; key?: unknown; body?: unknown };
    const body = text.slice(nl + 1);
    if (header.format !== ENTRY_FORMAT || header.kind !== kind || header.key !== key || header.body !== digest(body)) return undefined;
    return { value: JSON.parse(body) as T, digest: header.body };
  } catch {
    return undefined;
  }
}

/** Writes an entry; returns the hash of its body, or undefined when it could not be written. */
export function writeEntry(cacheDir: string, kind: EntryKind, key: string, value: unknown): string | undefined {
  const file = entryFile(cacheDir, kind, key);
  try {
    const body = JSON.stringify(value);
    const hash = digest(body);
    if (!writeFileAtomic(file, `${JSON.stringify({ format: ENTRY_FORMAT, kind, key, body: hash })}\n${body}`)) return undefined;
    prune(path.dirname(file), kind, file);
    return hash;
  } catch {
    return undefined;
  }
}

export function entryFile(cacheDir: string, kind: EntryKind, key: string): string {
  return path.join(cacheDir, 'results', `${kind}-${key.replace(/[^A-Za-z0-9]/g, '_').slice(0, 43)}.json`);
}

function prune(dir: string, kind: EntryKind, keep: string): void {
  const names = fs.readdirSync(dir).filter((n) => n.startsWith(`${kind}-`) && n.endsWith('.json'));
  if (names.length <= MAX_ENTRIES[kind]) return;
  const byAge = names
    .map((n) => path.join(dir, n))
    .filter((f) => f !== keep)
    .map((f) => ({ f, t: fs.statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => a.t - b.t);
  for (const { f } of byAge.slice(0, names.length - MAX_ENTRIES[kind])) fs.rmSync(f, { force: true });
}
