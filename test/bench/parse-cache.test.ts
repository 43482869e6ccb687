import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { FAST_PARSER_VERSION } from '../../src/load/parse/fast-parse.js';
import { ParseCache } from '../../src/cache/parses.js';
import { CLUSTER, fixtureCopy, lineOf, lintTree, replaceOnce, runCli } from '../helpers.js';

const ns = 'flux-apps/vault/namespace.yaml';
const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-cache-'));
const findings = (repo: string, cache: string) => lintTree(repo, { cache }).diagnostics.map((d) => ({ ruleId: d.ruleId, file: d.file, line: d.line, message: d.message }));

describe('the parse cache', () => {
  it('keys an entry by the hash of the parser version, a NUL and the bytes, as it always has (caches stay valid)', () => {
    expect(/^[\x00-\x7f]*$/.test(FAST_PARSER_VERSION)).toBe(true);
    for (const text of ['', 'a: 1\n', 'name: ünïcödé ✓ 🚀\n', 'lone: \ud800\n', '\udc00leading low surrogate', 'x'.repeat(100_000)]) {
      expect(ParseCache.key(text)).toBe(createHash('sha256').update(FAST_PARSER_VERSION).update('\0').update(text).digest('base64'));
    }
  });

  it('writes one cache file outside the repo and gives the same findings warm as cold', () => {
    const repo = fixtureCopy();
    const cache = tmpDir();
    expect(findings(repo, cache)).toEqual([]);
    // Beside the parse cache live validators/ (compiled schema validators, src/schema/validator-cache.ts),
    // validations.json (validation results, src/cache/validations.ts) and results/ (with the build's identity they
    // are keyed on, src/cache/tool-id.ts).
    expect(fs.readdirSync(cache).sort()).toEqual([expect.stringMatching(/^parse-/), 'results', 'validations.json', 'validators']);
    const files = fs.readdirSync(cache).filter((f) => !['validators', 'validations.json', 'results'].includes(f));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^parse-.*\.bin$/);
    expect(findings(repo, cache)).toEqual([]);
  });

  it('is invalidated by an edit: a new finding shows up at its line, and goes away when the edit is undone', () => {
    const repo = fixtureCopy();
    const cache = tmpDir();
    expect(findings(repo, cache)).toEqual([]);
    const clean = fs.readFileSync(path.join(repo, ns), 'utf8');
    fs.writeFileSync(path.join(repo, ns), replaceOnce('  name: vault\n', '  name: vault\n  name: vault2\n')(clean));
    expect(findings(repo, cache)).toEqual([
      {
        ruleId: 'yaml-duplicate-key',
        file: ns,
        line: lineOf(repo, ns, 'vault2'),
        message: `duplicate key 'name' (first at line ${lineOf(repo, ns, 'name: vault')}); only one of the two values would be used`,
      },
    ]);
    fs.writeFileSync(path.join(repo, ns), clean);
    expect(findings(repo, cache)).toEqual([]);
  });

  it('is really consulted: a planted entry for a file\'s exact bytes is what the linter sees', () => {
    const repo = fixtureCopy();
    const cache = tmpDir();
    const text = fs.readFileSync(path.join(repo, ns), 'utf8');
    const planted = ParseCache.open(cache, [repo, CLUSTER].join('\0'));
    // The same bytes, but a cached parse that says the document is broken: the linter must believe the cache.
    planted.set(ParseCache.key(text), serialize({ docs: [{ value: undefined, problems: [{ code: 'PLANTED', message: 'planted by the test', start: 0, end: 1 }] }] }));
    planted.save();
    expect(findings(repo, cache)).toEqual([{ ruleId: 'yaml-syntax', file: ns, line: 1, message: 'YAML syntax error: planted by the test' }]);
    // Without the cache the file is parsed afresh and is clean.
    expect(lintTree(repo).diagnostics).toEqual([]);
  });

  it('ignores a damaged cache file and replaces it', () => {
    const repo = fixtureCopy();
    const cache = tmpDir();
    findings(repo, cache);
    const file = path.join(cache, fs.readdirSync(cache)[0]);
    const good = fs.readFileSync(file);
    for (const damaged of [good.subarray(0, good.length - 7), Buffer.from('not a cache'), Buffer.alloc(0)]) {
      fs.writeFileSync(file, damaged);
      fs.writeFileSync(path.join(repo, ns), fs.readFileSync(path.join(repo, ns), 'utf8') + '# edited\n');
      expect(findings(repo, cache)).toEqual([]);
      expect(fs.statSync(file).size).toBeGreaterThan(1000);
    }
  });

  it('is used by the CLI under $LINT_GITOPS_CACHE_DIR, and not at all with --no-cache', () => {
    const repo = fixtureCopy({ [`${CLUSTER}/apps/vault/kustomization.yaml`]: replaceOnce('flux-apps/vault', 'flux-apps/vautl') });
    const cache = tmpDir();
    const off = runCli(['--no-cache', '--format', 'json', CLUSTER], repo, { LINT_GITOPS_CACHE_DIR: cache });
    expect(fs.readdirSync(cache)).toEqual([]);
    const cold = runCli(['--format', 'json', CLUSTER], repo, { LINT_GITOPS_CACHE_DIR: cache });
    expect(fs.readdirSync(cache).filter((f) => f.startsWith('parse-'))).toHaveLength(1);
    const warm = runCli(['--format', 'json', CLUSTER], repo, { LINT_GITOPS_CACHE_DIR: cache });
    expect(cold.code).toBe(1);
    expect(JSON.parse(cold.stdout).diagnostics.length).toBeGreaterThan(0);
    expect(warm.stdout).toBe(cold.stdout);
    expect(off.stdout).toBe(cold.stdout);
  });
});
