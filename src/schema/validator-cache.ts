import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import type { Ajv, ValidateFunction } from 'ajv';
import { _ } from 'ajv';
import { AJV_OPTIONS, createAjv } from './ajv.js';

const require = createRequire(import.meta.url);
const standaloneCode = (require('ajv/dist/standalone') as { default: (ajv: Ajv, v: ValidateFunction) => string }).default;
const AJV_VERSION = (require('ajv/package.json') as { version: string }).version;

/**
 * Compiling a large CRD schema (CNPG Cluster, an external-secrets store, Terraform) takes hundreds of
 * milliseconds, every run, and the bundle cannot ship them all precompiled (megabytes each). The first run
 * compiles and keeps ajv's standalone code under the user cache directory, keyed by a hash of the schema, the
 * ajv version and its options; later runs load it in milliseconds. A cache entry that cannot be loaded is
 * compiled again, never trusted.
 */
export class ValidatorCache {
  private ajv: Ajv | undefined;

  constructor(private readonly dir: string) {}

  /**
   * Loads cached standalone code with V8's code cache beside it (`.v8`): the large validators are megabytes of
   * source, and parsing them again would cost most of what the cache saves.
   */
  private load(file: string, formatsAjv: Ajv): ValidateFunction | undefined {
    let code: string;
    try {
      code = fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    const v8File = `${file.slice(0, -'.cjs'.length)}.v8`;
    let cachedData: Buffer | undefined;
    try {
      cachedData = fs.readFileSync(v8File);
    } catch {
      cachedData = undefined;
    }
    try {
      const script = new vm.Script(`(function (module, exports, require, __formats) {${code}\n})`, { filename: file, cachedData });
      const mod: { exports: unknown } = { exports: {} };
      script.runInThisContext()(mod, mod.exports, require, formatsAjv.formats);
      const fn = mod.exports as ValidateFunction & { default?: ValidateFunction };
      const validate = fn.default ?? fn;
      if (typeof validate !== 'function') return undefined;
      if (cachedData && !script.cachedDataRejected) return validate;
      // V8 compiles function bodies on first call: write the code cache after one, so it holds them too.
      const first = ((data: unknown) => {
        const ok = validate(data);
        first.errors = validate.errors;
        if (!written) {
          written = true;
          try {
            fs.writeFileSync(v8File, script.createCachedData());
          } catch {
            // the next run compiles the source again
          }
        }
        return ok;
      }) as ValidateFunction;
      let written = false;
      return first;
    } catch {
      return undefined;
    }
  }

  validator(schema: object, formatsAjv: Ajv): ValidateFunction {
    const key = createHash('sha256')
      .update(AJV_VERSION)
      .update('\0')
      .update(JSON.stringify(AJV_OPTIONS))
      .update('\0')
      .update(JSON.stringify(schema))
      .digest('hex');
    const file = path.join(this.dir, 'validators', `${key}.cjs`);
    const cached = this.load(file, formatsAjv);
    if (cached) return cached;
    // Same options as every other validator; formats come from the loader as __formats, like the bundled ones.
    this.ajv ??= createAjv({ code: { source: true, formats: _`__formats` } });
    const validate = this.ajv.compile(schema);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, standaloneCode(this.ajv, validate));
      fs.renameSync(tmp, file);
      // Use what was written, so that its first call also leaves the V8 code cache for the next run.
      const loaded = this.load(file, formatsAjv);
      if (loaded) return loaded;
    } catch {
      // a read-only or full cache directory only costs the next run a compile
    }
    return validate;
  }
}
