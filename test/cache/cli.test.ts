import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/report/index.js';
import { readEntry, writeEntry } from '../../src/cache/store.js';
import { CLI, CLUSTER, REPO, fixtureCopy, replaceOnce } from '../helpers.js';

/**
 * The CLI with the result cache: a hit prints the same bytes, to the same streams, with the same exit code as a
 * run without cache, in every format; it loads none of the heavy modules; and the cache survives what a cache
 * directory meets (corruption, no write access, concurrent runs) without ever changing a result.
 */

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `lint-gitops-${prefix}-`));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Module loads and cache reads of a run, recorded by a preload (node --import). */
const TRACE = (() => {
  const dir = tmp('trace');
  fs.writeFileSync(
    path.join(dir, 'hooks.mjs'),
    "import fs from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const r = await next(specifier, context);\n  fs.appendFileSync(process.env.TRACE_LOG, `load ${r.url}\\n`);\n  return r;\n}\n",
  );
  fs.writeFileSync(
    path.join(dir, 'preload.mjs'),
    [
      "import fs from 'node:fs';",
      "import { register, syncBuiltinESMExports } from 'node:module';",
      "register(new URL('./hooks.mjs', import.meta.url));",
      'const log = process.env.TRACE_LOG;',
      'const append = fs.appendFileSync;',
      "for (const name of ['readFileSync', 'openSync', 'writeFileSync', 'renameSync']) {",
      '  const real = fs[name];',
      '  fs[name] = function (p, ...rest) {',
      "    if (typeof p === 'string' && p.includes(`${process.env.LINT_GITOPS_CACHE_DIR}/results`)) append(log, `${name} ${p}\\n`);",
      '    return real.call(this, p, ...rest);',
      '  };',
      '}',
      'syncBuiltinESMExports();',
    ].join('\n'),
  );
  return pathToFileURL(path.join(dir, 'preload.mjs')).href;
})();

function cli(args: string[], repo: string, cache: string | undefined, env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...(cache ? { LINT_GITOPS_CACHE_DIR: cache } : {}), ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A run under the trace preload: its output, the modules it loaded and its reads/writes of cached results. */
function traced(args: string[], repo: string, cache: string): Run & { loaded: string[]; cacheIo: string[] } {
  const log = path.join(tmp('log'), 'log');
  fs.writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', TRACE, CLI, ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', LINT_GITOPS_CACHE_DIR: cache, TRACE_LOG: log },
  });
  const lines = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    loaded: lines.filter((l) => l.startsWith('load ')).map((l) => l.slice(5)),
    cacheIo: lines.filter((l) => !l.startsWith('load ')),
  };
}

const HEAVY = ['/node_modules/yaml/', '/node_modules/ajv/', '/node_modules/commander/', '/dist/engine/lint.js', '/dist/rules/index.js', '/dist/schema/'];
const heavy = (loaded: string[]) => HEAVY.filter((h) => loaded.some((u) => u.includes(h)));

/** The fixture with an error, a warning and an info finding (and a fixable one). */
function withFindings(): string {
  return fixtureCopy({
    'flux-apps/grafana/kustomization.yaml': replaceOnce('- release.yaml', '- releases.yaml'),
    'flux-apps/vault/release.yaml': replaceOnce('apiVersion: helm.toolkit.fluxcd.io/v2\n', 'apiVersion: helm.toolkit.fluxcd.io/v2beta2\n'),
  });
}

const resultFiles = (cache: string) => {
  const dir = path.join(cache, 'results');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
};

describe('the CLI with the result cache', () => {
  it('prints the same bytes, streams and exit code on a hit as without cache, in every format and with --quiet and --max-warnings', () => {
    const repo = withFindings();
    const cache = tmp('cache');
    const variants = [...FORMATS.map((f) => ['--format', f]), ['--quiet'], ['--max-warnings', '0'], ['--format', 'json', '--max-warnings', '0']];
    for (const extra of variants) {
      const args = [CLUSTER, ...extra];
      const uncached = cli([...args, '--no-cache'], repo, cache);
      expect(uncached.code).toBe(1);
      const miss = cli(args, repo, cache);
      const hit = traced(args, repo, cache);
      expect(heavy(hit.loaded)).toEqual([]);
      for (const r of [miss, hit]) {
        expect(r.stdout).toBe(uncached.stdout);
        expect(r.stderr).toBe(uncached.stderr);
        expect(r.code).toBe(uncached.code);
      }
    }
  });

  it.skipIf(process.platform === 'win32')('what the cache keeps (parsed Secrets, findings, code) is its user\'s alone, whatever the umask', () => {
    // A Secret's data is parsed into the parse cache: readable by others, it would leak what a private repository keeps.
    const repo = fixtureCopy({ 'flux-apps/vault/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: vault\nstringData:\n  token: hunter2\n' });
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-mode-'));
    const cache = path.join(parent, 'new', 'cache');
    // Under the usual umask (022), which leaves new files readable by everyone unless the writer says otherwise.
    for (let i = 0; i < 2; i++) {
      const r = spawnSync('/bin/sh', ['-c', 'umask 022 && exec "$0" "$@"', process.execPath, CLI, CLUSTER, '--format', 'json'], {
        cwd: repo,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', LINT_GITOPS_CACHE_DIR: cache },
      });
      expect(r.status, r.stderr).not.toBe(2);
    }
    const modes: string[] = [];
    const walk = (dir: string) => {
      for (const name of fs.readdirSync(dir)) {
        const abs = path.join(dir, name);
        const st = fs.statSync(abs);
        modes.push(`${st.isDirectory() ? 'd' : 'f'} ${(st.mode & 0o777).toString(8)}`);
        if (st.isDirectory()) walk(abs);
      }
    };
    walk(parent);
    expect(modes.filter((m) => m.startsWith('f')).length).toBeGreaterThan(3);
    expect([...new Set(modes)].sort()).toEqual(['d 700', 'f 600']);
  });

  it('a clean tree exits 0 on a hit; too many warnings exit 1 with the same message', () => {
    const repo = fixtureCopy({ 'flux-apps/vault/release.yaml': replaceOnce('apiVersion: helm.toolkit.fluxcd.io/v2\n', 'apiVersion: helm.toolkit.fluxcd.io/v2beta2\n') });
    const cache = tmp('cache');
    for (const args of [[CLUSTER], [CLUSTER, '--max-warnings', '0'], [CLUSTER, '--max-warnings', '5'], [CLUSTER, '--format', 'json', '--max-warnings', '0']]) {
      const uncached = cli([...args, '--no-cache'], repo, cache);
      cli(args, repo, cache);
      const hit = traced(args, repo, cache);
      expect(heavy(hit.loaded)).toEqual([]);
      expect([hit.code, hit.stdout, hit.stderr]).toEqual([uncached.code, uncached.stdout, uncached.stderr]);
    }
  });

  it('loads the heavy modules when something changed, and reports the change', () => {
    const repo = fixtureCopy();
    const cache = tmp('cache');
    expect(cli([CLUSTER], repo, cache).code).toBe(0);
    expect(heavy(traced([CLUSTER], repo, cache).loaded)).toEqual([]);
    fs.appendFileSync(path.join(repo, 'flux-apps/grafana/kustomization.yaml'), '  - missing.yaml\n');
    const miss = traced([CLUSTER], repo, cache);
    // Only the cluster changed: its lint runs again (without the command-line parser, which the run entry answered).
    expect(heavy(miss.loaded)).toEqual(expect.arrayContaining(['/node_modules/yaml/', '/dist/engine/lint.js', '/dist/schema/']));
    expect(miss.code).toBe(1);
    expect(miss.stdout).toBe(cli([CLUSTER, '--no-cache'], repo, cache).stdout);
  });

  it('after a change in one cluster (the run resumes from its entry) prints what a run without cache prints', () => {
    const repo = withFindings();
    const cache = tmp('cache');
    const crds = tmp('crds');
    fs.writeFileSync(path.join(crds, 'empty.yaml'), '');
    const args = [CLUSTER, '--format', 'json', '--crds', crds];
    const steps: (() => void)[] = [
      () => fs.appendFileSync(path.join(repo, 'flux-apps/grafana/release.yaml'), '# a comment\n'),
      () => fs.writeFileSync(path.join(repo, 'flux-apps/grafana/stray.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stray\n'),
      () => fs.writeFileSync(path.join(repo, 'flux-apps/grafana/kustomization.yaml'), fs.readFileSync(path.join(repo, 'flux-apps/grafana/kustomization.yaml'), 'utf8').replace('- releases.yaml', '- release.yaml')),
      () => fs.writeFileSync(path.join(crds, 'empty.yaml'), 'not: [a crd'),
      // The --crds directory goes away: a usage error (exit 2), cached or not.
      () => fs.rmSync(crds, { recursive: true }),
    ];
    cli(args, repo, cache);
    for (const step of steps) {
      step();
      const cached = cli(args, repo, cache);
      const uncached = cli([...args, '--no-cache'], repo, cache);
      expect([cached.code, cached.stdout, cached.stderr]).toEqual([uncached.code, uncached.stdout, uncached.stderr]);
    }
    expect(cli(args, repo, cache).code).toBe(2);
  });

  it('a config file that changes, appears or goes away is a miss; so is another option or environment', () => {
    const repo = withFindings();
    const cache = tmp('cache');
    const same = (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const cached = cli(args, repo, cache, env);
      const uncached = cli([...args, '--no-cache'], repo, cache, env);
      expect([cached.code, cached.stdout, cached.stderr]).toEqual([uncached.code, uncached.stdout, uncached.stderr]);
      return cached;
    };
    const before = same([CLUSTER, '--format', 'json']);
    fs.writeFileSync(path.join(repo, '.lint-gitops.yaml'), 'rules:\n  path-not-found: off\n');
    const off = same([CLUSTER, '--format', 'json']);
    expect(off.stdout).not.toBe(before.stdout);
    fs.writeFileSync(path.join(repo, '.lint-gitops.yaml'), 'rules:\n  path-not-found: info\n');
    expect(same([CLUSTER, '--format', 'json']).stdout).not.toBe(off.stdout);
    fs.rmSync(path.join(repo, '.lint-gitops.yaml'));
    expect(same([CLUSTER, '--format', 'json']).stdout).toBe(before.stdout);
    expect(same([CLUSTER, '--format', 'json', '--rule', 'path-not-found=off']).stdout).toBe(off.stdout);
    const runs = resultFiles(cache).filter((f) => f.startsWith('run-')).length;
    same([CLUSTER, '--format', 'json'], { LINT_GITOPS_WORKERS: '0' });
    expect(resultFiles(cache).filter((f) => f.startsWith('run-')).length).toBe(runs + 1);
  });

  it('file arguments (the pre-commit hook): a hit when nothing changed, the new finding when the file did', () => {
    const repo = fixtureCopy();
    const cache = tmp('cache');
    const file = 'flux-apps/grafana/kustomization.yaml';
    expect(cli([file], repo, cache).code).toBe(0);
    const hit = traced([file], repo, cache);
    expect(heavy(hit.loaded)).toEqual([]);
    expect(hit.code).toBe(0);
    fs.writeFileSync(path.join(repo, file), fs.readFileSync(path.join(repo, file), 'utf8').replace('- release.yaml', '- releases.yaml'));
    const miss = cli([file, '--format', 'json'], repo, cache);
    expect(miss.code).toBe(1);
    expect(miss.stdout).toBe(cli([file, '--format', 'json', '--no-cache'], repo, cache).stdout);
  });

  it('a changed build of lint-gitops (its code, the same size and time) never reuses results of the old one', () => {
    // A copy of the built package, so its code can change under the test.
    const pkg = tmp('pkg');
    for (const name of ['dist', 'schemas', 'package.json']) fs.cpSync(path.join(REPO, name), path.join(pkg, name), { recursive: true });
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(pkg, 'node_modules'));
    const cli2 = path.join(pkg, 'dist/cli.js');
    const repo = withFindings();
    const cache = tmp('cache');
    const run2 = () => spawnSync(process.execPath, [cli2, CLUSTER, '--format', 'json'], { cwd: repo, encoding: 'utf8', env: { ...process.env, LINT_GITOPS_CACHE_DIR: cache } });
    const before = run2();
    expect(before.stdout).toContain(' does not exist');
    expect(run2().stdout).toBe(before.stdout);
    const rule = path.join(pkg, 'dist/rules/path-not-found.js');
    const { atime, mtime } = fs.statSync(rule);
    fs.writeFileSync(rule, fs.readFileSync(rule, 'utf8').replace("' does not exist'", "' is not there!!'"));
    fs.utimesSync(rule, atime, mtime);
    const after = run2();
    expect(after.stdout).not.toContain(' does not exist');
    expect(after.stdout).toContain(' is not there!!');
  });

  it('ignores corrupt and truncated entries, and lints the same', () => {
    const repo = withFindings();
    const cache = tmp('cache');
    const uncached = cli([CLUSTER, '--no-cache'], repo, cache);
    cli([CLUSTER], repo, cache);
    const files = resultFiles(cache).map((f) => path.join(cache, 'results', f));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const damage: ((text: string) => string)[] = [
      (t) => t.slice(0, Math.floor(t.length / 2)),
      (t) => t.replace('"line":', '"line":1'),
      (t) => `{"format":"other"}\n${t.slice(t.indexOf('\n') + 1)}`,
      () => '',
      () => '\0\0\0garbage',
    ];
    for (const d of damage) {
      for (const f of files) if (fs.existsSync(f)) fs.writeFileSync(f, d(fs.readFileSync(f, 'utf8')));
      const r = cli([CLUSTER], repo, cache);
      expect([r.code, r.stdout, r.stderr]).toEqual([uncached.code, uncached.stdout, uncached.stderr]);
    }
  });

  it('still lints when the cache directory cannot be written', () => {
    const repo = withFindings();
    const notADir = path.join(tmp('file'), 'file');
    fs.writeFileSync(notADir, 'x');
    const uncached = cli([CLUSTER, '--no-cache'], repo, undefined);
    for (const cache of [path.join(notADir, 'cache'), notADir]) {
      for (let i = 0; i < 2; i++) {
        const r = cli([CLUSTER], repo, cache);
        expect([r.code, r.stdout, r.stderr]).toEqual([uncached.code, uncached.stdout, uncached.stderr]);
      }
    }
    expect(fs.readFileSync(notADir, 'utf8')).toBe('x');
  });

  it('concurrent runs share the cache directory: each writes whole entries, and all print the same', async () => {
    const repo = withFindings();
    const cache = tmp('cache');
    const expected = cli([CLUSTER, '--format', 'json', '--no-cache'], repo, cache);
    const runs = await Promise.all(
      Array.from({ length: 6 }, () => {
        return new Promise<Run>((resolve) => {
          const child = spawn(process.execPath, [CLI, CLUSTER, '--format', 'json'], { cwd: repo, env: { ...process.env, NO_COLOR: '1', LINT_GITOPS_CACHE_DIR: cache } });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (b) => (stdout += b));
          child.stderr.on('data', (b) => (stderr += b));
          child.on('close', (code) => resolve({ code, stdout, stderr }));
        });
      }),
    );
    for (const r of runs) expect([r.code, r.stdout, r.stderr]).toEqual([expected.code, expected.stdout, expected.stderr]);
    expect(resultFiles(cache).filter((f) => !f.endsWith('.json'))).toEqual([]);
    const hit = traced([CLUSTER, '--format', 'json'], repo, cache);
    expect(heavy(hit.loaded)).toEqual([]);
    expect(hit.stdout).toBe(expected.stdout);
  });

  it('a cluster entry rewritten by a concurrent run with the same part (another journal) still serves the run entry; another part does not', () => {
    const repo = withFindings();
    const cache = tmp('cache');
    const expected = cli([CLUSTER, '--format', 'json', '--no-cache'], repo, cache);
    cli([CLUSTER, '--format', 'json'], repo, cache);
    const [file] = resultFiles(cache).filter((f) => f.startsWith('cluster-'));
    const key: string = JSON.parse(fs.readFileSync(path.join(cache, 'results', file), 'utf8').split('\n')[0]).key;
    type Entry = { journal: { host: unknown[] }; part: { diagnostics: unknown[] } };
    const entry = readEntry<Entry>(cache, 'cluster', key)!.value;
    // What a concurrent run writes: the same findings, facts recorded a little differently (one fact twice here,
    // a file's stat signature there), so the entry's hash differs from the one the run entry names.
    writeEntry(cache, 'cluster', key, { ...entry, journal: { ...entry.journal, host: [...entry.journal.host, entry.journal.host[0]] } });
    const hit = traced([CLUSTER, '--format', 'json'], repo, cache);
    expect(heavy(hit.loaded)).toEqual([]);
    expect(hit.stdout).toBe(expected.stdout);
    // Another part is another result: the fast path does not print the run entry's output with it.
    writeEntry(cache, 'cluster', key, { ...entry, part: { ...entry.part, diagnostics: [] } });
    expect(heavy(traced([CLUSTER, '--format', 'json'], repo, cache).loaded)).not.toEqual([]);
  });

  it('--fix neither reads nor writes cached results', () => {
    const repo = withFindings();
    const twin = withFindings();
    const cache = tmp('cache');
    cli([CLUSTER], repo, cache);
    cli([CLUSTER, '--fix'], repo, cache);
    const before = resultFiles(cache).map((f) => [f, fs.statSync(path.join(cache, 'results', f)).mtimeMs]);
    const fixed = traced([CLUSTER, '--fix', '--format', 'json'], twin, cache);
    expect(fixed.cacheIo).toEqual([]);
    expect(resultFiles(cache).map((f) => [f, fs.statSync(path.join(cache, 'results', f)).mtimeMs])).toEqual(before);
    expect(fixed.stderr).toMatch(/^lint-gitops --fix: fixed 1 problem in 1 file/);
    // What is left after the fix is what a run without cache finds in the fixed tree.
    expect(fixed.stdout).toBe(cli([CLUSTER, '--format', 'json', '--no-cache'], twin, cache).stdout);
  });
});
