import type { Rule } from './types.js';

export const yamlSyntax: Rule = {
  id: 'yaml-syntax',
  severity: 'error',
  description: 'A YAML file that the build reads does not parse.',
  docs: {
    why: 'kustomize-controller stops the whole Kustomization at the first file it cannot parse, so nothing in it is applied.',
    wrong: 'spec:\n  interval: 10m\n   path: ./apps   # indented one space too far',
    right: 'spec:\n  interval: 10m\n  path: ./apps',
  },
  check({ model, report }) {
    for (const file of model.files.values()) {
      for (const doc of file.docs) {
        for (const p of doc.problems) {
          if (p.code === 'DUPLICATE_KEY') continue;
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
