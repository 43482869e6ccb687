import { isMap, isPair, isScalar, visit, type Node } from 'yaml';
import type { Rule } from './types.js';

export const yamlDuplicateKey: Rule = {
  id: 'yaml-duplicate-key',
  severity: 'error',
  description: 'A mapping has the same key twice.',
  docs: {
    why: 'kustomize, and so Flux, refuses a manifest with a repeated key ("map[string]interface {}(nil): yaml: unmarshal errors: line 7: mapping key "x" already defined at line 6"), failing the whole Kustomization. In a kustomization file it silently keeps the last value (a warning), so what it builds is not what the file seems to say.',
    wrong: 'spec:\n  interval: 10m\n  interval: 1h',
    right: 'spec:\n  interval: 1h',
  },
  check({ model, report }) {
    for (const file of model.files.values()) {
      // kustomize reads its own files into a struct, where the last value wins (checked with kubectl kustomize v5.5).
      const kustomizeOnly = file.roles.has('kustomization') && !file.roles.has('resource');
      for (const doc of file.docs) {
        if (!doc.problems.some((p) => p.code === 'DUPLICATE_KEY')) continue;
        // The parser flags the map; walk it to point at every repeated key and at its first occurrence.
        visit(doc.ast, {
          Map(_, map) {
            if (!isMap(map)) return;
            const first = new Map<string, Node>();
            for (const pair of map.items) {
              if (!isPair(pair) || !isScalar(pair.key) || !pair.key.range) continue;
              const name = String(pair.key.value);
              const earlier = first.get(name);
              if (!earlier) {
                first.set(name, pair.key);
                continue;
              }
              const line = file.lineCounter.linePos(earlier.range![0]).line;
              report(
                { file, start: pair.key.range[0], end: pair.key.range[1] },
                kustomizeOnly
                  ? `duplicate key '${name}' (first at line ${line}); kustomize keeps only this last value`
                  : `duplicate key '${name}' (first at line ${line}); only one of the two values would be used`,
                kustomizeOnly ? { severity: 'warning' } : undefined,
              );
            }
          },
        });
      }
    }
  },
};
