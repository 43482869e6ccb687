import { FILE_FAILED } from '../load/index.js';
import type { Rule } from './types.js';

export const yamlSyntax: Rule = {
  id: 'yaml-syntax',
  severity: 'error',
  description: 'A YAML file that the build reads does not parse.',
  docs: {
    why: 'kustomize and kustomize-controller read a file as one stream and stop the whole Kustomization at the first error in it (a syntax error, an alias to an anchor defined nowhere before it, aliases expanding too far), so no document of that file, and nothing in that Kustomization, is applied. The linter builds none of the file\'s documents either, and reports the first error of each broken document, where it is.',
    wrong: 'spec:\n  interval: 10m\n   path: ./apps   # indented one space too far',
    right: 'spec:\n  interval: 10m\n  path: ./apps',
  },
  check({ model, report }) {
    for (const file of model.files.values()) {
      for (const doc of file.docs) {
        for (const p of doc.problems) {
          // Duplicate keys are yaml-duplicate-key's; a document broken only by another one is reported there.
          if (p.code === 'DUPLICATE_KEY' || p.code === FILE_FAILED) continue;
          const what =
            p.code === 'ALIAS_LIMIT'
              ? 'YAML aliases expand too far (an alias bomb?)'
              : p.code === 'DEPTH_LIMIT'
                ? `${p.message}, the linter's limit; the document is not checked`
                : `YAML syntax error: ${p.message}`;
          report({ file, start: p.start, end: p.end }, what);
        }
      }
    }
  },
};
