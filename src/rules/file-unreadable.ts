import { describeRef } from './path-format.js';
import type { Rule } from './types.js';
import type { FileProblem } from '../model/types.js';

export const fileUnreadable: Rule = {
  id: 'file-unreadable',
  severity: 'error',
  description: 'A file the build reads is binary, not UTF-8, too large, unreadable, or a symlink loop.',
  docs: {
    why: 'kustomize-controller cannot parse such a file and fails the build; a linter must say so instead of crashing or hanging.',
  },
  check({ model, report }) {
    for (const file of model.files.values()) {
      // A file over a documented limit is limit-exceeded's.
      if (!file.problem || file.problem.kind === 'limit' || file.roles.size === 0) continue;
      report({ file, start: 0, end: 0 }, `${file.path} ${explain(file.problem)}`);
    }
    for (const ref of model.refs) {
      if (ref.status !== 'unreadable') continue;
      report(ref.from, `${describeRef(ref)} cannot be read: a symlink loop, or a file the linter may not open`);
    }
  },
};

function explain(p: FileProblem): string {
  switch (p.kind) {
    case 'binary':
      return 'is a binary file, not YAML';
    case 'not-utf8':
      return 'is not valid UTF-8';
    case 'too-large':
      return `is ${(p.size / 1048576).toFixed(1)} MiB, over the ${p.limit / 1048576} MiB limit; it was not parsed`;
    case 'symlink-loop':
      return 'is a symlink loop';
    case 'outside-root':
      return 'is a symlink to outside the repository root';
    case 'unreadable':
      return `cannot be read (${p.reason})`;
    case 'limit':
      return p.reason;
  }
}
