import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { digest } from './journal.js';
import { readEntry, writeEntry } from './store.js';

/** A file changed less than this long ago may change again within its timestamps' resolution. */
const RACY_MS = 3000;

/** Content hashes of the tool's files, by file, with the stat signature they were taken at. */
type Manifest = Record<string, { sig: string; hash: string }>;

const ids = new Map<string, string>();

/**
 * Which lint-gitops this is, for the result cache: a hash of every file of the built code (dist/, or src/ when run
 * from sources; not the type declarations, which never run, nor V8 code caches) and of schemas/, of the
 * package.json and of each dependency's package.json, and of the Node.js version. No build step has to remember to
 * write an id, so `tsc` alone can never leave a stale one.
 *
 * Cheap all the same: the content hashes are kept in `cacheDir` with each file's stat signature (size, modification
 * and change time, inode), and a file whose signature has not changed is not read again — git's index does the
 * same. A hash is kept only when the file had not changed for a few seconds when it was read (the change time
 * cannot be set back, so a later write always changes the signature).
 */
export function toolId(cacheDir?: string): string {
  const key = cacheDir ?? '';
  let id = ids.get(key);
  if (id === undefined) {
    const codeDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    const manifestKey = digest(`${codeDir}\0${process.version}`);
    const known = cacheDir ? readEntry<Manifest>(cacheDir, 'tool', manifestKey)?.value : undefined;
    const result = computeToolId(codeDir, path.resolve(codeDir, '..'), { known });
    if (cacheDir && result.changed) writeEntry(cacheDir, 'tool', manifestKey, result.manifest);
    id = result.id;
    ids.set(key, id);
  }
  return id;
}

/** The identity of the code in `codeDir` of the package in `pkgDir`; `known`: content hashes taken before. */
export function computeToolId(
  codeDir: string,
  pkgDir: string,
  { known = {}, now = Date.now() }: { known?: Manifest; now?: number } = {},
): { id: string; manifest: Manifest; changed: boolean } {
  const parts: string[] = [`node ${process.version}`, `v8 ${process.versions.v8}`, `${process.platform} ${process.arch}`];
  const manifest: Manifest = {};
  let changed = false;
  const addFile = (file: string, label: string) => {
    // Not bigint: making BigInts for ~500 files cost more than the stat calls. The millisecond times as doubles keep
    // sub-microsecond precision, and a hash is only kept for a file settled for seconds (below).
    const st = fs.statSync(file, { throwIfNoEntry: false });
    if (!st) {
      parts.push(`${label} missing`);
      return;
    }
    const sig = `${st.size} ${st.mtimeMs} ${st.ctimeMs} ${st.ino} ${st.dev}`;
    const kept = known[label];
    let hash = kept?.sig === sig ? kept.hash : undefined;
    if (hash === undefined) {
      try {
        hash = digest(fs.readFileSync(file));
      } catch {
        parts.push(`${label} unreadable`);
        return;
      }
      const settled = st.mtimeMs < now - RACY_MS && st.ctimeMs < now - RACY_MS;
      if (!settled) {
        parts.push(`${label} ${hash}`);
        changed = true;
        return;
      }
    }
    if (kept?.sig !== sig || kept.hash !== hash) changed = true;
    manifest[label] = { sig, hash };
    parts.push(`${label} ${hash}`);
  };
  const addTree = (dir: string, label: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      parts.push(`${label}/ missing`);
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      // Type declarations never run (tsc writes one beside every module: a fifth of the files to stat); V8 code
      // caches (dist/bin/*.v8, src/cli/launch.ts) are used only for the exact script they were made from, and differ
      // from build to build of the same code.
      if (e.name.endsWith('.d.ts') || e.name.endsWith('.v8')) continue;
      const abs = `${dir}${path.sep}${e.name}`;
      if (e.isDirectory()) addTree(abs, `${label}/${e.name}`);
      else addFile(abs, `${label}/${e.name}`);
    }
  };
  addTree(codeDir, path.basename(codeDir));
  addTree(path.join(pkgDir, 'schemas'), 'schemas');
  const pkgFile = path.join(pkgDir, 'package.json');
  addFile(pkgFile, 'package.json');
  let deps: string[] = [];
  try {
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { dependencies?: Record<string, string> };
    deps = Object.keys(pkg.dependencies ?? {}).sort();
  } catch {
    parts.push('package.json unreadable');
  }
  for (const dep of deps) {
    // The manifest names the installed version.
    const file = dependencyManifest(pkgDir, dep);
    if (file === undefined) parts.push(`${dep} missing`);
    else addFile(file, `node_modules/${dep}/package.json`);
  }
  if (Object.keys(known).some((label) => !(label in manifest))) changed = true;
  return { id: digest(parts.join('\n')), manifest, changed };
}

/** node_modules/<dep>/package.json the way Node finds it: in this package's node_modules or an ancestor's. */
function dependencyManifest(pkgDir: string, dep: string): string | undefined {
  for (let d = pkgDir; ; d = path.dirname(d)) {
    const file = path.join(d, 'node_modules', dep, 'package.json');
    if (fs.existsSync(file)) return file;
    if (path.dirname(d) === d) return undefined;
  }
}
