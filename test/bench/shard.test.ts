import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without type declarations
import { writeFleet } from '../../bench/generate-fleet.mjs';
import { lint } from '../../src/engine/lint.js';
import { UsageError } from '../../src/load/index.js';
import { lineOf, runCli } from '../helpers.js';

/** A small fleet of three clusters; the second one's first generated wrapper points at a missing base. */
function fleet(): { root: string; clusters: string[]; broken: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-shard-'));
  const r = writeFleet({ apps: 9, clusters: 3, seed: 2, components: 'stub', out: path.join(root, 'repo') }) as { root: string; clusters: string[] };
  const appsDir = path.join(r.root, r.clusters[1], 'apps');
  const app = fs.readdirSync(appsDir).filter((n) => /\d{5}$/.test(n)).sort()[0];
  const broken = `${r.clusters[1]}/apps/${app}/kustomization.yaml`;
  const file = path.join(r.root, broken);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`flux-apps/${app}`, `flux-apps/${app}-typo`));
  return { root: r.root, clusters: r.clusters, broken };
}

const lintShard = (root: string, shard?: { index: number; count: number }) => lint({ paths: [path.join(root, 'flux-clusters')], cwd: root, shard });

describe('--shard i/n', () => {
  it('splits the clusters round-robin into disjoint shards that together cover all of them', () => {
    const { root, clusters } = fleet();
    expect(lintShard(root).summary.clusters).toEqual(clusters);
    expect(lintShard(root, { index: 1, count: 2 }).summary.clusters).toEqual([clusters[0], clusters[2]]);
    expect(lintShard(root, { index: 2, count: 2 }).summary.clusters).toEqual([clusters[1]]);
    expect(lintShard(root, { index: 3, count: 3 }).summary.clusters).toEqual([clusters[2]]);
    // A matrix wider than the repo: the extra shards lint nothing and pass.
    expect(lintShard(root, { index: 4, count: 5 }).summary.clusters).toEqual([]);
  });

  it('reports a finding only in the shard that holds its cluster, at the same place as a full run', () => {
    const { root, broken } = fleet();
    const pick = (ds: { ruleId: string; file: string; line: number }[]) => ds.filter((d) => d.ruleId === 'path-not-found').map((d) => ({ file: d.file, line: d.line }));
    const expected = [{ file: broken, line: lineOf(root, broken, '-typo') }];
    expect(pick(lintShard(root).diagnostics)).toEqual(expected);
    expect(pick(lintShard(root, { index: 2, count: 2 }).diagnostics)).toEqual(expected);
    expect(pick(lintShard(root, { index: 1, count: 2 }).diagnostics)).toEqual([]);
  });

  it('rejects a shard outside 1..n as a usage error', () => {
    const { root } = fleet();
    expect(() => lintShard(root, { index: 0, count: 2 })).toThrow(UsageError);
    expect(() => lintShard(root, { index: 3, count: 2 })).toThrow(UsageError);
  });

  it('is a CLI flag: --shard 2/2 exits 1 on the broken cluster, 1/2 exits 0, and a malformed shard exits 2', () => {
    const { root, broken } = fleet();
    const two = runCli(['--shard', '2/2', '--format', 'json', 'flux-clusters'], root);
    expect(two.code).toBe(1);
    expect(JSON.parse(two.stdout).diagnostics.map((d: { file: string }) => d.file)).toContain(broken);
    expect(runCli(['--shard', '1/2', 'flux-clusters'], root).code).toBe(0);
    for (const bad of ['0/2', '3/2', '2', 'a/b', '1/0']) {
      const r = runCli(['--shard', bad, 'flux-clusters'], root);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain('--shard');
    }
  });
});
