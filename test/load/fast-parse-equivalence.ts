import { expect } from 'vitest';
import { fastParse, fastParseDeclines } from '../../src/load/parse/fast-parse.js';
import { parsedOf } from '../../src/load/parse/parsed-file.js';
import { parseYamlFile } from '../../src/load/parse/yaml-file.js';

/**
 * Strict equality of parsed values: same types, Object.is for primitives (so -0 is not 0, NaN is NaN), same
 * prototypes, and the same own keys in the same order (rules and formatters iterate objects in key order).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false;
  if (a === null || b === null || typeof a !== 'object') return Object.is(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Reflect.ownKeys(a as object);
  const kb = Reflect.ownKeys(b as object);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => {
    const da = Object.getOwnPropertyDescriptor(a, k)!;
    const db = Object.getOwnPropertyDescriptor(b, k)!;
    return da.enumerable === db.enumerable && sameValue(da.value, db.value);
  });
}

/**
 * Runs both paths on a text. When the fast path answers, the full parse must find no problem at all and give the
 * same number of documents with the same values. Returns whether the fast path answered.
 */
export function expectFastPathAgrees(text: string, label = JSON.stringify(text.slice(0, 200))): boolean {
  const fast = fastParse(text);
  if (!fast) {
    expect(fastParseDeclines(text), label).toBeDefined();
    return false;
  }
  const full = parsedOf(parseYamlFile('input.yaml', text));
  expect({ label, problem: full.problem, problems: full.docs.map((d) => d.problems) }).toEqual({
    label,
    problem: undefined,
    problems: fast.docs.map(() => []),
  });
  if (!fast.docs.every((d, i) => sameValue(d.value, full.docs[i].value))) {
    // toEqual shows the difference; sameValue also catches what toEqual forgives (key order, -0).
    expect({ label, values: fast.docs.map((d) => d.value) }).toEqual({ label, values: full.docs.map((d) => d.value) });
    expect.fail(`${label}: the values differ in key order, -0 or a prototype`);
  }
  return true;
}
