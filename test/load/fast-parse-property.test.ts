import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, sharedDir } from '../helpers.js';
import { fastParse } from '../../src/load/parse/fast-parse.js';
import { expectFastPathAgrees } from './fast-parse-equivalence.js';

/**
 * Property: on generated YAML, valid or broken, the fast path either declines or gives exactly what the full
 * parse gives (same documents, same values, and the full parse finds no problem). The YAML is built from the
 * scalars parsers disagree on, in every style, in block and flow collections, with comments, document markers
 * and CRLF, and then some of it is damaged a few characters at a time, where a lax parser would accept what
 * `yaml` reports. LINT_GITOPS_FUZZ_RUNS / LINT_GITOPS_FUZZ_SEED run it longer or elsewhere, e.g.
 *   LINT_GITOPS_FUZZ_RUNS=20000 npx vitest run test/load/fast-parse-property.test.ts
 */
const RUNS = Number(process.env.LINT_GITOPS_FUZZ_RUNS ?? 20) * 100;
const SEED = Number(process.env.LINT_GITOPS_FUZZ_SEED ?? 20251125);

const PLAIN = [
  // numbers
  '0', '007', '-0', '+0', '+12', '-12', '0o17', '0o8', '0x1F', '0xff', '0X1F', '0xg', '1_000', '1e3', '1E-3', '-1.5e+3', '.5', '+.5', '-.5', '1.',
  '0.', '-.0', '00.10', '1.50', '6.02e23', '1e400', '-1e400', '99999999999999999999999', '0x' + 'f'.repeat(40), '0b101', '1__0', '1,000', '0.0.1',
  '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '+.nan', '-.nan', 'inf', 'nan', 'Infinity',
  // null, booleans (1.2 and 1.1)
  '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'yes', 'Yes', 'no', 'NO', 'on', 'On', 'off', 'y', 'N',
  // dates and times (strings in 1.2)
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '12:30:45', '1:20', '190:20:30',
  // words and odd characters
  'a', 'a b', 'a:b', 'a#b', 'a  #b', 'http://x.y/z?a=b#c', 'a,b', '=', '<<', '.', '..', '...x', '-a', '--', '+', 'e3', '1e', '1.2.3', '$', '${VAR}',
  '${VAR:=default}', 'ümlaut', '日本語', '😀', 'a\u2028b', 'a\u0085b', 'é', "it's", 'say "hi"', 'a\\b', '@at', '`tick', '%pct', '!bang', '&amp',
  '*star', '|pipe', '>gt', '?q', ':colon', 'a:', 'x'.repeat(200),
];
const STRINGS = [...PLAIN, '', ' lead', 'trail ', 'a\nb', 'a\n\nb', '\n', 'tab\there', 'a\\nb', 'quote\'s', 'dq"s', '# not a comment', '- not a seq', 'k: v', '[x]', '{y}', ', x'];
const KEYS = ['a', 'b', 'c', 'd', 'name', 'kind', 'spec', 'data', 'a b', 'a-b', 'a.b/c', '1', '0x1', '1.0', 'true', 'null', '~', '', 'on', '<<', '__proto__', 'constructor', 'toString', 'k'.repeat(400), 'k'.repeat(1030), 'ключ', '😀', 'a:b', '-', '?'];

type Node = { s: string; style: 'plain' | 'single' | 'double' | 'literal' | 'folded' | 'multiline' } | { seq: Node[]; flow: boolean } | { map: [string, 'plain' | 'single' | 'double', Node][]; flow: boolean };

const scalar: fc.Arbitrary<Node> = fc.oneof(
  fc.record({ s: fc.constantFrom(...PLAIN), style: fc.constant('plain' as const) }),
  fc.record({ s: fc.constantFrom(...STRINGS), style: fc.constantFrom('single', 'double', 'literal', 'folded', 'multiline' as const) }),
  fc.record({ s: fc.string({ unit: 'grapheme', maxLength: 12 }), style: fc.constantFrom('plain', 'single', 'double', 'literal' as const) }),
);
const { node } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.record({ seq: fc.array(tie('node'), { maxLength: 4 }), flow: fc.boolean() }),
    fc.record({ map: fc.array(fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom('plain', 'single', 'double' as const), tie('node')), { maxLength: 4 }), flow: fc.boolean() }),
  ),
}));

const DQ_ESCAPES: Record<string, string> = { '\n': '\\n', '\t': '\\t', '"': '\\"', '\\': '\\\\', '\u2028': '\\L', '\u0085': '\\N', '\0': '\\0' };
const single = (s: string) => `'${s.replace(/'/g, "''")}'`;
const double = (s: string, odd: boolean) =>
  `"${[...s].map((c) => DQ_ESCAPES[c] ?? (odd && c === 'a' ? '\\x61' : odd && c === ' ' ? '\\_' : odd && c === 'é' ? '\\u00e9' : c)).join('')}"`;

interface Style {
  indent: number;
  odd: boolean;
  chomp: '' | '-' | '+';
  indicator: boolean;
  comments: boolean;
  compactSeq: boolean;
}

function key(k: string, style: 'plain' | 'single' | 'double', st: Style): string {
  return style === 'plain' ? k : style === 'single' ? single(k) : double(k, st.odd);
}

function flowNode(n: Node, st: Style): string {
  if ('s' in n) return n.style === 'single' ? single(n.s) : n.style === 'double' || n.style === 'literal' || n.style === 'folded' ? double(n.s, st.odd) : n.s.split('\n')[0];
  if ('seq' in n) return `[${n.seq.map((c) => flowNode(c, st)).join(st.odd ? ',' : ', ')}]`;
  return `{${n.map.map(([k, ks, v]) => `${key(k, ks, st)}: ${flowNode(v, st)}`).join(', ')}}`;
}

/** Renders a node as the value after `key:` or `-` at indentation `ind`: either inline text or a newline and a block. */
function blockValue(n: Node, ind: number, st: Style): string {
  const pad = ' '.repeat(ind + st.indent);
  if ('s' in n) {
    switch (n.style) {
      case 'plain':
        return ` ${n.s}`;
      case 'single':
        return ` ${single(n.s)}`;
      case 'double':
        return ` ${double(n.s, st.odd)}`;
      case 'multiline':
        return ` ${n.s.replace(/\n/g, `\n${pad}`).replace(/^(\S+) (\S)/, `$1\n${pad}$2`)}`;
      default: {
        const head = `${n.style === 'literal' ? '|' : '>'}${st.indicator ? st.indent : ''}${st.chomp}`;
        const body = n.s.split('\n').map((l) => (l === '' ? '' : pad + l));
        return ` ${head}\n${body.join('\n')}`;
      }
    }
  }
  if (('seq' in n ? n.seq.length : n.map.length) === 0 || n.flow) return ` ${flowNode(n, st)}`;
  if ('seq' in n) {
    const seqInd = st.compactSeq ? ind : ind + st.indent;
    return `\n${blockBody(n, seqInd, st)}`;
  }
  return `\n${blockBody(n, ind + st.indent, st)}`;
}

function blockBody(n: Node, ind: number, st: Style): string {
  const pad = ' '.repeat(ind);
  const comment = st.comments ? ' # note' : '';
  if ('seq' in n) return n.seq.map((c) => `${pad}-${blockValue(c, ind, st)}${'s' in c && c.style !== 'literal' && c.style !== 'folded' ? comment : ''}`).join('\n');
  if ('map' in n) return n.map.map(([k, ks, v]) => `${pad}${key(k, ks, st)}:${blockValue(v, ind, st)}`).join('\n');
  return `${pad}${blockValue(n, ind, st).trimStart()}`;
}

const style: fc.Arbitrary<Style> = fc.record({
  indent: fc.integer({ min: 1, max: 4 }),
  odd: fc.boolean(),
  chomp: fc.constantFrom('', '-', '+' as const),
  indicator: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  comments: fc.boolean(),
  compactSeq: fc.boolean(),
});

const doc = fc.record({
  root: node,
  style,
  start: fc.constantFrom('', '---\n', '--- ', '---\n# c\n', '# head\n'),
  end: fc.oneof({ arbitrary: fc.constantFrom('', '\n', '\n\n# tail\n', '\n  \n'), weight: 9 }, { arbitrary: fc.constant('\n...\n'), weight: 1 }),
});

const EDIT_CHARS = [':', '-', '#', "'", '"', '[', ']', '{', '}', ',', '\n', ' ', '  ', '\t', '|', '>', '&a', '*a', '!', '%', '?', '@', '\\', '---', '...', '\r', '\r\n', 'é'];
const edit = fc.record({ at: fc.nat(), del: fc.nat({ max: 3 }), ins: fc.constantFrom(...EDIT_CHARS, '') });

const file = fc.record({
  docs: fc.array(doc, { minLength: 1, maxLength: 3 }),
  crlf: fc.boolean(),
  edits: fc.oneof(fc.constant([]), fc.array(edit, { minLength: 1, maxLength: 3 })),
});

function render(f: { docs: { root: Node; style: Style; start: string; end: string }[]; crlf: boolean; edits: { at: number; del: number; ins: string }[] }): string {
  let text = f.docs
    .map((d, i) => {
      const body = 's' in d.root || d.root.flow ? blockValue(d.root, 0, d.style).replace(/^ /, '') : blockBody(d.root, 0, d.style);
      const start = i > 0 && !d.start.startsWith('---') ? '---\n' + d.start : d.start;
      return start + body + d.end;
    })
    .join('\n');
  for (const e of f.edits) {
    const at = text.length === 0 ? 0 : e.at % (text.length + 1);
    text = text.slice(0, at) + e.ins + text.slice(at + e.del);
  }
  return f.crlf ? text.replace(/\r?\n/g, '\r\n') : text;
}

describe('the fast parse path on generated YAML', () => {
  it('declines or agrees exactly with the full parse, and often takes the fast path on undamaged files', () => {
    let fast = 0;
    let clean = 0;
    let cleanFast = 0;
    fc.assert(
      fc.property(file, (f) => {
        const text = render(f);
        const took = expectFastPathAgrees(text);
        if (took) fast++;
        if (f.edits.length === 0) {
          clean++;
          if (took) cleanFast++;
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    console.info(`generated: ${RUNS} files, ${fast} took the fast path; undamaged: ${cleanFast} of ${clean}`);
    // The generator must reach the fast path often, or the property would hold by declining everything.
    expect(cleanFast).toBeGreaterThan(clean * 0.2);
  });

  it('renders a typical document the way a person writes it, and that takes the fast path', () => {
    const text = render({
      docs: [
        {
          root: { map: [['kind', 'plain', { s: 'ConfigMap', style: 'plain' }], ['data', 'plain', { map: [['a', 'double', { s: '1', style: 'double' }], ['b', 'plain', { s: 'x\ny\n', style: 'literal' }]], flow: false }]], flow: false },
          style: { indent: 2, odd: false, chomp: '', indicator: false, comments: false, compactSeq: false },
          start: '---\n',
          end: '\n',
        },
      ],
      crlf: false,
      edits: [],
    });
    expect(text).toBe('---\nkind: ConfigMap\ndata:\n  "a": "1"\n  b: |\n    x\n    y\n\n');
    expect(fastParse(text)?.docs.map((d) => d.value)).toEqual([{ kind: 'ConfigMap', data: { a: '1', b: 'x\ny\n' } }]);
  });

  it('declines or agrees exactly with the full parse on real manifests damaged a line or a few characters at a time', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      if (!fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (/\.ya?ml$/.test(e.name)) files.push(fs.readFileSync(path.join(d, e.name), 'utf8').replace(/^\ufeff/, ''));
      }
    };
    walk(FIXTURES);
    const corpora = sharedDir('corpora', 'the public corpora in the damaged-manifest property (the fixture alone is used)');
    if (corpora) walk(corpora);
    const lineEdit = fc.record({
      line: fc.nat(),
      op: fc.constantFrom('delete', 'duplicate', 'indent', 'dedent', 'join', 'split', 'crlf'),
    });
    let fast = 0;
    fc.assert(
      fc.property(fc.constantFrom(...files), fc.array(fc.oneof(lineEdit, edit), { minLength: 1, maxLength: 3 }), (original, edits) => {
        let text = original;
        for (const e of edits) {
          if ('op' in e) {
            const lines = text.split('\n');
            const i = e.line % lines.length;
            if (e.op === 'delete') lines.splice(i, 1);
            else if (e.op === 'duplicate') lines.splice(i, 0, lines[i]);
            else if (e.op === 'indent') lines[i] = ` ${lines[i]}`;
            else if (e.op === 'dedent') lines[i] = lines[i].replace(/^ /, '');
            else if (e.op === 'join' && i + 1 < lines.length) lines.splice(i, 2, `${lines[i]} ${lines[i + 1].trimStart()}`);
            else if (e.op === 'split') lines.splice(i, 1, ...lines[i].replace(/: /, ':\n').split('\n'));
            else if (e.op === 'crlf') lines[i] += '\r';
            text = lines.join('\n');
          } else {
            const at = text.length === 0 ? 0 : e.at % (text.length + 1);
            text = text.slice(0, at) + e.ins + text.slice(at + e.del);
          }
        }
        if (expectFastPathAgrees(text)) fast++;
      }),
      { numRuns: RUNS / 4, seed: SEED },
    );
    console.info(`damaged manifests: ${RUNS / 4} files, ${fast} took the fast path`);
    expect(fast).toBeGreaterThan(RUNS / 40);
  });
});
