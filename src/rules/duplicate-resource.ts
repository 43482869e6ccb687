import { effectiveNamespace } from '../graph/references.js';
import { unresolved } from '../load/index.js';
import type { Rule } from './types.js';
import { locate, objectLocation } from '../model/location.js';
import { splitApiVersion } from '../model/objects.js';
import { type KObject, type Location } from '../model/types.js';

interface Placed {
  obj: KObject;
  at: Location;
  file: string;
  line?: number;
  column?: number;
}

export const duplicateResource: Rule = {
  id: 'duplicate-resource',
  severity: 'error',
  description: 'The same group/kind/namespace/name is applied by two Flux Kustomizations, or twice by one.',
  docs: {
    why: 'Two Kustomizations applying one object fight over it: each reconcile overwrites the other\'s fields, and when one is deleted or prunes, the object goes away under the other. Twice in one build, kustomize refuses it ("may not add resource with an already registered id"). An object without a namespace lands in \'default\'.',
    wrong: '# apps/vault/kustomization.yaml and apps/vault-extra/kustomization.yaml both list\n- ../../../../flux-apps/vault/namespace.yaml',
    right: '# only one Kustomization applies flux-apps/vault/namespace.yaml',
  },
  check({ model, report }) {
    for (const cluster of model.clusters) {
      const byKey = new Map<string, Placed[]>();
      for (const obj of cluster.objects) {
        // A name or namespace post-build substitution left as written (a value from a Secret, an unknown source):
        // whether two such objects are one cannot be known.
        if (unresolved(obj.name) || unresolved(effectiveNamespace(obj))) continue;
        const [group] = splitApiVersion(obj.apiVersion);
        // Objects applied to different clusters (a Kustomization's spec.kubeConfig) are different objects.
        const key = [obj.target ?? '', group, obj.kind, effectiveNamespace(obj) ?? '', obj.name].join('\0');
        const at: Location = obj.generated ? { doc: obj.doc, path: [...obj.docPath, 'name'] } : objectLocation(obj, ['metadata', 'name']);
        const list = byKey.get(key) ?? [];
        list.push({ obj, at, file: at.doc.file.path });
        byKey.set(key, list);
      }
      for (const list of byKey.values()) {
        if (list.length < 2) continue;
        // Positions only for duplicates: locating needs the file's syntax tree, which is otherwise never built.
        for (const p of list) ({ line: p.line, column: p.column } = locate(p.at));
        list.sort((a, b) => cmp(a.file, b.file) || a.line! - b.line! || a.column! - b.column! || cmp(a.obj.builtBy, b.obj.builtBy));
        const first = list[0];
        for (const dup of list.slice(1)) {
          const what = `${dup.obj.kind} '${describe(dup.obj)}'`;
          const where = `${first.file}:${first.line}`;
          const message =
            dup.obj.builtBy === first.obj.builtBy
              ? `${what} is applied twice by Kustomization '${dup.obj.builtBy}' (also from ${where})`
              : dup.file === first.file && dup.line === first.line
                ? `${what} is applied by two Kustomizations, '${first.obj.builtBy}' and '${dup.obj.builtBy}', which both build this file`
                : `${what} is applied by Kustomization '${dup.obj.builtBy}' here and by Kustomization '${first.obj.builtBy}' from ${where}`;
          report(dup.at, message);
        }
      }
    }
  },
};

function describe(obj: KObject): string {
  const ns = effectiveNamespace(obj);
  return ns ? `${ns}/${obj.name}` : obj.name;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
