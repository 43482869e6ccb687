#!/usr/bin/env node
/**
 * What schema validation costs (the schema, schema-unknown-field, schema-missing and deprecated-api rules):
 *
 *   node bench/schema.mjs [--apps N] [--runs N] [--out FILE.json]      (npm run build first)
 *
 *  1. start-up, whole process, on the clean fixture: `node -e 0`, lint-gitops with the four schema rules off, and
 *     with them on (median of --runs, default 5; parse cache off in both, so only the rules differ);
 *  2. in one process, on a generated fleet (default 1,000 apps, 2 clusters) and on the fixture: the four rules run
 *     over a loaded model, cold (the first run compiles or loads each kind's validator) and warm (a second model,
 *     validators cached), as milliseconds per 1,000 objects, plus the compile time per kind of the cold run.
 *
 * Prints Markdown; --out also writes the numbers as JSON.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const FIXTURE_CLUSTER = path.join(REPO, 'fixtures', 'flux-clusters', 'stefanzhelev');
const SCHEMA_RULES = ['schema', 'schema-unknown-field', 'schema-missing', 'deprecated-api'];

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};

if (args[0] === '--inner') {
  // A fresh process per measurement: validators are cached per process, so "cold" must really be cold.
  process.stdout.write(JSON.stringify(await inner(args[1])));
  process.exit(0);
}

if (!fs.existsSync(CLI)) {
  process.stderr.write('bench/schema.mjs: dist/cli.js is missing; run `npm run build` first\n');
  process.exit(2);
}

const runs = Number(opt('--runs', 5));
const apps = Number(opt('--apps', 1000));
const log = (s) => process.stderr.write(`${s}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function timed(nodeArgs) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, nodeArgs, { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  if (r.status === 2) throw new Error(`${nodeArgs.join(' ')} failed: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const results = { date: new Date().toISOString(), node: process.version, cores: os.cpus().length, loadBefore: os.loadavg()[0], startup: {}, perObjects: [] };

// 1. Start-up.
{
  log(`start-up: fixture, ${runs} runs each`);
  const off = SCHEMA_RULES.flatMap((r) => ['--rule', `${r}=off`]);
  const node0 = [];
  const without = [];
  const withRules = [];
  for (let i = 0; i < runs; i++) {
    node0.push(timed(['-e', '0']).ms);
    without.push(timed([CLI, '--no-cache', ...off, FIXTURE_CLUSTER]).ms);
    withRules.push(timed([CLI, '--no-cache', FIXTURE_CLUSTER]).ms);
  }
  results.startup = { nodeMs: median(node0), schemaOffMs: median(without), schemaOnMs: median(withRules) };
  results.startup.schemaCostMs = results.startup.schemaOnMs - results.startup.schemaOffMs;
}

// 2. Per 1,000 objects.
{
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-schema-bench-'));
  const { writeFleet } = await import(pathToFileURL(path.join(HERE, 'generate-fleet.mjs')).href);
  const fleetDir = path.join(scratch, `apps-${apps}`);
  log(`fleet: ${apps} apps / 2 clusters in ${fleetDir}`);
  writeFleet({ apps, clusters: 2, seed: 1, out: fleetDir });
  for (const [name, target] of [
    ['fixture', FIXTURE_CLUSTER],
    [`fleet of ${apps} apps`, path.join(fleetDir, 'flux-clusters')],
  ]) {
    log(`in-process: ${name}`);
    const r = JSON.parse(timed([fileURLToPath(import.meta.url), '--inner', target]).stdout);
    results.perObjects.push({ name, ...r });
  }
  fs.rmSync(scratch, { recursive: true, force: true });
}

results.loadAfter = os.loadavg()[0];
const out = opt('--out');
if (out) fs.writeFileSync(path.resolve(out), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(markdown(results));

async function inner(target) {
  const dist = (p) => pathToFileURL(path.join(REPO, 'dist', p)).href;
  const { loadRepo } = await import(dist('load/index.js'));
  const { runRules } = await import(dist('engine/lint.js'));
  const { rules } = await import(dist('rules/index.js'));
  const { compileTimes, validatorOrigins } = await import(dist('schema/index.js'));
  const ruleSet = rules.filter((r) => SCHEMA_RULES.includes(r.id));
  const load = () => loadRepo({ paths: [target], cwd: target, workers: 0 });
  const measure = () => {
    const model = load();
    const objects = model.clusters.reduce((n, c) => n + c.objects.length, 0);
    const t0 = performance.now();
    const found = runRules(model, ruleSet, {});
    return { objects, ms: performance.now() - t0, findings: found.length };
  };
  const cold = measure();
  const compiles = [...compileTimes].map(([kind, ms]) => ({ kind, ms, origin: validatorOrigins.get(kind) })).sort((a, b) => b.ms - a.ms);
  const warm = measure();
  return {
    objects: cold.objects,
    findings: cold.findings,
    coldMs: cold.ms,
    warmMs: warm.ms,
    coldPer1000: (cold.ms / cold.objects) * 1000,
    warmPer1000: (warm.ms / warm.objects) * 1000,
    compileMs: compiles.reduce((n, c) => n + c.ms, 0),
    kinds: compiles.length,
    precompiled: compiles.filter((c) => c.origin === 'precompiled').length,
    slowest: compiles.slice(0, 5).map((c) => `${c.kind} ${c.ms.toFixed(0)} ms (${c.origin})`),
  };
}

function markdown(r) {
  const f = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '–');
  const lines = [`Node ${r.node}, ${r.cores} cores, ${r.date.slice(0, 10)}, load average ${f(r.loadBefore, 1)} before and ${f(r.loadAfter, 1)} after (other work on the machine inflates every number alike)`, '', '| start-up (fixture, whole process, median) | ms |', '|---|---|'];
  lines.push(`| node -e 0 | ${f(r.startup.nodeMs)} |`);
  lines.push(`| lint-gitops, schema rules off | ${f(r.startup.schemaOffMs)} |`);
  lines.push(`| lint-gitops, schema rules on | ${f(r.startup.schemaOnMs)} |`);
  lines.push(`| cost of the schema rules | ${f(r.startup.schemaCostMs)} |`);
  lines.push('', '| schema rules in one process | objects | cold ms | per 1,000 objects, cold | warm ms | per 1,000 objects, warm | compile/load ms (kinds, precompiled) | slowest kinds |', '|---|---|---|---|---|---|---|---|');
  for (const p of r.perObjects) {
    lines.push(`| ${p.name} | ${p.objects} | ${f(p.coldMs)} | ${f(p.coldPer1000)} | ${f(p.warmMs)} | ${f(p.warmPer1000)} | ${f(p.compileMs)} (${p.kinds}, ${p.precompiled}) | ${p.slowest.join('; ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
