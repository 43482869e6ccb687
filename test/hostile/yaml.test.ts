import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/index.js';
import { parseInline } from '../../src/load/parse/yaml-file.js';
import { CLUSTER, fixtureCopy, lineOf, lintRule, lintTree, replaceOnce } from '../helpers.js';
import { invariantViolations } from '../fuzz/invariants.js';

const base = 'flux-apps/vault/kustomization.yaml';
const addResource = (name: string) => replaceOnce('  - release.yaml', `  - release.yaml\n  - ${name}`);
const configMap = (name: string, rest = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${rest}`;

/** Lints, checks what must hold for any input, and returns the findings. */
function lintHostile(repo: string) {
  const result = lintTree(repo);
  expect(invariantViolations(repo, result.diagnostics)).toEqual([]);
  return result;
}

const only = (repo: string, ruleId: string) => lintHostile(repo).diagnostics.filter((d) => d.ruleId === ruleId);

describe('hostile YAML never crashes the linter', () => {
  it('reports a syntax error wherever it is: a base, a kustomization, apps.yaml, the bootstrap, the last byte', () => {
    const cases: [string, (s: string) => string, string][] = [
      ['flux-apps/vault/release.yaml', replaceOnce('  interval: 30m', '  interval: [30m'), '[30m'],
      [base, replaceOnce('resources:', 'resources: {'), 'resources: {'],
      [`${CLUSTER}/apps/apps.yaml`, replaceOnce('  name: dremio', '  name: "dremio'), '"dremio'],
      [`${CLUSTER}/flux-system/gotk-sync.yaml`, (s) => `${s.trimEnd()}\n  broken: [`, 'broken: ['],
      [`${CLUSTER}/cluster.yaml`, (s) => `${s.trimEnd()}\n  "unterminated`, '"unterminated'],
    ];
    for (const [file, mutate, needle] of cases) {
      const repo = fixtureCopy({ [file]: mutate });
      const found = only(repo, 'yaml-syntax');
      expect(found.length, file).toBeGreaterThan(0);
      expect(found[0], file).toMatchObject({ file, severity: 'error', message: expect.stringMatching(/^YAML syntax error: /) });
      expect(found[0].line, file).toBeGreaterThanOrEqual(lineOf(repo, file, needle));
    }
  });

  it('reports tab indentation', () => {
    const repo = fixtureCopy({ [base]: replaceOnce('  - namespace.yaml', '\t- namespace.yaml') });
    expect(only(repo, 'yaml-syntax')).toEqual([expect.objectContaining({ file: base, line: lineOf(repo, base, '\t-'), column: 1 })]);
  });

  it('reports every duplicate key, in block and flow maps, and finds one in a 100,000-key map without slowing down', () => {
    const big = configMap('big', `data:\n${Array.from({ length: 100_000 }, (_, i) => `  k${i}: v`).join('\n')}\n  k5: again\n`);
    const repo = fixtureCopy({
      [base]: addResource('dups.yaml\n  - big.yaml'),
      'flux-apps/vault/dups.yaml': configMap('dups', 'data: {a: "1", b: "2", a: "3"}\nimmutable: true\nimmutable: false\n'),
      'flux-apps/vault/big.yaml': big,
    });
    const found = only(repo, 'yaml-duplicate-key').map((d) => [d.file, d.line, d.message]);
    expect(found).toEqual([
      ['flux-apps/vault/big.yaml', lineOf(repo, 'flux-apps/vault/big.yaml', 'k5: again'), "duplicate key 'k5' (first at line 11); only one of the two values would be used"],
      ['flux-apps/vault/dups.yaml', 5, "duplicate key 'a' (first at line 5); only one of the two values would be used"],
      ['flux-apps/vault/dups.yaml', 7, "duplicate key 'immutable' (first at line 6); only one of the two values would be used"],
    ]);
  });

  it('reads anchors and aliases', () => {
    const repo = fixtureCopy({
      [base]: addResource('anchors.yaml'),
      'flux-apps/vault/anchors.yaml': configMap('anchored', 'data: &shared\n  mode: ha\n  size: 10Gi\n---\n') + configMap('aliased', 'data: *shared\n').replace('data: *shared', 'data:\n  copy: from-alias'),
    });
    expect(lintHostile(repo).diagnostics).toEqual([]);
    const cms = lintTree(repo).model.clusters[0].objects.filter((o) => o.name === 'anchored');
    expect(cms[0].value.data).toEqual({ mode: 'ha', size: '10Gi' });
  });

  it('reports an alias bomb ("billion laughs") instead of expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const file = 'flux-apps/vault/bomb.yaml';
    const repo = fixtureCopy({ [base]: addResource('bomb.yaml'), [file]: configMap('bomb', `data:\n  ${levels.join('\n  ')}\n`) });
    expect(only(repo, 'yaml-syntax')).toEqual([expect.objectContaining({ file, line: 1, message: 'YAML aliases expand too far (an alias bomb?)' })]);
    expect(LIMITS.MAX_ALIAS_COUNT).toBe(1000);
  });

  it('reports 10,000-deep nesting at the first level past the limit, and still checks the other documents', () => {
    const file = 'flux-apps/vault/deep.yaml';
    const flowSeq = configMap('flow-seq', `binaryData:\n  x: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
    const flowMap = configMap('flow-map', `x: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`);
    const blockSeq = configMap('block-seq', `x:\n${'- '.repeat(10_000)}1\n`);
    const bad = configMap('', 'data: {}\n');
    const repo = fixtureCopy({ [base]: addResource('deep.yaml'), [file]: [flowSeq, flowMap, blockSeq, bad].join('---\n') });
    const text = fs.readFileSync(path.join(repo, file), 'utf8');
    const lineAt = (needle: string) => lineOf(repo, file, needle);
    const col = (needle: string, offset: number) => text.split('\n')[lineAt(needle) - 1].indexOf(needle) + 1 + offset;
    const depth = `YAML nests deeper than ${LIMITS.MAX_YAML_DEPTH} levels, the linter's limit; the document is not checked`;
    expect(only(repo, 'yaml-syntax').map((d) => [d.line, d.column, d.message])).toEqual([
      // binaryData (1) > x (2) > [ (3) ...: the collection at depth MAX+1 is the (MAX-1)th '['.
      [lineAt('  x: [['), col('[[', LIMITS.MAX_YAML_DEPTH - 2), depth],
      [lineAt('x: {a:'), col('{a:', (LIMITS.MAX_YAML_DEPTH - 1) * 4), depth],
      [lineAt('- - -'), col('- - -', (LIMITS.MAX_YAML_DEPTH - 1) * 2), depth],
    ]);
    // The fourth document is still read and checked.
    expect(only(repo, 'manifest-shape')).toEqual([expect.objectContaining({ file, line: lineOf(repo, file, 'metadata:', 4) })]);
  });

  it('accepts nesting exactly at the limit, through every later step (patches, substitution, schema)', () => {
    const nest = (n: number) => `${'{a: '.repeat(n)}1${'}'.repeat(n)}`;
    // The HelmRelease (1) > spec (2) > values (3), then n maps: the deepest collection is at depth 3 + n.
    const n = LIMITS.MAX_YAML_DEPTH - 3;
    const release = 'flux-apps/vault/release.yaml';
    const ok = fixtureCopy({ [release]: replaceOnce('  values:\n', `  values:\n    deep: ${nest(n)}\n`) });
    expect(lintHostile(ok).diagnostics).toEqual([]);
    const over = fixtureCopy({ [release]: replaceOnce('  values:\n', `  values:\n    deep: ${nest(n + 1)}\n`) });
    expect(only(over, 'yaml-syntax')).toEqual([expect.objectContaining({ file: release, line: lineOf(over, release, 'deep: {') })]);
  });

  it('reports a 50 MB file without reading it', () => {
    const file = 'flux-apps/vault/huge.yaml';
    const repo = fixtureCopy({ [base]: addResource('huge.yaml') });
    fs.writeFileSync(path.join(repo, file), configMap('huge', `data:\n  blob: "${'x'.repeat(50 * 1024 * 1024)}"\n`));
    expect(only(repo, 'file-unreadable')).toEqual([
      expect.objectContaining({ file, line: 1, column: 1, message: `${file} is 50.0 MiB, over the ${LIMITS.MAX_FILE_BYTES / 1048576} MiB limit; it was not parsed` }),
    ]);
    fs.rmSync(repo, { recursive: true, force: true });
  });

  it('reports binary and non-UTF-8 files named .yaml, even as the kustomization itself', () => {
    const repo = fixtureCopy({ [base]: addResource('utf16.yaml') });
    fs.writeFileSync(path.join(repo, 'flux-apps/vault/utf16.yaml'), Buffer.from('\ufeffkind: ConfigMap\n', 'utf16le'));
    fs.writeFileSync(path.join(repo, 'flux-apps/airflow/kustomization.yaml'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]));
    expect(only(repo, 'file-unreadable').map((d) => d.message)).toEqual([
      'flux-apps/airflow/kustomization.yaml is a binary file, not YAML',
      'flux-apps/vault/utf16.yaml is a binary file, not YAML',
    ]);
  });

  it('reads a UTF-8 BOM and CRLF line ends, and positions findings in them exactly', () => {
    const wrapper = `${CLUSTER}/apps/vault/kustomization.yaml`;
    const crlf = (s: string) => s.replace(/\n/g, '\r\n');
    const clean = fixtureCopy({ [base]: (s) => `\ufeff${crlf(s)}`, [`${CLUSTER}/apps/apps.yaml`]: crlf, 'flux-apps/vault/release.yaml': (s) => `\ufeff${s}` });
    expect(lintHostile(clean).diagnostics).toEqual([]);
    const typo = fixtureCopy({ [wrapper]: (s) => `\ufeff${crlf(s.replace('flux-apps/vault', 'flux-apps/vautl'))}` });
    expect(only(typo, 'path-not-found')).toEqual([
      expect.objectContaining({ file: wrapper, line: lineOf(typo, wrapper, 'vautl'), column: 5, endLine: lineOf(typo, wrapper, 'vautl'), endColumn: 5 + '../../../../flux-apps/vautl'.length }),
    ]);
  });

  it('takes empty files, "---" only and comment-only files as resources without a finding', () => {
    const repo = fixtureCopy({
      [base]: addResource('empty.yaml\n  - dashes.yaml\n  - comments.yaml'),
      'flux-apps/vault/empty.yaml': '',
      'flux-apps/vault/dashes.yaml': '---\n',
      'flux-apps/vault/comments.yaml': '# nothing here yet\n---\n# nor here\n',
    });
    expect(lintHostile(repo).diagnostics).toEqual([]);
  });

  it('reports documents that are scalars or lists, each at its own line', () => {
    const file = 'flux-apps/vault/odd.yaml';
    const repo = fixtureCopy({ [base]: addResource('odd.yaml'), [file]: 'just a string\n---\n- a\n- list\n---\n42\n---\n' + configMap('fine') });
    expect(only(repo, 'manifest-shape').map((d) => [d.line, d.message])).toEqual([
      [1, 'document 1 is a string, not a Kubernetes object'],
      [3, 'document 2 is a list, not a Kubernetes object'],
      [6, 'document 3 is a number, not a Kubernetes object'],
    ]);
    expect(lintTree(repo).model.clusters[0].objects.some((o) => o.name === 'fine')).toBe(true);
  });

  it('builds none of the documents of a file with one broken document, and reports the error once, where it is', () => {
    const file = 'flux-apps/vault/multi.yaml';
    const repo = fixtureCopy({
      [base]: addResource('multi.yaml'),
      [file]: [configMap('first'), configMap('broken', 'data: [unclosed\n'), configMap('', 'data: {}\n')].join('---\n'),
    });
    const { diagnostics, model } = lintHostile(repo);
    expect(diagnostics.filter((d) => d.ruleId === 'yaml-syntax')).toEqual([expect.objectContaining({ file, line: lineOf(repo, file, '[unclosed') })]);
    // kustomize reads the file as one stream: the first ConfigMap is not applied either, and the third is not checked.
    expect(diagnostics.filter((d) => d.ruleId === 'manifest-shape')).toEqual([]);
    expect(model.clusters[0].objects.some((o) => o.name === 'first')).toBe(false);
  });

  it('reports Biohazard\'s undefined alias *pvc in each of its two documents, and builds neither', () => {
    const file = 'flux-apps/vault/vm.yaml';
    const doc = (name: string) => configMap(name, 'data:\n  size: &size "55Gi"\n  again: *size\n  claim: *pvc\n');
    const repo = fixtureCopy({ [base]: addResource('vm.yaml'), [file]: [doc('jj'), doc('jj2')].join('---\n') });
    const { diagnostics, model } = lintHostile(repo);
    expect(diagnostics.filter((d) => d.ruleId === 'yaml-syntax').map((d) => [d.line, d.column, d.message])).toEqual([
      [lineOf(repo, file, 'claim: *pvc'), 10, 'YAML syntax error: undefined alias *pvc: no anchor &pvc before it in this document'],
      [lineOf(repo, file, 'claim: *pvc', 2), 10, 'YAML syntax error: undefined alias *pvc: no anchor &pvc before it in this document'],
    ]);
    expect(model.clusters[0].objects.some((o) => o.name === 'jj' || o.name === 'jj2')).toBe(false);
  });

  it('reports the schema errors of a document that also has a duplicate key', () => {
    const file = 'flux-apps/vault/namespace.yaml';
    const repo = fixtureCopy({ [file]: (s) => `${s}  labels:\n    a: b\n    a: c\nspec:\n  finalizers: notalist\n` });
    const { diagnostics } = lintHostile(repo);
    expect(diagnostics.filter((d) => d.file === file).map((d) => d.ruleId).sort()).toEqual(['schema', 'yaml-duplicate-key']);
  });

  it('bounds an inline patch string as it bounds a file: too deep or too many tokens is refused before the parser runs', () => {
    expect(() => parseInline(`${'['.repeat(2_000)}${']'.repeat(2_000)}`)).toThrow(`YAML nests deeper than ${LIMITS.MAX_YAML_DEPTH} levels`);
    expect(() => parseInline('- a\n'.repeat(400_000))).toThrow(/MAX_YAML_TOKENS|too large/);
    expect(parseInline('- op: add\n  path: /a\n  value: 1\n')).toEqual([{ op: 'add', path: '/a', value: 1 }]);
  });

  it('prints nothing on stderr for odd YAML (collection keys, unknown tags)', () => {
    const repo = fixtureCopy({ [base]: addResource('odd.yaml'), 'flux-apps/vault/odd.yaml': configMap('odd', 'data:\n  ? [a, b]\n  : c\n  t: !custom x\n') });
    const writes: string[] = [];
    const orig = process.emitWarning;
    process.emitWarning = ((w: string | Error) => void writes.push(String(w))) as typeof process.emitWarning;
    try {
      lintHostile(repo);
    } finally {
      process.emitWarning = orig;
    }
    expect(writes).toEqual([]);
  });
});
