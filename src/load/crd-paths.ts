import path from 'node:path';
import type { Disk } from './disk.js';
import type { LoadContext } from './context.js';
import { MAX_FILE_BYTES } from '../model/limits.js';
import type { RepoFs } from './repo-fs.js';
import type { ExtraCrd } from '../model/types.js';
import { isBroken, parseYamlFile } from './parse/yaml-file.js';

/** Files read below one `--crds` directory at most: a CRD folder is small; a mistyped `--crds /` must not read the disk. */
const MAX_CRD_FILES = 5000;

/**
 * CustomResourceDefinitions given on the command line (`--crds DIR`, relative to the working directory): files
 * inside the repository are read like the config's `crdDirectories` (role 'crd', listed in externalCrdFiles);
 * files outside it are parsed here and only their CRD documents are kept (`RepoModel.extraCrds`), since nothing
 * outside the root may become a repository file. Paths that do not exist are returned in `missing` (the caller
 * makes that a usage error).
 */
export function readCrdPaths(repoFs: RepoFs, ctx: LoadContext, written: string[], cwd: string): { files: string[]; extra: ExtraCrd[]; missing: string[] } {
  const files: string[] = [];
  const extra: ExtraCrd[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  const disk = repoFs.disk;
  const realRoot = disk.realpath(repoFs.root) ?? repoFs.root;
  for (const w of written) {
    const abs = path.resolve(cwd, w);
    const real = disk.realpath(abs);
    if (real === undefined) {
      missing.push(w);
      continue;
    }
    const yamlFiles = listYaml(disk, real, seen);
    for (const file of yamlFiles) {
      const inRoot = path.relative(realRoot, file);
      const rel = inRoot.startsWith('..') || path.isAbsolute(inRoot) ? undefined : inRoot.split(path.sep).join('/');
      if (rel !== undefined && repoFs.kind(rel) === 'file') {
        ctx.file(rel, 'crd');
        files.push(rel);
        continue;
      }
      const source = path.relative(cwd, file).split(path.sep).join('/') || file;
      const st = disk.stat(file);
      if (st === undefined || (st.type === 'file' && st.size > MAX_FILE_BYTES)) continue;
      const read = disk.readText(file);
      if ('error' in read) continue;
      for (const doc of parseYamlFile(source, read.text).docs) {
        const v = doc.value as { kind?: unknown } | null;
        if (!isBroken(doc) && v && typeof v === 'object' && v.kind === 'CustomResourceDefinition') extra.push({ source, value: doc.value });
      }
    }
  }
  return { files: [...new Set(files)].sort(), extra, missing };
}

/** YAML files at or below a real path, sorted, each directory once (a symlink loop cannot hang). */
function listYaml(disk: Disk, real: string, seen: Set<string>): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    if (out.length >= MAX_CRD_FILES) return;
    const r = disk.realpath(p);
    const st = r === undefined ? undefined : disk.stat(r);
    if (r === undefined || st === undefined) return;
    if (st.type === 'file') {
      if (/\.ya?ml$/i.test(p) && !seen.has(r)) {
        seen.add(r);
        out.push(r);
      }
      return;
    }
    if (st.type !== 'dir' || seen.has(r)) return;
    seen.add(r);
    const names = disk.readdir(r);
    if (!names) return;
    for (const name of names) if (!name.startsWith('.')) walk(path.join(r, name));
  };
  walk(real);
  return out;
}
