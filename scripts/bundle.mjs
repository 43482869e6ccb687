#!/usr/bin/env node
// Bundles the command (dist/cli.js and everything it imports, dependencies included) into dist/bin/, run by
// `npm run build` after tsc; package.json's "bin" points at dist/bin/lint-gitops.js.
//
// Why: Node.js loads an ES module graph file by file (resolve, read, compile); the command's ~100 modules of dist/
// plus yaml's, commander's and minimatch's cost about as much as the rest of a small lint run. One file per chunk
// costs far less (see the commit that added this script for the figures).
//
// What stays the same:
//  - dist/ itself: the library (dist/index.js), the tests and the parse worker (dist/load/parse-worker.js) use the
//    modules tsc wrote, and test/cli/bundle.test.ts checks that the bundle prints what dist/cli.js prints;
//  - the result cache's fast path: dist/cli.js imports the full command (cli-main.js) only on a miss, so the bundle
//    is split there (the entry holds the fast path, a chunk the rest);
//  - every `import.meta.url` still names the module's own file in dist/ (or node_modules/): the schemas, the parse
//    worker, package.json and the cache's code identity are found relative to it;
//  - ajv is loaded with createRequire where a schema must be compiled, so it stays out of the bundle unless
//    something imports it directly.
import { readFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(repoRoot, 'dist');
const outdir = join(dist, 'bin');

/** Rewrites `import.meta.url` in every bundled module to the URL of the file it came from. */
const ownUrls = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.(m?js)$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      let rel = relative(outdir, args.path).split(sep).join('/');
      if (!rel.startsWith('.')) rel = `./${rel}`;
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: { 'lint-gitops': join(dist, 'cli.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  // no renaming: class and function names stay what they are in dist/
  minify: false,
  legalComments: 'none',
  // CommonJS dependencies (yaml, commander) require Node's builtins: give every output file a require
  banner: { js: "import { createRequire as __lintGitopsCreateRequire } from 'node:module';\nconst require = __lintGitopsCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  metafile: true,
  plugins: [ownUrls],
});
const outputs = Object.entries(result.metafile.outputs).map(([file, o]) => `${relative(repoRoot, file)} ${(o.bytes / 1024).toFixed(0)} KiB`);
console.log(`bundled ${Object.keys(result.metafile.inputs).length} modules into ${outputs.join(', ')}`);
