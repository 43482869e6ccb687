import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRepo } from '../../src/load/index.js';
import { objectLocation } from '../../src/model/location.js';

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-provenance-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: "1"\n`;

describe('patch provenance', () => {
  it('points a patched value at the patch of its own overlay, not at another overlay of the same base', () => {
    const root = tree({
      'cluster/kustomization.yaml': 'resources:\n  - ../one\n  - ../two\n',
      'base/kustomization.yaml': 'resources:\n  - cm.yaml\npatches:\n  - patch: |\n      apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: settings\n      data:\n        b: "2"\n',
      'base/cm.yaml': cm('settings'),
      'one/kustomization.yaml': 'namePrefix: one-\nresources:\n  - ../base\npatches:\n  - path: patch.yaml\n',
      'one/patch.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  c: "3"\n',
      'two/kustomization.yaml': 'namePrefix: two-\nresources:\n  - ../base\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
    });
    const model = loadRepo({ paths: [path.join(root, 'cluster')], cwd: root });
    const byName = (n: string) => model.clusters[0].objects.find((o) => o.name === n)!;
    expect(objectLocation(byName('one-settings'), ['data', 'c']).doc.file.path).toBe('one/patch.yaml');
    // `two` never had data.c: its location falls back to its own documents, not to one/patch.yaml.
    expect(objectLocation(byName('two-settings'), ['data', 'c']).doc.file.path).not.toBe('one/patch.yaml');
    expect(objectLocation(byName('two-settings'), ['data', 'b']).doc.file.path).toBe('base/kustomization.yaml');
  });
});
