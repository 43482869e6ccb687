import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER, REPO, fixtureCopy, replaceOnce } from '../helpers.js';

/**
 * A damaged cache never changes a result (issue 15, item 2): every kind of file the linter keeps between runs —
 * the parse cache, the result store (run, cluster and tool entries), the validation results, the compiled and
 * bundled validators with their V8 code caches, and the installed command's own code caches — is damaged at
 * random offsets (bits flipped, bytes overwritten, cut short, bytes inserted or appended), and the run after it
 * must print exactly what `--no-cache` prints, to both streams, with the same exit code; the damaged file is then
 * written again (or dropped), and the run after the first damage of each kind prints the same again.
 *
 * Seeded: LINT_GITOPS_DAMAGE_SEED picks another seed, LINT_GITOPS_DAMAGE_RUNS the damages per kind (default 4;
 * each is a process run of the installed command; a nightly-length run is LINT_GITOPS_DAMAGE_RUNS=200). A failure
 * prints the seed, the file and the damage to replay.
 */

const SEED = Number(process.env.LINT_GITOPS_DAMAGE_SEED ?? 15);
const RUNS = Number(process.env.LINT_GITOPS_DAMAGE_RUNS ?? 4);

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `lint-gitops-${prefix}-`));

/** mulberry32. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One damage to a file's bytes, described for the failure message. */
function damage(buf: Buffer, rnd: () => number): { bytes: Buffer; what: string } {
  const at = (n = buf.length) => Math.floor(rnd() * n);
  const kind = Math.floor(rnd() * 5);
  const out = Buffer.from(buf);
  if (kind === 0) {
    // One to three bits flipped.
    const offsets: number[] = [];
    for (let i = 0, n = 1 + at(3); i < n; i++) {
      const o = at();
      offsets.push(o);
      out[o] ^= 1 << at(8);
    }
    return { bytes: out, what: `bits flipped at ${offsets.join(', ')}` };
  }
  if (kind === 1) {
    // A run of 1-16 bytes overwritten (three in the middle: the issue's own damage).
    const o = at();
    const n = Math.min(1 + at(16), buf.length - o);
    for (let i = 0; i < n; i++) out[o + i] = at(256);
    return { bytes: out, what: `${n} bytes overwritten at ${o}` };
  }
  if (kind === 2) {
    const o = at();
    return { bytes: buf.subarray(0, o), what: `cut to ${o} bytes` };
  }
  if (kind === 3) {
    const o = at();
    const extra = Buffer.from(Array.from({ length: 1 + at(8) }, () => at(256)));
    return { bytes: Buffer.concat([buf.subarray(0, o), extra, buf.subarray(o)]), what: `${extra.length} bytes inserted at ${o}` };
  }
  // A byte changed to another printable one: stays valid text (and, often, valid JSON or JavaScript).
  const o = at();
  const was = out[o];
  let to = 0x21 + at(94);
  if (to === was) to = to === 0x7e ? 0x21 : to + 1;
  out[o] = to;
  return { bytes: out, what: `byte ${o} ${was} -> ${to}` };
}

/** A copy of the built package without the build's code caches, so runs keep theirs in the cache directory. */
function pkgCopy(): string {
  const dir = tmp('pkg');
  fs.cpSync(path.join(REPO, 'dist'), path.join(dir, 'dist'), { recursive: true });
  fs.cpSync(path.join(REPO, 'schemas'), path.join(dir, 'schemas'), { recursive: true });
  fs.copyFileSync(path.join(REPO, 'package.json'), path.join(dir, 'package.json'));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  for (const n of fs.readdirSync(path.join(dir, 'dist', 'bin'))) if (n.endsWith('.v8')) fs.rmSync(path.join(dir, 'dist', 'bin', n));
  return path.join(dir, 'dist', 'bin', 'lint-gitops.js');
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let bin: string;
let repo: string;
let expected: Run;
/**
 * The cache directory every run uses (its path is part of the result cache's keys: LINT_GITOPS_CACHE_DIR is),
 * and a copy of it as primed: after the runs below, everything any run reads is in it.
 */
let cacheDir: string;
let primed: string;
const ARGS = ['--format', 'json', CLUSTER];

function run(args: string[], cache: string): Run {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', LINT_GITOPS_CACHE_DIR: cache } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file of a cache directory, relative to it. */
function files(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

beforeAll(() => {
  bin = pkgCopy();
  // Findings of several rules, and a CRD of the tree (its validator is compiled at run time and kept).
  repo = fixtureCopy({
    'flux-apps/grafana/kustomization.yaml': replaceOnce('  - release.yaml', '  - release.yaml\n  - widget-crd.yaml\n  - widget.yaml\n  - missing.yaml'),
    'flux-apps/grafana/release.yaml': replaceOnce('  interval: 30m', '  intervalQ: 30m'),
    'flux-apps/grafana/widget-crd.yaml': [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata:',
      '  name: widgets.example.com',
      'spec:',
      '  group: example.com',
      '  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }',
      '  scope: Namespaced',
      '  versions:',
      '    - name: v1',
      '      served: true',
      '      storage: true',
      '      schema:',
      '        openAPIV3Schema:',
      '          type: object',
      '          properties:',
      '            spec:',
      '              type: object',
      '              properties:',
      '                size: { type: integer, minimum: 1 }',
      '                colour: { type: string, enum: [red, green] }',
      '              additionalProperties: false',
      '',
    ].join('\n'),
    'flux-apps/grafana/widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: grafana\nspec:\n  size: 0\n  colour: blue\n  shape: round\n',
  });
  expected = run([...ARGS, '--no-cache'], tmp('nocache'));
  cacheDir = tmp('cache');
  // The first run writes the parse cache, validations, validators and results; the second keeps the code caches
  // of a run that went all the way (src/cli/launch.ts), and the third those of the fast path.
  expect(run(ARGS, cacheDir)).toEqual(expected);
  fs.rmSync(path.join(cacheDir, 'results'), { recursive: true });
  expect(run(ARGS, cacheDir)).toEqual(expected);
  expect(run(ARGS, cacheDir)).toEqual(expected);
  primed = tmp('primed');
  fs.cpSync(cacheDir, primed, { recursive: true });
}, 120_000);

/**
 * The kinds of cache file, and what must be out of the way for a run to read them: with a run entry that still
 * holds, the fast path answers from it and reads nothing else; with validation results, no validator is loaded.
 */
const KINDS: { kind: string; match: RegExp; without: string[] }[] = [
  { kind: 'parse cache', match: /^parse-.*\.bin$/, without: ['results'] },
  { kind: 'run entry', match: /^results\/run-/, without: [] },
  { kind: 'cluster entry', match: /^results\/cluster-/, without: ['results/run-*'] },
  { kind: 'tool manifest', match: /^results\/tool-/, without: [] },
  { kind: 'validation results', match: /^validations\.json$/, without: ['results'] },
  { kind: 'compiled validator', match: /^validators\/[0-9a-f]{64}\.cjs$/, without: ['results', 'validations.json'] },
  { kind: 'compiled validator code cache', match: /^validators\/[0-9a-f]{64}\.v8$/, without: ['results', 'validations.json'] },
  { kind: 'bundled validator', match: /^validators\/bundled-.*\.cjs$/, without: ['results', 'validations.json'] },
  { kind: 'bundled validator code cache', match: /^validators\/bundled-.*\.v8$/, without: ['results', 'validations.json'] },
  { kind: 'command code cache', match: /^code\/.*\.v8$/, without: ['results'] },
];

/** The cache directory as primed, with `without` removed (a trailing * removes every file of that prefix). */
function restore(without: string[]): string {
  const dir = cacheDir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(primed, dir, { recursive: true });
  for (const w of without) {
    if (!w.endsWith('*')) fs.rmSync(path.join(dir, w), { recursive: true, force: true });
    else for (const f of files(dir).filter((f) => f.startsWith(w.slice(0, -1)))) fs.rmSync(path.join(dir, f));
  }
  return dir;
}

describe('a damaged cache file', () => {
  it('the primed cache holds every kind of file, one run entry and one cluster entry (both read by the runs)', () => {
    const all = files(primed);
    for (const { kind, match } of KINDS) expect(all.some((f) => match.test(f)), kind).toBe(true);
    expect(all.filter((f) => /^results\/(run|cluster)-/.test(f))).toHaveLength(2);
  });

  for (const [k, { kind, match, without }] of KINDS.entries()) {
    it(`${kind}: is ignored and written again; the output is what --no-cache prints`, () => {
      const rnd = prng(SEED * 1000 + k);
      const candidates = files(primed).filter((f) => match.test(f));
      for (let i = 0; i < RUNS; i++) {
        const cache = restore(without);
        const rel = candidates[Math.floor(rnd() * candidates.length)];
        const file = path.join(cache, rel);
        const { bytes, what } = damage(fs.readFileSync(file), rnd);
        fs.writeFileSync(file, bytes);
        const replay = `seed ${SEED}, ${kind} ${rel}: ${what}`;
        expect(run(ARGS, cache), replay).toEqual(expected);
        // Written again or dropped: never left for a later run to trip over.
        const now = fs.existsSync(file) ? fs.readFileSync(file) : undefined;
        expect(now !== undefined && now.equals(bytes), `${replay}: still damaged after the run`).toBe(false);
        if (i === 0) expect(run(ARGS, cache), `${replay}: the run after`).toEqual(expected);
      }
    }, 60_000 + RUNS * 10_000);
  }
});
