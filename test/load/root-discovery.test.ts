import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/index.js';

/** Writes a tree (repo-relative path → text) into a fresh temporary directory, which has no .git. */
function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-root-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const ks = (name: string, kind: string, source: string, p: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 1h\n  prune: true\n  sourceRef:\n    kind: ${kind}\n    name: ${source}\n  path: ${p}\n`;

// flux2-kustomize-helm-example's layout, exported without .git and with the bootstrap's gotk-sync.yaml not yet
// written: the Kustomizations read an ArtifactGenerator's artifact, whose `./prod` is the copy of `apps/prod`.
const generatorLayout = {
  'clusters/prod/flux-system/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
  'clusters/prod/apps.yaml': ks('apps', 'ExternalArtifact', 'apps', './prod'),
  'clusters/prod/artifacts.yaml':
    'apiVersion: source.extensions.fluxcd.io/v1beta1\nkind: ArtifactGenerator\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n' +
    '  sources:\n    - alias: repo\n      kind: GitRepository\n      name: flux-system\n  artifacts:\n    - name: apps\n      copy:\n        - from: "@repo/apps/prod/**"\n          to: "@artifact/prod/"\n',
  'apps/prod/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\n',
  'apps/prod/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  a: b\n',
};

describe('the repo root of an exported tree (no bootstrap sync, no .git)', () => {
  it("is where the Git paths exist: an artifact's path is inside the artifact, an ArtifactGenerator's copy is a path of the checkout", () => {
    const root = tree(generatorLayout);
    const { summary, diagnostics } = lint({ paths: [path.join(root, 'clusters/prod')], cwd: os.tmpdir() });
    expect(summary).toMatchObject({ root: path.relative(os.tmpdir(), root), rootReason: 'flux-paths', clusters: ['clusters/prod'], objects: 3 });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // apps' ./prod is read from apps/prod through the generator's copy: its ConfigMap is built.
    expect(diagnostics.filter((d) => d.ruleId === 'source-not-local')).toEqual([]);
  });

  it('is where most written Git paths exist', () => {
    const root = tree({
      'clusters/prod/flux-system/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
      'clusters/prod/apps.yaml': ks('apps', 'GitRepository', 'flux-system', './apps/prod') + '---\n' + ks('infra', 'GitRepository', 'flux-system', './infra'),
      'apps/prod/kustomization.yaml': generatorLayout['apps/prod/kustomization.yaml'],
      'apps/prod/cm.yaml': generatorLayout['apps/prod/cm.yaml'],
      'infra/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: infra\n',
    });
    const { summary } = lint({ paths: [path.join(root, 'clusters/prod')], cwd: os.tmpdir() });
    expect(summary).toMatchObject({ root: path.relative(os.tmpdir(), root), rootReason: 'flux-paths' });
  });
});
