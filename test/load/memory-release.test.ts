import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without type declarations
import { writeFleet } from '../../bench/generate-fleet.mjs';
import { lint } from '../../src/engine/lint.js';
import { formatJson } from '../../src/report/json.js';
import { REPO, runCli } from '../helpers.js';

/*
 * A finished cluster's model must be garbage once its findings are taken, when the caller does not ask for the
 * model (the CLI): a run then holds one cluster's model at a time. Proven by counting, not by measuring: a probe
 * rule tags each cluster's model and every file in it with an object of a class named after the cluster, and in
 * the last cluster takes a heap snapshot (which collects garbage first) and counts the tags still alive. Run in a
 * child process on the built library (dist/), so the heap holds only the lint.
 */
const PROBE = String.raw`
import fs from 'node:fs';
import v8 from 'node:v8';
const [dist, mode, target, cacheDir, snapshot] = process.argv.slice(1);
const { lint } = await import(dist + '/engine/lint.js');
const { lintCached } = await import(dist + '/cache/lint-cached.js');
const { rules } = await import(dist + '/rules/index.js');
const { activeJournal } = await import(dist + '/cache/journal.js');
let cluster = 0;
let counts;
const probe = {
  id: 'memory-probe',
  severity: 'info',
  description: 'tags each cluster model; counts the tags alive in the last cluster',
  docs: { why: '' },
  check({ model, disk }) {
    cluster++;
    // A class declared with its name (a computed name would not show in the snapshot).
    const Tag = new Function('return class Probe' + cluster + ' {}')();
    model.probeTag = new Tag();
    for (const file of model.files.values()) file.probeTag = new Tag();
    // With the result cache: the journal recording the cluster's questions to the disk.
    const journal = disk && activeJournal(disk);
    if (journal) journal.probeTag = new Tag();
    if (cluster < Number(process.env.PROBE_CLUSTERS)) return;
    v8.writeHeapSnapshot(snapshot);
    const snap = JSON.parse(fs.readFileSync(snapshot, 'utf8'));
    const fields = snap.snapshot.meta.node_fields;
    const name_ = fields.indexOf('name');
    const objectType = snap.snapshot.meta.node_types[0].indexOf('object');
    counts = {};
    for (let i = 0; i < snap.nodes.length; i += fields.length) {
      const n = snap.strings[snap.nodes[i + name_]];
      if (snap.nodes[i] === objectType && /^Probe\d+$/.test(n)) counts[n] = (counts[n] ?? 0) + 1;
    }
  },
};
const options = { paths: [target], cwd: target, cache: false, workers: 0 };
let kept;
if (mode === 'model') kept = lint({ ...options, ruleSet: [...rules, probe] });
else if (mode === 'no-model') kept = lint({ ...options, ruleSet: [...rules, probe], model: false });
else {
  // The CLI's path: the result cache (which takes no custom rule set: the probe joins the built-in registry).
  rules.push(probe);
  kept = lintCached(options, cacheDir);
}
process.stdout.write(JSON.stringify({ counts, clusters: kept.summary.clusters.length }));
`;

function fleet(clusters: number): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-release-'));
  return (writeFleet({ apps: 12, clusters, seed: 3, components: 'stub', out: path.join(root, 'repo') }) as { root: string }).root;
}

function tagsAlive(mode: 'model' | 'no-model' | 'cached', root: string, clusters: number): Record<string, number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-release-run-'));
  const r = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', PROBE, pathToFileURL(path.join(REPO, 'dist')).href, mode, root, path.join(tmp, 'cache'), path.join(tmp, 'heap.heapsnapshot')],
    { encoding: 'utf8', env: { ...process.env, PROBE_CLUSTERS: String(clusters) }, maxBuffer: 1 << 26 },
  );
  fs.rmSync(tmp, { recursive: true, force: true });
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout) as { counts: Record<string, number>; clusters: number };
  expect(out.clusters).toBe(clusters);
  return out.counts;
}

describe('a finished cluster is garbage once its findings are taken', () => {
  const clusters = 3;
  const root = fleet(clusters);

  it('lint({ model: false }): only the cluster being checked is alive', () => {
    const alive = tagsAlive('no-model', root, clusters);
    expect(alive.Probe1).toBeUndefined();
    expect(alive.Probe2).toBeUndefined();
    // The cluster being checked: its model and every file in it.
    expect(alive.Probe3).toBeGreaterThan(10);
  });

  it('the result cache (the CLI path): only the cluster being checked is alive', () => {
    const alive = tagsAlive('cached', root, clusters);
    expect(alive.Probe1).toBeUndefined();
    expect(alive.Probe2).toBeUndefined();
    expect(alive.Probe3).toBeGreaterThan(10);
  });

  it('lint() keeps every cluster for LintResult.model (the probe does see what is kept)', () => {
    const alive = tagsAlive('model', root, clusters);
    expect(alive.Probe1).toBeGreaterThan(10);
    expect(alive.Probe2).toBeGreaterThan(10);
    expect(alive.Probe3).toBeGreaterThan(10);
  });
});

describe('without the model, the same result', () => {
  const clusters = 3;
  const root = fleet(clusters);
  // One finding in the second cluster, so that there is something to compare.
  const apps = path.join(root, 'flux-clusters');
  const second = fs.readdirSync(apps).sort()[1];
  const appsFile = path.join(apps, second, 'apps', 'apps.yaml');
  fs.writeFileSync(appsFile, fs.readFileSync(appsFile, 'utf8').replace('dependsOn:\n    - name: ', 'dependsOn:\n    - name: typo-'));

  it('lint({ model: false }) gives lint()\'s diagnostics and summary', () => {
    const options = { paths: [apps], cwd: root, cache: false as const, workers: 0 };
    const full = lint(options);
    expect(full.diagnostics.some((d) => d.ruleId === 'dependency-missing')).toBe(true);
    expect(lint({ ...options, model: false })).toEqual({ diagnostics: full.diagnostics, summary: full.summary });
  });

  it('the CLI (also collecting garbage between clusters) prints what lint() gives, with the result cache and without', () => {
    const { diagnostics, summary } = lint({ paths: [apps], cwd: root, cache: false, workers: 0 });
    const expected = formatJson(diagnostics, summary);
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-release-cli-'));
    for (const [args, lowMemory] of [[['--no-cache'], '1'], [['--no-cache'], ''], [[], '1'], [[], '1'], [[], '']] as const) {
      const r = runCli(['--format', 'json', ...args, 'flux-clusters'], root, { LINT_GITOPS_CACHE_DIR: cacheDir, LINT_GITOPS_LOW_MEMORY: lowMemory });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe(expected);
    }
  });
});
