import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ValidationResults, validationsFile } from '../../src/cache/validations.js';
import { digest } from '../../src/cache/journal.js';
import { lint } from '../../src/index.js';
import { MAX_OBJECTS_WITH_KEPT_RESULTS, SchemaRegistry, validatorStats } from '../../src/schema/index.js';
import { CLUSTER, fixtureCopy, lineOf, replaceOnce, runCli } from '../helpers.js';
import { LAB, twoClusters } from '../integrations/two-clusters.js';
// @ts-expect-error plain ESM script without types
import { writeFleet } from '../../bench/generate-fleet.mjs';

/**
 * The validation result cache (src/cache/validations.ts) never changes a finding: after each change to an input
 * of a result — the object, a CRD of the tree (a validator compiled at run time), the substitution flag, the build
 * — a run with the cache reports exactly what a run without it reports. And it does its job: an object whose
 * inputs did not change is not validated again, and its validator is not even asked for (validatorStats counts
 * both; a validator never asked for is never loaded in a fresh process).
 */

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `lint-gitops-${prefix}-`));

const forgejo = 'flux-apps/forgejo/release.yaml';
const gotk = `${CLUSTER}/flux-system/gotk-components.yaml`;
/** The interval pattern of the HelmRelease CRD (helm.toolkit.fluxcd.io/v2) in the fixture's gotk-components.yaml. */
const INTERVAL = 'description: Interval at which to reconcile the Helm release.\n                pattern: ^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';
const intervalPattern = (pattern: string) => replaceOnce(INTERVAL, `description: Interval at which to reconcile the Helm release.\n                pattern: ${pattern}`);

function edit(repo: string, rel: string, change: (text: string) => string): void {
  const file = path.join(repo, rel);
  fs.writeFileSync(file, change(fs.readFileSync(file, 'utf8')));
}

interface Run {
  findings: string[];
  /** Validators asked for and run on a value, during the cached run. */
  requests: number;
  calls: number;
}

/** Lints with the cache in `cache`, counting validations, and without any cache: they must agree. */
function run(repo: string, cache: string, paths = [path.join(repo, CLUSTER)]): Run {
  validatorStats.requests = 0;
  validatorStats.calls = 0;
  const cached = lint({ paths, cwd: repo, cache });
  const { requests, calls } = validatorStats;
  const fresh = lint({ paths, cwd: repo });
  expect(cached.diagnostics).toEqual(fresh.diagnostics);
  expect(cached.summary).toEqual(fresh.summary);
  return { findings: cached.diagnostics.map((d) => `${d.ruleId} ${d.file}:${d.line} ${d.message}`), requests, calls };
}

describe('validation results kept between runs', () => {
  beforeEach(() => {
    validatorStats.requests = 0;
    validatorStats.calls = 0;
  });

  it('a warm run validates nothing; with one object changed, only that object, with its findings', () => {
    const repo = fixtureCopy();
    const cache = tmp('cache');
    const cold = run(repo, cache);
    expect(cold.calls).toBeGreaterThan(100);
    expect(fs.existsSync(validationsFile(cache))).toBe(true);

    const warm = run(repo, cache);
    expect(warm).toEqual({ findings: cold.findings, requests: 0, calls: 0 });

    // A comment changes the file, not the object: still nothing to validate.
    fs.appendFileSync(path.join(repo, forgejo), '# a comment\n');
    expect(run(repo, cache)).toEqual({ findings: cold.findings, requests: 0, calls: 0 });

    // The HelmRelease's interval becomes a number: that object alone is validated again, and now reported.
    edit(repo, forgejo, replaceOnce('  interval: 30m\n', '  interval: 30\n'));
    const changed = run(repo, cache);
    expect(changed.calls).toBe(1);
    expect(changed.requests).toBe(1);
    expect(changed.findings).toEqual([...cold.findings, `schema ${forgejo}:${lineOf(repo, forgejo, 'interval: 30\n')} spec.interval must be a string`].sort());

    // Back as it was: the earlier result is still kept.
    edit(repo, forgejo, replaceOnce('  interval: 30\n', '  interval: 30m\n'));
    expect(run(repo, cache)).toEqual({ findings: cold.findings, requests: 0, calls: 0 });
  });

  it('a base two clusters read is validated once per run', () => {
    const repo = twoClusters();
    const cache = tmp('cache');
    const paths = [path.join(repo, CLUSTER), path.join(repo, LAB)];
    const both = run(repo, cache, paths);
    const alone = run(repo, tmp('cache'), [path.join(repo, CLUSTER)]);
    // lab builds only what stefanzhelev builds too (vault, flux-system, cluster.yaml), besides its own kustomization
    // files and its two Flux objects (the ones naming its path) — those alone are new.
    expect(both.calls - alone.calls).toBeLessThanOrEqual(4);
    expect(run(repo, cache, paths)).toEqual({ findings: both.findings, requests: 0, calls: 0 });
  });

  it('a CRD of the tree compiled at run time: each change to its schema gives fresh results', () => {
    // Only 1h intervals: every HelmRelease (interval: 30m) is reported.
    const repo = fixtureCopy({ [gotk]: intervalPattern('^[0-9]+h$') });
    const cache = tmp('cache');
    const hourly = run(repo, cache);
    const releases = fs.readdirSync(path.join(repo, 'flux-apps')).filter((a) => fs.existsSync(path.join(repo, 'flux-apps', a, 'release.yaml')));
    const reported = hourly.findings.filter((f) => f.includes('must match pattern ^[0-9]+h$'));
    expect(reported).toEqual(
      releases.map((a) => `schema flux-apps/${a}/release.yaml:${lineOf(repo, `flux-apps/${a}/release.yaml`, '  interval: 30m')} spec.interval must match pattern ^[0-9]+h$`),
    );
    expect(run(repo, cache)).toEqual({ findings: hourly.findings, requests: 0, calls: 0 });

    // Minutes: the same HelmReleases, another validator — validated again, and clean. So is the CRD itself, a
    // changed object (against the apiextensions.k8s.io schema); nothing else.
    edit(repo, gotk, (t) => t.replace('pattern: ^[0-9]+h$', 'pattern: ^[0-9]+m$'));
    const minutes = run(repo, cache);
    expect(minutes.findings.filter((f) => f.includes('must match pattern'))).toEqual([]);
    expect(minutes.calls).toBe(releases.length + 1);
    expect(minutes.requests).toBe(releases.length + 1);

    // And back: both schemas' results are kept.
    edit(repo, gotk, (t) => t.replace('pattern: ^[0-9]+m$', 'pattern: ^[0-9]+h$'));
    expect(run(repo, cache)).toEqual({ findings: hourly.findings, requests: 0, calls: 0 });
  });

  it('a value JSON cannot tell from another (.nan and null) is validated every time', () => {
    const repo = fixtureCopy({ [gotk]: (t) => t.replace('replicas: 1', 'replicas: .nan') });
    const cache = tmp('cache');
    const nan = run(repo, cache);
    expect(nan.findings.filter((f) => f.startsWith(`schema ${gotk}`))).toEqual([`schema ${gotk}:${lineOf(repo, gotk, 'replicas: .nan')} spec.replicas must be an integer`]);
    expect(run(repo, cache).calls).toBe(1);
    edit(repo, gotk, (t) => t.replace('replicas: .nan', 'replicas: null'));
    const none = run(repo, cache);
    expect(none.findings.filter((f) => f.startsWith(`schema ${gotk}`))).toEqual([]);
    expect(none.calls).toBe(1);
  });

  it('a corrupt, truncated, foreign or emptied cache file is ignored: everything is validated again', () => {
    const repo = fixtureCopy({ [forgejo]: replaceOnce('  interval: 30m\n', '  interval: 30\n') });
    const cache = tmp('cache');
    const cold = run(repo, cache);
    expect(cold.findings).toContain(`schema ${forgejo}:${lineOf(repo, forgejo, 'interval: 30\n')} spec.interval must be a string`);
    const file = validationsFile(cache);
    const good = fs.readFileSync(file, 'utf8');
    const nl = good.indexOf('\n');
    const header = JSON.parse(good.slice(0, nl)) as { format: string; tool: string; body: string };
    const body = good.slice(nl + 1);
    // Every stored result claims "no issue" (the header's hash is the old body's).
    const lying = JSON.stringify((JSON.parse(body) as [string, unknown][]).map(([k]) => [k, 0]));
    expect(lying).not.toBe(body);
    const variants: Record<string, string> = {
      'a flipped byte': `${good.slice(0, -3)}X${good.slice(-2)}`,
      truncated: good.slice(0, Math.floor(good.length / 2)),
      'no header': body,
      garbage: '\u0000\u0001not json\n{',
      'another format': `${JSON.stringify({ ...header, format: 'lint-gitops validation results 0' })}\n${body}`,
      'results edited behind the hash': `${good.slice(0, nl)}\n${lying}`,
    };
    for (const [what, text] of Object.entries(variants)) {
      fs.writeFileSync(file, text);
      const again = run(repo, cache);
      expect(again.findings, what).toEqual(cold.findings);
      expect(again.calls, what).toBe(cold.calls);
    }
    // A stored result that is not an issue list is not trusted either, even with a matching hash.
    const bad = body.replace(/,0\]/, ',[{"path":"spec","keyword":1}]]');
    fs.writeFileSync(file, `${JSON.stringify({ ...header, body: digest(bad) })}\n${bad}`);
    expect(run(repo, cache).calls).toBe(1);
  });

  it('a file a directory stands in for, or an unwritable cache directory, only costs the validations', () => {
    const repo = fixtureCopy();
    const cache = tmp('cache');
    fs.mkdirSync(validationsFile(cache), { recursive: true });
    const first = run(repo, cache);
    expect(run(repo, cache)).toEqual(first);
  });

  it('a cluster of more objects than MAX_OBJECTS_WITH_KEPT_RESULTS validates without them', () => {
    const fleet = path.join(tmp('fleet'), 'fleet');
    writeFleet({ apps: 150, clusters: 1, out: fleet });
    const cache = tmp('cache');
    const paths = [path.join(fleet, 'flux-clusters')];
    const first = run(fleet, cache, paths);
    expect(first.findings).toEqual([]);
    expect(lint({ paths, cwd: fleet }).summary.objects).toBeGreaterThan(MAX_OBJECTS_WITH_KEPT_RESULTS);
    expect(fs.existsSync(validationsFile(cache))).toBe(false);
    expect(run(fleet, cache, paths).calls).toBe(first.calls);
  });

  it('--no-cache, --fix and the library without a cache directory keep no validation results', () => {
    const repo = fixtureCopy();
    const cache = tmp('cache');
    const cli = runCli(['--no-cache', '--format', 'json', CLUSTER], repo, { LINT_GITOPS_CACHE_DIR: cache });
    expect(cli.code).toBe(0);
    expect(fs.existsSync(validationsFile(cache))).toBe(false);
    expect(runCli(['--fix', CLUSTER], repo, { LINT_GITOPS_CACHE_DIR: cache }).code).toBe(0);
    expect(fs.existsSync(validationsFile(cache))).toBe(false);
    validatorStats.calls = 0;
    lint({ paths: [path.join(repo, CLUSTER)], cwd: repo });
    const calls = validatorStats.calls;
    lint({ paths: [path.join(repo, CLUSTER)], cwd: repo });
    expect(validatorStats.calls).toBe(2 * calls);
  });

  it('the CLI keeps them and prints the same bytes with and without them', () => {
    const repo = fixtureCopy({ [forgejo]: replaceOnce('  interval: 30m\n', '  interval: 30\n') });
    const cache = tmp('cache');
    const plain = runCli(['--no-cache', '--format', 'json', CLUSTER], repo);
    const cold = runCli(['--format', 'json', CLUSTER], repo, { LINT_GITOPS_CACHE_DIR: cache });
    expect(fs.existsSync(validationsFile(cache))).toBe(true);
    fs.appendFileSync(path.join(repo, forgejo), '# edited\n');
    const warm = runCli(['--format', 'json', CLUSTER], repo, { LINT_GITOPS_CACHE_DIR: cache });
    expect(plain.code).toBe(1);
    expect(cold).toEqual(plain);
    expect(warm).toEqual(plain);
  });
});

describe('ValidationResults keys', () => {
  const registry = (results: ValidationResults) => SchemaRegistry.bundled(undefined, { results });
  const deployment = (replicas: unknown) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
  });
  const plain = SchemaRegistry.bundled();

  it('hold the substitution flag', () => {
    const results = new ValidationResults(tmp('cache'), { tool: 'a' });
    const value = deployment('${REPLICAS}');
    for (const substitution of [false, true, false, true]) {
      const r = registry(results).validate('apps/v1', 'Deployment', value, { substitution });
      expect(r, String(substitution)).toEqual(plain.validate('apps/v1', 'Deployment', value, { substitution }));
    }
    expect(plain.validate('apps/v1', 'Deployment', value, { substitution: false }).issues).not.toEqual([]);
    expect(plain.validate('apps/v1', 'Deployment', value, { substitution: true }).issues).toEqual([]);
    expect({ hits: results.hits, misses: results.misses }).toEqual({ hits: 2, misses: 2 });
  });

  it('hold the exact value, even where JSON cannot tell values apart (those are never looked up)', () => {
    const results = new ValidationResults(tmp('cache'), { tool: 'a' });
    // replicas: NaN and replicas: null have the same JSON; -0 and 0 too.
    const values = [deployment(3), deployment('3'), deployment(null), deployment(Number.NaN), deployment(Infinity), deployment(-0), deployment(0), deployment(3)];
    for (const v of [...values, ...values]) expect(registry(results).validate('apps/v1', 'Deployment', v)).toEqual(plain.validate('apps/v1', 'Deployment', v));
    expect(plain.validate('apps/v1', 'Deployment', deployment(Number.NaN)).issues).not.toEqual(plain.validate('apps/v1', 'Deployment', deployment(null)).issues);
  });

  it('hold the build: results kept by another build are not used', () => {
    const dir = tmp('cache');
    const value = deployment('3');
    const first = new ValidationResults(dir, { tool: 'build-a' });
    registry(first).validate('apps/v1', 'Deployment', value);
    first.save();
    // The same file read by another build: ignored as a whole.
    const other = new ValidationResults(dir, { tool: 'build-b' });
    registry(other).validate('apps/v1', 'Deployment', value);
    expect({ hits: other.hits, misses: other.misses }).toEqual({ hits: 0, misses: 1 });
    // Its entries relabelled as that build's: the keys differ too.
    const text = fs.readFileSync(validationsFile(dir), 'utf8');
    const nl = text.indexOf('\n');
    fs.writeFileSync(validationsFile(dir), `${JSON.stringify({ ...JSON.parse(text.slice(0, nl)), tool: 'build-b' })}\n${text.slice(nl + 1)}`);
    const relabelled = new ValidationResults(dir, { tool: 'build-b' });
    registry(relabelled).validate('apps/v1', 'Deployment', value);
    expect({ hits: relabelled.hits, misses: relabelled.misses }).toEqual({ hits: 0, misses: 1 });
    fs.writeFileSync(validationsFile(dir), text);
    const same = new ValidationResults(dir, { tool: 'build-a' });
    expect(registry(same).validate('apps/v1', 'Deployment', value)).toEqual(plain.validate('apps/v1', 'Deployment', value));
    expect({ hits: same.hits, misses: same.misses }).toEqual({ hits: 1, misses: 0 });
  });

  it('hold the kind: two kinds sharing one validator word its messages each their own way', () => {
    const results = new ValidationResults(tmp('cache'), { tool: 'a' });
    const api = 'rbac.authorization.k8s.io/v1';
    const value = { apiVersion: api, metadata: { name: 'x' }, subjects: [] };
    expect(plain.validate(api, 'RoleBinding', value).issues.map((i) => i.message)).toEqual(["RoleBinding is missing required field 'roleRef'"]);
    for (const kind of ['RoleBinding', 'ClusterRoleBinding', 'RoleBinding', 'ClusterRoleBinding']) {
      expect(registry(results).validate(api, kind, value), kind).toEqual(plain.validate(api, kind, value));
    }
    expect({ hits: results.hits, misses: results.misses }).toEqual({ hits: 2, misses: 2 });
  });

  it('hold the validator: a value valid for one schema is not valid for another', () => {
    const results = new ValidationResults(tmp('cache'), { tool: 'a' });
    const value = { apiVersion: 'v1', metadata: { name: 'x' }, data: { a: 1 } };
    for (const kind of ['ConfigMap', 'Secret', 'ConfigMap', 'Secret']) {
      expect(registry(results).validate('v1', kind, { ...value, kind }), kind).toEqual(plain.validate('v1', kind, { ...value, kind }));
    }
    expect({ hits: results.hits, misses: results.misses }).toEqual({ hits: 2, misses: 2 });
  });

  it('are bounded: this run’s results are kept first, then older ones in the order they were kept', () => {
    const dir = tmp('cache');
    const a = new ValidationResults(dir, { tool: 't', maxEntries: 3 });
    for (const k of ['k1', 'k2', 'k3']) a.set(k, []);
    a.save();
    const b = new ValidationResults(dir, { tool: 't', maxEntries: 3 });
    expect(b.get('k2')).toEqual([]);
    b.set('k4', [{ path: ['spec'], keyword: 'type', message: 'spec must be an object' }]);
    b.save();
    const c = new ValidationResults(dir, { tool: 't', maxEntries: 3 });
    expect(['k1', 'k2', 'k3', 'k4'].map((k) => c.get(k))).toEqual([[], [], undefined, [{ path: ['spec'], keyword: 'type', message: 'spec must be an object' }]]);
    // Bytes too: an entry that does not fit is left out.
    const small = tmp('cache');
    const d = new ValidationResults(small, { tool: 't', maxBytes: 30 });
    d.set('small', []);
    d.set('large', [{ path: [], keyword: 'x', message: 'a long message that does not fit' }]);
    d.save();
    const e = new ValidationResults(small, { tool: 't' });
    expect([e.get('small'), e.get('large')]).toEqual([[], undefined]);
  });
});
