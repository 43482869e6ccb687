import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/engine/lint.js';
import { findGeneratedArtifact, mountedPath } from '../../src/load/artifact-generator.js';
import { SHARED, lineOf, sharedDir } from '../helpers.js';
import type { Cluster } from '../../src/model/types.js';

const EXAMPLE = path.join(SHARED, 'corpora/fluxcd__flux2-kustomize-helm-example');

function copyExample(edit: (apps: string) => string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-artifact-'));
  fs.cpSync(EXAMPLE, root, { recursive: true });
  for (const f of [root, ...walk(root)]) fs.chmodSync(f, fs.statSync(f).isDirectory() ? 0o755 : 0o644);
  const apps = path.join(root, 'clusters/production/apps.yaml');
  fs.writeFileSync(apps, edit(fs.readFileSync(apps, 'utf8')));
  return root;
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? [p, ...walk(p)] : [p];
  });
}

// Flux 2.7 ArtifactGenerator: Kustomizations on an ExternalArtifact resolve their path through its copies.
describe.skipIf(!sharedDir('corpora/fluxcd__flux2-kustomize-helm-example', 'ExternalArtifact paths through an ArtifactGenerator'))('ExternalArtifact paths through an ArtifactGenerator', () => {
  it('resolves ./production to apps/production through the generator copies and builds it', () => {
    const root = copyExample((s) => s);
    const { model, diagnostics } = lint({ paths: [path.join(root, 'clusters/production')], root, cwd: root });
    const apps = model.clusters[0].kustomizations.get('flux-system/apps');
    expect(apps?.path).toBe('apps/production');
    expect(apps?.objects.map((o) => `${o.kind}/${o.name}`)).toContain('HelmRelease/podinfo');
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('reports a path that no copy provides, naming what the artifact holds', () => {
    const root = copyExample((s) => s.replace('path: ./production', 'path: ./prod'));
    const { diagnostics } = lint({ paths: [path.join(root, 'clusters/production')], root, cwd: root });
    expect(diagnostics.filter((d) => d.ruleId === 'path-not-found')).toEqual([
      expect.objectContaining({
        file: 'clusters/production/apps.yaml',
        line: lineOf(root, 'clusters/production/apps.yaml', 'path: ./prod'),
        message: "spec.path './prod' is not provided by any copy of ArtifactGenerator flux-system/flux-system (the artifact holds base/, production/)",
      }),
    ]);
  });
});

describe('copy operations, as source-watcher applies them', () => {
  const gen = (copy: string) => ({
    apiVersion: 'source.extensions.fluxcd.io/v1beta1',
    kind: 'ArtifactGenerator',
    namespace: 'flux-system',
    value: { spec: { sources: [{ alias: 'repo', kind: 'OCIRepository', name: 'flux-system' }], artifacts: [{ name: 'app', copy: [JSON.parse(copy)] }] } },
  });
  const cluster = (g: ReturnType<typeof gen>) => ({ objects: [g] }) as unknown as Cluster;
  const dirs = new Set(['kubernetes/apps/x/app', 'kubernetes/apps', 'kubernetes/apps/x']);
  const kindOf = (p: string) => (dirs.has(p) ? 'dir' : p.endsWith('.yaml') ? 'file' : 'missing');
  const artifact = (copy: string) => findGeneratedArtifact(cluster(gen(copy)), { kind: 'ExternalArtifact', name: 'app', namespace: 'flux-system' }, () => 'kubernetes', kindOf)!;

  it('copies a directory as a subdirectory of the destination, keeping its name, trailing slashes or not', () => {
    for (const copy of ['{"from":"@repo/apps/x/app/","to":"@artifact/apps/x/app/"}', '{"from":"@repo/apps/x/app","to":"@artifact/apps/x/app"}']) {
      expect(artifact(copy).mounts).toEqual([{ dest: 'apps/x/app/app', src: 'kubernetes/apps/x/app' }]);
    }
  });

  it("reads a source's paths from the folder of the checkout it is built from", () => {
    expect(artifact('{"from":"@repo/apps/**","to":"@artifact/base/"}').mounts).toEqual([{ dest: 'base', src: 'kubernetes/apps' }]);
  });

  it('builds a directory that holds only one copied directory as that copy (Flux generates a kustomization including it)', () => {
    const { mounts } = artifact('{"from":"@repo/apps/x/app/","to":"@artifact/apps/x/app/"}');
    expect(mountedPath(mounts, './apps/x/app')).toBe('kubernetes/apps/x/app');
    expect(mountedPath(mounts, './apps/x/app/app')).toBe('kubernetes/apps/x/app');
    expect(mountedPath(mounts, './apps/y')).toBeUndefined();
  });

  it('copies a file to a file, or into a directory when the destination ends with /', () => {
    expect(artifact('{"from":"@repo/apps/x/a.yaml","to":"@artifact/b.yaml"}').mounts).toEqual([{ dest: 'b.yaml', src: 'kubernetes/apps/x/a.yaml' }]);
    expect(artifact('{"from":"@repo/apps/x/a.yaml","to":"@artifact/d/"}').mounts).toEqual([{ dest: 'd/a.yaml', src: 'kubernetes/apps/x/a.yaml' }]);
  });
});
