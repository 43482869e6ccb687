import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromBuffer, jsonExact, parseValues, toBuffer, type ParsedFile } from '../../src/load/parse/parsed-file.js';
import { FIXTURES, sharedDir } from '../helpers.js';

/**
 * Parse results travel (worker threads) and are kept (the parse cache) serialized: as JSON when JSON gives back
 * the same values, else with V8's serializer. Either way what comes back must equal what was parsed, to the sign
 * of a zero.
 */

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(p);
  }
  return out;
}

/** Equal in every respect: structure, key order, and Object.is for every leaf (NaN, -0). */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => sameValue((a as Record<PropertyKey, unknown>)[k], (b as Record<PropertyKey, unknown>)[k]));
}

function roundTrip(name: string, text: string): { parsed: ParsedFile; buf: Uint8Array } {
  const parsed = parseValues(name, text);
  const buf = toBuffer(parsed);
  expect(sameValue(fromBuffer(buf), parsed), name).toBe(true);
  return { parsed, buf };
}

describe('serialized parse results', () => {
  const roundTripAll = (files: string[]) => {
    let json = 0;
    for (const f of files) {
      const { buf } = roundTrip(f, fs.readFileSync(f, 'utf8'));
      if (buf[0] === 0x7b) json++;
    }
    // Nearly every manifest is plain data: the fast form is the one used.
    expect(json).toBeGreaterThan(files.length * 0.9);
  };

  it('come back equal for every YAML file of the fixture, as JSON when they are plain', () => {
    const files = yamlFiles(FIXTURES);
    expect(files.length).toBeGreaterThan(50);
    roundTripAll(files);
  });

  const corpora = sharedDir('corpora', 'the round trip of the public corpora');
  it.skipIf(!corpora)('come back equal for every YAML file of the public corpora, as JSON when they are plain', () => {
    const files = yamlFiles(corpora!);
    expect(files.length).toBeGreaterThan(150);
    roundTripAll(files);
  });

  it('keep the values JSON cannot hold (NaN, infinities, -0, undefined) in the V8 form', () => {
    for (const text of ['a: .nan\n', 'a: .inf\n', 'a: [-.inf]\n', 'a: -0\n', 'a: {b: -0.0}\n', 'a: 1e400\n']) {
      const { parsed, buf } = roundTrip('t.yaml', text);
      expect({ text, json: buf[0] === 0x7b }).toEqual({ text, json: false });
      expect(jsonExact(parsed)).toBe(false);
    }
    // No parse gives undefined (an empty document is null), but a planted or older entry may hold one.
    const undef: ParsedFile = { docs: [{ value: undefined, problems: [] }] };
    const buf = toBuffer(undef);
    expect(buf[0]).not.toBe(0x7b);
    const back = fromBuffer(buf);
    expect('value' in back.docs[0] && back.docs[0].value === undefined).toBe(true);
    const minusZero = fromBuffer(toBuffer(parseValues('t.yaml', 'a: -0\n'))).docs[0].value as { a: number };
    expect(Object.is(minusZero.a, -0)).toBe(true);
  });

  it('keep in JSON what JSON holds exactly: a __proto__ key, lone surrogates, big numbers, key order, problems', () => {
    const texts = [
      '__proto__: {polluted: true}\nb: 1\n',
      'a: "\\ud800 and \\udfff"\nb: "\\u2028\\u2029\\u0000"\n',
      'a: 12345678901234567890\nb: 0.1\nc: -5\nd: 1e-320\n',
      '2: two\n1: one\nz: last\na: first\n',
      'a: [1, [2, [3, {b: null}]]]\nc: ~\nd: true\ne: ""\n',
      'a: 1\na: 2\n',
      'a: [unclosed\n',
    ];
    for (const text of texts) {
      const { parsed, buf } = roundTrip('t.yaml', text);
      expect({ text, json: buf[0] === 0x7b }).toEqual({ text, json: jsonExact(parsed) });
    }
    const proto = fromBuffer(toBuffer(parseValues('t.yaml', texts[0]))).docs[0].value as Record<string, unknown>;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(['__proto__', 'b']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('tells non-plain values from plain ones', () => {
    expect(jsonExact({ a: [1, 'x', null, true, { b: 2 }] })).toBe(true);
    for (const v of [{ a: undefined }, [1, , 3], new Map(), new Date(0), Object.create(null), { a: NaN }, { a: -0 }, { a: 1n }, [Infinity]]) {
      expect(jsonExact(v)).toBe(false);
    }
  });
});
