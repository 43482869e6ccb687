/**
 * The installed command (package.json "bin": dist/bin/lint-gitops.js, this module bundled by scripts/bundle.mjs).
 * It runs the command's bundle, two CommonJS scripts — dist/bin/fast.cjs (src/cli/command.ts: the result cache's fast
 * path) and dist/bin/main.cjs (the full command, loaded only when the fast path cannot answer) — through vm.Script
 * with V8 code caches, so that a run does not parse and compile the bundle's code again: compiling it (the ESM
 * loader's module compile, then each function the first time it runs) was a large share of a small run. Node 20
 * has no module.enableCompileCache; vm.Script's cachedData is the way.
 *
 * Where a script's code cache comes from, first that which matches:
 *  1. dist/bin/<script>.v8, written by the build (scripts/bundle.mjs runs the bundle on a copy of the fixture and
 *     keeps what V8 compiled): a fresh clone after `npm run build`, or a package installed on the Node.js version
 *     that built it, starts warm even with an empty cache directory;
 *  2. `code/` in the user cache directory (src/cache/dir.ts), written after a run that had no matching cache, or
 *     one from a run that went less far (the fast path compiles less than the full CLI). Not with --no-cache, which
 *     neither reads nor writes the cache directory.
 * A code cache is only ever used for exactly the bytes it was made from: its header holds a hash of the script's
 * source and of the Node.js version (V8 itself checks its version and flags but compares only the source's length:
 * it would run the old code of a same-length edit), and a hash of the rest of the file (its depth and V8's data:
 * V8 checks its own checksum only in debug builds), so a damaged file reads as none and is written again.
 * Whatever is used, the same code runs: the cache only spares V8 the compile.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { writeFileAtomic } from '../cache/atomic.js';
import { cacheDir } from '../cache/dir.js';
import type { Reached, run } from './command.js';

const FORMAT = 'lint-gitops code cache 2';
/** How much of the bundle a run compiled: a cache from a run that went less far is replaced. */
const DEPTH: Record<Reached, number> = { fast: 1, resume: 2, full: 3 };
/** Code caches kept in the user cache directory (two per build and Node.js version); the oldest go first. */
const MAX_KEPT = 8;

export interface LaunchOptions {
  argv: string[];
  /** Where fast.cjs and main.cjs are; default dist/bin/. */
  dir?: string;
  /** The user cache directory (undefined: not used). */
  cacheDir?: string;
  /** The build only: instead of running argv, hands `run` to `train`, then writes what V8 compiled to dist/bin/. */
  train?: (command: typeof run) => Promise<void>;
}

/** Where each script's code cache came from, if one was accepted, and the user cache files written after the run. */
export interface Launched {
  exitCode: number;
  codeCache: Partial<Record<'fast' | 'main', 'shipped' | 'user'>>;
  wrote: string[];
}

interface Kept {
  depth: number;
  data: Buffer;
}

/** One of the bundle's scripts, compiled (with a code cache when one matches) and run. */
class Part {
  readonly file: string;
  readonly key: string;
  private readonly userFile: string | undefined;
  private script!: vm.Script;
  kept: Kept | undefined;
  from: 'shipped' | 'user' | undefined;

  constructor(dir: string, name: string, cacheDir: string | undefined, train: boolean) {
    this.file = path.join(dir, name);
    const source = fs.readFileSync(this.file, 'utf8');
    this.key = createHash('sha256').update(`${process.version} ${process.platform} ${process.arch}\0`).update(source).digest('hex');
    this.userFile = cacheDir ? path.join(cacheDir, 'code', `${this.key.slice(0, 32)}.v8`) : undefined;
    for (const [file, label] of [
      [train ? undefined : `${this.file}.v8`, 'shipped'],
      [this.userFile, 'user'],
    ] as const) {
      const k = file ? readCode(file, this.key) : undefined;
      if (!k) continue;
      const s = compile(source, this.file, k.data);
      if (s.cachedDataRejected) continue;
      [this.script, this.kept, this.from] = [s, k, label];
      return;
    }
    this.script = compile(source, this.file, undefined);
  }

  /** Runs the script; `extra` is what its wrapper's last parameter stands for. */
  exports(extra: unknown): Record<string, unknown> {
    const module = { exports: {} as Record<string, unknown> };
    const body = this.script.runInThisContext() as (...args: unknown[]) => void;
    body.call(module.exports, module.exports, createRequire(this.file), module, this.file, path.dirname(this.file), import.meta.resolve, extra);
    return module.exports;
  }

  /** Keeps what V8 compiled in the user cache directory when this run went further than the cache used. */
  keep(depth: number): string | undefined {
    if (!this.userFile || depth <= (this.kept?.depth ?? 0)) return undefined;
    if (!writeCode(this.userFile, this.key, depth, this.script.createCachedData())) return undefined;
    prune(path.dirname(this.userFile), this.userFile);
    return this.userFile;
  }

  ship(depth: number): void {
    if (!writeCode(`${this.file}.v8`, this.key, depth, this.script.createCachedData())) throw new Error(`could not write ${this.file}.v8`);
  }
}

export async function launch(options: LaunchOptions): Promise<Launched> {
  const dir = options.dir ?? fileURLToPath(new URL('../bin/', import.meta.url));
  const train = options.train !== undefined;
  const fast = new Part(dir, 'fast.cjs', options.cacheDir, train);
  let main: Part | undefined;
  let mainExports: Record<string, unknown> | undefined;
  const loadMain = () => {
    if (!mainExports) {
      main = new Part(dir, 'main.cjs', options.cacheDir, train);
      mainExports = main.exports(fastExports);
    }
    return mainExports;
  };
  const fastExports = fast.exports(loadMain);
  const command = fastExports.run as typeof run;

  let depth = 0;
  const reached = (how: Reached) => (depth = Math.max(depth, DEPTH[how]));
  if (options.train) {
    await options.train((argv, how) => command(argv, (h) => (reached(h), how?.(h))));
    fast.ship(depth);
    main?.ship(depth);
    return { exitCode: 0, codeCache: {}, wrote: [] };
  }
  const exitCode = await command(options.argv, reached);
  const codeCache: Launched['codeCache'] = {};
  if (fast.from) codeCache.fast = fast.from;
  if (main?.from) codeCache.main = main.from;
  const wrote = [fast.keep(depth), main?.keep(depth)].filter((f): f is string => f !== undefined);
  return { exitCode, codeCache, wrote };
}

/** A script as a CommonJS module body; the extra parameters stand for `import.meta.resolve` and the other script. */
function compile(source: string, filename: string, cachedData: Buffer | undefined): vm.Script {
  const wrapped = `(function (exports, require, module, __filename, __dirname, __lintGitopsImportMetaResolve, __lintGitopsOther) {${source}\n})`;
  return new vm.Script(wrapped, { filename, ...(cachedData ? { cachedData } : {}) });
}

/** A code cache file: a header line (format, key, depth, hash of the depth and the data) and V8's data. */
function readCode(file: string, key: string): Kept | undefined {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const nl = buf.indexOf(10);
  if (nl < 0 || nl > 512) return undefined;
  const [format, k, depth, hash] = buf.subarray(0, nl).toString('latin1').split('\t');
  const data = buf.subarray(nl + 1);
  if (format !== FORMAT || k !== key || hash !== dataHash(depth, data)) return undefined;
  return { depth: Number(depth) || 0, data };
}

function dataHash(depth: string, data: Buffer): string {
  return createHash('sha256').update(`${depth}\n`).update(data).digest('hex');
}

/** Writes a code cache file (to a temporary file renamed over it); false when it could not be written. */
function writeCode(file: string, key: string, depth: number, data: Buffer): boolean {
  const header = [FORMAT, key, String(depth), dataHash(String(depth), data)].join('\t');
  return writeFileAtomic(file, Buffer.concat([Buffer.from(`${header}\n`, 'latin1'), data]));
}

function prune(dir: string, keep: string): void {
  try {
    const files = fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.v8'))
      .map((n) => path.join(dir, n))
      .filter((f) => f !== keep)
      .map((f) => ({ f, t: fs.statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
      .sort((a, b) => b.t - a.t);
    for (const { f } of files.slice(MAX_KEPT - 1)) fs.rmSync(f, { force: true });
  } catch {
    // as above
  }
}

/** The command line: --no-cache keeps the user cache directory out of it (the build's code cache is part of it). */
export function userCacheDir(argv: readonly string[]): string | undefined {
  return argv.includes('--no-cache') ? undefined : cacheDir();
}
