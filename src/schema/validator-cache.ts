import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import type { Ajv, Format, ValidateFunction } from 'ajv';
import { writeFileAtomic } from '../cache/atomic.js';
import { AJV_OPTIONS, createAjv } from './ajv.js';

const require = createRequire(import.meta.url);

/**
 * Evaluates ajv standalone code (CommonJS expecting `__formats`, the formats of
 * src/schema/formats.ts). With `v8File`, V8's code cache is read from it, or
 * written to it after the validator's first call (V8 compiles function bodies
 * on first call, so only then does the cache hold them): the large validators
 * are megabytes of source, and compiling them again costs more than reading
 * them. Returns undefined when the code does not yield a validator.
 */
export function evaluateStandalone(code: string, filename: string, formats: Record<string, Format>, v8File?: string): ValidateFunction | undefined {
  let cachedData: Buffer | undefined;
  if (v8File) {
    try {
      cachedData = fs.readFileSync(v8File);
    } catch {
      cachedData = undefined;
    }
  }
  try {
    const script = new vm.Script(`(function (module, exports, require, __formats) {${code}\n})`, { filename, cachedData });
    const mod: { exports: unknown } = { exports: {} };
    (script.runInThisContext() as (...a: unknown[]) => void)(mod, mod.exports, require, formats);
    const fn = mod.exports as ValidateFunction & { default?: ValidateFunction };
    const validate = fn.default ?? fn;
    if (typeof validate !== 'function') return undefined;
    if (!v8File || (cachedData && !script.cachedDataRejected)) return validate;
    let written = false;
    const first = ((data: unknown) => {
      const ok = validate(data);
      first.errors = validate.errors;
      if (!written) {
        written = true;
        // If it cannot be written, the next run compiles the source again.
        writeFileAtomic(v8File, script.createCachedData());
      }
      return ok;
    }) as ValidateFunction;
    return first;
  } catch {
    return undefined;
  }
}

/**
 * Compiling a large CRD schema (CNPG Cluster, an external-secrets store, Terraform) takes hundreds of
 * milliseconds, every run. The bundled kinds ship precompiled (schemas/precompiled/); the CRDs of a linted tree
 * that differ from them are compiled here once, and ajv's standalone code is kept under the user cache directory,
 * keyed by a hash of the schema, the ajv version and its options; later runs load it in milliseconds. A cache
 * entry that cannot be loaded is compiled again, never trusted. The same directory keeps V8's code cache of the
 * bundled precompiled validators (`bundledValidator`).
 */
export class ValidatorCache {
  private ajv: Ajv | undefined;

  constructor(private readonly dir: string) {}

  /**
   * A precompiled validator of the bundle (`hash`: of its code), with its code decompressed and V8's code cache
   * of it kept here: decompressing a large validator costs several times what reading it does.
   */
  bundledValidator(hash: string, filename: string, decompress: () => string, formats: Record<string, Format>): ValidateFunction | undefined {
    const base = path.join(this.dir, 'validators', `bundled-${hash}`);
    let code: string;
    try {
      code = fs.readFileSync(`${base}.cjs`, 'utf8');
    } catch {
      code = decompress();
      // If it cannot be written, the next run decompresses again.
      writeFileAtomic(`${base}.cjs`, code);
    }
    return evaluateStandalone(code, filename, formats, `${base}.v8`);
  }

  private load(file: string, formats: Record<string, Format>): ValidateFunction | undefined {
    let code: string;
    try {
      code = fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    return evaluateStandalone(code, file, formats, `${file.slice(0, -'.cjs'.length)}.v8`);
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
    const file = path.join(this.dir, 'validators', `${key}.cjs`);
    const cached = this.load(file, formats);
    if (cached) return cached;
    // Same options as every other validator; formats come from the loader as __formats, like the bundled ones.
    const { _ } = require('ajv') as typeof import('ajv');
    const standaloneCode = (require('ajv/dist/standalone') as { default: (ajv: Ajv, v: ValidateFunction) => string }).default;
    this.ajv ??= createAjv({ code: { source: true, formats: _`__formats` } });
    const validate = this.ajv.compile(schema);
    // Use what was written, so that its first call also leaves the V8 code cache for the next run; a read-only or
    // full cache directory only costs the next run a compile.
    try {
      if (writeFileAtomic(file, standaloneCode(this.ajv, validate))) {
        const loaded = this.load(file, formats);
        if (loaded) return loaded;
      }
    } catch {
      // ajv could not write this schema's code: the compiled validator serves this run
    }
    return validate;
  }
}
