import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import vm from 'node:vm';
import type { Ajv, Format, ValidateFunction } from 'ajv';
import { checksum } from '../model/checksum.js';
import { AJV_OPTIONS, createAjv } from './ajv.js';

const require = createRequire(import.meta.url);

/**
 * Where compiled validators are kept between runs: files by name (`validators/<hash>.cjs`, `.v8`), read whole and
 * written whole — the two-method cache interface the schema registry is given. The result cache's side of the code
 * keeps them in the user cache directory (src/cache/stores.ts, writing each through a temporary file renamed over
 * it); what is read is checked here against its checksum before it is used. `write` is false when it could not.
 */
export interface ValidatorFiles {
  read(name: string): Buffer | undefined;
  write(name: string, data: string | Uint8Array): boolean;
}

/**
 * Evaluates ajv standalone code (CommonJS expecting `__formats`, the formats of
 * src/schema/formats.ts). With `v8`, V8's code cache is read from `v8.name` of `v8.files`, or
 * written to it after the validator's first call (V8 compiles function bodies
 * on first call, so only then does the cache hold them): the large validators
 * are megabytes of source, and compiling them again costs more than reading
 * them. `v8.codeId` names the code (a hash of it): a code cache is used only for
 * the code it was made from, and only when its bytes match the checksum it was
 * written with (V8 checks neither: it compares the source's length, and checks
 * its own checksum only in debug builds), so a damaged one is only a slower load.
 * Returns undefined when the code does not yield a validator.
 */
export function evaluateStandalone(code: string, filename: string, formats: Record<string, Format>, v8?: { files: ValidatorFiles; name: string; codeId: string }): ValidateFunction | undefined {
  const cachedData = v8 ? readCodeCache(v8.files, v8.name, v8.codeId) : undefined;
  try {
    const script = new vm.Script(`(function (module, exports, require, __formats) {${code}\n})`, { filename, cachedData });
    const mod: { exports: unknown } = { exports: {} };
    (script.runInThisContext() as (...a: unknown[]) => void)(mod, mod.exports, require, formats);
    const fn = mod.exports as ValidateFunction & { default?: ValidateFunction };
    const validate = fn.default ?? fn;
    if (typeof validate !== 'function') return undefined;
    if (!v8 || (cachedData && !script.cachedDataRejected)) return validate;
    let written = false;
    const first = ((data: unknown) => {
      const ok = validate(data);
      first.errors = validate.errors;
      if (!written) {
        written = true;
        // If it cannot be written, the next run compiles the source again.
        writeCodeCache(v8.files, v8.name, v8.codeId, script.createCachedData());
      }
      return ok;
    }) as ValidateFunction;
    return first;
  } catch {
    return undefined;
  }
}

const CODE_CACHE_FORMAT = 'lint-gitops validator code cache 1';

/** A code cache file: a header line (format, the code's id, the checksum of V8's data), then V8's data. */
function readCodeCache(files: ValidatorFiles, name: string, codeId: string): Buffer | undefined {
  const buf = files.read(name);
  if (!buf) return undefined;
  const nl = buf.indexOf(10);
  if (nl < 0 || nl > 512) return undefined;
  const [format, id, sum] = buf.toString('latin1', 0, nl).split('\t');
  const data = buf.subarray(nl + 1);
  return format === CODE_CACHE_FORMAT && id === codeId && sum === checksum(data) ? data : undefined;
}

function writeCodeCache(files: ValidatorFiles, name: string, codeId: string, data: Buffer): boolean {
  return files.write(name, Buffer.concat([Buffer.from(`${CODE_CACHE_FORMAT}\t${codeId}\t${checksum(data)}\n`, 'latin1'), data]));
}

const CODE_HEADER = '// lint-gitops validator ';

/** A compiled validator's file: a header line with the checksum of the code that follows it (see ValidatorCache.load). */
export function sealedCode(code: string): string {
  return `${CODE_HEADER}${checksum(code)}\n${code}`;
}

/** The code of a compiled validator's file and its checksum; undefined when it does not match (damaged). */
function unsealCode(text: string): { code: string; sum: string } | undefined {
  const nl = text.indexOf('\n');
  if (nl < 0 || !text.startsWith(CODE_HEADER)) return undefined;
  const sum = text.slice(CODE_HEADER.length, nl);
  const code = text.slice(nl + 1);
  return checksum(code) === sum ? { code, sum } : undefined;
}

/**
 * Compiling a large CRD schema (CNPG Cluster, an external-secrets store, Terraform) takes hundreds of
 * milliseconds, every run. The bundled kinds ship precompiled (schemas/precompiled/); the CRDs of a linted tree
 * that differ from them are compiled here once, and ajv's standalone code is kept under the user cache directory,
 * keyed by a hash of the schema, the ajv version and its options; later runs load it in milliseconds. A cache
 * entry that cannot be loaded, or whose code does not match the checksum in its first line, is compiled again,
 * never trusted. The same directory keeps V8's code cache of the bundled precompiled validators (`bundledValidator`).
 */
export class ValidatorCache {
  private ajv: Ajv | undefined;

  constructor(private readonly files: ValidatorFiles) {}

  /**
   * A precompiled validator of the bundle (`hash`: the SHA-256 of its code, hex), with its code decompressed and
   * V8's code cache of it kept here: decompressing a large validator costs several times what reading it does.
   * The kept code is used only when it still hashes to `hash` (hashing it costs a fraction of decompressing it).
   */
  bundledValidator(hash: string, filename: string, decompress: () => string, formats: Record<string, Format>): ValidateFunction | undefined {
    const base = `validators/bundled-${hash}`;
    // The bytes are hashed as read (hashing the decoded text would encode it again).
    const bytes = this.files.read(`${base}.cjs`);
    let code = bytes && createHash('sha256').update(bytes).digest('hex') === hash ? bytes.toString('utf8') : undefined;
    if (code === undefined) {
      code = decompress();
      // If it cannot be written, the next run decompresses again.
      this.files.write(`${base}.cjs`, code);
    }
    return evaluateStandalone(code, filename, formats, { files: this.files, name: `${base}.v8`, codeId: hash });
  }

  private load(name: string, formats: Record<string, Format>): ValidateFunction | undefined {
    const bytes = this.files.read(`${name}.cjs`);
    const sealed = bytes && unsealCode(bytes.toString('utf8'));
    if (!sealed) return undefined;
    return evaluateStandalone(sealed.code, `${name}.cjs`, formats, { files: this.files, name: `${name}.v8`, codeId: sealed.sum });
  }

  validator(schema: object, formats: Record<string, Format>): ValidateFunction {
    const ajvVersion = (require('ajv/package.json') as { version: string }).version;
    const key = createHash('sha256')
      .update(ajvVersion)
      .update('\0')
      .update(JSON.stringify(AJV_OPTIONS))
      .update('\0')
      .update(JSON.stringify(schema))
      .digest('hex');
    const name = `validators/${key}`;
    const cached = this.load(name, formats);
    if (cached) return cached;
    // Same options as every other validator; formats come from the loader as __formats, like the bundled ones.
    const { _ } = require('ajv') as typeof import('ajv');
    const standaloneCode = (require('ajv/dist/standalone') as { default: (ajv: Ajv, v: ValidateFunction) => string }).default;
    this.ajv ??= createAjv({ code: { source: true, formats: _`__formats` } });
    const validate = this.ajv.compile(schema);
    // Use what was written, so that its first call also leaves the V8 code cache for the next run; a read-only or
    // full cache directory only costs the next run a compile.
    try {
      if (this.files.write(`${name}.cjs`, sealedCode(standaloneCode(this.ajv, validate)))) {
        const loaded = this.load(name, formats);
        if (loaded) return loaded;
      }
    } catch {
      // ajv could not write this schema's code: the compiled validator serves this run
    }
    return validate;
  }
}
