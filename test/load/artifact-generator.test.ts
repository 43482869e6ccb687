import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/lint.js';
import { SHARED, lineOf, sharedDir } from '../helpers.js';

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
