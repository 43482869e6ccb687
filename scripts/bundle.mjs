#!/usr/bin/env node
// Bundles the command (src/cli/command.ts and everything it imports, dependencies included) into dist/bin/, run by
// `npm run build` after tsc; package.json's "bin" points at dist/bin/lint-gitops.js (src/cli/bin.ts, src/cli/launch.ts).
//
// Why: Node.js loads an ES module graph file by file (resolve, read, compile); the command's ~100 modules of dist/
// plus yaml's, commander's and minimatch's cost about as much as the rest of a small lint run. Two CommonJS scripts
// run through vm.Script with V8 code caches (src/cli/launch.ts) cost far less: no ESM loader, and no compile at all
// once V8's code cache matches (see the commits that added this script and the code cache for the figures).
//
// What stays the same:
//  - dist/ itself: the library (dist/index.js), the tests and the parse worker (dist/load/parse/worker.js) use the
//    modules tsc wrote, and test/cli/bundle.test.ts checks that the bundle prints what dist/cli.js prints;
//  - the result cache's fast path: src/cli/command.ts imports the full command (cli/main.js) only on a miss, so the
//    bundle is split there (fast.cjs holds the fast path, main.cjs the rest);
//  - every `import.meta.url` still names the module's own file in dist/ (or node_modules/): the schemas, the parse
//    worker, package.json and the cache's code identity are found relative to it;
//  - ajv is loaded with createRequire where a schema must be compiled, so it stays out of the bundle unless
//    something imports it directly.
//
// Then the build's code caches (dist/bin/*.v8): the bundle lints a copy of the fixture and V8 keeps what it compiled.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(repoRoot, 'dist');
const outdir = join(dist, 'bin');

/**
 * Rewrites `import.meta.url` in every bundled module to the URL of the file it came from, relative to `base` (an
 * expression for the output file's URL), and `import.meta.resolve` to `resolve` (the CommonJS bundle has no
 * import.meta: src/cli/launch.ts hands it the launcher's, which resolves from the same directory).
 */
const ownUrls = (base, resolve) => ({
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.(m?js)$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta')) return undefined;
      let rel = relative(outdir, args.path).split(sep).join('/');
      if (!rel.startsWith('.')) rel = `./${rel}`;
      let contents = text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, ${base}).href`);
      if (resolve) contents = contents.replaceAll('import.meta.resolve', resolve);
      return { contents, loader: 'js' };
    });
  },
});

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // no renaming: class and function names stay what they are in dist/
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};

rmSync(outdir, { recursive: true, force: true });

// The command as two CommonJS scripts (src/cli/launch.ts runs them with V8 code caches), split where src/cli/command.ts
// imports the full command, as the result cache's fast path needs only its small part:
//  - fast.cjs: src/cli/command.ts and what it imports statically; it exports every one of its modules' namespaces;
//  - main.cjs: src/cache/lint-cached.ts and src/cli/main.ts with the rest; a module fast.cjs holds is taken from it (one
//    instance of each module, as in dist/), the others are bundled.
// fast.cjs finds main.cjs through `__lintGitopsOther()`, main.cjs fast.cjs's exports as `__lintGitopsOther`: both
// are parameters src/cli/launch.ts passes.
const cliRun = join(dist, 'cli', 'command.js');
const lazy = { '../cache/lint-cached.js': 'cacheRun', './main.js': 'cliMain' };
const cjs = {
  ...common,
  format: 'cjs',
  banner: { js: 'const __lintGitopsUrl = require("node:url").pathToFileURL(__filename).href;' },
};
/** src/cli/command.ts's dynamic imports of the full command: main.cjs's exports, loaded when first asked for. */
const mainPart = {
  name: 'main-part',
  setup(build) {
    build.onResolve({ filter: /^(\.\.\/cache\/lint-cached|\.\/main)\.js$/ }, (args) => (args.importer === cliRun ? { path: lazy[args.path], namespace: 'main-part' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'main-part' }, (args) => ({ contents: `module.exports = __lintGitopsOther().${args.path};`, loader: 'js' }));
  },
};
// What cli/command.js reaches without the full command.
const probe = await esbuild.build({ ...cjs, entryPoints: [cliRun], write: false, outfile: join(outdir, 'fast.cjs'), plugins: [mainPart, ownUrls('__lintGitopsUrl', '__lintGitopsImportMetaResolve')] });
const fastModules = Object.keys(probe.metafile.inputs)
  .filter((f) => !f.startsWith('main-part:'))
  .map((f) => resolve(repoRoot, f))
  .sort();
for (const f of fastModules) if (!f.startsWith(dist + sep)) throw new Error(`the fast path imports ${f}: only modules of dist/ are shared with main.cjs`);
const fastName = new Map(fastModules.map((f, i) => [f, `m${i}`]));
const fast = await esbuild.build({
  ...cjs,
  stdin: {
    contents: [`export { run } from ${JSON.stringify(cliRun)};`, ...fastModules.map((f) => `export * as ${fastName.get(f)} from ${JSON.stringify(f)};`)].join('\n'),
    resolveDir: dist,
    sourcefile: 'fast-entry.js',
    loader: 'js',
  },
  outfile: join(outdir, 'fast.cjs'),
  plugins: [mainPart, ownUrls('__lintGitopsUrl', '__lintGitopsImportMetaResolve')],
});
// The names each of them exports (no module of dist/ exports a `let` that changes, so a copy of each binding is
// the binding): main.cjs reads them once, where a CommonJS stand-in would copy every namespace on each import.
const fastExports = new Map();
for (const f of fastModules) {
  if (/^export (let|var)\b/m.test(readFileSync(f, 'utf8'))) throw new Error(`${f} exports a variable: main.cjs would keep a stale copy`);
  fastExports.set(f, Object.keys(await import(pathToFileURL(f).href)));
}
/** In main.cjs, a module of fast.cjs is fast.cjs's instance of it. */
const fastPart = {
  name: 'fast-part',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const file = resolve(args.resolveDir, args.path);
      return fastName.has(file) ? { path: relative(repoRoot, file).split(sep).join('/'), namespace: 'fast-part' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'fast-part' }, (args) => {
      const file = resolve(repoRoot, args.path);
      const ns = `__lintGitopsOther.${fastName.get(file)}`;
      const names = fastExports.get(file);
      const contents = names.map((n) => (n === 'default' ? `export default ${ns}.default;` : `export const ${n} = ${ns}.${n};`)).join('\n');
      return { contents, loader: 'js' };
    });
  },
};
const main = await esbuild.build({
  ...cjs,
  stdin: {
    contents: Object.entries(lazy)
      .map(([file, name]) => `export * as ${name} from ${JSON.stringify(join(dirname(cliRun), file))};`)
      .join('\n'),
    resolveDir: dist,
    sourcefile: 'main-entry.js',
    loader: 'js',
  },
  outfile: join(outdir, 'main.cjs'),
  plugins: [fastPart, ownUrls('__lintGitopsUrl', '__lintGitopsImportMetaResolve')],
});
for (const [name, r] of [['main.cjs', main]]) {
  const doubled = Object.keys(r.metafile.inputs).filter((f) => !f.startsWith('fast-part:') && fastName.has(resolve(repoRoot, f)));
  if (doubled.length) throw new Error(`${name} bundles modules fast.cjs holds: ${doubled.join(', ')}`);
}
// The launcher: the bin, an ES module (import.meta.resolve for the bundle).
const launcher = await esbuild.build({
  ...common,
  entryPoints: [join(dist, 'cli', 'bin.js')],
  outfile: join(outdir, 'lint-gitops.js'),
  format: 'esm',
  plugins: [ownUrls('import.meta.url')],
});
for (const file of readdirSync(outdir)) {
  const text = readFileSync(join(outdir, file), 'utf8');
  if (file.endsWith('.cjs') && /\bimport\.meta\b|\bimport\(/.test(text)) throw new Error(`${file}: import.meta or import() left in the CommonJS bundle`);
}

// The build's code cache (src/cli/launch.ts): the bundle lints a copy of the fixture the ways a user's runs go (the full
// CLI, a run resumed after a change, the fast path), in a scratch cache directory, and keeps what V8 compiled.
const scratch = mkdtempSync(join(tmpdir(), 'lint-gitops-build-'));
try {
  cpSync(join(repoRoot, 'fixtures'), join(scratch, 'fixtures'), { recursive: true });
  const cluster = join(scratch, 'fixtures', 'flux-clusters', 'stefanzhelev');
  const edited = join(scratch, 'fixtures', 'flux-apps', 'forgejo', 'release.yaml');
  const training = `
    import fs from 'node:fs';
    import { launch } from ${JSON.stringify(pathToFileURL(join(dist, 'cli', 'launch.js')).href)};
    await launch({ argv: [], train: async (run) => {
      const seen = [];
      for (const step of ['full', 'resume', 'fast']) {
        if (step === 'resume') fs.appendFileSync(${JSON.stringify(edited)}, '# edited\\n');
        await run([${JSON.stringify(cluster)}, '--format', 'json'], (how) => seen.push(how));
      }
      await run(['rules']);
      if (seen.join() !== 'full,resume,fast') throw new Error('training runs went ' + seen.join());
    } });
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', training], {
    cwd: scratch,
    encoding: 'utf8',
    env: { ...process.env, LINT_GITOPS_CACHE_DIR: join(scratch, 'cache'), NO_COLOR: '1' },
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`building the code cache failed (${r.status}): ${r.stderr}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const outputs = [fast, main, launcher].flatMap((r) => Object.entries(r.metafile.outputs)).map(([file, o]) => `${relative(repoRoot, file)} ${(o.bytes / 1024).toFixed(0)} KiB`);
for (const f of ['fast.cjs.v8', 'main.cjs.v8']) outputs.push(`dist/bin/${f} ${(statSync(join(outdir, f)).size / 1024).toFixed(0)} KiB`);
console.log(`bundled ${fastModules.length} + ${Object.keys(main.metafile.inputs).length} modules into ${outputs.join(', ')}`);
