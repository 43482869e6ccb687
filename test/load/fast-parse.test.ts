import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/index.js';
import { fastParse, fastParseDeclines } from '../../src/load/parse/fast-parse.js';
import { ParseCache } from '../../src/cache/parses.js';
import { parseValues } from '../../src/load/parse/parsed-file.js';
import { parseYamlFile } from '../../src/load/parse/yaml-file.js';
import { CLUSTER, FIXTURES, fixtureCopy, lintTree, sharedDir } from '../helpers.js';
import { expectFastPathAgrees } from './fast-parse-equivalence.js';

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(p);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** What RepoFs.read hands the parser: the text without a leading BOM. */
const read = (file: string) => fs.readFileSync(file, 'utf8').replace(/^\ufeff/, '');

const configMap = (name: string, rest = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${rest}`;

describe('the fast parse path', () => {
  it('gives every YAML file of the clean fixture the same values as the full parse, and takes every one that has a document', () => {
    const files = yamlFiles(FIXTURES);
    expect(files.length).toBeGreaterThan(50);
    const declined = files.filter((f) => !expectFastPathAgrees(read(f), path.relative(FIXTURES, f)));
    // Only files with no document at all (empty, comments, `---`) are left to the full parse.
    expect(declined.map((f) => [path.relative(FIXTURES, f), fastParseDeclines(read(f))]).filter(([, why]) => why !== 'declined: no document')).toEqual([]);
  });

  const corpora = sharedDir('corpora', 'the fast path on the public corpora');
  it.skipIf(!corpora)('agrees with the full parse on every YAML file of the public corpora', () => {
    const files = yamlFiles(corpora!);
    expect(files.length).toBeGreaterThan(150);
    let fast = 0;
    const why = new Map<string, number>();
    for (const f of files) {
      if (expectFastPathAgrees(read(f), path.relative(corpora!, f))) fast++;
      else {
        const reason = fastParseDeclines(read(f))!.replace(/ \(\d+:\d+\)$/, '');
        why.set(reason, (why.get(reason) ?? 0) + 1);
      }
    }
    console.info(`fast path: ${fast} of ${files.length} corpus files; declined: ${JSON.stringify(Object.fromEntries([...why].sort()))}`);
    // Most files of real Flux repositories are plain manifests; the ones declined are Helm templates, anchors (which
    // some repositories use in nearly every file), empties.
    const anchored = (why.get('declined: an anchor') ?? 0) + (why.get('declined: an alias') ?? 0);
    expect(fast).toBeGreaterThan((files.length - anchored) * 0.8);
  });

  it('declines whatever the full parse reports, so the finding still comes from the full parse', () => {
    const cases: [string, string, RegExp][] = [
      ['duplicate key, block', configMap('a', 'immutable: true\nimmutable: false\n'), /duplicated mapping key/],
      ['duplicate key, flow', configMap('a', 'data: {a: "1", b: "2", a: "3"}\n'), /duplicated mapping key/],
      ['duplicate key, number and its quoted twin', 'a:\n  1: x\n  "1": y\n', /duplicated mapping key/],
      ['tab indentation', 'resources:\n\t- a.yaml\n', /a tab/],
      ['tab in a value', 'a: "x\ty"\n', /a tab/],
      ['syntax error', 'spec:\n  interval: [30m\n', /./],
      ['unterminated quote', 'metadata:\n  name: "dremio\n', /./],
      ['anchor', configMap('a', 'data: &shared\n  mode: ha\n'), /an anchor/],
      ['alias', 'a: &x 1\nb: *x\n', /an anchor/],
      ['tag', 'a: !!binary aGk=\n', /a tag/],
      ['local tag', 'a: !vault x\n', /a tag/],
      ['directive', '%YAML 1.1\n---\na: yes\n', /a directive/],
      ['merge key', 'base: {a: 1}\nderived:\n  <<: {a: 2}\n', /special key/],
      ['__proto__ key', '__proto__: {polluted: true}\n', /special key/],
      ['null key', '~: a\n', /null or collection key/],
      ['empty key', ': a\n', /./],
      ['collection key', '? [a, b]\n: c\n', /null or collection key/],
      ['long implicit key', `${'k'.repeat(1100)}: v\n`, /a long key/],
      ['colon far after the key', `k${' '.repeat(1100)}: v\n`, /a long key/],
      ['multi-line implicit key', '{ "a\n  b": 1 }\n', /./],
      ['flow collection spanning lines', 'a:\n  b: [x,\n    y]\n', /flow collection spanning lines/],
      ['flow collection closing at the block indentation', 'a:\n  b: [\n  x\n  ]\n', /./],
      ['flow map closing at column 1', 'a: {\n b: 1\n}\n', /./],
      ['escape at the end of a line in a flow collection', 'a: ["x\\\n  y"]\n', /flow collection spanning lines/],
      ['BOM inside', 'a: 1\n---\n\ufeffb: 2\n', /byte order mark/],
      ['lone CR', 'a: 1\rb: 2\n', /a lone CR/],
      ['deep nesting', `x: ${'['.repeat(200)}${']'.repeat(200)}\n`, /maxDepth/],
      ['10,000-deep nesting', `x: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`, /./],
      ['empty file', '', /no document/],
      ['comments only', '# nothing\n', /no document/],
      ['NUL byte', 'a: "\0"\n', /./],
      ['control character', 'a: "\u0001"\n', /./],
      [`more than ${LIMITS.MAX_DOCUMENTS} documents`, 'a: 1\n---\n'.repeat(LIMITS.MAX_DOCUMENTS + 1), /too many documents/],
    ];
    for (const [label, text, reason] of cases) {
      expect(fastParse(text), label).toBeUndefined();
      expect(fastParseDeclines(text), label).toMatch(reason);
      expect(expectFastPathAgrees(text, label)).toBe(false);
    }
    // Declining hands the file to the full parse, which reports it: a duplicate key is a problem there.
    const dup = parseValues('d.yaml', configMap('a', 'immutable: true\nimmutable: false\n'));
    expect(dup.docs[0].problems.map((p) => p.code)).toEqual(['DUPLICATE_KEY']);
  });

  it('agrees with the full parse on the hostile inputs the linter is tested with', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const nest = (n: number) => `${'{a: '.repeat(n)}1${'}'.repeat(n)}`;
    const inputs: [string, string][] = [
      ['alias bomb', configMap('bomb', `data:\n  ${levels.join('\n  ')}\n`)],
      ['flow sequences 10,000 deep', configMap('flow-seq', `binaryData:\n  x: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`)],
      ['block sequences 10,000 deep', configMap('block-seq', `x:\n${'- '.repeat(10_000)}1\n`)],
      ['nesting at the limit', `values:\n  deep: ${nest(LIMITS.MAX_YAML_DEPTH - 3)}\n`],
      ['nesting a little deep', `values:\n  deep: ${nest(40)}\n`],
      ['100,000 keys and a duplicate', configMap('big', `data:\n${Array.from({ length: 100_000 }, (_, i) => `  k${i}: v`).join('\n')}\n  k5: again\n`)],
      ['100,000 keys', configMap('big', `data:\n${Array.from({ length: 100_000 }, (_, i) => `  k${i}: v`).join('\n')}\n`)],
      ['CRLF', configMap('crlf', 'data:\n  a: "1"\n  b: |\n    x\n    y\n').replace(/\n/g, '\r\n')],
      ['dashes only', '---\n'],
      ['empty documents', '---\n---\n# c\n---\n'],
      ['odd documents', '--- 1\n--- [a]\n--- "s"\n---\n'],
      ['document end markers', 'a: 1\n...\n---\nb: 2\n...\n...\n'],
      ['binary garbage', '\u00ff\u00d8\u00ff\u00e0\u0010JFIF'],
      ['a key of 1,024 characters', `${'k'.repeat(1024)}: v\n`],
      ['a key of 900 characters', `${'k'.repeat(900)}: v\n`],
      ['a value of 100,000 characters', `a: ${'v'.repeat(100_000)}\n`],
      ['unicode', 'name: ümlaut-日本語-😀\n"ключ": "значение"\nline: "a\u2028b"\n'],
      ['Helm template', 'metadata:\n  name: {{ include "x" . }}\n  labels:\n    {{- include "labels" . | nindent 4 }}\n'],
      ['Flux substitution', 'spec:\n  replicas: ${REPLICAS:=1}\n  host: ${HOST}\n'],
    ];
    for (const [label, text] of inputs) expectFastPathAgrees(text, label);
    // The usual shapes must take the fast path.
    for (const label of ['CRLF', 'odd documents', 'unicode', 'Flux substitution', 'nesting a little deep', '100,000 keys', 'a key of 900 characters', 'a value of 100,000 characters']) {
      expect(fastParse(inputs.find(([l]) => l === label)![1]), label).toBeDefined();
    }
  });

  it('resolves plain scalars as the YAML 1.2 core schema of the full parse does', () => {
    const scalars = [
      '0', '007', '-0', '+12', '0o17', '0o8', '0x1F', '0X1F', '0xg', '1_000', '1e3', '1E-3', '-1.5e+3', '.5', '+.5', '1.', '0.', '-.0',
      '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '+.nan', '1e400', '-1e400', '9'.repeat(400), '12345678901234567890', '0x' + 'f'.repeat(300), '0b101',
      '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'yes', 'no', 'on', 'off', 'Y', 'n',
      '2001-12-14', '2001-12-14t21:59:43.10-05:00', '12:30:45', '1:20', '=', '<<', '.', '..', '+', 'e3', '1e', '1.2.3',
    ];
    for (const s of scalars) {
      // As a value, every one takes the fast path; in a flow sequence and as a key, it agrees or declines.
      expect(expectFastPathAgrees(`v: ${s}\n`, s), s).toBe(true);
      expectFastPathAgrees(`l: [${s}]\n`, s);
      expectFastPathAgrees(`${s}: k\n`, s);
    }
    expect(fastParse('v: -0')!.docs[0].value).toEqual({ v: -0 });
    expect(Object.is((fastParse('v: -0')!.docs[0].value as { v: number }).v, -0)).toBe(true);
  });

  it('gives the same documents as the full parse for every way a file can start and end documents', () => {
    for (const text of ['a: 1\n', 'a: 1', '---\na: 1\n', '--- \na: 1\n', 'a: 1\n---\n', 'a: 1\n---\nb: 2\n', '---\n---\na: 1\n', '# c\n---\na: 1\n# end\n', '--- |\n  text\n', '--- >-\n  folded\n  text\n\n', '--- # c\na: 1\n']) {
      expect(expectFastPathAgrees(text), text).toBe(true);
      expect(fastParse(text)!.docs.length, text).toBe(parseYamlFile('x.yaml', text).docs.length);
    }
    // After `...`, `yaml` counts an empty document where js-yaml counts none; and js-yaml takes an indented `---`
    // at the start of a file for a marker. Both decline.
    for (const text of ['a: 1\n...\n', 'a\n...\n...\n', '...\n---\na\n', '  --- 0\n', '  --- 0\n---\nb: 1\n']) {
      expect(fastParseDeclines(text), text).toMatch(/document end marker|marker out of place/);
      expectFastPathAgrees(text);
    }
  });

  it('declines where the two parsers were seen to read the same valid text differently', () => {
    const cases: [string, RegExp][] = [
      // js-yaml keeps the spaces past the indentation of a line of only spaces; `yaml` drops them.
      ['|1\n  \n', /an indentation indicator|a line of spaces in a block scalar/],
      ['a: |\n  x\n     \n  y\n', /a line of spaces in a block scalar/],
      // An indentation indicator on a top-level scalar: ' !\n' to js-yaml, '!\n' to `yaml`.
      ['|1\n !\n', /an indentation indicator/],
      ['a: >2-\n   x\n', /an indentation indicator/],
      ['...\n', /document end marker/],
      ['  --- 0\n', /marker out of place/],
    ];
    for (const [text, reason] of cases) {
      expect(fastParseDeclines(text), text).toMatch(reason);
      expectFastPathAgrees(text);
    }
    // Block scalars without either take the fast path, chomping and all.
    for (const text of ['a: |\n  x\n\n  y\n', 'a: |-\n  x\n', 'a: |+\n  x\n\n', 'a: >\n  x\n  y\n\n  z\n', 'a: >-\n  x\n\n']) {
      expect(expectFastPathAgrees(text), text).toBe(true);
    }
  });

  it('keys parse cache entries by the parser as well as the bytes: an entry made for the bytes alone is never read', () => {
    const repo = fixtureCopy();
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-fast-parse-'));
    const file = 'flux-apps/vault/namespace.yaml';
    const text = read(path.join(repo, file));
    // A cached parse that says the document is broken, so reading it shows up as a finding.
    const planted = serialize({ docs: [{ value: undefined, problems: [{ code: 'PLANTED', message: 'planted by the test', start: 0, end: 1 }] }] });
    const plant = (key: string) => {
      const c = ParseCache.open(cache, [repo, CLUSTER].join('\0'));
      c.set(key, planted);
      c.save();
    };
    plant(createHash('sha256').update(text).digest('base64'));
    expect(lintTree(repo, { cache }).diagnostics).toEqual([]);
    // The same entry under the key this parser uses is read (so the cache is consulted, and the test can fail).
    plant(ParseCache.key(text));
    expect(lintTree(repo, { cache }).diagnostics.map((d) => [d.ruleId, d.file, d.message])).toEqual([['yaml-syntax', file, 'YAML syntax error: planted by the test']]);
  });
});
