import type { Rule } from './types.js';

export const remoteResource: Rule = {
  id: 'remote-resource',
  severity: 'info',
  description: 'A kustomize resource is a remote URL; it is not checked offline.',
  docs: {
    why: 'Remote bases are fetched by kustomize-controller at reconcile time; they can change or disappear without a commit here, and this linter does not download them.',
    wrong: 'resources:\n  - https://github.com/org/repo//deploy?ref=main',
    right: 'resources:\n  - https://github.com/org/repo//deploy?ref=v1.4.2   # pinned, or vendored into the repo',
  },
  check({ model, report }) {
    for (const ref of model.refs) {
      if (ref.status !== 'remote') continue;
      report(ref.from, `remote resource '${ref.raw}' is not checked offline`);
    }
  },
};
