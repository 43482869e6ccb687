import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { graph } from '../../src/engine/graph.js';
import { formatGraphDot } from '../../src/report/graph-dot.js';
import { formatGraphJson } from '../../src/report/graph-json.js';
import { formatGraphMermaid } from '../../src/report/graph-mermaid.js';
import { formatGraphTable } from '../../src/report/graph-table.js';
import { CLUSTER, FIXTURES, REPO, fixtureCopy, lineOf, replaceOnce, runCli } from '../helpers.js';
import { appDoc } from './lines.js';

const apps = `${CLUSTER}/apps/apps.yaml`;

/** The fixture's sync waves, as the platform docs list them, from the dependsOn entries actually written. */
const FIXTURE_TABLE = `WAVE  KUSTOMIZATION            DEPENDS ON
1     airflow                  -
1     dremio                   -
1     external-secrets-crds    -
1     tofu-controller          -
1     vault                    -
2     external-secrets-config  vault, external-secrets-crds
3     clickhouse               external-secrets-config
3     cloudnative-pg           external-secrets-config, tofu-controller
4     authentik                cloudnative-pg, external-secrets-config
4     clickstack               clickhouse, external-secrets-config
4     forgejo                  cloudnative-pg, external-secrets-config
4     grafana                  cloudnative-pg, external-secrets-config
`;

const waves = (root: string) => graph({ paths: [path.join(root, CLUSTER)], cwd: root }).clusters;

describe('sync waves (lint-gitops graph)', () => {
  it("prints the fixture's waves as a table; the root flux-system Kustomization is not listed", () => {
    expect(formatGraphTable(waves(FIXTURES))).toBe(FIXTURE_TABLE);
  });

  it("matches the table README's Sync waves section shows", () => {
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const start = '$ npx lint-gitops graph fixtures/flux-clusters/stefanzhelev\n';
    const at = readme.indexOf(start);
    expect(at).toBeGreaterThan(0);
    expect(readme.slice(at + start.length, readme.indexOf('```', at))).toBe(FIXTURE_TABLE);
  });

  it('computes waves from the real dependsOn, not from where an app is listed', () => {
    // Without its dependsOn, clickhouse is a root (wave 1) and clickstack, which only waits for it and the store, moves to wave 3.
    const repo = fixtureCopy({ [apps]: replaceOnce(`${appDoc('clickhouse')}  dependsOn:\n    - name: external-secrets-config\n`, appDoc('clickhouse')) });
    const [c] = waves(repo);
    const wave = (name: string) => c.kustomizations.find((k) => k.name === name)?.wave;
    expect(wave('clickhouse')).toBe(1);
    expect(wave('clickstack')).toBe(3);
    expect(wave('grafana')).toBe(4);
  });

  it('prints JSON with name, namespace, wave, dependsOn, path, file and line', () => {
    const out = JSON.parse(formatGraphJson(waves(FIXTURES)));
    expect(Object.keys(out)).toEqual(['kustomizations']);
    expect(out.kustomizations.map((k: { name: string; wave: number }) => `${k.wave}:${k.name}`)).toEqual([
      '1:airflow',
      '1:dremio',
      '1:external-secrets-crds',
      '1:tofu-controller',
      '1:vault',
      '2:external-secrets-config',
      '3:clickhouse',
      '3:cloudnative-pg',
      '4:authentik',
      '4:clickstack',
      '4:forgejo',
      '4:grafana',
    ]);
    expect(out.kustomizations.find((k: { name: string }) => k.name === 'forgejo')).toEqual({
      name: 'forgejo',
      namespace: 'flux-system',
      wave: 4,
      dependsOn: [
        { name: 'cloudnative-pg', namespace: 'flux-system' },
        { name: 'external-secrets-config', namespace: 'flux-system' },
      ],
      path: './flux-clusters/stefanzhelev/apps/forgejo',
      file: apps,
      line: lineOf(FIXTURES, apps, appDoc('forgejo')) - 1,
    });
  });

  it('prints a Mermaid flowchart with one subgraph per wave and an edge from each dependency', () => {
    const out = formatGraphMermaid(waves(FIXTURES));
    expect(out.split('\n').slice(0, 7)).toEqual([
      'flowchart LR',
      '  subgraph wave_1["Wave 1"]',
      '    k0["airflow"]',
      '    k1["dremio"]',
      '    k2["external-secrets-crds"]',
      '    k3["tofu-controller"]',
      '    k4["vault"]',
    ]);
    expect(out).toContain('  subgraph wave_4["Wave 4"]\n    k8["authentik"]\n    k9["clickstack"]\n    k10["forgejo"]\n    k11["grafana"]\n  end\n');
    // vault (k4) → external-secrets-config (k5) → cloudnative-pg (k7) → forgejo (k10)
    expect(out).toContain('  k4 --> k5\n');
    expect(out).toContain('  k5 --> k7\n');
    expect(out).toContain('  k7 --> k10\n');
    expect(out.match(/-->/g)).toHaveLength(13);
    expect(out).not.toContain('linkStyle');
  });

  it('prints a Graphviz digraph with one cluster per wave', () => {
    const out = formatGraphDot(waves(FIXTURES));
    expect(out.startsWith('digraph "flux-clusters/stefanzhelev" {\n  rankdir=LR;\n  node [shape=box];\n  subgraph "cluster_wave_1" {\n    label="Wave 1";\n')).toBe(true);
    expect(out).toContain('  "flux-system/tofu-controller" -> "flux-system/cloudnative-pg";\n');
    expect(out.match(/ -> /g)).toHaveLength(13);
    expect(out).not.toContain('red');
    expect(out.endsWith('}\n')).toBe(true);
  });

  describe('with a dependsOn cycle (vault depends on grafana)', () => {
    const repo = fixtureCopy({ [apps]: replaceOnce(appDoc('vault'), `${appDoc('vault')}  dependsOn:\n    - name: grafana\n`) });
    const clusters = waves(repo);

    it('gives the cycle, and everything waiting on it, no wave', () => {
      const table = formatGraphTable(clusters);
      expect(table.split('\n').slice(0, 6)).toEqual([
        'WAVE  KUSTOMIZATION            DEPENDS ON',
        '1     airflow                  -',
        '1     dremio                   -',
        '1     external-secrets-crds    -',
        '1     tofu-controller          -',
        '-     authentik                cloudnative-pg, external-secrets-config',
      ]);
      expect(table).toContain('-     vault                    grafana\n');
      expect(table.endsWith('\nno wave (in or waiting on a dependsOn cycle, never reconciled): authentik, clickhouse, clickstack, cloudnative-pg, external-secrets-config, forgejo, grafana, vault\n')).toBe(true);
      const json = JSON.parse(formatGraphJson(clusters));
      expect(json.kustomizations.find((k: { name: string }) => k.name === 'vault').wave).toBeNull();
    });

    it('styles cycle edges and nodes red in Mermaid', () => {
      const out = formatGraphMermaid(clusters);
      const edges = out.split('\n').filter((l) => l.includes('-->'));
      const red = out.match(/linkStyle ([\d,]+) stroke:#d62728/)![1].split(',').map(Number);
      const ids = Object.fromEntries([...out.matchAll(/(k\d+)\["([^"]+)"\]/g)].map((m) => [m[2], m[1]]));
      const edge = (from: string, to: string) => edges.indexOf(`  ${ids[from]} --> ${ids[to]}`);
      // dependency → dependent: grafana → vault → external-secrets-config → cloudnative-pg → grafana, and external-secrets-config → grafana
      expect(red.sort((a, b) => a - b)).toEqual(
        [edge('grafana', 'vault'), edge('vault', 'external-secrets-config'), edge('external-secrets-config', 'cloudnative-pg'), edge('cloudnative-pg', 'grafana'), edge('external-secrets-config', 'grafana')].sort((a, b) => a - b),
      );
      expect(red).not.toContain(-1);
      expect(out).toContain('subgraph no_wave["No wave: dependsOn cycle"]');
      expect(out).toMatch(/\n  class (k\d+,){3}k\d+ cycle\n$/);
    });

    it('draws cycle edges red in Graphviz', () => {
      const out = formatGraphDot(clusters);
      expect(out.split('\n').filter((l) => l.includes('[color=red, penwidth=2]'))).toEqual([
        '  "flux-system/external-secrets-config" -> "flux-system/cloudnative-pg" [color=red, penwidth=2];',
        '  "flux-system/vault" -> "flux-system/external-secrets-config" [color=red, penwidth=2];',
        '  "flux-system/cloudnative-pg" -> "flux-system/grafana" [color=red, penwidth=2];',
        '  "flux-system/external-secrets-config" -> "flux-system/grafana" [color=red, penwidth=2];',
        '  "flux-system/grafana" -> "flux-system/vault" [color=red, penwidth=2];',
      ]);
    });
  });

  it('heads each cluster when several are graphed, and says which cluster a JSON item is in', () => {
    const repo = fixtureCopy();
    const other = 'flux-clusters/staging';
    fs.cpSync(path.join(repo, CLUSTER), path.join(repo, other), { recursive: true });
    const sync = path.join(repo, other, 'flux-system/gotk-sync.yaml');
    fs.writeFileSync(sync, fs.readFileSync(sync, 'utf8').replace('path: ./flux-clusters/stefanzhelev', `path: ./${other}`));
    const appsFile = path.join(repo, other, 'apps/apps.yaml');
    fs.writeFileSync(appsFile, fs.readFileSync(appsFile, 'utf8').replaceAll('./flux-clusters/stefanzhelev/', `./${other}/`));
    const clusters = graph({ paths: [path.join(repo, 'flux-clusters')], cwd: repo }).clusters;
    expect(clusters.map((c) => c.cluster)).toEqual([other, CLUSTER]);
    const table = formatGraphTable(clusters);
    expect(table).toBe(`${other}\n${FIXTURE_TABLE}\n${CLUSTER}\n${FIXTURE_TABLE}`);
    const json = JSON.parse(formatGraphJson(clusters));
    expect(json.kustomizations).toHaveLength(24);
    expect(json.kustomizations[0]).toMatchObject({ cluster: other, name: 'airflow', wave: 1 });
    expect(formatGraphMermaid(clusters)).toContain(`  subgraph c1_cluster["${CLUSTER}"]\n    subgraph c1_wave_1["Wave 1"]\n`);
  });

  it('is the `graph` subcommand of the CLI, table by default and --format after the paths', () => {
    const table = runCli(['graph', 'fixtures/flux-clusters/stefanzhelev']);
    expect(table).toEqual({ code: 0, stdout: FIXTURE_TABLE, stderr: '' });
    const json = runCli(['graph', 'fixtures/flux-clusters/stefanzhelev', '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).kustomizations).toHaveLength(12);
    const bad = runCli(['graph', '-f', 'svg', 'fixtures/flux-clusters/stefanzhelev']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("argument 'svg' is invalid. Allowed choices are table, mermaid, dot, json.");
    // (test/cli/cli.test.ts checks that lint's own --format still works after its paths.)
  });
});
