import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAjv } from '../../src/schema/ajv.js';
import { kubernetesFormats } from '../../src/schema/formats.js';
import { ValidatorCache, sealedCode } from '../../src/schema/validator-cache.js';
import { validatorFiles } from '../../src/cache/stores.js';

const schema = { type: 'object', properties: { interval: { type: 'string', format: 'duration' } }, additionalProperties: false };
const ajv = createAjv();
const formats = kubernetesFormats();

function cached(dir: string): string[] {
  return fs.readdirSync(path.join(dir, 'validators')).sort();
}

describe('the compiled-validator cache', () => {
  it('writes standalone code and V8 code cache on first use, and validates exactly like a fresh compile', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-vcache-'));
    const v = new ValidatorCache(validatorFiles(dir)).validator(schema, formats);
    const fresh = ajv.compile(schema);
    for (const data of [{ interval: '10m' }, { interval: 10 }, { intervall: '10m' }]) {
      expect(v(data)).toBe(fresh(data));
      expect(v.errors ?? null).toEqual(fresh.errors ?? null);
    }
    expect(cached(dir).map((f) => path.extname(f))).toEqual(['.cjs', '.v8']);
  });

  it('reads the cache on the next run instead of compiling', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-vcache-'));
    new ValidatorCache(validatorFiles(dir)).validator(schema, formats)({});
    // Plant a validator that accepts everything, with its checksum: only a cache hit can return it.
    const [code, v8] = cached(dir);
    fs.writeFileSync(path.join(dir, 'validators', code), sealedCode('module.exports = function validate() { return true; };'));
    fs.rmSync(path.join(dir, 'validators', v8));
    expect(new ValidatorCache(validatorFiles(dir)).validator(schema, formats)({ intervall: 'x' })).toBe(true);
  });

  it('compiles again, and rewrites the entry, when the code does not match its checksum', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-vcache-'));
    new ValidatorCache(validatorFiles(dir)).validator(schema, formats)({});
    const [code] = cached(dir);
    const file = path.join(dir, 'validators', code);
    const good = fs.readFileSync(file, 'utf8');
    // Still valid JavaScript, still a validator: accepts what it should not.
    const edited = good.replace('return errors === 0', 'return errors !== 9');
    expect(edited).not.toBe(good);
    fs.writeFileSync(file, edited);
    const v = new ValidatorCache(validatorFiles(dir)).validator(schema, formats);
    expect(v({ intervall: '10m' })).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe(good);
  });

  it('compiles again when a cache entry is damaged', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-vcache-'));
    new ValidatorCache(validatorFiles(dir)).validator(schema, formats)({});
    for (const f of cached(dir)) fs.writeFileSync(path.join(dir, 'validators', f), 'this is not javascript {');
    const v = new ValidatorCache(validatorFiles(dir)).validator(schema, formats);
    expect(v({ intervall: '10m' })).toBe(false);
    expect(v({ interval: '10m' })).toBe(true);
  });
});

describe('the precompiled validators of the bundle in the cache', () => {
  const code = 'module.exports = function validate(data) { validate.errors = null; return typeof data === "object"; };';
  const hash = createHash('sha256').update(code).digest('hex');

  it('keeps the decompressed code and V8 code cache after the first call, and reads them next time', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-vcache-'));
    let decompressed = 0;
    const decompress = () => {
      decompressed++;
      return code;
    };
    const v = new ValidatorCache(validatorFiles(dir)).bundledValidator(hash, 'x.cjs.br', decompress, formats)!;
    expect(v({})).toBe(true);
    expect(v(1)).toBe(false);
    expect(cached(dir)).toEqual([`bundled-${hash}.cjs`, `bundled-${hash}.v8`]);
    expect(new ValidatorCache(validatorFiles(dir)).bundledValidator(hash, 'x.cjs.br', decompress, formats)!({})).toBe(true);
    expect(decompressed).toBe(1);
  });

  it('a damaged code cache is only a slower load', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-vcache-'));
    new ValidatorCache(validatorFiles(dir)).bundledValidator(hash, 'x.cjs.br', () => code, formats)!({});
    fs.writeFileSync(path.join(dir, 'validators', `bundled-${hash}.v8`), 'not a code cache');
    const v = new ValidatorCache(validatorFiles(dir)).bundledValidator(hash, 'x.cjs.br', () => code, formats)!;
    expect([v({}), v(1)]).toEqual([true, false]);
  });

  it('kept code that does not hash to its name is decompressed again and rewritten', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-vcache-'));
    new ValidatorCache(validatorFiles(dir)).bundledValidator(hash, 'x.cjs.br', () => code, formats)!({});
    const file = path.join(dir, 'validators', `bundled-${hash}.cjs`);
    fs.writeFileSync(file, code.replace('"object"', '"number"'));
    let decompressed = 0;
    const v = new ValidatorCache(validatorFiles(dir)).bundledValidator(hash, 'x.cjs.br', () => (decompressed++, code), formats)!;
    expect([v({}), v(1), decompressed]).toEqual([true, false, 1]);
    expect(fs.readFileSync(file, 'utf8')).toBe(code);
  });
});
