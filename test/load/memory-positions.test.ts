import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dependencyGraph } from '../../src/graph/index.js';
import { loadRepo } from '../../src/load/index.js';
import { CLUSTER, fixtureCopy, replaceOnce } from '../helpers.js';
import { locate } from '../../src/model/location.js';
import { type RepoModel } from '../../src/model/types.js';

/** Makes every document's syntax tree unreachable: ordering must not parse trees that no finding needs. */
function withoutTrees<T>(model: RepoModel, fn: () => T): T {
  const docs = [...model.files.values()].flatMap((f) => f.docs);
  const saved = docs.map((d) => Object.getOwnPropertyDescriptor(d, 'ast'));
  for (const d of docs) {
    Object.defineProperty(d, 'ast', {
      get: () => {
        throw new Error(`syntax tree of ${d.file.path} built`);
      },
      configurable: true,
    });
  }
  try {
    return fn();
  } finally {
    docs.forEach((d, i) => {
      const s = saved[i];
      if (s) Object.defineProperty(d, 'ast', s);
      else delete (d as { ast?: unknown }).ast;
    });
  }
}

const line = (o: { doc: Parameters<typeof locate>[0]['doc']; docPath: readonly (string | number)[] }) => locate({ doc: o.doc, path: o.docPath }).line;

describe('dependency graph order', () => {
  // grafana also feeds vault: vault -> ... -> cloudnative-pg -> ... and grafana -> cloudnative-pg close a loop.
  const root = fixtureCopy({
    'flux-clusters/stefanzhelev/apps/apps.yaml': replaceOnce('  dependsOn:\n    - name: vault\n', '  dependsOn:\n    - name: vault\n    - name: grafana\n'),
  });
  const model = loadRepo({ paths: [path.join(root, CLUSTER)], cwd: root, cache: false, workers: 0 });
  const graph = dependencyGraph(model.clusters[0]);

  it('sorts dependents and cycles as written without building a syntax tree', () => {
    const { dependents, cycles } = withoutTrees(model, () => ({
      dependents: graph.nodes('Kustomization').map((n) => graph.dependents(n)),
      cycles: graph.cycles(),
    }));
    expect(cycles.length).toBeGreaterThan(0);
    // Written order, checked against the lines the trees give (built now, outside withoutTrees).
    for (const list of dependents) {
      const lines = list.map((n) => line(n.object));
      expect(lines).toEqual([...lines].sort((a, b) => a - b));
    }
    const closing = cycles.map((c) => line(c.closing.from.object));
    expect(closing).toEqual([...closing].sort((a, b) => a - b));
    expect(cycles[0].closing.from.name).toBe('external-secrets-config');
  });
});
