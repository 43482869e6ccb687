import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without type declarations
import { fleetFiles, writeFleet, MARKER } from '../../bench/generate-fleet.mjs';
import { lint } from '../../src/engine/lint.js';

type Files = Map<string, string>;
const gen = (o: { apps: number; clusters: number; seed?: number }) => fleetFiles(o) as Files;

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-fleet-'));
}

describe('bench/generate-fleet', () => {
  it('writes the same bytes for the same seed, and a different fleet for another seed', () => {
    const a = gen({ apps: 40, clusters: 3, seed: 7 });
    const b = gen({ apps: 40, clusters: 3, seed: 7 });
    const c = gen({ apps: 40, clusters: 3, seed: 8 });
    expect([...a.entries()]).toEqual([...b.entries()]);
    const differing = [...a.keys()].filter((k) => a.get(k) !== c.get(k));
    expect(differing.length).toBeGreaterThan(0);
  });

  it('lays every app out as a wrapper in one cluster around a base of five files', () => {
    const files = gen({ apps: 30, clusters: 3, seed: 1 });
    const clusters = new Set([...files.keys()].filter((f) => f.startsWith('flux-clusters/')).map((f) => f.split('/')[1]));
    expect(clusters.size).toBe(3);
    const bases = new Set([...files.keys()].filter((f) => f.startsWith('flux-apps/')).map((f) => f.split('/')[1]));
    const generated = [...bases].filter((b) => files.has(`flux-apps/${b}/terraform.yaml`));
    expect(generated).toHaveLength(30);
    for (const app of generated) {
      expect([...files.keys()].filter((f) => f.startsWith(`flux-apps/${app}/`)).sort()).toEqual(
        ['externalsecret.yaml', 'kustomization.yaml', 'namespace.yaml', 'release.yaml', 'terraform.yaml'].map((n) => `flux-apps/${app}/${n}`),
      );
      const wrappers = [...files.keys()].filter((f) => f.endsWith(`/apps/${app}/kustomization.yaml`));
      expect(wrappers).toHaveLength(1);
      expect(files.get(wrappers[0])).toContain(`- ../../../../flux-apps/${app}\n`);
    }
    const release = files.get(`flux-apps/${generated[0]}/release.yaml`)!;
    const kinds = parseAllDocuments(release).map((d) => (d.toJS() as { kind: string }).kind);
    expect(kinds).toEqual(['HelmRepository', 'HelmRelease']);
  });

  it('chains dependsOn across waves within a cluster, never forward and never to a missing app', () => {
    const files = gen({ apps: 60, clusters: 2, seed: 3 });
    let chained = 0;
    for (const [file, text] of files) {
      if (!file.endsWith('/apps/apps.yaml')) continue;
      const docs = parseAllDocuments(text).map((d) => d.toJS() as { metadata: { name: string; labels?: { wave?: string } }; spec: { dependsOn?: { name: string }[] } });
      const wave = new Map(docs.map((d) => [d.metadata.name, Number(d.metadata.labels?.wave ?? 0)]));
      for (const d of docs) {
        for (const dep of d.spec.dependsOn ?? []) {
          expect(wave.has(dep.name), `${d.metadata.name} -> ${dep.name}`).toBe(true);
          expect(wave.get(dep.name)!).toBeLessThan(wave.get(d.metadata.name)! || Infinity);
          if (wave.get(dep.name)! >= 3) chained++;
        }
      }
    }
    expect(chained).toBeGreaterThan(10);
  });

  it('writes a fleet that lints clean, like the fixture it is modelled on', () => {
    const root = tmp();
    const r = writeFleet({ apps: 12, clusters: 2, seed: 5, out: path.join(root, 'fleet') });
    const result = lint({ paths: [path.join(r.root, 'flux-clusters')], cwd: root });
    expect(result.summary.clusters).toEqual(r.clusters);
    expect(result.summary.rootReason).toBe('flux-path');
    expect(result.diagnostics).toEqual([]);
    // Every YAML file the generator wrote is read by the build.
    expect(result.summary.filesRead).toBe(r.yamlFiles);
  });

  it('replaces a fleet it wrote, and refuses to replace any other directory', () => {
    const root = tmp();
    const out = path.join(root, 'fleet');
    writeFleet({ apps: 2, clusters: 1, components: 'stub', out });
    expect(fs.existsSync(path.join(out, MARKER))).toBe(true);
    fs.writeFileSync(path.join(out, 'stale.yaml'), 'x: 1\n');
    writeFleet({ apps: 2, clusters: 1, components: 'stub', out });
    expect(fs.existsSync(path.join(out, 'stale.yaml'))).toBe(false);

    const precious = path.join(root, 'precious');
    fs.mkdirSync(precious);
    fs.writeFileSync(path.join(precious, 'keep.txt'), 'keep');
    expect(() => writeFleet({ apps: 2, clusters: 1, components: 'stub', out: precious })).toThrow(/refusing to replace/);
    expect(fs.readFileSync(path.join(precious, 'keep.txt'), 'utf8')).toBe('keep');
  });
});
