import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diff, lintNewOnly } from '../../src/diff/index.js';
import { CLUSTER, replaceOnce } from '../helpers.js';
import { LAB, twoClusters } from '../integrations/two-clusters.js';
import { formats } from './trees.js';

/**
 * Two clusters, a change only one of them reads: the other is not linted on the base, its result is the head's.
 * Each cluster has an old finding (its cluster-vars ConfigMap twice: duplicate-resource; the lab cluster copies
 * stefanzhelev's cluster.yaml), which must stay "already there" whether its cluster was linted again or reused.
 */
function trees(change: Record<string, (s: string) => string>) {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-diff-two-'));
  const dup = (cluster: string) => ({ [`${cluster}/cluster.yaml`]: (s: string) => `${s}---\n${s}` });
  const base = path.join(parent, 'base');
  const head = path.join(parent, 'head');
  fs.renameSync(twoClusters({ ...dup(CLUSTER) }), base);
  fs.renameSync(twoClusters({ ...dup(CLUSTER), ...change }), head);
  return { base, head };
}

const options = (head: string) => ({ paths: [path.join(head, 'flux-clusters')], cwd: head, base: { dir: '../base' } });

describe('diff and --new-only over two clusters, one of them reached', () => {
  it('reuses the unreached cluster, and says the same as linting both bases', async () => {
    const { head } = trees({ 'flux-apps/grafana/release.yaml': replaceOnce('    replicas: 1', '    replicas: 2') });
    const r = await diff(options(head));
    expect(r.clusters.map((c) => `${c.cluster} ${c.status}`)).toEqual([`${LAB} unchanged`, `${CLUSTER} changed`]);
    expect(r.findings).toEqual({ introduced: [], resolved: [] });
    expect(formats(await diff({ ...options(head), reuse: false }))).toEqual(formats(r));
    const n = await lintNewOnly(options(head));
    expect(n.diagnostics).toEqual([]);
    // The object listed twice: duplicate-resource, and kustomize-build (kustomize refuses the build).
    expect(n.unchanged.map((d) => `${d.ruleId} ${d.file}`)).toEqual([
      `duplicate-resource ${LAB}/cluster.yaml`,
      `kustomize-build ${LAB}/kustomization.yaml`,
      `duplicate-resource ${CLUSTER}/cluster.yaml`,
      `kustomize-build ${CLUSTER}/kustomization.yaml`,
    ]);
  });

  it('a change to the base both clusters read reaches both', async () => {
    const { head } = trees({ 'flux-apps/vault/release.yaml': replaceOnce('        replicas: 3', '        replicas: 5') });
    const r = await diff(options(head));
    expect(r.clusters.map((c) => `${c.cluster} ${c.status} ${c.kustomizations.map((k) => k.key).join(',')}`)).toEqual([
      `${LAB} changed flux-system/vault`,
      `${CLUSTER} changed flux-system/vault`,
    ]);
    expect(formats(await diff({ ...options(head), reuse: false }))).toEqual(formats(r));
  });
});
