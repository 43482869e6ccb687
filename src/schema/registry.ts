import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import type { Ajv, ValidateFunction } from 'ajv';
import { createAjv } from './ajv.js';
import { kubernetesFormats } from './formats.js';
import { ValidatorCache, evaluateStandalone, type ValidatorFiles } from './validator-cache.js';
import { convertCatalogSchema, convertCrd, type JsonObject } from './convert.js';
import { Disk } from '../load/disk.js';
import { schemaHash } from './schema-hash.js';
import { splitForCompile } from './split.js';
import { jsonExact } from '../model/json-exact.js';
import { isObject, splitApiVersion } from '../model/objects.js';
import { toIssues, type RawIssue, type SchemaIssue } from './messages.js';

export interface IndexEntry {
  /** "<group>/<version>/<Kind>", or "<version>/<Kind>" for the core group */
  key: string;
  apiVersion: string;
  group: string;
  version: string;
  kind: string;
  /** schema file relative to the schemas folder; null when there is no schema (removed versions) */
  file: string | null;
  served: boolean;
  storage: boolean;
  deprecated: boolean;
  deprecationWarning: string | null;
  /** Kubernetes minor version that stopped serving it, e.g. "1.22" (core APIs only) */
  removedIn: string | null;
  /** apiVersion to use instead, for versions that are no longer served */
  replacement: string | null;
  namespaced: boolean;
  /** ajv standalone validator (brotli-compressed CommonJS), relative to the schemas folder; kinds with identical schemas share one */
  precompiled?: string;
  /** sha256 of the precompiled validator's code (names its V8 code cache) */
  precompiledHash?: string;
  /** sha256 of the schema without its $comment, keys sorted (schemaHash()): a CRD of the tree that converts to it is the bundled one */
  schemaHash?: string;
  /** where the schema came from: "crds/flux/helm/...yaml", "npm:kubernetes-types@1.30.0/apps/v1.d.ts", or the source given to addCrd */
  source: string;
  /**
   * Set for a schema of the community CRDs catalog shipped in schemas/catalog/ or of a --schema-location folder:
   * what findings name as their schema's origin ("the CRDs catalog (datreeio/CRDs-catalog 7b1e26e, 2026-08-20)").
   */
  catalog?: string;
}

export interface ValidationResult {
  status: 'ok' | 'invalid' | 'no-schema' | 'not-served';
  issues: SchemaIssue[];
  entry?: IndexEntry;
}

type StoredEntry = Omit<IndexEntry, 'key' | 'apiVersion' | 'group' | 'version' | 'kind'>;

interface Bundle {
  dir: string;
  entries: Map<string, IndexEntry>;
  metaDefinitions: JsonObject;
  /** sha256 of _shared/objectmeta.json: the catalog's validators are compiled with it. */
  metaHash: string;
  /** schemas/catalog/index.json, read the first time a kind none of the bundle's entries knows is looked up. */
  catalog?: CatalogIndex | null;
}

/** schemas/catalog/index.json (scripts/generate-schemas.mjs, buildCatalog). */
interface CatalogIndex {
  /** "the CRDs catalog (github.com/datreeio/CRDs-catalog 7b1e26e, 2026-08-20)" */
  name: string;
  /** "<group>/<version>/<kind in lower case>" → file (relative to schemas/) and schema hash */
  entries: Map<string, { file: string; schemaHash: string }>;
}

function loadCatalog(dir: string): CatalogIndex | null {
  try {
    const raw = JSON.parse(readFileSync(join(dir, 'catalog', 'index.json'), 'utf8')) as {
      catalog: { repository: string; commit: string; date: string };
      entries: Record<string, { file: string; schemaHash: string }>;
    };
    const { repository, commit, date } = raw.catalog;
    return { name: `the CRDs catalog (${repository.replace(/^github\.com\//, '')} ${commit.slice(0, 7)}, ${date})`, entries: new Map(Object.entries(raw.entries)) };
  } catch {
    return null; // a package without the catalog validates without it
  }
}

/**
 * Validation results kept between runs, by a key naming the validator, the kind and the document (the result
 * cache's store, src/cache/validations.ts, implements it; the registry never imports the cache).
 */
export interface ValidationResultStore {
  key(validator: string, kind: string, substitution: boolean, json: string): string;
  get(key: string): SchemaIssue[] | undefined;
  set(key: string, issues: SchemaIssue[]): void;
}

export const indexKey = (group: string, version: string, kind: string): string =>
  `${group ? `${group}/` : ''}${version}/${kind}`;

/** Kubernetes version priority: GA before beta before alpha, higher numbers first. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [-1, 0, 0];
    const stability = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stability, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i]! - ra[i]!;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** schemas/ beside the package: ../../schemas from src/schema/*.ts and from dist/schema/*.js */
export function bundledSchemasDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', 'schemas');
}

let bundleCache: Bundle | undefined;
let packageSchemasDir: string | undefined;
function loadBundle(dir: string): Bundle {
  if (bundleCache && bundleCache.dir === dir) return bundleCache;
  const indexFile = join(dir, 'index.json');
  if (!existsSync(indexFile)) throw new Error(`schema index not found: ${indexFile} (run npm run schemas)`);
  const raw = JSON.parse(readFileSync(indexFile, 'utf8')) as Record<string, StoredEntry | string>;
  const entries = new Map<string, IndexEntry>();
  for (const [key, value] of Object.entries(raw)) {
    if (key === '$comment' || typeof value !== 'object' || value === null) continue;
    const slash = key.lastIndexOf('/');
    const apiVersion = key.slice(0, slash);
    const kind = key.slice(slash + 1);
    const [group, version] = splitApiVersion(apiVersion);
    entries.set(key, { key, apiVersion, group, version, kind, ...value });
  }
  const metaText = readFileSync(join(dir, '_shared', 'objectmeta.json'), 'utf8');
  const shared = JSON.parse(metaText) as { definitions: JsonObject };
  bundleCache = { dir, entries, metaDefinitions: shared.definitions, metaHash: createHash('sha256').update(metaText).digest('base64url') };
  return bundleCache;
}

/** Validators of bundled files are shared by every registry: the files never change. */
const bundledValidators = new Map<string, ValidateFunction>();
/**
 * What a catalog or --schema-location lookup accepts: an API group (a DNS subdomain), a Kubernetes version and a
 * kind name. Anything else (a "../" in a written apiVersion) never becomes a path.
 */
const CATALOG_GROUP = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const CATALOG_VERSION = /^v[0-9]+[a-z0-9]*$/;
const CATALOG_KIND = /^[A-Za-z][A-Za-z0-9]*$/;

/** Validators of catalog and --schema-location schemas, by file and content hash. */
const catalogValidators = new Map<string, ValidateFunction>();
let sharedAjv: Ajv | undefined;

/** Time spent compiling (or loading a precompiled validator), per index key, in milliseconds. */
export const compileTimes = new Map<string, number>();
/** How each validator was obtained, per index key. */
export const validatorOrigins = new Map<string, 'precompiled' | 'compiled'>();
/**
 * What validation did in this process (tests count these; timings are not to be asserted): `requests` asks for a
 * validator (loading or compiling it the first time), `calls` runs one on a value. A result kept by
 * ValidationResults costs neither.
 */
export const validatorStats = { requests: 0, calls: 0 };

/**
 * The API server treats an explicit null like an absent field; drop null
 * members so "creationTimestamp: null" or an empty "resources:" pass, and a
 * null required field is reported as missing.
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
    return out;
  }
  return value;
}

/**
 * Whether withoutNulls(value) could differ from value for a validator: a null member, an object that is not a
 * plain one (a copy turns it into {}), or a "__proto__" key (a copy would set the prototype instead). Most
 * objects have none of these, and are validated as they are, without a deep copy.
 */
function needsCopy(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (const v of value) if (needsCopy(v)) return true;
    return Object.getPrototypeOf(value) !== Array.prototype;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return true;
  for (const k in value) {
    if (!Object.prototype.hasOwnProperty.call(value, k)) return true;
    const v = (value as Record<string, unknown>)[k];
    if (v === null || k === '__proto__' || needsCopy(v)) return true;
  }
  return false;
}

/**
 * The JSON of a value when it tells the value apart from every other value a validator could see differently;
 * else undefined (such a value is validated, never looked up). JSON loses NaN and ±Infinity (null), -0 (0),
 * undefined members, and anything not a plain object, array or primitive; a "__proto__" key is left out of the
 * copy the validator sees. Parsed YAML has none of these except .nan/.inf and -0, and the walk costs about what
 * needsCopy's does.
 */
function faithfulJson(value: unknown): { json: string; copy: boolean } | undefined {
  let nullMember = false;
  // A "__proto__" key is left out of the copy the validator sees, and a "toJSON" one changes what JSON says:
  // either way the JSON no longer tells the value apart. A null member makes the validator see a copy without it.
  const member = (key: string, m: unknown): boolean => {
    if (key === '__proto__' || key === 'toJSON') return false;
    if (m === null) nullMember = true;
    return true;
  };
  if (!cleanPrototype()) return undefined;
  try {
    return jsonExact(value, member) ? { json: JSON.stringify(value), copy: nullMember } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether Object.prototype has no enumerable property. One would show in every for-in (the validators' own loops
 * too, and needsCopy's, which then copies): with none, a plain object's for-in yields exactly its own keys, and
 * neither faithfulJson() nor ValidateOptions.plain need check each key.
 */
function cleanPrototype(): boolean {
  for (const _ in Object.prototype) return false;
  return true;
}


const SOPS_VALUE = /^ENC\[[A-Za-z0-9_]+,/;
/** Flux post-build substitution: ${VAR}, ${VAR:-default}, ${VAR:=default} */
const FLUX_VARIABLE = /\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-=][^}]*)?\}/;

export interface ValidateOptions {
  /**
   * The object goes through Flux post-build substitution (spec.postBuild of
   * the Flux Kustomization that applies it): a string holding ${VAR} is only
   * a placeholder, so type/enum/pattern/format issues on it are dropped.
   */
  substitution?: boolean;
  /**
   * The caller's word that the value is plain JSON data: plain objects (prototype Object.prototype) and dense arrays
   * of strings, booleans, nulls and finite numbers other than -0, without a "__proto__" key; `copy`: it has a null
   * object member. Saves a walk of the value (SchemaContext learns this in the walk it makes anyway); a value that
   * is not what it says may get another value's kept result.
   */
  plain?: { copy: boolean };
}

export class SchemaRegistry {
  private readonly bundle: Bundle | undefined;
  private readonly added = new Map<string, IndexEntry>();
  private readonly addedSchemas = new Map<string, JsonObject>();
  private readonly addedValidators = new Map<string, ValidateFunction>();
  private ajv: Ajv | undefined;

  /** --schema-location folders (kubeconform's layout, `<group>/<kind>_<version>.json`), in the order given. */
  private readonly locations: string[];
  /** Where --schema-location files are read (the run's disk, which the result cache records). */
  private readonly disk: Disk;
  /** Entries found in the catalog or a --schema-location, by "<group>/<version>/<kind>" (undefined: none has it). */
  private readonly catalogEntries = new Map<string, IndexEntry | undefined>();
  /** The text of each --schema-location file found, by entry key (converted when its validator is first needed). */
  private readonly locationTexts = new Map<string, string>();
  private readonly usePrecompiled: boolean;
  private readonly cache: ValidatorCache | undefined;
  private readonly results: ValidationResultStore | undefined;
  /** What names each entry's validator in ValidationResults' keys (validatorId), computed when first needed. */
  private readonly validatorIds = new Map<IndexEntry, string | undefined>();

  private constructor(bundle: Bundle | undefined, usePrecompiled = true, validators?: ValidatorFiles, results?: ValidationResultStore, locations: string[] = [], disk: Disk = new Disk()) {
    this.bundle = bundle;
    this.locations = locations;
    this.disk = disk;
    this.usePrecompiled = usePrecompiled;
    this.cache = validators ? new ValidatorCache(validators) : undefined;
    this.results = results;
  }

  /**
   * The schemas/ folder shipped with the package. `precompiled: false`
   * ignores the precompiled validators (to compare them with fresh ones);
   * `validators` keeps validators compiled at run time between runs (src/schema/validator-cache.ts);
   * `results` keeps validation results between runs (src/cache/validations.ts).
   */
  static bundled(
    dir: string = bundledSchemasDir(),
    options: { precompiled?: boolean; validators?: ValidatorFiles; results?: ValidationResultStore; schemaLocations?: string[]; disk?: Disk } = {},
  ): SchemaRegistry {
    return new SchemaRegistry(loadBundle(dir), options.precompiled !== false, options.validators, options.results, options.schemaLocations, options.disk);
  }

  /** A registry without bundled schemas (addCrd only). */
  static empty(): SchemaRegistry {
    return new SchemaRegistry(undefined);
  }

  /**
   * Register a CustomResourceDefinition found in the linted tree (or given
   * with --crds). Its versions replace bundled ones of the same
   * group/version/kind: the repository's CRD is what its cluster serves.
   * Returns problems with the CRD itself (empty when fine).
   */
  addCrd(crd: unknown, source: string): string[] {
    const meta = this.bundle?.metaDefinitions ?? FALLBACK_META;
    const { versions, issues } = convertCrd(crd, meta, () => `converted from ${source}`);
    for (const v of versions) {
      const key = indexKey(v.group, v.version, v.kind);
      const apiVersion = v.group ? `${v.group}/${v.version}` : v.version;
      const entry: IndexEntry = {
        key,
        apiVersion,
        group: v.group,
        version: v.version,
        kind: v.kind,
        file: `crd:${key}`,
        served: v.served,
        storage: v.storage,
        deprecated: v.deprecated,
        deprecationWarning: v.deprecationWarning,
        removedIn: null,
        replacement: null,
        namespaced: v.namespaced,
        source,
      };
      this.addedValidators.delete(key);
      const same = this.bundledFileIfSame(key, v.schema);
      if (same) {
        // the very schema we ship (e.g. the repository vendors the same Flux
        // release): keep the bundled file and its precompiled validator
        const { file, precompiled, precompiledHash, schemaHash: hash } = same;
        this.added.set(key, { ...entry, file, schemaHash: hash, ...(precompiled ? { precompiled, precompiledHash } : {}) });
        this.addedSchemas.delete(key);
      } else {
        this.added.set(key, entry);
        this.addedSchemas.set(key, v.schema);
      }
    }
    return issues;
  }

  /**
   * Registers a changed copy of a bundled schema under the same group/version/kind: what a controller's own patch to
   * a CRD it installs (not in the tree) makes of it, e.g. the Flux Operator's additions to the notification enums.
   * `transform` gets the schema as the bundled file holds it (without $comment) and returns the new one, or undefined
   * to leave the kind alone. Returns whether it was registered; a kind a CRD of the tree already replaced is left.
   */
  addBundledVariant(key: string, transform: (schema: JsonObject) => JsonObject | undefined, source: string): boolean {
    const bundle = this.bundle;
    const bundled = bundle?.entries.get(key);
    if (!bundle || !bundled?.file || this.added.has(key)) return false;
    let schema: JsonObject | undefined;
    try {
      const { $comment: _c, ...written } = JSON.parse(readFileSync(join(bundle.dir, bundled.file), 'utf8')) as JsonObject;
      schema = transform(written);
    } catch {
      return false;
    }
    if (!schema) return false;
    const { precompiled: _p, precompiledHash: _h, schemaHash: _s, ...rest } = bundled;
    this.added.set(key, { ...rest, file: `crd:${key}`, source });
    this.addedSchemas.set(key, schema);
    this.addedValidators.delete(key);
    return true;
  }

  /**
   * The entry of an apiVersion/kind. A kustomization file without apiVersion
   * is looked up the way kustomize defaults it: Kustomization →
   * kustomize.config.k8s.io/v1beta1, Component → kustomize.config.k8s.io/v1alpha1.
   */
  private bundledFileIfSame(key: string, schema: JsonObject): IndexEntry | undefined {
    const bundled = this.bundle?.entries.get(key);
    if (!bundled?.file || !bundled.schemaHash) return undefined;
    return schemaHash(schema) === bundled.schemaHash ? bundled : undefined;
  }

  lookup(apiVersion: string, kind: string): IndexEntry | undefined {
    if (apiVersion === '' && (kind === 'Kustomization' || kind === 'Component')) {
      apiVersion = kind === 'Component' ? 'kustomize.config.k8s.io/v1alpha1' : 'kustomize.config.k8s.io/v1beta1';
    }
    const [group, version] = splitApiVersion(apiVersion);
    const key = indexKey(group, version, kind);
    return this.added.get(key) ?? this.bundle?.entries.get(key) ?? (CATALOG_GROUP.test(group) && CATALOG_VERSION.test(version) && CATALOG_KIND.test(kind) ? this.catalogEntry(group, version, kind) : undefined);
  }

  /**
   * A kind that neither the tree nor the bundle knows, from a --schema-location folder (in the order given) or the
   * catalog shipped in schemas/catalog/: kubeconform's layout, `<group>/<kind in lower case>_<version>.json`.
   * Nothing is read for a kind the bundle knows; the catalog's index is read the first time one is looked up.
   */
  private catalogEntry(group: string, version: string, kind: string): IndexEntry | undefined {
    const key = indexKey(group, version, kind);
    if (this.catalogEntries.has(key)) return this.catalogEntries.get(key);
    const base = { key, apiVersion: `${group}/${version}`, group, version, kind, served: true, storage: false, deprecated: false, deprecationWarning: null, removedIn: null, replacement: null, namespaced: true };
    const name = `${kind.toLowerCase()}_${version}.json`;
    let entry: IndexEntry | undefined;
    for (const dir of this.locations) {
      // Through the run's disk: a schema added, changed or removed there invalidates the cached results.
      const read = this.disk.readText(join(dir, group, name));
      if (!('text' in read)) continue;
      this.locationTexts.set(key, read.text);
      const hash = createHash('sha256').update(read.text).digest('hex');
      entry = { ...base, file: `location:${key}`, schemaHash: hash, source: join(dir, group, name), catalog: `the schema in ${join(dir, group, name)}` };
      break;
    }
    const bundle = this.bundle;
    if (!entry && bundle) {
      if (bundle.catalog === undefined) bundle.catalog = loadCatalog(bundle.dir);
      const found = bundle.catalog?.entries.get(`${group}/${version}/${kind.toLowerCase()}`);
      if (found) entry = { ...base, file: found.file, schemaHash: found.schemaHash, source: `schemas/${found.file}`, catalog: bundle.catalog!.name };
    }
    this.catalogEntries.set(key, entry);
    return entry;
  }

  /** All known versions of a kind, served ones first, by Kubernetes version priority. */
  versionsOf(group: string, kind: string): IndexEntry[] {
    const found = new Map<string, IndexEntry>();
    for (const e of this.bundle?.entries.values() ?? []) if (e.group === group && e.kind === kind) found.set(e.key, e);
    for (const e of this.added.values()) if (e.group === group && e.kind === kind) found.set(e.key, e);
    return [...found.values()].sort((a, b) => Number(b.served) - Number(a.served) || compareVersions(a.version, b.version));
  }

  /** Every known entry (bundled and added). */
  entries(): IndexEntry[] {
    const all = new Map<string, IndexEntry>(this.bundle?.entries ?? []);
    for (const [k, e] of this.added) all.set(k, e);
    return [...all.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  validate(apiVersion: string, kind: string, value: unknown, options: ValidateOptions = {}): ValidationResult {
    const entry = this.lookup(apiVersion, kind);
    if (!entry) return { status: 'no-schema', issues: [] };
    if (!entry.served) return { status: 'not-served', issues: [], entry };
    if (entry.file === null) return { status: 'no-schema', issues: [], entry };
    // A result kept from an earlier run (or cluster) with every input the same: no validator is loaded.
    const results = this.results;
    let key: string | undefined;
    let copy: boolean | undefined;
    if (results) {
      const validator = this.validatorId(entry);
      const seen = validator === undefined ? undefined : options.plain && cleanPrototype() ? { json: JSON.stringify(value), copy: options.plain.copy } : faithfulJson(value);
      if (validator !== undefined && seen !== undefined) {
        key = results.key(validator, kind, options.substitution === true, seen.json);
        const kept = results.get(key);
        if (kept) return { status: kept.length ? 'invalid' : 'ok', issues: kept, entry };
        copy = seen.copy;
      }
    }
    let validate: ValidateFunction;
    try {
      validate = this.validatorFor(entry);
    } catch (e) {
      return {
        status: 'no-schema',
        entry,
        issues: [{ path: [], keyword: 'schema', message: `the schema of ${entry.key} (${entry.source}) cannot be used: ${e instanceof Error ? e.message : String(e)}` }],
      };
    }
    let data = (copy ?? (options.plain && cleanPrototype() ? options.plain.copy : needsCopy(value))) ? withoutNulls(value) : value;
    const sops = isObject(data) && 'sops' in data;
    if (sops) {
      const { sops: _ignored, ...rest } = data as Record<string, unknown>;
      data = rest;
    }
    validatorStats.calls++;
    if (validate(data)) {
      if (key !== undefined) results!.set(key, []);
      return { status: 'ok', issues: [], entry };
    }
    let raw: RawIssue[] = toIssues(validate.errors ?? [], data, kind || 'object');
    if (sops) {
      // SOPS replaces leaf values with "ENC[...]" strings: only the structure can be checked
      raw = raw.filter((i) => !(typeof i.data === 'string' && SOPS_VALUE.test(i.data)));
    }
    if (options.substitution) {
      raw = raw.filter((i) => !(typeof i.data === 'string' && FLUX_VARIABLE.test(i.data)));
    }
    const issues: SchemaIssue[] = raw.map(({ data: _d, ...issue }) => issue);
    if (key !== undefined) results!.set(key, issues);
    return { status: issues.length ? 'invalid' : 'ok', issues, entry };
  }

  /**
   * What names the validator of an entry in ValidationResults' keys, without loading it: the hash of a schema
   * added at run time (a CRD of the tree or --crds), else the bundled precompiled code's hash, else the bundled
   * schema file (its bytes are part of the tool's identity, which every key holds). Undefined (nothing is cached)
   * for a bundle other than the package's own, whose files the tool's identity does not cover.
   */
  private validatorId(entry: IndexEntry): string | undefined {
    // By entry: addCrd makes a new entry for each CRD it registers, so a replaced schema is never named by the old hash.
    if (this.validatorIds.has(entry)) return this.validatorIds.get(entry);
    const id = this.computeValidatorId(entry);
    this.validatorIds.set(entry, id);
    return id;
  }

  private computeValidatorId(entry: IndexEntry): string | undefined {
    const added = this.addedSchemas.get(entry.key);
    if (added && this.added.get(entry.key) === entry) return `schema ${createHash('sha256').update(JSON.stringify(added)).digest('base64url')}`;
    // A catalog or --schema-location schema: named by its content (and ObjectMeta's, which it is compiled with).
    if (entry.catalog !== undefined) return this.bundle ? `catalog ${entry.schemaHash} ${this.bundle.metaHash}` : undefined;
    const bundle = this.bundle;
    if (!bundle || bundle.dir !== (packageSchemasDir ??= bundledSchemasDir())) return undefined;
    if (this.usePrecompiled && entry.precompiled && entry.precompiledHash) return `precompiled ${entry.precompiledHash}`;
    return `file ${entry.file}`;
  }

  private validatorFor(entry: IndexEntry): ValidateFunction {
    validatorStats.requests++;
    const added = this.addedSchemas.get(entry.key);
    if (added && this.added.get(entry.key) === entry) {
      let v = this.addedValidators.get(entry.key);
      if (!v) {
        const t0 = performance.now();
        const schema = splitForCompile(added);
        if (this.cache) v = this.cache.validator(schema, kubernetesFormats());
        else {
          this.ajv ??= createAjv();
          v = this.ajv.compile(schema);
        }
        compileTimes.set(entry.key, performance.now() - t0);
        validatorOrigins.set(entry.key, 'compiled');
        this.addedValidators.set(entry.key, v);
      }
      return v;
    }
    if (entry.catalog !== undefined) return this.catalogValidator(entry);
    const file = entry.file!;
    const dir = this.bundle!.dir;
    const precompiled = this.usePrecompiled ? entry.precompiled : undefined;
    // kinds with identical schemas share one precompiled file, and so one loaded validator
    const cacheKey = `${dir}\u0000${precompiled ?? `${file}\u0000compiled`}`;
    let v = bundledValidators.get(cacheKey);
    if (!v) {
      const t0 = performance.now();
      v = precompiled ? this.loadPrecompiled(join(dir, precompiled), entry.precompiledHash) : undefined;
      validatorOrigins.set(entry.key, v ? 'precompiled' : 'compiled');
      if (!v) {
        // what the generator compiles: the schema file without its $comment, split
        const { $comment: _c, ...written } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as JsonObject;
        const schema = splitForCompile(written);
        if (this.cache) v = this.cache.validator(schema, kubernetesFormats());
        else {
          sharedAjv ??= createAjv();
          v = sharedAjv.compile(schema);
        }
      }
      compileTimes.set(entry.key, performance.now() - t0);
      bundledValidators.set(cacheKey, v);
    } else if (!validatorOrigins.has(entry.key)) {
      validatorOrigins.set(entry.key, precompiled ? 'precompiled' : 'compiled');
      compileTimes.set(entry.key, 0);
    }
    return v;
  }

  /**
   * The validator of a catalog or --schema-location schema: the file is read, converted (a --schema-location file
   * as the generator converts the catalog's, convertCatalogSchema) and compiled the first time an object of its
   * kind is validated, with the cache directory's compiled validators like a CRD of the tree.
   */
  private catalogValidator(entry: IndexEntry): ValidateFunction {
    const cacheKey = `${entry.file}\u0000${entry.schemaHash}`;
    let v = catalogValidators.get(cacheKey);
    if (v) return v;
    const t0 = performance.now();
    const meta = this.bundle?.metaDefinitions ?? FALLBACK_META;
    let schema: JsonObject;
    const text = this.locationTexts.get(entry.key);
    if (text !== undefined) schema = convertCatalogSchema(JSON.parse(text));
    else {
      const { $comment: _c, ...written } = JSON.parse(brotliDecompressSync(readFileSync(join(this.bundle!.dir, entry.file!))).toString('utf8')) as JsonObject;
      schema = written;
    }
    const split = splitForCompile({ ...schema, definitions: meta });
    if (this.cache) v = this.cache.validator(split, kubernetesFormats());
    else {
      sharedAjv ??= createAjv();
      v = sharedAjv.compile(split);
    }
    compileTimes.set(entry.key, performance.now() - t0);
    validatorOrigins.set(entry.key, 'compiled');
    catalogValidators.set(cacheKey, v);
    return v;
  }

  /**
   * A validator precompiled by the generator (brotli-compressed ajv standalone code expecting `__formats`);
   * undefined when it cannot be used, so the caller compiles instead. With a cache directory, V8's code cache of
   * it is kept there: compiling a large validator's code costs V8 more than reading it.
   */
  private loadPrecompiled(path: string, hash: string | undefined): ValidateFunction | undefined {
    const decompress = () => {
      const bytes = readFileSync(path);
      return (path.endsWith('.br') ? brotliDecompressSync(bytes) : bytes).toString('utf8');
    };
    try {
      if (this.cache && hash && /^[0-9a-f]{64}$/.test(hash)) return this.cache.bundledValidator(hash, path, decompress, kubernetesFormats());
      return evaluateStandalone(decompress(), path, kubernetesFormats());
    } catch {
      return undefined;
    }
  }
}

/** Used only by SchemaRegistry.empty(): ObjectMeta's field set without the bundle. */
const FALLBACK_META: JsonObject = {
  'meta.v1.ObjectMeta': {
    type: 'object',
    properties: {
      name: { type: 'string' },
      generateName: { type: 'string' },
      namespace: { type: 'string' },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
      annotations: { type: 'object', additionalProperties: { type: 'string' } },
      finalizers: { type: 'array', items: { type: 'string' } },
      ownerReferences: { type: 'array', items: { type: 'object' } },
      managedFields: { type: 'array', items: { type: 'object' } },
      uid: { type: 'string' },
      resourceVersion: { type: 'string' },
      generation: { type: 'integer' },
      creationTimestamp: { type: 'string' },
      deletionTimestamp: { type: 'string' },
      deletionGracePeriodSeconds: { type: 'integer' },
      selfLink: { type: 'string' },
    },
    additionalProperties: false,
  },
};
