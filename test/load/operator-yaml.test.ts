import { describe, expect, it } from 'vitest';
import { goYamlKeyCompare, goYamlMarshal, readYamlDocuments, resolvesAsString } from '../../src/load/operator-yaml.js';

// The text the Flux Operator templates for a `spec.resources` item is sigs.k8s.io/yaml.JSONToYAML of the item
// (go-yaml v2). The expected texts below follow go-yaml v2's encoder; the first is the operator's own golden
// file (internal/builder/testdata/resourceset/nestedinputs.golden.yaml) for the same object.
describe('go-yaml v2 as the operator writes a resources item', () => {
  it('sorts keys, indents maps by two and writes sequences in a mapping without indent', () => {
    const text = goYamlMarshal({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'configmap1' },
      data: { k2: 'v2', k1: 'v1' },
      list: [{ b: 1, a: [1, 2] }, [3, 4], 'x'],
      empty: { m: {}, l: [] },
    }).text;
    expect(text).toBe(
      [
        'apiVersion: v1',
        'data:',
        '  k1: v1',
        '  k2: v2',
        'empty:',
        '  l: []',
        '  m: {}',
        'kind: ConfigMap',
        'list:',
        '- a:',
        '  - 1',
        '  - 2',
        '  b: 1',
        '- - 3',
        '  - 4',
        '- x',
        'metadata:',
        '  name: configmap1',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['plain', 'plain'],
    ['<< inputs.x | quote >>', '<< inputs.x | quote >>'],
    ['name-<< inputs.id >>', 'name-<< inputs.id >>'],
    // Indicators at the start force quotes (the operator golden files show `semver: '>=1.0.0-rc.0'` and `'*'`).
    ['>=1.0.0-rc.0', "'>=1.0.0-rc.0'"],
    ['*', "'*'"],
    ['{{ .TOKEN }}', "'{{ .TOKEN }}'"],
    ["it's: x", "'it''s: x'"],
    // Strings that would read back as another type are double-quoted (YAML 1.1: yes, on, 0755, timestamps).
    ['', '""'],
    ['yes', '"yes"'],
    ['on', '"on"'],
    ['y', '"y"'],
    ['123', '"123"'],
    ['0755', '"0755"'],
    ['1e3', '"1e3"'],
    ['2001-12-14', '"2001-12-14"'],
    ['1:20', '"1:20"'],
    ['null', '"null"'],
    ['tab\there', '"tab\\there"'],
    ['trailing ', "'trailing '"],
    ['a\nb', '|-\n  a\n  b'],
    ['a\nb\n', '|\n  a\n  b'],
    [' lead\nx', '|2-\n   lead\n  x'],
    ['trail \nx', '"trail \\nx"'],
  ])('writes %j as %s', (value, want) => {
    expect(goYamlMarshal({ k: value }).text).toBe(`k: ${want}\n`);
  });

  it('writes numbers the way go-yaml reads JSON numbers back', () => {
    expect(goYamlMarshal({ a: 1, b: 0.5, c: 1234567.5, d: -3, e: 1e-7 }).text).toBe('a: 1\nb: 0.5\nc: 1.2345675e+06\nd: -3\ne: 1e-07\n');
  });

  it('quotes keys that are not plain strings and sorts digit runs as numbers', () => {
    expect(goYamlMarshal({ n: 1, 'a b': 2, k10: 3, k2: 4 }).text).toBe('a b: 2\nk2: 4\nk10: 3\n"n": 1\n');
    expect(['b', 'a10', 'a9', '_x', 'A'].sort(goYamlKeyCompare)).toEqual(['_x', 'A', 'a9', 'a10', 'b']);
  });

  it('records where each string scalar was written', () => {
    const e = goYamlMarshal({ metadata: { name: 'x-<< inputs.a >>' }, spec: { list: ['<< inputs.b >>'] } }, true);
    const at = (s: string) => e.spans.find((x) => e.text.slice(x.start, x.end) === s);
    expect(at('x-<< inputs.a >>')).toMatchObject({ path: ['metadata', 'name'], key: false });
    expect(at('<< inputs.b >>')).toMatchObject({ path: ['spec', 'list', 0], key: false });
    expect(at('metadata')).toMatchObject({ path: ['metadata'], key: true });
  });

  it('knows which plain scalars read back as strings', () => {
    expect(['foo', 'v1.2', '1.2.3', '-', 'x:y', 'Yes please'].every(resolvesAsString)).toBe(true);
    expect(['true', 'No', '~', '-1', '+5', '0x1F', '.5', '.inf', '1_000', '<<'].some(resolvesAsString)).toBe(false);
  });
});

describe("reading rendered YAML as the operator's decoder does", () => {
  it('reads YAML 1.1 scalars like go-yaml v2 and keeps timestamps and sexagesimals as strings', () => {
    const { docs, error } = readYamlDocuments('a: yes\nb: off\nc: 0755\nd: 2001-12-14\ne: 1:20\nf: "1"\ng: ~\nh: 1e3\n');
    expect(error).toBeUndefined();
    expect(docs.map((d) => d.value)).toEqual([{ a: true, b: false, c: 493, d: '2001-12-14', e: '1:20', f: '1', g: null, h: 1000 }]);
  });

  it('splits documents at --- lines, keeps empty ones (the operator drops them) and rejects junk after ---', () => {
    const ok = readYamlDocuments('\n---\n# only a comment\n---\nkind: A\n--- # comment\nkind: B\n');
    expect(ok.error).toBeUndefined();
    expect(ok.docs.map((d) => d.value)).toEqual([null, null, { kind: 'A' }, { kind: 'B' }]);
    const bad = readYamlDocuments('kind: A\n--- kind: B\n');
    expect(bad.error).toEqual({ message: 'invalid Yaml document separator: kind: B', offset: 8 });
  });

  it('reports a YAML error at its offset', () => {
    const text = 'kind: A\nmetadata:\n  name: x\n   bad: indent\n';
    const { error } = readYamlDocuments(text);
    expect(error?.message).toMatch(/^error converting YAML to JSON: /);
    // The parser stops at the mapping the over-indented key would nest into (line 3).
    expect(text.slice(0, error!.offset).split('\n').length).toBe(3);
  });
});
