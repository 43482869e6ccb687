import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, CLUSTER, REPO, fixtureCopy, replaceOnce } from '../helpers.js';

/**
 * The installed command runs its bundle with a V8 code cache (src/cli/launch.ts): the build's (dist/bin/main.cjs.v8)
 * or one kept in the user cache directory. V8 itself compares only the source's length (a cache made for other
 * bytes of the same length runs the old code), so these tests change the bundle the way that would fool it.
 * They run a copy of the package (dist/ and schemas/), never touching dist/ itself.
 */

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `lint-gitops-${prefix}-`));

type Edits = Partial<Record<'fast.cjs' | 'main.cjs', (text: string) => string>>;

/** A copy of the built package; `edits` change its scripts' text. */
function pkgCopy(edits: Edits = {}): { bin: string; dir: string } {
  const dir = tmp('pkg');
  fs.cpSync(path.join(REPO, 'dist'), path.join(dir, 'dist'), { recursive: true });
  fs.cpSync(path.join(REPO, 'schemas'), path.join(dir, 'schemas'), { recursive: true });
  fs.copyFileSync(path.join(REPO, 'package.json'), path.join(dir, 'package.json'));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  for (const [name, edit] of Object.entries(edits)) {
    const file = path.join(dir, 'dist', 'bin', name);
    const before = fs.readFileSync(file, 'utf8');
    const after = edit(before);
    expect(after).not.toBe(before);
    fs.writeFileSync(file, after);
  }
  return { bin: path.join(dir, 'dist', 'bin', 'lint-gitops.js'), dir: path.join(dir, 'dist', 'bin') };
}

function run(cli: string, args: string[], cwd: string, cache: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', LINT_GITOPS_CACHE_DIR: cache } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The code cache files in a cache directory, with what identifies each write. */
function codeFiles(cache: string): Record<string, string> {
  const dir = path.join(cache, 'code');
  if (!fs.existsSync(dir)) return {};
  return Object.fromEntries(
    fs.readdirSync(dir).map((n) => {
      const st = fs.statSync(path.join(dir, n), { bigint: true });
      return [n, `${st.ino} ${st.mtimeNs} ${st.size}`];
    }),
  );
}

/** What src/cli/launch.ts keys a script's code cache on. */
const keyOf = (script: string) =>
  createHash('sha256').update(`${process.version} ${process.platform} ${process.arch}\0`).update(fs.readFileSync(script, 'utf8')).digest('hex');

/** The depth (1 fast path, 2 resumed, 3 full) of each kept code cache, by script. */
function depths(cache: string, dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const script of ['fast.cjs', 'main.cjs']) {
    const file = path.join(cache, 'code', `${keyOf(path.join(dir, script)).slice(0, 32)}.v8`);
    if (fs.existsSync(file)) out[script] = fs.readFileSync(file).toString('latin1').split('\n')[0]!.split('\t')[2]!;
  }
  return out;
}

/** Same-length edits: V8 would take the old code cache and run the old code. */
const stylish = (to: string) => replaceOnce('`\\u2714 no problems (${plural(', `\`\\u2714 ${to} (\${plural(`);
const pathNotFound = (to: string) => replaceOnce('" does not exist";', `" ${to}";`);
const comment: Edits = { 'fast.cjs': (s) => `${s}\n// another build\n`, 'main.cjs': (s) => `${s}\n// another build\n` };

let repo: string;
let broken: string;
beforeAll(() => {
  repo = fixtureCopy();
  broken = fixtureCopy({ 'flux-apps/grafana/kustomization.yaml': replaceOnce('- release.yaml', '- releases.yaml') });
});

describe('the code cache of the installed command', () => {
  it('is built with the bundle, and an empty cache directory gets none of its own', () => {
    for (const f of ['fast.cjs.v8', 'main.cjs.v8']) expect(fs.statSync(path.join(REPO, 'dist', 'bin', f)).size).toBeGreaterThan(10_000);
    const cache = tmp('cache');
    const first = run(path.join(REPO, 'dist', 'bin', 'lint-gitops.js'), [CLUSTER], repo, cache);
    expect(first).toEqual(run(CLI, [CLUSTER, '--no-cache'], repo, tmp('cache')));
    expect(codeFiles(cache)).toEqual({});
  });

  it('is never used for other bytes of the same length: each script runs as it is, and its own cache is kept', () => {
    const { bin, dir } = pkgCopy({ 'fast.cjs': stylish('no PROBLEMS'), 'main.cjs': pathNotFound('does not EXIST') });
    const cache = tmp('cache');
    const clean = run(bin, [CLUSTER], repo, cache);
    expect(clean.stdout).toContain('no PROBLEMS (1 cluster');
    const findings = run(bin, [CLUSTER], broken, cache);
    expect(findings.stdout).toContain("resources entry 'releases.yaml' does not EXIST");
    expect(depths(cache, dir)).toEqual({ 'fast.cjs': '3', 'main.cjs': '3' });
    const kept = codeFiles(cache);
    expect(Object.keys(kept)).toHaveLength(2);
    // The next runs use them (and so do not write them again), and print the same.
    expect(run(bin, [CLUSTER, '--no-color'], repo, cache).stdout).toBe(clean.stdout);
    expect(run(bin, [CLUSTER, '--no-color'], broken, cache)).toEqual(findings);
    expect(codeFiles(cache)).toEqual(kept);
    expect(run(bin, [CLUSTER, '--format', 'json'], broken, cache).stdout).toBe(run(CLI, [CLUSTER, '--no-cache', '--format', 'json'], broken, tmp('cache')).stdout.replace('does not exist', 'does not EXIST'));

    // A cache kept for one script is not used for another of the same length, under its name or as its build's.
    const other = pkgCopy({ 'fast.cjs': stylish('NO problems'), 'main.cjs': pathNotFound('DOES not exist') });
    const otherCache = tmp('cache');
    fs.mkdirSync(path.join(otherCache, 'code'));
    for (const script of ['fast.cjs', 'main.cjs']) {
      const keptFile = path.join(cache, 'code', `${keyOf(path.join(dir, script)).slice(0, 32)}.v8`);
      fs.copyFileSync(keptFile, path.join(otherCache, 'code', `${keyOf(path.join(other.dir, script)).slice(0, 32)}.v8`));
      fs.copyFileSync(keptFile, path.join(other.dir, `${script}.v8`));
    }
    expect(run(other.bin, [CLUSTER], repo, otherCache).stdout).toContain('NO problems (1 cluster');
    expect(run(other.bin, [CLUSTER], broken, otherCache).stdout).toContain("resources entry 'releases.yaml' DOES not exist");
  });

  it('reads a damaged cache file as none and writes it again', () => {
    const { bin } = pkgCopy({ 'main.cjs': comment['main.cjs'] });
    const cache = tmp('cache');
    const first = run(bin, [CLUSTER, '--no-color'], repo, cache);
    const [name] = Object.keys(codeFiles(cache));
    expect(Object.keys(codeFiles(cache))).toHaveLength(1);
    const file = path.join(cache, 'code', name!);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 100] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const damaged = codeFiles(cache);
    expect(run(bin, [CLUSTER], repo, cache)).toEqual(first);
    expect(codeFiles(cache)).not.toEqual(damaged);
    const rewritten = codeFiles(cache);
    expect(run(bin, [CLUSTER, '--quiet'], repo, cache)).toEqual(first);
    expect(codeFiles(cache)).toEqual(rewritten);
  });

  it('replaces a cache from a run that went less far (the fast path, a resumed run) after one that went further', () => {
    const { bin, dir } = pkgCopy(comment);
    const cache = tmp('cache');
    const fixture = fixtureCopy();
    expect(run(bin, [CLUSTER], fixture, cache).code).toBe(0);
    expect(depths(cache, dir)).toEqual({ 'fast.cjs': '3', 'main.cjs': '3' });
    fs.rmSync(path.join(cache, 'code'), { recursive: true });
    // Only the fast path runs now: main.cjs is not even loaded.
    expect(run(bin, [CLUSTER], fixture, cache).code).toBe(0);
    expect(depths(cache, dir)).toEqual({ 'fast.cjs': '1' });
    fs.appendFileSync(path.join(fixture, 'flux-apps', 'forgejo', 'release.yaml'), '# edited\n');
    expect(run(bin, [CLUSTER], fixture, cache).code).toBe(0);
    expect(depths(cache, dir)).toEqual({ 'fast.cjs': '2', 'main.cjs': '2' });
    expect(run(bin, [CLUSTER, '--format', 'json'], fixture, cache).code).toBe(0);
    expect(depths(cache, dir)).toEqual({ 'fast.cjs': '3', 'main.cjs': '3' });
  });

  it('with --no-cache neither reads nor writes the cache directory', () => {
    const { bin } = pkgCopy(comment);
    const cache = tmp('cache');
    fs.rmSync(cache, { recursive: true });
    const r = run(bin, [CLUSTER, '--no-cache'], repo, cache);
    expect(r).toEqual(run(CLI, [CLUSTER, '--no-cache'], repo, tmp('cache')));
    expect(fs.existsSync(cache)).toBe(false);
  });
});
