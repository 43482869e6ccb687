import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadRepo } from '../../src/load/index.js';
import { substituteValue } from '../../src/load/substitute.js';
import { CLUSTER, fixtureCopy } from '../helpers.js';
import { type RepoModel } from '../../src/model/types.js';

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-sharing-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

/** Every parsed document of the model, next to a fresh parse of its file: what the build shares must stay as written. */
function documentsAsWritten(model: RepoModel) {
  const seen: { file: string; index: number; value: unknown }[] = [];
  const fresh: { file: string; index: number; value: unknown }[] = [];
  for (const [rel, file] of model.files) {
    if (file.problem || file.docs.length === 0) continue;
    const parsed = parseAllDocuments(fs.readFileSync(path.join(model.root, rel), 'utf8'));
    const docs = Array.isArray(parsed) ? parsed : [parsed];
    file.docs.forEach((d, index) => {
      if (d.problems.length > 0) return;
      seen.push({ file: rel, index, value: d.value });
      fresh.push({ file: rel, index, value: docs[index].toJS() });
    });
  }
  return { seen, fresh };
}

const configMap = (name: string, data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${data}`;
const fluxKs = (name: string, p: string, extra = '') =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ${p}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${extra}`;

describe('built objects share their values with the documents (copy-on-write)', () => {
  const root = tree({
    '.git/HEAD': 'ref: refs/heads/main\n',
    'clusters/one/kustomization.yaml': 'resources:\n  - apps.yaml\n',
    'clusters/one/apps.yaml': [
      fluxKs('plain', './base'),
      fluxKs('moved', './overlay', '  targetNamespace: moved\n  postBuild:\n    substitute:\n      COLOR: blue\n'),
    ].join('---\n'),
    'base/kustomization.yaml': 'resources:\n  - untouched.yaml\n  - colored.yaml\n',
    'base/untouched.yaml': configMap('untouched', '  a: "1"\n'),
    'base/colored.yaml': configMap('colored', '  color: ${COLOR}\n  b: "2"\n'),
    'overlay/kustomization.yaml': [
      'namePrefix: x-',
      'resources:',
      '  - ../base',
      'patches:',
      '  - patch: |',
      '      - op: replace',
      '        path: /data/b',
      '        value: "3"',
      '    target:',
      '      kind: ConfigMap',
      '      name: colored',
      '',
    ].join('\n'),
  });
  const model = loadRepo({ paths: [path.join(root, 'clusters/one')], cwd: root, cache: false, workers: 0 });
  const objects = model.clusters[0].objects;
  const find = (name: string) => objects.find((o) => o.kind === 'ConfigMap' && o.name === name)!;

  it('applies namePrefix, a JSON 6902 patch, targetNamespace and substitution to the overlay copy only', () => {
    expect(find('x-colored').namespace).toBe('moved');
    expect(find('x-colored').value.data).toEqual({ color: 'blue', b: '3' });
    expect(find('x-untouched').value.metadata).toEqual({ name: 'x-untouched', namespace: 'moved' });
    expect(find('colored').value).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'colored' }, data: { color: '${COLOR}', b: '2' } });
  });

  it('holds an object nothing changed as its document value, not as a copy', () => {
    const untouched = find('untouched');
    expect(untouched.value).toBe(untouched.doc.value);
    // The overlay copy changed only its metadata: the rest is the document's, shared.
    expect(find('x-untouched').value.data).toBe(untouched.doc.value && (untouched.doc.value as { data: unknown }).data);
  });

  it('leaves every document as written after the transformations', () => {
    const { seen, fresh } = documentsAsWritten(model);
    expect(seen.length).toBeGreaterThan(5);
    expect(seen).toEqual(fresh);
  });
});

describe('the clean fixture', () => {
  it('keeps every document as written after the whole build (namespaces, patches, substitution)', () => {
    const root = fixtureCopy();
    const model = loadRepo({ paths: [path.join(root, CLUSTER)], cwd: root, cache: false, workers: 0 });
    const { seen, fresh } = documentsAsWritten(model);
    expect(seen.length).toBeGreaterThan(100);
    expect(seen).toEqual(fresh);
  });
});

describe('substitution', () => {
  const vars = new Map([['COLOR', 'blue']]);

  it('returns what it leaves unchanged as it is, and copies only the path to a change', () => {
    const value = { metadata: { name: 'a', labels: { x: '1' } }, data: { color: '${COLOR}', other: { y: '2' } } };
    const out = substituteValue(value, vars) as typeof value;
    expect(out).toEqual({ metadata: { name: 'a', labels: { x: '1' } }, data: { color: 'blue', other: { y: '2' } } });
    expect(out.metadata).toBe(value.metadata);
    expect(out.data.other).toBe(value.data.other);
    expect(value.data.color).toBe('${COLOR}');
    // An undefined variable without a default stays as written (rules report it), so nothing here changes.
    const untouched = { a: ['x', { b: '${UNSET}' }] };
    expect(substituteValue(untouched, new Map())).toBe(untouched);
  });

  it('keeps a __proto__ key as data when it copies an object', () => {
    const value = JSON.parse('{"__proto__": {"k": "${COLOR}"}, "c": "${COLOR}"}') as Record<string, unknown>;
    const out = substituteValue(value, vars) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'c']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ k: 'blue' });
  });
});
