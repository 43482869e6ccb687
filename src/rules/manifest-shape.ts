import { isBroken } from '../load/index.js';
import type { Rule } from './types.js';
import { isObject } from '../model/objects.js';
import { type Location, type YamlDoc } from '../model/types.js';

/** kustomize's own configuration files are not objects it emits, so they carry no metadata.name. */
const KUSTOMIZE_CONFIG = /^kustomize\.config\.k8s\.io\//;

export const manifestShape: Rule = {
  id: 'manifest-shape',
  severity: 'error',
  description: 'A document listed as a resource is not a Kubernetes object with apiVersion, kind and metadata.name.',
  docs: {
    why: 'kustomize refuses a resource without apiVersion, kind or metadata.name ("missing metadata.name"), and Flux then applies nothing from that Kustomization.',
    wrong: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  labels: {team: data}',
    right: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: airflow\n  labels: {team: data}',
  },
  check({ model, report }) {
    for (const file of model.files.values()) {
      if (!file.roles.has('resource')) continue;
      for (const doc of file.docs) {
        if (isBroken(doc) || doc.value === null || doc.value === undefined) continue;
        const v = doc.value;
        if (!isObject(v)) {
          report({ doc, path: [] }, `document ${doc.index + 1} is ${Array.isArray(v) ? 'a list' : `a ${typeof v}`}, not a Kubernetes object`);
          continue;
        }
        if (typeof v.apiVersion === 'string' && KUSTOMIZE_CONFIG.test(v.apiVersion)) continue;
        if (typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items)) {
          v.items.forEach((item, i) => checkObject(doc, item, ['items', i], report));
        } else checkObject(doc, v, [], report);
      }
    }
  },
};

function checkObject(doc: YamlDoc, v: unknown, at: (string | number)[], report: (l: Location, m: string) => void): void {
  if (!isObject(v)) {
    report({ doc, path: at }, 'list item is not a Kubernetes object');
    return;
  }
  const missing: string[] = [];
  if (typeof v.apiVersion !== 'string' || v.apiVersion === '') missing.push('apiVersion');
  if (typeof v.kind !== 'string' || v.kind === '') missing.push('kind');
  const meta = v.metadata;
  if (!isObject(meta) || typeof meta.name !== 'string' || meta.name === '') missing.push('metadata.name');
  if (missing.length === 0) return;
  const where = missing.length === 1 && missing[0] === 'metadata.name' && isObject(meta) ? [...at, 'metadata'] : at;
  const what = typeof v.kind === 'string' ? `${v.kind} ` : '';
  report({ doc, path: where }, `${what}object is missing ${missing.join(', ')}; kustomize cannot build it`);
}
