#!/usr/bin/env node
// Generates schemas/ (strict JSON schemas + index.json) from
//  - the CRDs in ../shared/crds (Flux, tofu-controller, external-secrets, CNPG, ...),
//  - the core Kubernetes types of the `kubernetes-types` devDependency,
//  - the kustomize Kustomization/Component definition written below,
//  - the table of removed Kubernetes / Flux API versions written below.
// No network access: everything is read from the repository and node_modules.
//
//  - the community CRDs catalog subset in ../shared/crds-catalog (schemas/catalog/).
// Usage: node scripts/generate-schemas.mjs [--crds DIR] [--catalog DIR] [--out DIR] [--check]
//   --crds DIR     CRD folder (default: <repo>/../shared/crds)
//   --catalog DIR  community CRDs catalog folder, kubeconform layout (default: <repo>/../shared/crds-catalog)
//   --out DIR   output folder (default: <repo>/schemas); its generated files are replaced
//   --check     also compile every emitted schema with ajv (strict) and fail on errors
//   --check-catalog  the same for the catalog's schemas (slow: over a minute)
//
// The output is deterministic (sorted keys, sorted file lists, no timestamps) so a
// test can regenerate into a temp dir and compare byte for byte.

import { readFileSync, writeFileSync, mkdirSync, mkdtempSync, readdirSync, statSync, rmSync, existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const require = createRequire(import.meta.url);
const ts = require('typescript');
const YAML = require('yaml');

const GENERATOR = 'scripts/generate-schemas.mjs';

// ---------------------------------------------------------------------------
// arguments
// ---------------------------------------------------------------------------
function parseArgs(argv) {
  const args = { crds: resolve(repoRoot, '..', 'shared', 'crds'), catalog: resolve(repoRoot, '..', 'shared', 'crds-catalog'), out: resolve(repoRoot, 'schemas'), check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--crds') args.crds = resolve(argv[++i]);
    else if (a.startsWith('--crds=')) args.crds = resolve(a.slice(7));
    else if (a === '--catalog') args.catalog = resolve(argv[++i]);
    else if (a.startsWith('--catalog=')) args.catalog = resolve(a.slice(10));
    else if (a === '--out') args.out = resolve(argv[++i]);
    else if (a.startsWith('--out=')) args.out = resolve(a.slice(6));
    else if (a === '--check') args.check = true;
    else if (a === '--check-catalog') args.checkCatalog = true;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node scripts/generate-schemas.mjs [--crds DIR] [--catalog DIR] [--out DIR] [--check]');
      process.exit(0);
    } else {
      console.error(`unknown argument: ${a}`);
      process.exit(2);
    }
  }
  return args;
}

// ---------------------------------------------------------------------------
// The CRD converter and the ajv set-up live in src/schema/*.ts (shared with
// the runtime). Transpile them on the fly so this script needs no build
// step; they go under node_modules/.cache so their imports (ajv, ...) resolve.
// ---------------------------------------------------------------------------
let libPromise;
function loadLib() {
  libPromise ??= (async () => {
    // one folder per run: several generators may run at once (tests)
    const cacheRoot = join(repoRoot, 'node_modules', '.cache', 'lint-gitops-generate-schemas');
    mkdirSync(cacheRoot, { recursive: true });
    const outDir = mkdtempSync(join(cacheRoot, 'run-'));
    process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
    writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
    // src/schema/ and the pure helpers it imports from src/model/, in the same layout.
    for (const dir of ['schema', 'model']) {
      const srcDir = join(repoRoot, 'src', dir);
      mkdirSync(join(outDir, dir));
      for (const name of readdirSync(srcDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
        const out = ts.transpileModule(readFileSync(join(srcDir, name), 'utf8'), {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
          fileName: name,
        });
        writeFileSync(join(outDir, dir, name.replace(/\.ts$/, '.js')), out.outputText);
      }
    }
    const convert = await import(pathToFileURL(join(outDir, 'schema', 'convert.js')).href);
    const ajv = await import(pathToFileURL(join(outDir, 'schema', 'ajv.js')).href);
    const { schemaHash } = await import(pathToFileURL(join(outDir, 'schema', 'schema-hash.js')).href);
    const { splitForCompile } = await import(pathToFileURL(join(outDir, 'schema', 'split.js')).href);
    return { ...convert, ...ajv, schemaHash, splitForCompile };
  })();
  return libPromise;
}

// ---------------------------------------------------------------------------
// core Kubernetes types: parse the kubernetes-types declaration files
// ---------------------------------------------------------------------------
// Quantity: what k8s.io/apimachinery accepts (a number in YAML is fine too)
// (the runtime registers the k8s-quantity format: the resource.Quantity grammar)
const QUANTITY = { type: ['string', 'number'], format: 'k8s-quantity' };
const TIME = { type: 'string', format: 'date-time' };
const ALIAS_OVERRIDES = {
  'api.resource.Quantity': QUANTITY,
  'meta.v1.Time': TIME,
  'meta.v1.MicroTime': TIME,
};

// What kubernetes-types loses from the Kubernetes OpenAPI document, put back:
// the x-kubernetes-* members of JSONSchemaProps and the base64 ("byte")
// fields. Merged over the parsed properties.
const BYTES = { type: 'string', format: 'byte' };
const DEF_OVERRIDES = {
  'core.v1.Secret': { data: { type: 'object', additionalProperties: BYTES } },
  'core.v1.ConfigMap': { binaryData: { type: 'object', additionalProperties: BYTES } },
  'admissionregistration.v1.WebhookClientConfig': { caBundle: BYTES },
  'apiextensions.v1.WebhookClientConfig': { caBundle: BYTES },
  'certificates.v1.CertificateSigningRequestSpec': { request: BYTES },
  'apiextensions.v1.JSONSchemaProps': {
    'x-kubernetes-embedded-resource': { type: 'boolean' },
    'x-kubernetes-int-or-string': { type: 'boolean' },
    'x-kubernetes-list-map-keys': { type: 'array', items: { type: 'string' } },
    'x-kubernetes-list-type': { type: 'string' },
    'x-kubernetes-map-type': { type: 'string' },
    'x-kubernetes-preserve-unknown-fields': { type: 'boolean' },
    'x-kubernetes-validations': { type: 'array', items: { $ref: '#/definitions/apiextensions.v1.ValidationRule' } },
  },
};

// Cluster-scoped core kinds (kubernetes-types carries no scope information).
const CLUSTER_SCOPED = new Set([
  'APIService', 'CertificateSigningRequest', 'ClusterCIDR', 'ClusterRole', 'ClusterRoleBinding',
  'ClusterTrustBundle', 'ComponentStatus', 'CSIDriver', 'CSINode', 'CustomResourceDefinition',
  'DeviceClass', 'FlowSchema', 'IngressClass', 'IPAddress', 'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding', 'MutatingWebhookConfiguration', 'Namespace', 'Node',
  'PersistentVolume', 'PodSecurityPolicy', 'PriorityClass', 'PriorityLevelConfiguration',
  'ResourceClass', 'ResourceSlice', 'RuntimeClass', 'SelfSubjectAccessReview', 'SelfSubjectReview',
  'SelfSubjectRulesReview', 'ServiceCIDR', 'StorageClass', 'StorageVersion',
  'StorageVersionMigration', 'SubjectAccessReview', 'TokenReview', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'VolumeAttachment',
  'VolumeAttributesClass',
]);

function parseKubernetesTypes() {
  const pkgDir = dirname(require.resolve('kubernetes-types/package.json'));
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const files = listFiles(pkgDir, (f) => f.endsWith('.d.ts')).filter((f) => !f.endsWith('version.d.ts'));
  const defs = {};
  const kinds = [];
  for (const abs of files) {
    const mod = relative(pkgDir, abs).split('\\').join('/').replace(/\.d\.ts$/, '');
    const prefix = mod.split('/').join('.');
    const sf = ts.createSourceFile(abs, readFileSync(abs, 'utf8'), ts.ScriptTarget.ES2022, true);
    const imports = new Map();
    for (const st of sf.statements) {
      if (ts.isImportDeclaration(st) && st.importClause?.namedBindings && ts.isNamedImports(st.importClause.namedBindings)) {
        const from = posix.join(posix.dirname(mod), st.moduleSpecifier.text).split('/').join('.');
        for (const el of st.importClause.namedBindings.elements) imports.set(el.name.text, `${from}.${el.name.text}`);
      }
    }
    const refName = (name) => imports.get(name) ?? `${prefix}.${name}`;
    const typeToSchema = (t) => {
      switch (t.kind) {
        case ts.SyntaxKind.StringKeyword: return { type: 'string' };
        case ts.SyntaxKind.NumberKeyword: return { type: 'number' };
        case ts.SyntaxKind.BooleanKeyword: return { type: 'boolean' };
        case ts.SyntaxKind.AnyKeyword:
        case ts.SyntaxKind.UnknownKeyword: return {};
        case ts.SyntaxKind.LiteralType: return { type: 'string' };
        case ts.SyntaxKind.ParenthesizedType: return typeToSchema(t.type);
        case ts.SyntaxKind.ArrayType: return { type: 'array', items: typeToSchema(t.elementType) };
        case ts.SyntaxKind.TypeReference: {
          const name = t.typeName.getText(sf);
          if (name === 'Array' && t.typeArguments?.length === 1) return { type: 'array', items: typeToSchema(t.typeArguments[0]) };
          return { $ref: `#/definitions/${refName(name)}` };
        }
        case ts.SyntaxKind.TypeLiteral: {
          const idx = t.members.find((m) => ts.isIndexSignatureDeclaration(m));
          if (idx && t.members.length === 1) return { type: 'object', additionalProperties: typeToSchema(idx.type) };
          return interfaceToSchema(t.members);
        }
        case ts.SyntaxKind.UnionType: {
          const kinds = t.types.map((x) => x.kind).sort();
          if (kinds.length === 2 && kinds.includes(ts.SyntaxKind.NumberKeyword) && kinds.includes(ts.SyntaxKind.StringKeyword)) {
            return { type: ['integer', 'string'] }; // IntOrString
          }
          return { anyOf: t.types.map(typeToSchema) };
        }
        default:
          throw new Error(`${mod}: unsupported type syntax ${ts.SyntaxKind[t.kind]}: ${t.getText(sf)}`);
      }
    };
    const interfaceToSchema = (members) => {
      const props = {};
      const required = [];
      for (const m of members) {
        if (!ts.isPropertySignature(m) || !m.type) continue;
        const name = ts.isIdentifier(m.name) || ts.isStringLiteral(m.name) ? m.name.text : m.name.getText(sf);
        props[name] = typeToSchema(m.type);
        if (!m.questionToken) required.push(name);
      }
      if (Object.keys(props).length === 0) return {}; // RawExtension, JSON, FieldsV1: any value
      const s = { type: 'object', properties: props, additionalProperties: false };
      if (required.length) s.required = required.sort();
      return s;
    };
    for (const st of sf.statements) {
      if (ts.isInterfaceDeclaration(st)) {
        const key = `${prefix}.${st.name.text}`;
        defs[key] = interfaceToSchema(st.members);
        if (DEF_OVERRIDES[key]) {
          for (const prop of Object.keys(DEF_OVERRIDES[key])) {
            if (!prop.startsWith('x-kubernetes-') && !(prop in defs[key].properties)) throw new Error(`${key} has no ${prop}`);
          }
          defs[key].properties = { ...defs[key].properties, ...DEF_OVERRIDES[key] };
        }
        const lit = (prop) => {
          const m = st.members.find((x) => ts.isPropertySignature(x) && x.name.getText(sf) === prop);
          return m?.type && ts.isLiteralTypeNode(m.type) && ts.isStringLiteral(m.type.literal) ? m.type.literal.text : null;
        };
        const apiVersion = lit('apiVersion');
        const kind = lit('kind');
        if (apiVersion && kind && !kind.endsWith('List')) {
          const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
          kinds.push({ group, version, kind, def: key, source: `npm:kubernetes-types@${pkg.version}/${mod}.d.ts` });
        }
      } else if (ts.isTypeAliasDeclaration(st)) {
        const key = `${prefix}.${st.name.text}`;
        defs[key] = ALIAS_OVERRIDES[key] ?? typeToSchema(st.type);
      }
    }
  }
  return { defs, kinds, version: pkg.version };
}

// ---------------------------------------------------------------------------
// kubernetes-types stops at Kubernetes 1.30. The models of the official
// client (@kubernetes/client-node, generated from the OpenAPI document of a
// newer release) fill in what came later: fields added to existing types
// (e.g. the `image` volume source) and new kinds (e.g. resource.k8s.io/v1).
// They carry names, types, formats and required markers but no API group
// and no Quantity type, which is why they only supplement kubernetes-types.
// ---------------------------------------------------------------------------
function parseClientNode() {
  const pkgDir = dirname(require.resolve('@kubernetes/client-node/package.json'));
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const modelsDir = join(pkgDir, 'dist', 'gen', 'models');
  const models = new Map();
  let release = null;
  for (const name of readdirSync(modelsDir).sort()) {
    if (!name.endsWith('.js')) continue;
    const js = readFileSync(join(modelsDir, name), 'utf8');
    const m = /\.attributeTypeMap = (\[[\s\S]*?\]);/.exec(js);
    if (!m) continue;
    release ??= /OpenAPI spec version: (\S+)/.exec(js)?.[1] ?? null;
    const cls = name.slice(0, -3);
    const dts = readFileSync(join(modelsDir, `${cls}.d.ts`), 'utf8');
    const required = new Set([...dts.matchAll(/^\s+'([^']+)':/gm)].map((x) => x[1]));
    models.set(cls, { attrs: JSON.parse(m[1]), required });
  }
  // top-level kinds: the body type of every create (POST) on a collection
  const kinds = [];
  const apisDir = join(pkgDir, 'dist', 'gen', 'apis');
  for (const name of readdirSync(apisDir).sort()) {
    if (!name.endsWith('Api.js')) continue;
    const js = readFileSync(join(apisDir, name), 'utf8');
    for (const seg of js.split("const localVarPath = '").slice(1)) {
      const path = seg.slice(0, seg.indexOf("'"));
      const pm = /^\/apis?\/(?:([^/{}]+)\/)?(v[^/{}]+)\/(namespaces\/\{namespace\}\/)?([a-z0-9]+)$/.exec(path);
      const body = /serialize\(body, "(\w+)"/.exec(seg);
      if (!pm || !body || !/HttpMethod\.POST\b/.test(seg.slice(0, seg.indexOf('serialize(body')))) continue;
      const model = body[1];
      const vm = /^((?:[A-Z][a-z0-9]*)*?)(V\d+(?:(?:alpha|beta)\d+)?)([A-Z]\w*)$/.exec(model);
      if (!vm || vm[2].toLowerCase() !== pm[2]) continue;
      kinds.push({ group: pm[1] ?? '', version: pm[2], kind: vm[3], model, namespaced: Boolean(pm[3]) });
    }
  }
  return { models, kinds, version: pkg.version, release };
}

/** Merge the client-node models into the kubernetes-types definitions. */
function supplementWithClientNode(k8s, cn) {
  const defs = k8s.defs;
  const modelToDef = new Map();
  const cap = (x) => x[0].toUpperCase() + x.slice(1);
  for (const key of Object.keys(defs)) {
    const parts = key.split('.');
    if (parts.length !== 3 || !defs[key].properties) continue;
    const [group, version, name] = parts;
    if (group === 'meta' && (name === 'Time' || name === 'MicroTime')) continue;
    for (const cand of [`${cap(group)}${cap(version)}${name}`, `${cap(version)}${name}`]) {
      if (cn.models.has(cand) && !modelToDef.has(cand)) {
        modelToDef.set(cand, key);
        break;
      }
    }
  }
  const refFor = (model) => {
    if (!modelToDef.has(model)) {
      const key = `cn.${model}`;
      modelToDef.set(model, key);
      const m = cn.models.get(model);
      const properties = {};
      for (const a of m.attrs) properties[a.baseName] = typeFor(a.type, a.format);
      const required = m.attrs.map((a) => a.baseName).filter((n) => m.required.has(n)).sort();
      defs[key] = Object.keys(properties).length
        ? { type: 'object', properties, additionalProperties: false, ...(required.length ? { required } : {}) }
        : {};
    }
    return { $ref: `#/definitions/${modelToDef.get(model)}` };
  };
  const typeFor = (t, format) => {
    if (t === 'string') return format === 'byte' ? BYTES : format === 'date-time' ? TIME : { type: 'string' };
    if (t === 'number') return format === 'int32' || format === 'int64' ? { type: 'integer' } : { type: 'number' };
    if (t === 'boolean') return { type: 'boolean' };
    if (t === 'Date' || t === 'V1MicroTime') return TIME;
    if (t === 'any' || t === 'object') return {};
    if (t === 'IntOrString') return { type: ['integer', 'string'] };
    let m = /^Array<(.+)>$/.exec(t);
    if (m) return { type: 'array', items: typeFor(m[1], '') };
    m = /^\{ \[key: string\]: (.+); \}$/.exec(t);
    if (m) return { type: 'object', additionalProperties: typeFor(m[1], '') };
    if (cn.models.has(t)) return refFor(t);
    throw new Error(`@kubernetes/client-node: unsupported type ${t}`);
  };
  let added = 0;
  for (const [model, key] of [...modelToDef.entries()]) {
    if (key.startsWith('cn.')) continue;
    const def = defs[key];
    for (const a of cn.models.get(model).attrs) {
      const have = def.properties[a.baseName];
      if (have) {
        // kubernetes-types says number for int32/int64 too, and drops format: byte
        const intFormat = a.format === 'int32' || a.format === 'int64';
        if (intFormat && have.type === 'number') def.properties[a.baseName] = { type: 'integer' };
        else if (intFormat && have.type === 'array' && have.items?.type === 'number') def.properties[a.baseName] = { type: 'array', items: { type: 'integer' } };
        else if (a.format === 'byte' && have.type === 'string' && !have.format) def.properties[a.baseName] = BYTES;
        continue;
      }
      def.properties[a.baseName] = typeFor(a.type, a.format); // newer optional field
      added++;
    }
  }
  const known = new Set(k8s.kinds.map((k) => `${k.group}/${k.version}/${k.kind}`));
  const source = `npm:@kubernetes/client-node@${cn.version} (Kubernetes ${cn.release})`;
  let newKinds = 0;
  for (const k of cn.kinds) {
    const id = `${k.group}/${k.version}/${k.kind}`;
    if (known.has(id)) continue;
    known.add(id);
    const ref = refFor(k.model).$ref.slice('#/definitions/'.length);
    k8s.kinds.push({ group: k.group, version: k.version, kind: k.kind, def: ref, source, namespaced: k.namespaced });
    newKinds++;
  }
  // scope of every kind the client knows
  const scope = new Map(cn.kinds.map((k) => [`${k.group}/${k.version}/${k.kind}`, k.namespaced]));
  for (const k of k8s.kinds) {
    const ns = scope.get(`${k.group}/${k.version}/${k.kind}`);
    if (ns !== undefined) k.namespaced = ns;
    if (!k.source.startsWith('npm:@kubernetes/client-node')) k.source = `${k.source} + ${source}`;
  }
  return { added, newKinds, source };
}

function closure(defs, start) {
  const seen = new Set();
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string' && v.startsWith('#/definitions/')) {
          const name = v.slice('#/definitions/'.length);
          if (!seen.has(name)) {
            if (!(name in defs)) throw new Error(`unresolved reference ${name}`);
            seen.add(name);
            visit(defs[name]);
          }
        } else visit(v);
      }
    }
  };
  visit(start);
  const out = {};
  for (const name of [...seen].sort()) out[name] = defs[name];
  return out;
}

// ---------------------------------------------------------------------------
// kustomize.config.k8s.io: Kustomization (v1beta1) and Component (v1alpha1)
// Field set of kustomize v5 (sigs.k8s.io/kustomize/api/types). kustomize
// decodes kustomization files with DisallowUnknownFields, so every object is
// closed.
// ---------------------------------------------------------------------------
function kustomizeSchema(apiVersion, kind) {
  const str = { type: 'string' };
  const strList = { type: 'array', items: str };
  const strMap = { type: 'object', additionalProperties: str };
  const obj = (properties, required) => {
    const s = { type: 'object', properties, additionalProperties: false };
    if (required) s.required = required;
    return s;
  };
  const ref = (name) => ({ $ref: `#/definitions/${name}` });
  const gvk = { group: str, version: str, kind: str };
  const resId = { ...gvk, name: str, namespace: str };
  const definitions = {
    ObjectMeta: obj({ name: str, namespace: str, labels: strMap, annotations: strMap }),
    GeneratorOptions: obj({
      labels: strMap,
      annotations: strMap,
      disableNameSuffixHash: { type: 'boolean' },
      immutable: { type: 'boolean' },
    }),
    GeneratorArgs: obj({
      namespace: str,
      name: str,
      behavior: { type: 'string', enum: ['', 'create', 'replace', 'merge'] },
      immutable: { type: 'boolean' },
      literals: strList,
      files: strList,
      envs: strList,
      env: str, // deprecated: envs
      options: ref('GeneratorOptions'),
    }),
    Selector: obj({ ...resId, skip: { type: 'boolean' }, annotationSelector: str, labelSelector: str }),
    Patch: obj({
      path: str,
      patch: str,
      target: ref('Selector'),
      options: obj({ allowNameChange: { type: 'boolean' }, allowKindChange: { type: 'boolean' } }),
    }),
    Image: obj({ name: str, newName: str, tagSuffix: str, newTag: str, digest: str }),
    Replica: obj({ name: str, count: { type: 'integer' } }),
    FieldSpec: obj({ ...gvk, path: str, create: { type: 'boolean' } }),
    Label: obj({
      pairs: strMap,
      includeSelectors: { type: 'boolean' },
      includeTemplates: { type: 'boolean' },
      includeVolumeClaimTemplates: { type: 'boolean' },
      fields: { type: 'array', items: ref('FieldSpec') },
    }),
    FieldOptions: obj({
      fullText: str,
      delimiter: str,
      enddelimiter: str,
      index: { type: 'integer' },
      encoding: str,
      create: { type: 'boolean' },
    }),
    ReplacementField: obj({
      path: str,
      source: obj({ ...resId, fullText: str, fieldPath: str, options: ref('FieldOptions') }),
      targets: {
        type: 'array',
        items: obj(
          {
            select: ref('Selector'),
            reject: { type: 'array', items: ref('Selector') },
            fieldPaths: strList,
            options: ref('FieldOptions'),
          },
          ['select'],
        ),
      },
    }),
    Var: obj(
      {
        name: str,
        objref: obj({ apiVersion: str, ...gvk, name: str, namespace: str }, ['name']),
        fieldref: obj({ fieldPath: str }),
      },
      ['name', 'objref'],
    ),
    HelmChart: obj({
      name: str,
      version: str,
      digest: str,
      repo: str,
      releaseName: str,
      namespace: str,
      additionalValuesFiles: strList,
      valuesFile: str,
      valuesInline: { type: 'object' },
      valuesMerge: { type: 'string', enum: ['', 'merge', 'override', 'replace'] },
      includeCRDs: { type: 'boolean' },
      skipHooks: { type: 'boolean' },
      apiVersions: strList,
      kubeVersion: str,
      nameTemplate: str,
      skipTests: { type: 'boolean' },
      debug: { type: 'boolean' },
      devel: { type: 'boolean' },
    }),
    HelmChartArgs: obj({
      chartName: str,
      chartVersion: str,
      chartRepoUrl: str,
      chartHome: str,
      chartRepoName: str,
      helmBin: str,
      helmHome: str,
      values: str,
      valuesLocal: { type: 'object' },
      valuesMerge: str,
      releaseName: str,
      releaseNamespace: str,
      extraArgs: strList,
    }),
  };
  const list = (name) => ({ type: 'array', items: ref(name) });
  const properties = {
    apiVersion: { type: 'string', enum: [apiVersion] },
    kind: { type: 'string', enum: [kind] },
    metadata: ref('ObjectMeta'),
    openapi: strMap,
    namePrefix: str,
    nameSuffix: str,
    namespace: str,
    commonLabels: strMap,
    labels: list('Label'),
    commonAnnotations: strMap,
    patchesStrategicMerge: strList, // deprecated: patches
    patchesJson6902: list('Patch'), // deprecated: patches
    patches: list('Patch'),
    images: list('Image'),
    imageTags: list('Image'), // deprecated: images
    replacements: list('ReplacementField'),
    replicas: list('Replica'),
    vars: list('Var'), // deprecated: replacements
    sortOptions: obj({
      order: { type: 'string', enum: ['legacy', 'fifo'] },
      legacySortOptions: obj({ orderFirst: strList, orderLast: strList }),
    }),
    resources: strList,
    components: strList,
    crds: strList,
    bases: strList, // deprecated: resources
    configMapGenerator: list('GeneratorArgs'),
    secretGenerator: list('SecretArgs'),
    helmGlobals: obj({ chartHome: str, configHome: str }),
    helmCharts: list('HelmChart'),
    helmChartInflationGenerator: list('HelmChartArgs'), // deprecated: helmCharts
    generatorOptions: ref('GeneratorOptions'),
    configurations: strList,
    generators: strList,
    transformers: strList,
    validators: strList,
    inventory: obj({ type: str, configMap: obj({ name: str, namespace: str }) }),
    buildMetadata: {
      type: 'array',
      items: { type: 'string', enum: ['originAnnotations', 'transformerAnnotations', 'managedByLabel'] },
    },
  };
  // SecretArgs = GeneratorArgs + type; keep one closed object
  definitions.SecretArgs = {
    ...definitions.GeneratorArgs,
    properties: { ...definitions.GeneratorArgs.properties, type: str },
  };
  return { type: 'object', properties, additionalProperties: false, definitions };
}

// ---------------------------------------------------------------------------
// API versions that are no longer served. Kubernetes: the deprecated API
// migration guide (kubernetes.io/docs/reference/using-api/deprecation-guide).
// Flux: beta APIs removed from the Flux distribution after their GA
// replacement (the bundled CRDs no longer carry them).
// ---------------------------------------------------------------------------
const REMOVED_KUBERNETES = [
  // [apiVersion, kinds, removedIn, replacement apiVersion (null: none)]
  ['extensions/v1beta1', ['Deployment', 'DaemonSet', 'ReplicaSet'], '1.16', 'apps/v1'],
  ['extensions/v1beta1', ['NetworkPolicy'], '1.16', 'networking.k8s.io/v1'],
  ['extensions/v1beta1', ['PodSecurityPolicy'], '1.16', null],
  ['apps/v1beta1', ['Deployment', 'StatefulSet', 'ControllerRevision'], '1.16', 'apps/v1'],
  ['apps/v1beta2', ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ControllerRevision'], '1.16', 'apps/v1'],
  ['extensions/v1beta1', ['Ingress'], '1.22', 'networking.k8s.io/v1'],
  ['networking.k8s.io/v1beta1', ['Ingress', 'IngressClass'], '1.22', 'networking.k8s.io/v1'],
  ['admissionregistration.k8s.io/v1beta1', ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], '1.22', 'admissionregistration.k8s.io/v1'],
  ['apiextensions.k8s.io/v1beta1', ['CustomResourceDefinition'], '1.22', 'apiextensions.k8s.io/v1'],
  ['apiregistration.k8s.io/v1beta1', ['APIService'], '1.22', 'apiregistration.k8s.io/v1'],
  ['authentication.k8s.io/v1beta1', ['TokenReview'], '1.22', 'authentication.k8s.io/v1'],
  ['authorization.k8s.io/v1beta1', ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview'], '1.22', 'authorization.k8s.io/v1'],
  ['certificates.k8s.io/v1beta1', ['CertificateSigningRequest'], '1.22', 'certificates.k8s.io/v1'],
  ['coordination.k8s.io/v1beta1', ['Lease'], '1.22', 'coordination.k8s.io/v1'],
  ['rbac.authorization.k8s.io/v1beta1', ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'], '1.22', 'rbac.authorization.k8s.io/v1'],
  ['scheduling.k8s.io/v1beta1', ['PriorityClass'], '1.22', 'scheduling.k8s.io/v1'],
  ['storage.k8s.io/v1beta1', ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], '1.22', 'storage.k8s.io/v1'],
  ['batch/v1beta1', ['CronJob'], '1.25', 'batch/v1'],
  ['discovery.k8s.io/v1beta1', ['EndpointSlice'], '1.25', 'discovery.k8s.io/v1'],
  ['events.k8s.io/v1beta1', ['Event'], '1.25', 'events.k8s.io/v1'],
  ['autoscaling/v2beta1', ['HorizontalPodAutoscaler'], '1.25', 'autoscaling/v2'],
  ['policy/v1beta1', ['PodDisruptionBudget'], '1.25', 'policy/v1'],
  ['policy/v1beta1', ['PodSecurityPolicy'], '1.25', null],
  ['node.k8s.io/v1beta1', ['RuntimeClass'], '1.25', 'node.k8s.io/v1'],
  ['flowcontrol.apiserver.k8s.io/v1beta1', ['FlowSchema', 'PriorityLevelConfiguration'], '1.26', 'flowcontrol.apiserver.k8s.io/v1'],
  ['autoscaling/v2beta2', ['HorizontalPodAutoscaler'], '1.26', 'autoscaling/v2'],
  ['storage.k8s.io/v1beta1', ['CSIStorageCapacity'], '1.27', 'storage.k8s.io/v1'],
  ['flowcontrol.apiserver.k8s.io/v1beta2', ['FlowSchema', 'PriorityLevelConfiguration'], '1.29', 'flowcontrol.apiserver.k8s.io/v1'],
  ['flowcontrol.apiserver.k8s.io/v1beta3', ['FlowSchema', 'PriorityLevelConfiguration'], '1.32', 'flowcontrol.apiserver.k8s.io/v1'],
];
const REMOVED_NOTE_PSP = 'PodSecurityPolicy has no replacement API; use Pod Security Admission (namespace labels pod-security.kubernetes.io/*)';

const REMOVED_FLUX = [
  ['source.toolkit.fluxcd.io/v1beta1', ['GitRepository', 'HelmRepository', 'HelmChart', 'Bucket'], 'source.toolkit.fluxcd.io/v1'],
  ['source.toolkit.fluxcd.io/v1beta2', ['GitRepository', 'HelmRepository', 'HelmChart', 'Bucket', 'OCIRepository'], 'source.toolkit.fluxcd.io/v1'],
  ['kustomize.toolkit.fluxcd.io/v1beta1', ['Kustomization'], 'kustomize.toolkit.fluxcd.io/v1'],
  ['kustomize.toolkit.fluxcd.io/v1beta2', ['Kustomization'], 'kustomize.toolkit.fluxcd.io/v1'],
  ['helm.toolkit.fluxcd.io/v2beta1', ['HelmRelease'], 'helm.toolkit.fluxcd.io/v2'],
  ['helm.toolkit.fluxcd.io/v2beta2', ['HelmRelease'], 'helm.toolkit.fluxcd.io/v2'],
  ['notification.toolkit.fluxcd.io/v1beta1', ['Alert', 'Provider'], 'notification.toolkit.fluxcd.io/v1beta3'],
  ['notification.toolkit.fluxcd.io/v1beta2', ['Alert', 'Provider'], 'notification.toolkit.fluxcd.io/v1beta3'],
  ['notification.toolkit.fluxcd.io/v1beta1', ['Receiver'], 'notification.toolkit.fluxcd.io/v1'],
  ['notification.toolkit.fluxcd.io/v1beta2', ['Receiver'], 'notification.toolkit.fluxcd.io/v1'],
  ['notification.toolkit.fluxcd.io/v1beta3', ['Receiver'], 'notification.toolkit.fluxcd.io/v1'],
  ['image.toolkit.fluxcd.io/v1beta1', ['ImageRepository', 'ImagePolicy', 'ImageUpdateAutomation'], 'image.toolkit.fluxcd.io/v1'],
  ['image.toolkit.fluxcd.io/v1beta2', ['ImageRepository', 'ImagePolicy', 'ImageUpdateAutomation'], 'image.toolkit.fluxcd.io/v1'],
];

// ---------------------------------------------------------------------------
// Every kind with a schema gets an ajv standalone validator (precompiled/), so
// that no run compiles a bundled schema: compiling the large CRDs (the
// external-secrets stores, CNPG, Terraform) takes hundreds of milliseconds,
// loading their code a few tens. Each schema is split first (src/schema/split.ts:
// one function per large subschema, so V8 compiles only what an object reaches).
// The code is megabytes of repetitive JavaScript (20 MB for every kind), so it
// is stored brotli-compressed (about 1/15th; decompressing costs ~1.5 ms per
// MB). Kinds whose schemas are identical (SecretStore and ClusterSecretStore,
// ...) share one file.
// Each index entry also records the hash of its schema (schemaHash): the
// runtime recognises a CRD of the linted tree that is the bundled one by it.
// ---------------------------------------------------------------------------
const BROTLI_QUALITY = 7; // 11 compresses 20% better and takes 100 times longer

async function precompile(lib, files, index, serialize) {
  const { _ } = require('ajv');
  const standaloneCode = require('ajv/dist/standalone').default;
  const ajvVersion = JSON.parse(readFileSync(require.resolve('ajv/package.json'), 'utf8')).version;
  const byCode = new Map(); // standalone code -> { file, sources, keys }
  for (const key of Object.keys(index).sort()) {
    const entry = index[key];
    if (!entry.file) continue;
    // what the runtime reads from the JSON file (sorted keys), without the $comment naming its source
    const schema = JSON.parse(serialize(files.get(entry.file)));
    delete schema.$comment;
    entry.schemaHash = lib.schemaHash(schema);
    // same options as the runtime; formats come from the loader as __formats
    const ajv = lib.createAjv({ code: { source: true, formats: _`__formats` } });
    const code = standaloneCode(ajv, ajv.compile(lib.splitForCompile(schema)));
    let shared = byCode.get(code);
    if (!shared) {
      shared = { file: `precompiled/${entry.file.replace(/\.json$/, '').replace(/\//g, '_')}.cjs.br`, sources: [], keys: [] };
      byCode.set(code, shared);
    }
    if (!shared.sources.includes(entry.file)) shared.sources.push(entry.file);
    shared.keys.push(key);
  }
  const out = new Map();
  for (const [code, { file, sources, keys }] of byCode) {
    const text = `// ${comment(`${sources.join(', ')} with ajv ${ajvVersion}`)}\n${code}\n`;
    const hash = createHash('sha256').update(text).digest('hex');
    for (const key of keys) Object.assign(index[key], { precompiled: file, precompiledHash: hash });
    out.set(file, { text, bytes: brotliCompressSync(Buffer.from(text, 'utf8'), { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } }) });
  }
  return out;
}
const comment = (source) => `generated by ${GENERATOR} from ${source}, do not edit`;

// ---------------------------------------------------------------------------
// output helpers
// ---------------------------------------------------------------------------
function listFiles(dir, pred) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (pred(p)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

const indexKey = (group, version, kind) => `${group ? `${group}/` : ''}${version}/${kind}`;
const fileFor = (group, version, kind) => `${group || 'core'}/${kind.toLowerCase()}-${version}.json`;
const splitApiVersion = (av) => (av.includes('/') ? av.split('/') : ['', av]);

// ---------------------------------------------------------------------------
// The community CRDs catalog (kubeconform's layout, `<group>/<kind>_<version>.json`): JSON schemas that
// openapi2jsonschema made from each CRD's openAPIV3Schema. They are converted the way a CRD is
// (src/schema/convert.ts), after undoing what the catalog's strict mode added: it writes
// `additionalProperties: false` into every object, even where the CRD keeps unknown fields
// (x-kubernetes-preserve-unknown-fields, 130 objects of the subset), and a CRD's structural schema cannot
// say `additionalProperties: false` itself, so every such `false` is removed and convertNode decides again.
// Each schema is stored brotli-compressed on its own (schemas/catalog/<group>/<kind>_<version>.json.br),
// without the ObjectMeta definitions (the runtime adds _shared/objectmeta.json's), so a run loads only the
// kinds it sees; identical schemas share one file. index.json maps "<group>/<version>/<kind, lower case>"
// to its file and the sha256 of its schema (which names its compiled validator in the cache).
// ---------------------------------------------------------------------------
const CATALOG_BROTLI_QUALITY = 11; // small files: the best ratio costs little here

async function buildCatalog(catalogDir) {
  const { convertCatalogSchema, sortKeysDeep, schemaHash } = await loadLib();
  const sources = readFileSync(join(catalogDir, 'SOURCES.md'), 'utf8');
  const at = /at commit ([0-9a-f]{40}) \((\d{4}-\d{2}-\d{2})\)/.exec(sources);
  if (!at) throw new Error(`${catalogDir}/SOURCES.md does not name the catalog's commit and date`);
  const provenance = { repository: 'github.com/datreeio/CRDs-catalog', commit: at[1], date: at[2], license: 'MIT' };
  const base = basename(catalogDir);
  const entries = {};
  const files = new Map(); // file -> { text, bytes }
  const byHash = new Map(); // schema hash -> file
  for (const abs of listFiles(catalogDir, (f) => f.endsWith('.json'))) {
    const rel = relative(catalogDir, abs).split('\\').join('/');
    const m = /^([^/]+)\/([^/_]+)_([^/_]+)\.json$/.exec(rel);
    if (!m) continue;
    const [, group, kind, version] = m;
    const written = JSON.parse(readFileSync(abs, 'utf8'));
    const schema = convertCatalogSchema(written);
    const hash = schemaHash(schema);
    let file = byHash.get(hash);
    if (!file) {
      file = `catalog/${group}/${kind}_${version}.json.br`;
      byHash.set(hash, file);
      const text = JSON.stringify(sortKeysDeep({ $comment: comment(`${base}/${rel}`), ...schema }));
      files.set(file, { text, bytes: brotliCompressSync(Buffer.from(text, 'utf8'), { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: CATALOG_BROTLI_QUALITY } }) });
    }
    entries[`${group}/${version}/${kind}`] = { file, schemaHash: hash };
  }
  const index = { $comment: comment(`${base}/ (${provenance.repository} ${provenance.commit.slice(0, 7)}, ${provenance.date}, ${provenance.license})`), catalog: provenance, entries };
  return { index, files };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { convertCrd, sortKeysDeep, OBJECT_META_DEF } = await loadLib();
  // one-space indentation: reviewable diffs when a CRD changes, still a small tree
  const serialize = (value) => JSON.stringify(sortKeysDeep(value), null, 1) + '\n';

  const files = new Map(); // relative path -> JSON value
  const index = {};
  const addEntry = (key, entry) => {
    if (index[key]) throw new Error(`duplicate index entry ${key} (${index[key].source} and ${entry.source})`);
    index[key] = {
      file: null,
      served: true,
      storage: true,
      deprecated: false,
      deprecationWarning: null,
      removedIn: null,
      replacement: null,
      namespaced: true,
      ...entry,
    };
  };

  // --- core Kubernetes ------------------------------------------------------
  const k8s = parseKubernetesTypes();
  const supplement = supplementWithClientNode(k8s, parseClientNode());
  const metaDefs = closure(k8s.defs, { $ref: `#/definitions/${OBJECT_META_DEF}` });
  const removedKeys = new Set();
  for (const [apiVersion, kinds] of REMOVED_KUBERNETES) for (const k of kinds) removedKeys.add(`${apiVersion}/${k}`);
  for (const k of k8s.kinds) {
    const key = indexKey(k.group, k.version, k.kind);
    if (removedKeys.has(key)) continue; // still in kubernetes-types 1.30, no longer served today
    const root = k8s.defs[k.def];
    const definitions = closure(k8s.defs, root);
    const file = fileFor(k.group, k.version, k.kind);
    files.set(file, { $comment: comment(k.source), ...root, definitions });
    addEntry(key, {
      file,
      source: k.source,
      namespaced: k.namespaced ?? !CLUSTER_SCOPED.has(k.kind),
      storage: true,
    });
  }
  files.set('_shared/objectmeta.json', {
    $comment: comment(`npm:kubernetes-types@${k8s.version}/meta/v1.d.ts + ${supplement.source}`),
    definitions: metaDefs,
  });

  for (const [apiVersion, kinds, removedIn, replacement] of REMOVED_KUBERNETES) {
    const [group, version] = splitApiVersion(apiVersion);
    for (const kind of kinds) {
      const use = replacement ? `; use ${replacement} ${kind}` : kind === 'PodSecurityPolicy' ? `; ${REMOVED_NOTE_PSP}` : '';
      addEntry(indexKey(group, version, kind), {
        served: false,
        storage: false,
        deprecated: true,
        deprecationWarning: `${apiVersion} ${kind} was removed in Kubernetes ${removedIn}${use}`,
        removedIn,
        replacement,
        namespaced: !CLUSTER_SCOPED.has(kind),
        source: `${GENERATOR} (Kubernetes deprecated API migration guide)`,
      });
    }
  }

  // --- CRDs -----------------------------------------------------------------
  if (!existsSync(args.crds)) throw new Error(`CRD folder not found: ${args.crds} (use --crds DIR)`);
  const crdFiles = listFiles(args.crds, (f) => /\.ya?ml$/.test(f));
  const crdSourceBase = dirname(args.crds);
  for (const abs of crdFiles) {
    const source = relative(crdSourceBase, abs).split('\\').join('/');
    for (const doc of YAML.parseAllDocuments(readFileSync(abs, 'utf8'))) {
      if (doc.errors.length) throw new Error(`${source}: ${doc.errors[0].message}`);
      const crd = doc.toJS({ maxAliasCount: -1 });
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      const { versions, issues } = convertCrd(crd, metaDefs, () => comment(source));
      if (issues.length) throw new Error(`${source}: ${issues.join('; ')}`);
      for (const v of versions) {
        const file = fileFor(v.group, v.version, v.kind);
        files.set(file, v.schema);
        addEntry(indexKey(v.group, v.version, v.kind), {
          file,
          served: v.served,
          storage: v.storage,
          deprecated: v.deprecated,
          deprecationWarning: v.deprecationWarning,
          namespaced: v.namespaced,
          source,
        });
      }
    }
  }
  for (const [apiVersion, kinds, replacement] of REMOVED_FLUX) {
    const [group, version] = splitApiVersion(apiVersion);
    for (const kind of kinds) {
      const key = indexKey(group, version, kind);
      if (index[key]) continue; // the bundled CRDs still serve it
      addEntry(key, {
        served: false,
        storage: false,
        deprecated: true,
        deprecationWarning: `${apiVersion} ${kind} is no longer served by current Flux releases; use ${replacement} ${kind}`,
        replacement,
        source: `${GENERATOR} (Flux API removals)`,
      });
    }
  }

  // --- kustomize --------------------------------------------------------------
  for (const [apiVersion, kind] of [
    ['kustomize.config.k8s.io/v1beta1', 'Kustomization'],
    ['kustomize.config.k8s.io/v1alpha1', 'Component'],
  ]) {
    const [group, version] = splitApiVersion(apiVersion);
    const file = fileFor(group, version, kind);
    const source = `${GENERATOR} (kustomize v5 api/types)`;
    files.set(file, { $comment: comment(source), ...kustomizeSchema(apiVersion, kind) });
    addEntry(indexKey(group, version, kind), { file, source, namespaced: false });
  }
  // kustomize accepts each kind with one apiVersion only (Kustomization.EnforceFields)
  for (const [wrong, kind, right] of [
    ['kustomize.config.k8s.io/v1alpha1', 'Kustomization', 'kustomize.config.k8s.io/v1beta1'],
    ['kustomize.config.k8s.io/v1beta1', 'Component', 'kustomize.config.k8s.io/v1alpha1'],
  ]) {
    const [group, version] = splitApiVersion(wrong);
    addEntry(indexKey(group, version, kind), {
      served: false,
      storage: false,
      deprecationWarning: `kustomize rejects ${wrong} ${kind}: apiVersion for ${kind} should be ${right}`,
      replacement: right,
      namespaced: false,
      source: `${GENERATOR} (kustomize v5 api/types)`,
    });
  }

  const lib = await loadLib();
  const texts = await precompile(lib, files, index, serialize);
  if (!existsSync(args.catalog)) throw new Error(`CRDs catalog folder not found: ${args.catalog} (use --catalog DIR)`);
  const catalog = await buildCatalog(args.catalog);

  // --- write ------------------------------------------------------------------
  mkdirSync(args.out, { recursive: true });
  const present = readdirSync(args.out).filter((n) => n !== 'README.md');
  if (present.length > 0 && !present.includes('index.json')) {
    throw new Error(`refusing to replace ${args.out}: it is not empty and holds no index.json of generated schemas`);
  }
  for (const name of present) {
    rmSync(join(args.out, name), { recursive: true, force: true });
  }
  for (const [file, value] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const abs = join(args.out, file);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, serialize(value));
  }
  for (const [file, { bytes }] of [...texts.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    mkdirSync(dirname(join(args.out, file)), { recursive: true });
    writeFileSync(join(args.out, file), bytes);
  }
  for (const [file, { bytes }] of [...catalog.files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    mkdirSync(dirname(join(args.out, file)), { recursive: true });
    writeFileSync(join(args.out, file), bytes);
  }
  writeFileSync(join(args.out, 'catalog', 'index.json'), JSON.stringify(sortKeysDeep(catalog.index), null, 1) + '\n');
  const sortedIndex = {};
  for (const key of Object.keys(index).sort()) sortedIndex[key] = index[key];
  writeFileSync(
    join(args.out, 'index.json'),
    JSON.stringify(
      sortKeysDeep({
        $comment: comment(`${relative(crdSourceBase, args.crds).split('\\').join('/') || 'crds'}/, npm:kubernetes-types@${k8s.version}, ${supplement.source} and the tables in the script`),
        ...sortedIndex,
      }),
      null,
      1,
    ) + '\n',
  );

  if (args.check) await check(args.out, files);
  // Compiling the 432 catalog schemas takes over a minute of CPU: only on request (every one compiles, with the
  // catalog of ../shared/crds-catalog/SOURCES.md).
  if (args.checkCatalog) await check(args.out, new Map([...catalog.files].map(([f, { text }]) => [f, { ...JSON.parse(text), definitions: metaDefs }])));
  const bytes = [...files.values()].reduce((n, v) => n + serialize(v).length, 0);
  const codeBytes = [...texts.values()].reduce((n, t) => n + t.text.length, 0);
  const stored = [...texts.values()].reduce((n, t) => n + t.bytes.length, 0);
  console.log(
    `wrote ${files.size} schemas (${(bytes / 1024 / 1024).toFixed(2)} MiB), ${texts.size} precompiled validators (${(codeBytes / 1024 / 1024).toFixed(2)} MiB, ${(stored / 1024 / 1024).toFixed(2)} MiB compressed) and ${Object.keys(index).length} index entries to ${relative(process.cwd(), args.out) || '.'}; the catalog: ${Object.keys(catalog.index.entries).length} kinds in ${catalog.files.size} files (${([...catalog.files.values()].reduce((n, f) => n + f.text.length, 0) / 1024 / 1024).toFixed(2)} MiB, ${([...catalog.files.values()].reduce((n, f) => n + f.bytes.length, 0) / 1024 / 1024).toFixed(2)} MiB compressed)`,
  );
}

async function check(outDir, files) {
  const Ajv = require('ajv');
  const addFormats = require('ajv-formats');
  const { KNOWN_FORMATS } = await loadLib();
  let failed = 0;
  for (const [file, schema] of files) {
    if (file.startsWith('_shared/')) continue;
    const ajv = new Ajv({ strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true, allErrors: true });
    addFormats(ajv);
    for (const f of [...KNOWN_FORMATS, 'k8s-quantity']) if (!ajv.formats[f]) ajv.addFormat(f, true);
    try {
      ajv.compile(schema);
    } catch (e) {
      failed++;
      console.error(`${file}: ${e.message}`);
    }
  }
  if (failed) throw new Error(`${failed} schema(s) in ${outDir} do not compile`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
