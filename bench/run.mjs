#!/usr/bin/env node
/**
 * `npm run bench`: measures lint-gitops as ratios against baselines run on the same machine in the same run.
 *
 *   node bench/run.mjs [--quick] [--seed S] [--out bench/results.json]
 *
 *  1. the fixture, whole process: lint-gitops vs `node -e 0` (start-up overhead): cold cache, warm cache with nothing
 *     changed, and warm cache after one base file of a copy of the fixture changed (the pre-commit case);
 *  2. fleets of 1,000 and 5,000 apps (--quick: 200 and 1,000): lint-gitops vs the floor = read every YAML file and
 *     parse it with `yaml` in one thread, and vs the same with `js-yaml`;
 *  3. peak RSS per MB of YAML;
 *  4. on the larger fleet, a warm re-run after changing one file (the pre-commit case) vs the cold run, and a
 *     re-run with nothing changed; and its flux-apps/ linted as one build (every base at once) vs the floor.
 *
 * Every lint-gitops run gets its own empty cache directory unless the case is about a warm cache.
 * Prints a table and writes bench/results.json (and the same table as Markdown to bench/results.md).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFleet } from './generate-fleet.mjs';
import { benchDiff, diffMarkdown } from './diff.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
// What users run: package.json's bin (the bundle with its code caches, src/cli/launch.ts), not dist/cli.js.
const CLI = path.join(REPO, JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).bin['lint-gitops']);
const RSS = path.join(HERE, 'rss.mjs');
const FIXTURE_CLUSTER = path.join(REPO, 'fixtures', 'flux-clusters', 'stefanzhelev');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1;
const outAt = args.indexOf('--out');
const resultsFile = outAt >= 0 ? path.resolve(args[outAt + 1]) : path.join(HERE, 'results.json');
const fleets = quick
  ? [
      { apps: 200, clusters: 2 },
      { apps: 1000, clusters: 4 },
    ]
  : [
      { apps: 1000, clusters: 4 },
      { apps: 5000, clusters: 10 },
    ];

if (!fs.existsSync(CLI)) {
  process.stderr.write(`bench: ${path.relative(REPO, CLI)} is missing; run \`npm run build\` first (npm run bench does)\n`);
  process.exit(2);
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-bench-'));
let cacheDirs = 0;
const freshCache = () => path.join(scratch, `cache-${++cacheDirs}`);

/** Runs a node process; returns wall time (ms), peak RSS (bytes), exit code and stdout. */
function run(nodeArgs, { cacheDir = freshCache(), cwd = REPO } = {}) {
  const rssFile = path.join(scratch, 'rss');
  fs.rmSync(rssFile, { force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', RSS, ...nodeArgs], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, NO_COLOR: '1', BENCH_RSS_FILE: rssFile, LINT_GITOPS_CACHE_DIR: cacheDir },
  });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  const rss = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) : NaN;
  return { ms, rss, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function lintRun(target, opts) {
  const r = run([CLI, '--format', 'json', target], opts);
  if (r.code === 2) throw new Error(`lint-gitops failed on ${target}: ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  return { ...r, summary: out.summary, findings: out.diagnostics.length };
}

const log = (s) => process.stderr.write(`${s}\n`);
const results = {
  date: new Date().toISOString(),
  quick,
  seed,
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  },
  commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).stdout.trim() || undefined,
  // Other work on the machine slows every case; the ratios hold up better than the times, but not perfectly.
  loadBefore: os.loadavg()[0],
  rules: rulesFromText(run([CLI, 'rules']).stdout),
  fixture: {},
  corpora: [],
  fleets: [],
  targets: {},
};

function rulesFromText(text) {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(/\s+/)[0]);
}

// 1. Start-up: the clean fixture, whole process.
{
  log('fixture: node -e 0 vs lint-gitops (7 runs each)');
  const N = 7;
  const node0 = [];
  const cold = [];
  const warm = [];
  const changed = [];
  const warmCache = freshCache();
  lintRun(FIXTURE_CLUSTER, { cacheDir: warmCache });
  // The pre-commit case on the fixture: a copy of it where one base file changes before every run.
  const copy = path.join(scratch, 'fixture');
  fs.cpSync(path.join(REPO, 'fixtures'), copy, { recursive: true });
  const copyCluster = path.join(copy, 'flux-clusters', 'stefanzhelev');
  const editedFile = path.join(copy, 'flux-apps', 'forgejo', 'release.yaml');
  const changedCache = freshCache();
  lintRun(copyCluster, { cacheDir: changedCache });
  for (let i = 0; i < N; i++) {
    node0.push(run(['-e', '0']).ms);
    cold.push(lintRun(FIXTURE_CLUSTER).ms);
    warm.push(lintRun(FIXTURE_CLUSTER, { cacheDir: warmCache }).ms);
    fs.appendFileSync(editedFile, `# edit ${i}\n`);
    changed.push(lintRun(copyCluster, { cacheDir: changedCache }).ms);
  }
  const check = lintRun(FIXTURE_CLUSTER);
  results.fixture = {
    nodeMs: median(node0),
    coldMs: median(cold),
    warmMs: median(warm),
    coldRatio: median(cold) / median(node0),
    warmRatio: median(warm) / median(node0),
    changedMs: median(changed),
    changedRatio: median(changed) / median(node0),
    files: check.summary.filesRead,
    findings: check.findings,
  };
}

// 2–4. Fleets.
for (const [i, spec] of fleets.entries()) {
  const dir = path.join(HERE, 'fleets', `apps-${spec.apps}-clusters-${spec.clusters}-seed-${seed}`);
  log(`fleet ${spec.apps} apps / ${spec.clusters} clusters: generating ${path.relative(REPO, dir)}`);
  const fleet = writeFleet({ ...spec, seed, out: dir });
  const target = path.join(dir, 'flux-clusters');
  const mb = fleet.yamlBytes / 1e6;

  log('  floor: yaml parse, one thread');
  const yamlFloor = run([path.join(HERE, 'floor.mjs'), 'yaml', dir]);
  log('  floor: js-yaml parse, one thread');
  const jsYamlFloor = run([path.join(HERE, 'floor.mjs'), 'js-yaml', dir]);
  log('  lint-gitops, cold cache');
  const cacheDir = freshCache();
  const cold = lintRun(target, { cacheDir });
  const entry = {
    apps: spec.apps,
    clusters: spec.clusters,
    files: fleet.files,
    yamlFiles: fleet.yamlFiles,
    yamlMB: mb,
    filesLinted: cold.summary.filesRead,
    objects: cold.summary.objects,
    findings: cold.findings,
    yamlFloorMs: yamlFloor.ms,
    jsYamlFloorMs: jsYamlFloor.ms,
    coldMs: cold.ms,
    vsYamlFloor: cold.ms / yamlFloor.ms,
    vsJsYaml: cold.ms / jsYamlFloor.ms,
    peakRssMB: cold.rss / 1e6,
    rssPerYamlMB: cold.rss / 1e6 / mb,
    rssLimitMB: 3 * mb + 100,
  };
  if (i === fleets.length - 1) {
    // The pre-commit case: one file changed since the last run. Two of them: the worst case, a base that every
    // cluster reads (each cluster's results must be computed again), and the common one, one app's base that a
    // single cluster reads.
    const apps = fs.readdirSync(path.join(dir, 'flux-apps')).filter((n) => !n.startsWith('.')).sort();
    const readers = new Map();
    for (const c of fs.readdirSync(target)) {
      for (const a of fs.readdirSync(path.join(target, c, 'apps'), { withFileTypes: true })) {
        if (a.isDirectory()) readers.set(a.name, (readers.get(a.name) ?? 0) + 1);
      }
    }
    const shared = path.join(dir, 'flux-apps', apps.at(-1), 'release.yaml');
    const single = path.join(dir, 'flux-apps', apps.find((a) => readers.get(a) === 1), 'release.yaml');
    const rel = (f) => path.relative(dir, f).split(path.sep).join('/');
    const warmAfter = (file, label) => {
      fs.appendFileSync(file, '# touched by bench/run.mjs\n');
      log(`  lint-gitops, warm cache, ${label} changed`);
      const warm = lintRun(target, { cacheDir });
      if (warm.findings !== cold.findings || warm.summary.objects !== cold.summary.objects) {
        throw new Error(`warm run differs from cold run: ${warm.findings} vs ${cold.findings} findings`);
      }
      return warm;
    };
    // A directory of every app's base linted as one build (Flux's generated kustomization of all of them): one
    // cluster of thousands of renamed objects, where a scan per name reference made the build quadratic.
    log('  lint-gitops, flux-apps/ as one build, cold cache');
    const oneBuild = lintRun(path.join(dir, 'flux-apps'), { cacheDir: freshCache() });
    entry.oneBuildMs = oneBuild.ms;
    entry.oneBuildRatio = oneBuild.ms / yamlFloor.ms;
    const warm = warmAfter(shared, `a base every cluster reads (${rel(shared)})`);
    entry.warmMs = warm.ms;
    entry.warmRatio = warm.ms / cold.ms;
    entry.changedFile = rel(shared);
    entry.changedFileReaders = readers.get(apps.at(-1));
    const warmOne = warmAfter(single, `a base one cluster reads (${rel(single)})`);
    entry.warmOneMs = warmOne.ms;
    entry.warmOneRatio = warmOne.ms / cold.ms;
    entry.changedOneFile = rel(single);
    log('  lint-gitops, warm cache, nothing changed');
    const again = lintRun(target, { cacheDir });
    if (again.findings !== cold.findings) throw new Error(`unchanged re-run differs from cold run: ${again.findings} vs ${cold.findings} findings`);
    entry.unchangedMs = again.ms;
    entry.unchangedRatio = again.ms / cold.ms;
  }
  results.fleets.push(entry);
}

// Linear growth: the RSS added per MB of YAML between the two fleets.
{
  const [a, b] = results.fleets;
  results.rssSlopeMBperMB = (b.peakRssMB - a.peakRssMB) / (b.yamlMB - a.yamlMB);
  const small = results.fleets[0];
  const large = results.fleets.at(-1);
  results.targets = {
    'fixture ≤ 2× node -e 0 (cold cache)': { value: results.fixture.coldRatio, limit: 2, met: results.fixture.coldRatio <= 2 },
    'fixture ≤ 2× node -e 0 (warm cache, nothing changed)': { value: results.fixture.warmRatio, limit: 2, met: results.fixture.warmRatio <= 2 },
    'fixture ≤ 2× node -e 0 (warm cache, one file changed)': { value: results.fixture.changedRatio, limit: 2, met: results.fixture.changedRatio <= 2 },
    [`${small.apps} apps ≤ 1.0× yaml floor`]: { value: small.vsYamlFloor, limit: 1, met: small.vsYamlFloor <= 1 },
    [`${large.apps} apps ≤ 1.0× yaml floor`]: { value: large.vsYamlFloor, limit: 1, met: large.vsYamlFloor <= 1 },
    [`${large.apps} apps warm re-run ≤ 0.2× cold (a base every cluster reads changed)`]: { value: large.warmRatio, limit: 0.2, met: large.warmRatio <= 0.2 },
    [`${large.apps} apps warm re-run ≤ 0.2× cold (a base one cluster reads changed)`]: { value: large.warmOneRatio, limit: 0.2, met: large.warmOneRatio <= 0.2 },
    ...Object.fromEntries(
      results.fleets.map((f) => [`${f.apps} apps peak RSS ≤ 3× YAML + 100 MB`, { value: f.peakRssMB / f.rssLimitMB, limit: 1, met: f.peakRssMB <= f.rssLimitMB }]),
    ),
  };
}

// 5. The public Flux repositories of ../shared/corpora (when present): time and findings per entry point.
{
  const corpora = path.resolve(REPO, '..', 'shared', 'corpora');
  const factsFiles = fs.existsSync(corpora) ? fs.readdirSync(corpora).filter((f) => f.endsWith('.facts.json')).sort() : [];
  for (const f of factsFiles) {
    const facts = JSON.parse(fs.readFileSync(path.join(corpora, f), 'utf8'));
    const root = path.join(corpora, facts.corpus);
    for (const entrypoint of facts.entrypoints) {
      log(`corpus: ${facts.corpus} ${entrypoint}`);
      const r = run([CLI, '--format', 'json', '--root', root, path.join(root, entrypoint)]);
      if (r.code === 2) throw new Error(`lint-gitops failed on ${facts.corpus} ${entrypoint}: ${r.stderr}`);
      const out = JSON.parse(r.stdout);
      results.corpora.push({
        corpus: facts.corpus,
        entrypoint,
        ms: r.ms,
        files: out.summary.filesRead,
        objects: out.summary.objects,
        errors: out.summary.errorCount,
        warnings: out.summary.warningCount,
        infos: out.summary.infoCount,
      });
    }
  }
}

// 6. `lint-gitops diff --base HEAD` on the smaller fleet committed to git, one file changed, vs a cold lint (bench/diff.mjs).
{
  const small = fleets[0];
  results.diff = await benchDiff({ apps: small.apps, clusters: small.clusters, seed, log });
  const one = results.diff.cases[0];
  results.targets[`${small.apps} apps diff --base ≤ 1.5× cold lint (a base one cluster reads changed)`] = { value: one.ratio, limit: 1.5, met: one.ratio <= 1.5 };
}

results.loadAfter = os.loadavg()[0];
fs.writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
const table = markdown(results);
fs.writeFileSync(resultsFile.replace(/\.json$/, '.md'), table);
process.stdout.write(table);
fs.rmSync(scratch, { recursive: true, force: true });

function markdown(r) {
  const f = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '–');
  const s = (ms) => `${f(ms / 1000, 2)} s`;
  const lines = [];
  lines.push(`Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, ${r.machine.platform}`);
  lines.push(`Commit ${r.commit ?? '?'}, ${r.date.slice(0, 10)}${r.quick ? ' (--quick: smaller fleets)' : ''}; load average ${f(r.loadBefore, 1)} before, ${f(r.loadAfter, 1)} after; rules on: ${r.rules.length} (${r.rules.join(', ')})`);
  lines.push('');
  lines.push('| case | lint-gitops | baseline | ratio |');
  lines.push('|---|---|---|---|');
  lines.push(`| fixture (${r.fixture.files} files), cold cache | ${s(r.fixture.coldMs)} | node -e 0: ${s(r.fixture.nodeMs)} | ${f(r.fixture.coldRatio)}× |`);
  lines.push(`| fixture, warm cache, nothing changed | ${s(r.fixture.warmMs)} | node -e 0: ${s(r.fixture.nodeMs)} | ${f(r.fixture.warmRatio)}× |`);
  lines.push(`| fixture, warm cache, one file changed | ${s(r.fixture.changedMs)} | node -e 0: ${s(r.fixture.nodeMs)} | ${f(r.fixture.changedRatio)}× |`);
  for (const fl of r.fleets) {
    const name = `${fl.apps} apps / ${fl.clusters} clusters (${fl.yamlFiles} YAML files, ${f(fl.yamlMB, 1)} MB)`;
    lines.push(`| ${name} | ${s(fl.coldMs)} | yaml floor: ${s(fl.yamlFloorMs)} | ${f(fl.vsYamlFloor)}× |`);
    lines.push(`| ${name} | ${s(fl.coldMs)} | js-yaml: ${s(fl.jsYamlFloorMs)} | ${f(fl.vsJsYaml)}× |`);
    lines.push(`| ${name}, peak RSS | ${f(fl.peakRssMB, 0)} MB | 3× YAML + 100 MB: ${f(fl.rssLimitMB, 0)} MB | ${f(fl.rssPerYamlMB, 1)} MB per MB of YAML |`);
    if (fl.oneBuildMs !== undefined) lines.push(`| ${name}, flux-apps/ linted as one build | ${s(fl.oneBuildMs)} | yaml floor (whole fleet): ${s(fl.yamlFloorMs)} | ${f(fl.oneBuildRatio)}× |`);
    if (fl.warmMs !== undefined) lines.push(`| ${name}, warm re-run, a base all ${fl.changedFileReaders} clusters read changed | ${s(fl.warmMs)} | cold run: ${s(fl.coldMs)} | ${f(fl.warmRatio)}× |`);
    if (fl.warmOneMs !== undefined) lines.push(`| ${name}, warm re-run, a base one cluster reads changed | ${s(fl.warmOneMs)} | cold run: ${s(fl.coldMs)} | ${f(fl.warmOneRatio)}× |`);
    if (fl.unchangedMs !== undefined) lines.push(`| ${name}, warm re-run, nothing changed | ${s(fl.unchangedMs)} | cold run: ${s(fl.coldMs)} | ${f(fl.unchangedRatio)}× |`);
  }
  lines.push(`| RSS growth between the fleets | ${f(r.rssSlopeMBperMB, 1)} MB per MB of YAML | | |`);
  lines.push('');
  if (r.diff) lines.push(diffMarkdown(r.diff));
  if (r.corpora.length > 0) {
    lines.push('| public repository, entry point | files | objects | time (cold) | errors / warnings / infos |');
    lines.push('|---|---|---|---|---|');
    for (const c of r.corpora) lines.push(`| ${c.corpus} ${c.entrypoint} | ${c.files} | ${c.objects} | ${s(c.ms)} | ${c.errors} / ${c.warnings} / ${c.infos} |`);
    lines.push('');
  }
  lines.push('| target | measured | met |');
  lines.push('|---|---|---|');
  for (const [k, t] of Object.entries(r.targets)) lines.push(`| ${k} | ${f(t.value)} (limit ${t.limit}) | ${t.met ? 'yes' : '**no**'} |`);
  return `${lines.join('\n')}\n`;
}

