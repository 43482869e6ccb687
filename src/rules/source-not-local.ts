import { describeRef } from './path-format.js';
import type { Rule } from './types.js';

export const sourceNotLocal: Rule = {
  id: 'source-not-local',
  severity: 'info',
  description: 'A path is resolved in a source that is not this checkout (another repository or branch, an OCI artifact); it is not checked.',
  docs: {
    why: 'Flux resolves spec.path inside the artifact of its sourceRef. When that source is not this working tree the path cannot be verified offline; it is listed so that nothing is skipped silently.',
  },
  check({ model, report }) {
    for (const ref of model.refs) {
      if (ref.status !== 'foreign-source') continue;
      report(ref.from, `${describeRef(ref)} is not checked: ${ref.detail ?? 'its source is not this checkout'}`);
    }
  },
};
