import { describeRef } from './path-format.js';
import type { Rule } from './types.js';

export const pathOutsideRoot: Rule = {
  id: 'path-outside-root',
  severity: 'error',
  description: 'A path leaves the repository root (through ../ or a symlink).',
  docs: {
    why: 'Flux builds from the source artifact alone: anything outside the repository root is not there when kustomize-controller runs, and kustomize refuses such paths by default.',
    wrong: 'resources:\n  - ../../../../../shared/base',
    right: 'resources:\n  - ../../../../flux-apps/base',
  },
  check({ model, report }) {
    for (const ref of model.refs) {
      if (ref.status !== 'outside-root') continue;
      report(ref.from, `${describeRef(ref)} points outside the repository root; Flux only sees files inside the source`);
    }
  },
};
