import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RACY_MS } from '../../src/cache/journal.js';
import { lintCached } from '../../src/cache/lint-cached.js';
import { lint, type LintOptions } from '../../src/index.js';
import { twoClusters } from '../integrations/two-clusters.js';

/**
 * A seeded walk of edits to one tree, the cache kept warm throughout: after every edit the cached run must report
 * exactly what an uncached run reports. LINT_GITOPS_CACHE_FUZZ_STEPS (and _SEED) run it longer.
 */
const STEPS = Number(process.env.LINT_GITOPS_CACHE_FUZZ_STEPS ?? 16);
const SEED = Number(process.env.LINT_GITOPS_CACHE_FUZZ_SEED ?? 7);

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function walk(dir: string, rel = ''): { files: string[]; dirs: string[] } {
  const files: string[] = [];
  const dirs: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      dirs.push(r);
      const sub = walk(path.join(dir, e.name), r);
      files.push(...sub.files);
      dirs.push(...sub.dirs);
    } else if (e.isFile()) files.push(r);
  }
  return { files, dirs };
}

describe('random edits with a warm cache', () => {
  it(`report what an uncached run reports after each of ${STEPS} edits (seed ${SEED})`, { timeout: Math.max(120_000, STEPS * 12_000) }, async () => {
    const repo = twoClusters();
    // Settled files and directories are vouched for by their stat signatures: the walk must get past those too.
    await new Promise((r) => setTimeout(r, RACY_MS + 200));
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-cache-'));
    const random = prng(SEED);
    const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
    const options: LintOptions = { paths: [repo], cwd: repo };
    const edits: Record<string, (file: string, dir: string) => void> = {
      'append a comment': (f) => fs.appendFileSync(f, '# edited\n'),
      'delete a line': (f) => {
        const lines = fs.readFileSync(f, 'utf8').split('\n');
        lines.splice(Math.floor(random() * lines.length), 1);
        fs.writeFileSync(f, lines.join('\n'));
      },
      'duplicate a line': (f) => {
        const lines = fs.readFileSync(f, 'utf8').split('\n');
        const i = Math.floor(random() * lines.length);
        lines.splice(i, 0, lines[i]);
        fs.writeFileSync(f, lines.join('\n'));
      },
      'delete the file': (f) => fs.rmSync(f),
      'add a manifest beside it': (_f, d) => fs.writeFileSync(path.join(d, `new-${Math.floor(random() * 1e6)}.yaml`), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: added\n'),
      'rename it': (f) => fs.renameSync(f, `${f.replace(/\.ya?ml$/, '')}-renamed.yaml`),
      'replace it by a link to a sibling': (f, d) => {
        const sibling = fs.readdirSync(d).find((n) => path.join(d, n) !== f && n.endsWith('.yaml'));
        if (!sibling) return;
        fs.rmSync(f);
        fs.symlinkSync(sibling, f);
      },
      'rename its directory': (_f, d) => fs.renameSync(d, `${d}-moved`),
    };
    const log: string[] = [];
    lintCached(options, cache);
    for (let step = 0; step < STEPS; step++) {
      const { files } = walk(repo);
      const yaml = files.filter((f) => /\.ya?ml$/.test(f) && !f.includes('gotk-components'));
      const file = path.join(repo, pick(yaml));
      const name = pick(Object.keys(edits));
      log.push(`${name}: ${path.relative(repo, file)}`);
      edits[name](file, path.dirname(file));
      const cached = lintCached(options, cache);
      const fresh = lint(options);
      expect({ log, diagnostics: cached.diagnostics, summary: cached.summary }).toEqual({ log, diagnostics: fresh.diagnostics, summary: fresh.summary });
      // Nothing changed since: every cluster is reused.
      expect(lintCached(options, cache).linted).toEqual([]);
    }
  });
});
