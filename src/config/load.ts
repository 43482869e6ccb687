import path from 'node:path';
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject } from 'ajv';
import { Disk } from '../load/disk.js';
import { LineCounter, isMap, isPair, isScalar, parseDocument, type Document, type Node } from 'yaml';
import { UsageError } from '../load/index.js';
import { didYouMean } from '../rules/did-you-mean.js';
import type { Rule } from '../rules/types.js';
import { configSchema } from './schema.js';
import type { LintGitopsConfig } from './types.js';

/** Looked for at the repo root, in this order; then the `lint-gitops` key of package.json. */
export const CONFIG_FILES = ['.lint-gitops.yaml', '.lint-gitops.yml'] as const;
export const PACKAGE_JSON_KEY = 'lint-gitops';

/** A config file that does not parse or does not match the schema: exit code 2, every problem with its line. */
export class ConfigError extends UsageError {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

export interface LoadedConfig {
  config: LintGitopsConfig;
  /** Absolute path of the file it came from; undefined when there is none. */
  file?: string;
}

/** The config file at the repo root: `.lint-gitops.yaml`, `.lint-gitops.yml`, or package.json with a `lint-gitops` key. */
export function findConfigFile(root: string, disk: Disk = new Disk()): string | undefined {
  for (const name of CONFIG_FILES) {
    const file = path.join(root, name);
    if (disk.isFile(file)) return file;
  }
  const pkg = path.join(root, 'package.json');
  if (disk.isFile(pkg)) {
    try {
      const read = disk.readText(pkg);
      if ('error' in read) throw new Error(read.error);
      const value = JSON.parse(read.text) as unknown;
      if (typeof value === 'object' && value !== null && PACKAGE_JSON_KEY in value) return pkg;
    } catch {
      // A broken package.json is not ours to report unless it is named with --config.
    }
  }
  return undefined;
}

/**
 * Reads and validates a config file against the schema (YAML, or JSON — which parses as YAML, keeping positions).
 * A file named package.json is read from its `lint-gitops` key. `display` is how the file is named in messages.
 */
export function readConfigFile(file: string, rules: readonly Rule[], display = file, disk: Disk = new Disk()): LintGitopsConfig {
  // Through the run's Disk, which the result cache records: a config file that changes or appears is a cache miss.
  const read = disk.readText(file);
  if ('error' in read) throw new UsageError(`cannot read config file ${display}: ${read.error}`);
  return parseConfig(read.text, rules, display, path.basename(file) === 'package.json' ? [PACKAGE_JSON_KEY] : []);
}

/** Parses config text; `at` is where the config sits in the document ([] for a config file, ['lint-gitops'] in package.json). */
export function parseConfig(text: string, rules: readonly Rule[], display: string, at: string[] = []): LintGitopsConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, uniqueKeys: true, prettyErrors: false });
  const pos = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return `${display}:${p.line}:${p.col}`;
  };
  if (doc.errors.length > 0) throw new ConfigError(doc.errors.map((e) => `${pos(e.pos[0])}: ${e.message.split('\n')[0]}`));
  const root = at.length > 0 ? doc.getIn(at, true) : doc.contents;
  const value: unknown = at.length > 0 ? (root === undefined ? undefined : (doc.toJS() as Record<string, unknown>)[at[0]]) : doc.toJS();
  // An empty file is an empty config.
  if (value === null || value === undefined) return {};
  const validate = compiled(rules);
  if (validate(value)) return value as LintGitopsConfig;
  const problems = (validate.errors ?? []).map((e) => {
    const { node, message } = describe(e, doc, at, rules, value);
    const offset = node?.range?.[0] ?? (root as Node | undefined)?.range?.[0] ?? 0;
    return `${pos(offset)}: ${message}`;
  });
  throw new ConfigError([...new Set(problems)]);
}

let cache: { rules: readonly Rule[]; validate: ReturnType<Ajv['compile']> } | undefined;

function compiled(rules: readonly Rule[]) {
  if (cache?.rules !== rules) {
    // ajv is loaded only when there is a config to check: most runs have none, and loading it costs ~40 ms
    const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    const ajv: Ajv = new AjvClass({ allErrors: true, strict: false });
    cache = { rules, validate: ajv.compile(configSchema(rules)) };
  }
  return cache.validate;
}

const TOP_KEYS = ['$schema', 'preset', 'rules', 'ignore', 'crdDirectories', 'schemaLocations', 'external', 'sources', 'crossNamespace'];

/** An ajv error as a sentence, and the YAML node it is about (the key itself for an unknown key). */
function describe(e: ErrorObject, doc: Document, at: string[], rules: readonly Rule[], value: unknown): { node?: Node; message: string } {
  const segs = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const node = doc.getIn([...at, ...segs], true) as Node | undefined;
  const where = segs.length === 0 ? 'the config' : segs.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
  const got = valueAt(value, segs);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const keyNode = keyNodeOf(node, key);
      if (segs.length === 0) return { node: keyNode, message: `unknown key '${key}'${didYouMean(key, TOP_KEYS)} (expected ${TOP_KEYS.slice(1).join(', ')})` };
      if (segs.length === 1 && segs[0] === 'rules') {
        return { node: keyNode, message: `unknown rule '${key}'${didYouMean(key, rules.map((r) => r.id))} (see: lint-gitops rules)` };
      }
      if (segs[0] === 'external') return { node: keyNode, message: `unknown key '${key}' in ${where}${didYouMean(key, ['kind', 'name', 'namespace'])} (expected kind, name, namespace)` };
      return { node: keyNode, message: `unknown key '${key}' in ${where}` };
    }
    case 'enum':
      return { node, message: `${where} must be one of ${(e.params.allowedValues as unknown[]).join(', ')}, not ${JSON.stringify(got)}` };
    case 'type':
      return { node, message: `${where} must be ${article(String(e.params.type))}, not ${describeValue(got)}` };
    case 'required':
      return { node, message: `${where} needs '${String(e.params.missingProperty)}'` };
    case 'minLength':
      return { node, message: `${where} must not be empty` };
    default:
      return { node, message: `${where} ${e.message ?? 'is invalid'}` };
  }
}

function keyNodeOf(map: Node | undefined, key: string): Node | undefined {
  if (!isMap(map)) return map;
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) return item.key;
  }
  return map;
}

function valueAt(value: unknown, segs: (string | number)[]): unknown {
  let v = value;
  for (const s of segs) v = typeof v === 'object' && v !== null ? (v as Record<string | number, unknown>)[s] : undefined;
  return v;
}

function article(type: string): string {
  const name = type === 'object' ? 'a mapping' : type === 'array' ? 'a list' : `a ${type}`;
  return name;
}

function describeValue(v: unknown): string {
  if (v === null) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
