import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFleet } from '../../bench/generate-fleet.mjs';
import { LoadContext } from '../../src/load/context.js';
import { KUSTOMIZATION_FILES, KustomizeBuilder } from '../../src/load/kustomize.js';
import { RepoFs } from '../../src/load/repo-fs.js';
import { ruleById } from '../../src/rules/index.js';
import { FIXTURES, REPO, SHARED, hasKubectl } from '../helpers.js';
import { CASES } from './kustomize-cases.js';

/*
 * The differential test of issue 14 ("How to know it is right"): every kustomize directory of the fixture, of
 * every corpus in ../shared/corpora and of a small generated fleet is built by lint-gitops's builder and by
 * `kubectl kustomize --load-restrictor LoadRestrictionsNone` (Flux builds without the load restrictor), and the two
 * must give the same objects: apiVersion, kind, namespace and name of every object, and the whole `spec` of Flux
 * objects. Where kubectl fails, the builder must fail too (a finding of the rule named in `failures`).
 *
 * Generated names: the builder computes kustomize's name hash (src/load/hash.ts), so they are compared as they are.
 */

const CORPORA = path.join(SHARED, 'corpora');
const kubectl = hasKubectl();
const shared = fs.existsSync(CORPORA);

/**
 * Directories whose kubectl result the builder is not expected to give, each with why. Keys are `tree:dir`.
 * Only what needs the network (kustomize fetches remote files and Helm charts; the builder never does).
 */
const EXCEPTIONS: Record<string, string> = {
  'JJGadgets__Biohazard:kube/clusters/biohazard/flux':
    'a configMapGenerator file is an https:// URL: kustomize fetches it over HTTP, which fails offline; the builder never fetches (remote-resource, info)',
  'JJGadgets__Biohazard:kube/deploy/core/flux-system':
    'a configMapGenerator file is an https:// URL (remote-resource, info): needs the network',
  'JJGadgets__Biohazard:kube/deploy/core/secrets/external-secrets/app/dashboards':
    'a configMapGenerator file is an https:// URL (remote-resource, info): needs the network',
  'JJGadgets__Biohazard:kube/deploy/core/storage/rook-ceph/app/dashboards':
    'a configMapGenerator file is an https:// URL (remote-resource, info): needs the network',
  'JJGadgets__Biohazard:kube/deploy/core/_networking/cilium/app/config/biohazard':
    '`helmCharts`: kustomize needs --enable-helm, the helm binary and the network to inflate the chart',
  'JJGadgets__Biohazard:kube/deploy/core/_networking/cilium/app/config/hercules':
    '`helmCharts`: kustomize needs --enable-helm, the helm binary and the network to inflate the chart',
  'JJGadgets__Biohazard:kube/deploy/core/_networking/cilium/app/config/nuclear':
    '`helmCharts`: kustomize needs --enable-helm, the helm binary and the network to inflate the chart',
  'JJGadgets__Biohazard:kube/deploy/core/_networking/cilium/app/config/sinon':
    '`helmCharts`: kustomize needs --enable-helm, the helm binary and the network to inflate the chart',
};

/**
 * Values that differ because of how the YAML is read, not how it is built: kustomize reads YAML with yaml.v3,
 * the linter's two parsers (src/load/parse/yaml-file.ts, src/load/parse/fast-parse.ts) with the YAML 1.2 core schema. Each
 * is one spec field of one object, `tree:dir:object identity:path`; every other difference there still fails.
 */
const PARSER_DIFFERENCES: Record<string, string> = {};
const OCTAL = 'yaml.v3 reads a plain 0775 as the octal integer 509 (Go strconv base 0); YAML 1.2 core reads 775';
for (const [dir, name, field] of [
  ['kubernetes/apps/base/downloads/sabnzbd', 'sabnzbd', 'scripts'],
  ['kubernetes/apps/base/downloads/sonarr', 'sonarr', 'scripts'],
  ['kubernetes/apps/base/llm/hermes', 'hermes', 'configmap'],
  ['kubernetes/apps/base/llm/openclaw/app', 'openclaw', 'configmap'],
  ['kubernetes/apps/base/llm/opencode', 'opencode', 'config'],
  ['kubernetes/apps/base/observability/network-ups-tools', 'network-ups-tools', 'config'],
  ['kubernetes/apps/base/self-hosted/webhook', 'webhook', 'config'],
]) {
  PARSER_DIFFERENCES[`joryirving__home-ops:${dir}:helm.toolkit.fluxcd.io/v2 HelmRelease -/${name}:spec.values.persistence.${field}.defaultMode`] = OCTAL;
}
PARSER_DIFFERENCES['xunholy__k8s-gitops:kubernetes/apps/base/home-system/sabnzbd/app:helm.toolkit.fluxcd.io/v2 HelmRelease -/sabnzbd:spec.values.persistence.scripts.defaultMode'] = OCTAL;
PARSER_DIFFERENCES['JJGadgets__Biohazard:kube/deploy/core/storage/_csi-addons:source.toolkit.fluxcd.io/v1 GitRepository flux-system/csi-addons:spec.ignore'] =
  'a `|` block scalar that ends the file without a final newline: yaml.v3 gives no trailing newline, the YAML 1.2 parsers one';

/** Flux's API groups: the objects whose whole spec must match. */
const FLUX_GROUP = /(^|\.)fluxcd\.io$/;

interface Tree {
  name: string;
  root: string;
  /** Compare whole objects (a Secret's values aside: the builder never holds them), not only identities and Flux specs. */
  whole?: boolean;
}

type OracleResult = { ok: true; objects: Obj[] } | { ok: false; error: string };
type Obj = Record<string, unknown>;

/** Repo-relative directories holding a kustomization file (hidden directories skipped, as the builder never walks them). */
function kustomizeDirs(root: string, rel = '.'): string[] {
  const out: string[] = [];
  const abs = rel === '.' ? root : path.join(root, rel);
  const entries = fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  if (entries.some((e) => KUSTOMIZATION_FILES.includes(e.name) && e.isFile())) out.push(rel);
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'node_modules') continue;
    out.push(...kustomizeDirs(root, rel === '.' ? e.name : `${rel}/${e.name}`));
  }
  return out;
}

/** A digest of every file of the tree: kubectl's results are kept under it (and kubectl's version). */
function treeDigest(root: string, version: string): string {
  const h = crypto.createHash('sha256').update(version);
  const walk = (abs: string, rel: string) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(abs, e.name);
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p, r);
      else if (e.isFile()) h.update(`${r}\0`).update(fs.readFileSync(p)).update('\0');
      else if (e.isSymbolicLink()) h.update(`${r}\0->${fs.readlinkSync(p)}\0`);
    }
  };
  walk(root, '');
  return h.digest('hex');
}

const CACHE = path.join(REPO, 'node_modules', '.cache', 'lint-gitops-kustomize-oracle');

function runKubectl(root: string, dir: string): Promise<OracleResult> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', dir],
      { cwd: root, maxBuffer: 512 * 1024 * 1024, timeout: 120_000, env: { ...process.env, HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9' } },
      (err, stdout, stderr) => {
        if (err) resolve({ ok: false, error: String(stderr || err.message).trim() });
        else resolve({ ok: true, objects: parseAllDocuments(stdout).map((d) => d.toJS() as Obj).filter((o) => o != null) });
      },
    );
  });
}

/**
 * kubectl's result for every directory, two at a time (the machine has two cores), kept in node_modules/.cache
 * under a digest of the whole tree and kubectl's version, so a re-run of an unchanged tree does not build again.
 */
async function oracle(tree: Tree, dirs: string[], version: string): Promise<{ results: Map<string, OracleResult>; seconds: number; cached: boolean }> {
  const started = Date.now();
  const file = path.join(CACHE, `${tree.name}-${treeDigest(tree.root, version)}.json`);
  if (fs.existsSync(file)) {
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, OracleResult>;
    if (dirs.every((d) => d in stored)) return { results: new Map(Object.entries(stored)), seconds: (Date.now() - started) / 1000, cached: true };
  }
  const results = new Map<string, OracleResult>();
  let next = 0;
  const worker = async () => {
    while (next < dirs.length) {
      const dir = dirs[next++];
      results.set(dir, await runKubectl(tree.root, dir));
    }
  };
  await Promise.all([worker(), worker()]);
  fs.mkdirSync(CACHE, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(Object.fromEntries(results)));
  fs.renameSync(tmp, file);
  return { results, seconds: (Date.now() - started) / 1000, cached: false };
}

function identity(o: Obj): string {
  const meta = (o.metadata ?? {}) as Obj;
  return `${String(o.apiVersion)} ${String(o.kind)} ${meta.namespace === undefined ? '-' : String(meta.namespace)}/${String(meta.name)}`;
}

function isFlux(o: Obj): boolean {
  const apiVersion = String(o.apiVersion ?? '');
  const i = apiVersion.lastIndexOf('/');
  return i > 0 && FLUX_GROUP.test(apiVersion.slice(0, i));
}

/** JSON with sorted keys: key order is not part of the comparison. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Obj)[k]])) : x,
  );
}

/** Where two values differ, as `path: kubectl → builder`, at most five, each value cut short; `skip` says which paths are explained. */
function differences(a: unknown, b: unknown, at: string, skip: (path: string) => boolean, out: string[] = []): string[] {
  if (out.length >= 5 || canonical(a) === canonical(b) || skip(at)) return out;
  const bothObjects = a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (bothObjects && !(Array.isArray(a) && (a as unknown[]).length !== (b as unknown[]).length)) {
    for (const k of new Set([...Object.keys(a as Obj), ...Object.keys(b as Obj)])) differences((a as Obj)[k], (b as Obj)[k], `${at}.${k}`, skip, out);
    return out;
  }
  const short = (v: unknown) => (v === undefined ? 'absent' : canonical(v).slice(0, 120));
  out.push(`${at}: ${short(a)} → ${short(b)}`);
  return out;
}

/** An object as compared whole: a Secret's values replaced by their keys' presence. */
function comparable(o: Obj): Obj {
  if (o.kind !== 'Secret') return o;
  const keys = (d: unknown) => (d && typeof d === 'object' ? Object.fromEntries(Object.keys(d).map((k) => [k, '…'])) : d);
  return { ...o, data: keys(o.data), stringData: keys(o.stringData) };
}

/** The differences between kubectl's objects and the builder's for one directory, as readable lines. */
function compare(expected: Obj[], actual: Obj[], explained: (id: string, path: string) => boolean, whole = false): string[] {
  const out: string[] = [];
  const index = (objs: Obj[]) => {
    const m = new Map<string, Obj[]>();
    for (const o of objs) m.set(identity(o), [...(m.get(identity(o)) ?? []), o]);
    return m;
  };
  const want = index(expected);
  const got = index(actual);
  for (const [id, list] of want) {
    const mine = got.get(id) ?? [];
    if (mine.length !== list.length) out.push(`${id}: kubectl ${list.length}, builder ${mine.length}`);
    else if (whole) {
      const diff = differences(comparable(list[0]), comparable(mine[0]), '', () => false);
      if (diff.length > 0) out.push(`${id}: differs: ${diff.join(', ')}`);
    } else if (isFlux(list[0]) && canonical(list[0].spec) !== canonical(mine[0].spec)) {
      const diff = differences(list[0].spec, mine[0].spec, 'spec', (path) => explained(id, path));
      if (diff.length > 0) out.push(`${id}: spec differs: ${diff.join(', ')}`);
    }
  }
  for (const [id, list] of got) if (!want.has(id)) out.push(`${id}: kubectl 0, builder ${list.length}`);
  return out;
}

function trees(): Tree[] {
  const cases = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-kustomize-cases-'));
  for (const [rel, text] of Object.entries(CASES)) {
    fs.mkdirSync(path.dirname(path.join(cases, rel)), { recursive: true });
    fs.writeFileSync(path.join(cases, rel), text);
  }
  const out: Tree[] = [{ name: 'cases', root: cases, whole: true }, { name: 'fixture', root: FIXTURES }];
  if (shared) {
    for (const e of fs.readdirSync(CORPORA, { withFileTypes: true })) {
      if (e.isDirectory()) out.push({ name: e.name, root: path.join(CORPORA, e.name) });
    }
  }
  const fleet = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-differential-'));
  out.push({ name: 'fleet', root: (writeFleet({ apps: 12, clusters: 2, seed: 5, components: 'stub', out: path.join(fleet, 'repo') }) as { root: string }).root });
  return out;
}

const timings: string[] = [];
afterAll(() => {
  if (timings.length > 0) console.log(`kustomize differential:\n  ${timings.join('\n  ')}`);
});

if (!kubectl) console.log('kustomize differential test skipped: kubectl is not installed (it is the oracle, never needed at run time)');
if (!shared) console.log(`kustomize differential test: ${CORPORA} is absent, only the fixture and a generated fleet are compared`);

describe.skipIf(!kubectl)('kustomize builds like `kubectl kustomize --load-restrictor LoadRestrictionsNone`', () => {
  const version = kubectl ? execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' }) : '';
  for (const tree of kubectl ? trees() : []) {
    it(tree.name, async () => {
      const dirs = kustomizeDirs(tree.root);
      const { results, seconds, cached } = await oracle(tree, dirs, version);
      const started = Date.now();
      const builder = new KustomizeBuilder(new LoadContext(new RepoFs(tree.root)), new Map());
      const mismatches: string[] = [];
      let compared = 0;
      let refused = 0;
      const reportedBy = new Set<string>();
      for (const dir of dirs) {
        const want = results.get(dir)!;
        const got = builder.build(dir);
        const exception = EXCEPTIONS[`${tree.name}:${dir}`];
        if (exception) continue;
        compared++;
        if (dir.endsWith('-fails') && want.ok) mismatches.push(`${dir}: kubectl builds it, but the case says kustomize refuses it`);
        if (!want.ok) {
          if (!('failures' in got) || got.failures.length === 0) mismatches.push(`${dir}: kubectl fails, the builder does not: ${want.error.split('\n')[0]}`);
          else {
            refused++;
            for (const f of got.failures) {
              const rule = f.slice(0, f.indexOf(':'));
              if (!ruleById(rule) || ruleById(rule)!.severity !== 'error') mismatches.push(`${dir}: '${f}' is not an error of a rule`);
              else reportedBy.add(rule);
            }
          }
          continue;
        }
        if ('error' in got) {
          mismatches.push(`${dir}: the builder fails (${got.error}), kubectl does not`);
          continue;
        }
        if (got.failures.length > 0) mismatches.push(`${dir}: the builder fails (${got.failures.join('; ')}), kubectl does not`);
        const diff = compare(want.objects, got.objects.map((o) => o.value), (id, p) => `${tree.name}:${dir}:${id}:${p}` in PARSER_DIFFERENCES, tree.whole);
        if (diff.length > 0) mismatches.push(`${dir}:\n    ${diff.join('\n    ')}`);
      }
      timings.push(
        `${tree.name}: ${dirs.length} directories (${compared} compared, ${refused} refused by both${refused ? `: ${[...reportedBy].sort().join(', ')}` : ''}), kubectl ${seconds.toFixed(1)} s${cached ? ' (cached)' : ''}, builder ${((Date.now() - started) / 1000).toFixed(2)} s`,
      );
      if (mismatches.length > 0) console.log(`${tree.name}: ${mismatches.length} directories differ\n  ${mismatches.join('\n  ')}`);
      expect(mismatches).toEqual([]);
    }, 600_000);
  }
});
