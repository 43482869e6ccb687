import fs from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import type { ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { createAjv } from '../../src/schema/ajv.js';
import { toIssues } from '../../src/schema/messages.js';
import { SchemaRegistry } from '../../src/schema/registry.js';
import { splitForCompile } from '../../src/schema/split.js';
import { FIXTURES, sharedDir } from '../helpers.js';

/**
 * The shipped validators are compiled from split schemas (src/schema/split.ts) with inlineRefs off. They must
 * report exactly what a compile of the schema as written reports, with ajv's default inlining: the same issues,
 * messages and order, for real documents (the fixture and the corpora) and for documents generated from every
 * bundled schema, each also damaged field by field.
 */
const registry = SchemaRegistry.bundled();
const schemasDir = path.resolve(FIXTURES, '..', 'schemas');
type Json = Record<string, unknown>;

const reference = new Map<string, ValidateFunction>();
function referenceIssues(file: string, kind: string, value: unknown) {
  let v = reference.get(file);
  if (!v) {
    // a schema of the CRDs catalog is compressed, and compiled with ObjectMeta's definitions
    const catalog = file.endsWith('.br');
    const text = catalog ? brotliDecompressSync(fs.readFileSync(path.join(schemasDir, file))).toString('utf8') : fs.readFileSync(path.join(schemasDir, file), 'utf8');
    const { $comment: _c, ...written } = JSON.parse(text) as Json;
    const meta = catalog ? (JSON.parse(fs.readFileSync(path.join(schemasDir, '_shared', 'objectmeta.json'), 'utf8')) as Json) : undefined;
    const schema = meta ? { ...written, definitions: meta.definitions } : written;
    v = createAjv({ inlineRefs: true }).compile(schema);
    reference.set(file, v);
  }
  const data = withoutNulls(value);
  if (v(data)) return [];
  return toIssues(v.errors ?? [], data, kind || 'object').map(({ data: _d, ...issue }) => issue);
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
  return value;
}

/** Checks one document; returns how many issues it had. */
function same(apiVersion: string, kind: string, value: unknown): number {
  const entry = registry.lookup(apiVersion, kind)!;
  const got = registry.validate(apiVersion, kind, value).issues;
  expect(got, `${entry.key}: ${JSON.stringify(value).slice(0, 300)}`).toEqual(referenceIssues(entry.file!, kind, value));
  return got.length;
}

/** The document and variants of it, each with one field damaged: wrong type, unknown key, key removed. */
function* damaged(value: unknown, limit: number): Generator<unknown> {
  yield value;
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    if (paths.length >= 400) return;
    paths.push(p);
    if (Array.isArray(v)) v.slice(0, 2).forEach((x, i) => walk(x, [...p, i]));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
  };
  walk(value, []);
  // spread the picks over the whole document
  const step = Math.max(1, Math.floor(paths.length / limit));
  for (let i = 0; i < paths.length; i += step) {
    const p = paths[i]!;
    const at = (root: unknown) => p.slice(0, -1).reduce<unknown>((o, k) => (o as Json)[k as string], root);
    const leaf = p.reduce<unknown>((o, k) => (o as Json)[k as string], value);
    for (const change of ['type', 'unknown', 'remove'] as const) {
      const copy = structuredClone(value) as Json;
      if (change === 'unknown') {
        const target = p.length === 0 ? copy : (p.reduce<unknown>((o, k) => (o as Json)[k as string], copy) as unknown);
        if (typeof target !== 'object' || target === null || Array.isArray(target)) continue;
        (target as Json).lintGitopsUnknown = 1;
      } else {
        if (p.length === 0) continue;
        const parent = at(copy) as Json;
        const key = p[p.length - 1] as string;
        if (change === 'remove') {
          if (Array.isArray(parent)) continue;
          delete parent[key];
        } else parent[key] = typeof leaf === 'string' ? 7 : typeof leaf === 'number' || typeof leaf === 'boolean' ? 'x' : Array.isArray(leaf) ? { a: 1 } : ['x'];
      }
      yield copy;
    }
  }
}

/** A document with every field its schema describes (to a depth), first enum values, first branches. */
function sample(schema: Json, root: Json, depth = 0, seen = new Set<string>()): unknown {
  if (typeof schema.$ref === 'string') {
    const name = decodeURIComponent(schema.$ref.slice('#/definitions/'.length));
    if (seen.has(name) || depth > 12) return {};
    return sample((root.definitions as Json)[name] as Json, root, depth + 1, new Set([...seen, name]));
  }
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const branch = (schema.oneOf ?? schema.anyOf) as Json[] | undefined;
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : [];
  const type = types.find((t) => t !== 'null') ?? (schema.properties ? 'object' : branch ? '' : 'string');
  if (!type && branch) return sample(branch[0]!, root, depth + 1, seen);
  if (depth > 12) return type === 'object' ? {} : type === 'array' ? [] : undefined;
  switch (type) {
    case 'object': {
      const out: Json = {};
      for (const [k, v] of Object.entries((schema.properties ?? {}) as Json)) {
        const x = sample(v as Json, root, depth + 1, seen);
        if (x !== undefined) out[k] = x;
      }
      if (typeof schema.additionalProperties === 'object') out.someKey = sample(schema.additionalProperties as Json, root, depth + 1, seen);
      return out;
    }
    case 'array':
      return typeof schema.items === 'object' ? [sample(schema.items as Json, root, depth + 1, seen)] : [];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    default:
      return ({ byte: 'YQ==', 'date-time': '2024-01-01T00:00:00Z', duration: '1m', 'k8s-quantity': '1', int32: 1 } as Record<string, unknown>)[schema.format as string] ?? 'x';
  }
}

describe('split validators report what the schema as written reports', () => {
  it('for every document of the fixture and the corpora, and each of them damaged', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory() && !e.name.startsWith('.')) walk(p);
        else if (e.isFile() && /\.ya?ml$/.test(e.name)) files.push(p);
      }
    };
    walk(FIXTURES);
    const corpora = sharedDir('corpora', 'the documents of the public corpora (the fixture alone is used)');
    if (corpora) walk(corpora);
    let docs = 0;
    let issues = 0;
    for (const f of files) {
      for (const doc of YAML.parseAllDocuments(fs.readFileSync(f, 'utf8'), { logLevel: 'silent' })) {
        if (doc.errors.length > 0) continue;
        let v: unknown;
        try {
          v = doc.toJS({ maxAliasCount: 100 });
        } catch {
          continue;
        }
        if (typeof v !== 'object' || v === null || Array.isArray(v) || 'sops' in v || JSON.stringify(v).includes('"<<":')) continue;
        const { apiVersion, kind } = v as Json;
        if (typeof apiVersion !== 'string' || typeof kind !== 'string') continue;
        const entry = registry.lookup(apiVersion, kind);
        if (!entry?.served || !entry.file) continue;
        docs++;
        for (const d of damaged(v, 12)) issues += same(apiVersion, kind, d);
      }
    }
    expect(docs).toBeGreaterThan(100);
    expect(issues).toBeGreaterThan(1000);
  }, 300_000);

  it('for documents generated from every bundled schema, and each of them damaged', () => {
    let kinds = 0;
    let issues = 0;
    for (const entry of registry.entries()) {
      if (!entry.served || !entry.file) continue;
      const schema = JSON.parse(fs.readFileSync(path.join(schemasDir, entry.file), 'utf8')) as Json;
      const doc = { ...(sample(schema, schema) as Json), apiVersion: entry.apiVersion, kind: entry.kind, metadata: { name: 'a', namespace: 'b' } };
      kinds++;
      for (const d of damaged(doc, entry.group.includes('.') && !entry.group.endsWith('k8s.io') ? 40 : 10)) issues += same(entry.apiVersion, entry.kind, d);
    }
    expect(kinds).toBeGreaterThan(150);
    expect(issues).toBeGreaterThan(5000);
  }, 600_000);

  it('for a tree CRD with anyOf, oneOf and not in and around large subschemas', () => {
    const fields = (prefix: string, n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, { type: i % 3 ? 'string' : 'integer' }]));
    const shape = (prefix: string) => ({ type: 'object', additionalProperties: false, properties: { kind: { type: 'string', enum: [prefix] }, ...fields(prefix, 30) } });
    const schema: Json = {
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        spec: {
          type: 'object',
          additionalProperties: false,
          properties: {
            provider: { ...shape('p'), oneOf: [{ required: ['p1'] }, { required: ['p2'] }], not: { required: ['p3', 'p4'] } },
            items: { type: 'array', items: { anyOf: [shape('a'), shape('b'), { type: 'string' }] } },
            mode: { anyOf: [{ type: 'integer' }, { type: 'string', enum: ['x', 'y'] }] },
            nested: { type: 'object', properties: { deep: { type: 'object', properties: { inner: { ...shape('d'), anyOf: [{ required: ['d1'] }, { required: ['d2'] }] } } } } },
          },
          anyOf: [{ required: ['provider'] }, { required: ['items'] }],
        },
      },
    };
    const plain = createAjv({ inlineRefs: true }).compile(schema);
    const split = createAjv().compile(splitForCompile(schema));
    expect(Object.keys((splitForCompile(schema).definitions ?? {}) as Json).length).toBeGreaterThanOrEqual(3);
    const docs: unknown[] = [
      { spec: {} },
      { spec: { provider: { p1: 'a', p2: 'b', p3: 'c', p4: 'd' } } },
      { spec: { provider: { p0: 'x', p5: 1, bogus: 1 } } },
      { spec: { items: [{ kind: 'a', a0: 'x', a1: 2 }, { kind: 'b', b1: 1 }, 7, { kind: 'c' }], mode: true } },
      { spec: { provider: { p1: 1 }, nested: { deep: { inner: { d0: 'x', extra: 1 } } }, mode: 'z' } },
      sample(schema, schema),
    ];
    let issues = 0;
    for (const doc of docs) {
      for (const d of damaged(doc, 60)) {
        const a = plain(d) ? [] : toIssues(plain.errors ?? [], d, 'Widget').map(({ data: _d, ...i }) => i);
        const b = split(d) ? [] : toIssues(split.errors ?? [], d, 'Widget').map(({ data: _d, ...i }) => i);
        expect(b, JSON.stringify(d)).toEqual(a);
        issues += a.length;
      }
    }
    expect(issues).toBeGreaterThan(200);
  });

  it('moves large property schemas only, never a branch of anyOf/oneOf, and leaves small schemas alone', () => {
    const big = { type: 'object', properties: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`field${i}`, { type: 'string' }])) };
    const schema = {
      type: 'object',
      properties: {
        spec: { type: 'object', properties: { a: big, b: { type: 'string' }, c: { anyOf: [big, { type: 'string' }] } } },
        list: { type: 'array', items: big },
      },
    };
    const split = splitForCompile(schema) as { properties: Record<string, Json>; definitions: Record<string, unknown> };
    expect(Object.keys(split.definitions)).toEqual(['lint-gitops.split.0', 'lint-gitops.split.1', 'lint-gitops.split.2']);
    expect(split.definitions['lint-gitops.split.0']).toEqual(big);
    // the anyOf moves whole, its large branch with it; spec, small once a and c moved, stays
    expect(split.definitions['lint-gitops.split.1']).toEqual({ anyOf: [big, { type: 'string' }] });
    expect(split.properties.spec).toEqual({ type: 'object', properties: { a: { $ref: '#/definitions/lint-gitops.split.0' }, b: { type: 'string' }, c: { $ref: '#/definitions/lint-gitops.split.1' } } });
    expect(split.properties.list).toEqual({ type: 'array', items: { $ref: '#/definitions/lint-gitops.split.2' } });
    expect(splitForCompile({ type: 'object', properties: { a: { type: 'string' } } })).toEqual({ type: 'object', properties: { a: { type: 'string' } } });
  });
});
