import { isScalar } from 'yaml';
import type { Rule } from '../../src/rules/types.js';
import { objectLocation } from '../../src/model/location.js';

/**
 * A test-only rule that declares a fix, the way deprecated-api does: HelmRelease v2beta2 → v2. It lets the
 * formatter and --fix tests run on fixable findings without depending on another rule's progress.
 */
export const helmV2beta2: Rule = {
  id: 'test-helm-v2beta2',
  severity: 'warning',
  description: 'A HelmRelease uses helm.toolkit.fluxcd.io/v2beta2 (test rule).',
  docs: { why: 'v2beta2 is deprecated since Flux 2.3.', wrong: 'apiVersion: helm.toolkit.fluxcd.io/v2beta2', right: 'apiVersion: helm.toolkit.fluxcd.io/v2' },
  fixable: true,
  check({ model, report }) {
    const seen = new Set<string>();
    for (const cluster of model.clusters) {
      for (const o of cluster.objects) {
        if (o.kind !== 'HelmRelease' || o.apiVersion !== 'helm.toolkit.fluxcd.io/v2beta2') continue;
        const at = objectLocation(o, ['apiVersion']);
        const node = at.doc.ast.getIn(at.path, true);
        const key = `${at.doc.file.path}:${at.doc.index}:${at.path.join('.')}`;
        if (!isScalar(node) || !node.range || seen.has(key)) continue;
        seen.add(key);
        report(at, `HelmRelease '${o.name}' uses helm.toolkit.fluxcd.io/v2beta2; use helm.toolkit.fluxcd.io/v2`, {
          fix: { start: node.range[0], end: node.range[1], text: 'helm.toolkit.fluxcd.io/v2' },
        });
      }
    }
  },
};
