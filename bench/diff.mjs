#!/usr/bin/env node
/**
 * The `lint-gitops diff` case of the bench (issue 20): on the 1,000-app fleet committed to git (with isomorphic-git,
 * as a base commit), one file changed in the working tree, `diff --base HEAD` against a cold lint of the head, both
 * with an empty cache directory, as ratios. The target: diff at most 1.5× the cold lint.
 *
 *   node bench/diff.mjs [--quick] [--runs N] [--out bench/diff-results.json]
 *
 * Two changes, in turn: one app's base that a single cluster reads (the common pull request), and a base that every
 * cluster reads (every cluster's base is linted again: the worst case). `npm run bench` runs this too
 * (bench/run.mjs); run alone, it needs `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFleet } from './generate-fleet.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const CLI = path.join(REPO, JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).bin['lint-gitops']);
const git = createRequire(import.meta.url)('isomorphic-git');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Runs the case on a fleet directory (written if missing): returns the figures. `log` reports progress. The fleet is
 * copied to a scratch directory and committed there, so the fleet itself stays as generate-fleet wrote it.
 */
export async function benchDiff({ apps = 1000, clusters = 4, seed = 1, runs = 3, log = (s) => process.stderr.write(`${s}\n`) } = {}) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-bench-diff-'));
  try {
    const dir = path.join(scratch, 'fleet');
    log(`diff: ${apps} apps / ${clusters} clusters, committed with isomorphic-git`);
    const fleet = writeFleet({ apps, clusters, seed, out: dir });
    await git.init({ fs, dir, defaultBranch: 'main' });
    await git.add({ fs, dir, filepath: '.' });
    const author = { name: 'bench', email: 'bench@example.com', timestamp: 1_700_000_000, timezoneOffset: 0 };
    await git.commit({ fs, dir, message: 'base', author, committer: author });
    const target = path.join(dir, 'flux-clusters');
    let caches = 0;
    const run = (args) => {
      const env = { ...process.env, NO_COLOR: '1', LINT_GITOPS_CACHE_DIR: path.join(scratch, `cache-${++caches}`) };
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30, env });
      const ms = performance.now() - t0;
      if (r.status === 2 || r.error) throw new Error(`lint-gitops ${args.join(' ')} failed: ${r.stderr}`);
      return { ms, stdout: r.stdout };
    };
    const readers = new Map();
    for (const c of fs.readdirSync(target)) {
      for (const a of fs.readdirSync(path.join(target, c, 'apps'), { withFileTypes: true })) if (a.isDirectory()) readers.set(a.name, (readers.get(a.name) ?? 0) + 1);
    }
    const appNames = fs.readdirSync(path.join(dir, 'flux-apps')).filter((n) => !n.startsWith('.')).sort();
    const cases = [
      { label: 'a base one cluster reads', app: appNames.find((a) => readers.get(a) === 1) },
      { label: `a base all ${clusters} clusters read`, app: appNames.at(-1) },
    ];
    const out = { apps, clusters, yamlFiles: fleet.yamlFiles, runs, cases: [] };
    for (const c of cases) {
      const file = path.join(dir, 'flux-apps', c.app, 'release.yaml');
      const original = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, original.replace(/interval: (\w+)/, 'interval: 7m'));
      if (fs.readFileSync(file, 'utf8') === original) throw new Error(`bench: could not change ${file}`);
      const lint = [];
      const diff = [];
      let summary;
      for (let i = 0; i < runs; i++) {
        log(`  ${c.label}: cold lint, then diff --base HEAD (${i + 1}/${runs})`);
        lint.push(run(['--format', 'json', target]).ms);
        const d = run(['diff', target, '--base', 'HEAD', '--format', 'json']);
        diff.push(d.ms);
        summary = JSON.parse(d.stdout).summary;
      }
      if (summary.objects.changed !== readers.get(c.app) || summary.clusters.changed !== readers.get(c.app)) {
        throw new Error(`bench: expected one changed object per reading cluster, got ${JSON.stringify(summary)}`);
      }
      fs.writeFileSync(file, original);
      out.cases.push({ label: c.label, file: `flux-apps/${c.app}/release.yaml`, readers: readers.get(c.app), lintMs: median(lint), diffMs: median(diff), ratio: median(diff) / median(lint) });
    }
    return out;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export function diffMarkdown(r) {
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const lines = ['| case | diff --base HEAD | cold lint of the head | ratio (target ≤ 1.5) |', '|---|---|---|---|'];
  for (const c of r.cases) lines.push(`| ${r.apps} apps / ${r.clusters} clusters, ${c.label} changed (${c.file}) | ${s(c.diffMs)} | ${s(c.lintMs)} | ${c.ratio.toFixed(2)}× |`);
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const runsAt = args.indexOf('--runs');
  const outAt = args.indexOf('--out');
  const resultsFile = outAt >= 0 ? path.resolve(args[outAt + 1]) : path.join(HERE, 'diff-results.json');
  if (!fs.existsSync(CLI)) {
    process.stderr.write(`bench: ${path.relative(REPO, CLI)} is missing; run \`npm run build\` first\n`);
    process.exit(2);
  }
  const loadBefore = os.loadavg()[0];
  const r = await benchDiff({ apps: quick ? 200 : 1000, clusters: quick ? 2 : 4, runs: runsAt >= 0 ? Number(args[runsAt + 1]) : 3 });
  const result = { date: new Date().toISOString(), node: process.version, cores: os.cpus().length, loadBefore, loadAfter: os.loadavg()[0], ...r };
  fs.writeFileSync(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
  const table = diffMarkdown(r);
  fs.writeFileSync(resultsFile.replace(/\.json$/, '.md'), table);
  process.stdout.write(table);
}
