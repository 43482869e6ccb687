/**
 * The Flux Operator's ResourceSet templating, offline: Go text/template with `<<` `>>` delimiters,
 * `missingkey=error`, slim-sprig's hermetic functions, and the operator's `slugify`, `toYaml`, `mustToYaml` and
 * `inputs` (flux-operator internal/builder/resourceset.go newTemplate; https://fluxcd.control-plane.io/operator/resourceset/).
 *
 * Errors carry the offset in the template where Go would fail. Functions the operator defines but this module does
 * not implement (dates, URLs, ...) stop the rendering as `unsupported`, never as an error: an error here must mean
 * "the operator fails here too". Values follow Go's types closely enough for the checks Go makes: JSON numbers
 * from inputs are int64 (or float64 when not integral), `len`/`int`/constants are `int`, and functions reject the
 * wrong types as Go's reflection does.
 */
import { createHash } from 'node:crypto';
import { goFormatFloat, goYamlMarshal, setOwn } from './operator-yaml.js';

export type TemplateIssueKind = 'parse' | 'exec' | 'unsupported' | 'limit';

export interface TemplateIssue {
  kind: TemplateIssueKind;
  message: string;
  /** Offset in the template source where the problem is. */
  offset: number;
}

/** A stretch of output and where it came from: text copies its source one to one, an action points at its pipeline. */
export interface Segment {
  out: number;
  src: number;
  text: boolean;
}

export interface Rendered {
  text: string;
  segments: Segment[];
  /** Labels of placeholder values the rendering read (see markPlaceholder). */
  placeholdersRead: Set<string>;
}

const LEFT = '<<';
const RIGHT = '>>';

// ---------------------------------------------------------------------------------------------------------------
// Values

/** A Go `int` (what `len`, `int`, `atoi` and untyped integer constants give); plain integral numbers are int64. */
export class GoInt {
  constructor(readonly n: number) {}
}
/** A Go float64 whose value happens to be integral (non-integral numbers are always float64). */
export class GoFloat {
  constructor(readonly n: number) {}
}

const stringSlices = new WeakSet<object>();
const stringMaps = new WeakSet<object>();
const intSlices = new WeakSet<object>();

function strList(a: string[]): string[] {
  stringSlices.add(a);
  return a;
}

const placeholders = new WeakMap<object, Map<string, string>>();

/** Marks `obj[key]` as a value not known offline: reading it is recorded (the value itself is a stand-in). */
export function markPlaceholder(obj: object, key: string, label: string): void {
  let m = placeholders.get(obj);
  if (!m) placeholders.set(obj, (m = new Map()));
  m.set(key, label);
}

type GoKind = 'nil' | 'string' | 'bool' | 'int' | 'float' | 'map' | 'slice' | 'other';

function kindOf(v: unknown): GoKind {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof GoInt) return 'int';
  if (v instanceof GoFloat) return 'float';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  return 'other';
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof GoInt) return 'int';
  if (v instanceof GoFloat) return 'float64';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return stringSlices.has(v) ? '[]string' : intSlices.has(v) ? '[]int' : '[]interface {}';
  if (typeof v === 'object') return stringMaps.has(v) ? 'map[string]string' : 'map[string]interface {}';
  return typeof v;
}

function num(v: unknown): number {
  if (v instanceof GoInt || v instanceof GoFloat) return v.n;
  return v as number;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoInt) && !(v instanceof GoFloat);
}

/** text/template isTrue. */
function truth(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'nil':
      return false;
    case 'string':
      return (v as string).length > 0;
    case 'bool':
      return v as boolean;
    case 'int':
    case 'float':
      return num(v) !== 0;
    case 'slice':
      return (v as unknown[]).length > 0;
    case 'map':
      return Object.keys(v as object).length > 0;
    default:
      return true;
  }
}

/** sprig empty(). */
function empty(v: unknown): boolean {
  return !truth(v);
}

// ---------------------------------------------------------------------------------------------------------------
// fmt

/** fmt %v. */
export function fmtV(v: unknown, top = true): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v instanceof GoInt) return String(v.n);
  if (v instanceof GoFloat) return goFormatFloat(v.n, 'g');
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFormatFloat(v, 'g');
  if (Array.isArray(v)) return '[' + v.map((x) => fmtV(x, false)).join(' ') + ']';
  if (isMap(v)) {
    const keys = Object.keys(v).sort(byteCompare);
    return 'map[' + keys.map((k) => `${k}:${fmtV(v[k], false)}`).join(' ') + ']';
  }
  void top;
  return String(v);
}

function byteCompare(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

/** strconv.Quote. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c === 0xfffd && ch !== '\ufffd') out += '\\ufffd';
    else if (/[\p{L}\p{M}\p{N}\p{P}\p{S}\u0020]/u.test(ch)) out += ch;
    else if (c < 0x10000) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += '\\U' + c.toString(16).padStart(8, '0');
  }
  return out + '"';
}

/** fmt.Sprintf for the verbs templates use; like Go, a bad verb or argument is written into the output. */
export function goSprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch !== '%') {
      out += ch;
      continue;
    }
    i++;
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    let minus = false;
    let plus = false;
    let zero = false;
    let sharp = false;
    let space = false;
    for (; i < format.length; i++) {
      const f = format[i];
      if (f === '-') minus = true;
      else if (f === '+') plus = true;
      else if (f === '0') zero = true;
      else if (f === '#') sharp = true;
      else if (f === ' ') space = true;
      else break;
    }
    let width: number | undefined;
    let prec: number | undefined;
    const wm = /^\d+/.exec(format.slice(i));
    if (wm) {
      width = Number(wm[0]);
      i += wm[0].length;
    }
    if (format[i] === '.') {
      i++;
      const pm = /^\d*/.exec(format.slice(i))!;
      prec = pm[0] === '' ? 0 : Number(pm[0]);
      i += pm[0].length;
    }
    const verb = format[i];
    if (verb === undefined) {
      out += '%!(NOVERB)';
      break;
    }
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argi++];
    let s = fmtVerb(verb, arg, { plus, sharp, space, prec });
    if (width !== undefined && s.length < width) {
      if (minus) s = s + ' '.repeat(width - s.length);
      else if (zero && /[dfeExXgGbo]/.test(verb) && /^[-+]?[0-9a-fA-F.]/.test(s)) {
        const sign = /^[-+]/.test(s) ? s[0] : '';
        s = sign + '0'.repeat(width - s.length) + s.slice(sign.length);
      } else s = ' '.repeat(width - s.length) + s;
    }
    out += s;
  }
  if (argi < args.length) {
    out += '%!(EXTRA ' + args.slice(argi).map((a) => `${typeName(a)}=${fmtV(a)}`).join(', ') + ')';
  }
  return out;
}

function fmtVerb(verb: string, arg: unknown, o: { plus: boolean; sharp: boolean; space: boolean; prec?: number }): string {
  const bad = () => `%!${verb}(${typeName(arg)}=${fmtV(arg)})`;
  const k = kindOf(arg);
  if (Array.isArray(arg) && verb !== 'v' && verb !== 'T') return '[' + arg.map((x) => fmtVerb(verb, x, o)).join(' ') + ']';
  switch (verb) {
    case 'v':
      if (o.sharp && typeof arg === 'string') return goQuote(arg);
      if (o.plus && (k === 'int' || k === 'float') && num(arg) >= 0) return '+' + fmtV(arg);
      return fmtV(arg);
    case 's':
      if (k === 'string') return o.prec !== undefined ? (arg as string).slice(0, o.prec) : (arg as string);
      if (k === 'map') return fmtV(arg);
      return bad();
    case 'q':
      if (k === 'string') return goQuote(arg as string);
      if (k === 'int') return "'" + String.fromCodePoint(num(arg)) + "'";
      return bad();
    case 'd':
      if (k === 'int') return (o.plus && num(arg) >= 0 ? '+' : '') + String(num(arg));
      return bad();
    case 't':
      return k === 'bool' ? String(arg) : bad();
    case 'x':
    case 'X': {
      let s: string;
      if (k === 'int') s = (num(arg) < 0 ? '-' : '') + Math.abs(num(arg)).toString(16);
      else if (k === 'string') s = Buffer.from(arg as string).toString('hex');
      else return bad();
      if (o.sharp) s = '0x' + s;
      return verb === 'X' ? s.toUpperCase() : s;
    }
    case 'o':
      return k === 'int' ? num(arg).toString(8) : bad();
    case 'b':
      return k === 'int' ? num(arg).toString(2) : bad();
    case 'c':
      return k === 'int' ? String.fromCodePoint(num(arg)) : bad();
    case 'f':
    case 'F':
      return k === 'float' ? (o.plus && num(arg) >= 0 ? '+' : '') + num(arg).toFixed(o.prec ?? 6) : bad();
    case 'e':
    case 'E': {
      if (k !== 'float') return bad();
      const s = num(arg).toExponential(o.prec ?? 6).replace(/e([-+])(\d)$/, 'e$10$2');
      return verb === 'E' ? s.toUpperCase() : s;
    }
    case 'g':
    case 'G':
      return k === 'float' ? goFormatFloat(num(arg), 'g') : bad();
    case 'T':
      return typeName(arg);
    default:
      return bad();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Lexer (text/template/parse/lex.go)

type TokType =
  | 'text' | 'left' | 'right' | 'space' | 'field' | 'variable' | 'identifier' | 'string' | 'raw' | 'char' | 'number'
  | 'bool' | 'nil' | 'dot' | 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign' | 'punct' | 'eof'
  | 'kw_block' | 'kw_break' | 'kw_continue' | 'kw_define' | 'kw_else' | 'kw_end' | 'kw_if' | 'kw_range'
  | 'kw_template' | 'kw_with';

interface Tok {
  t: TokType;
  v: string;
  pos: number;
}

const KEYWORDS: Record<string, TokType> = {
  block: 'kw_block', break: 'kw_break', continue: 'kw_continue', define: 'kw_define', else: 'kw_else',
  end: 'kw_end', if: 'kw_if', range: 'kw_range', template: 'kw_template', with: 'kw_with',
  nil: 'nil', true: 'bool', false: 'bool',
};

class ParseError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const isSpaceCh = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string | undefined) => c !== undefined && /[\p{L}\p{Nd}_]/u.test(c);

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let pos = 0;
  while (pos < src.length) {
    const at = src.indexOf(LEFT, pos);
    if (at < 0) {
      toks.push({ t: 'text', v: src.slice(pos), pos });
      break;
    }
    const leftTrim = src[at + 2] === '-' && isSpaceCh(src[at + 3]);
    let text = src.slice(pos, at);
    if (leftTrim) text = text.replace(/[ \t\r\n]+$/, '');
    if (text.length > 0) toks.push({ t: 'text', v: text, pos });
    let p = at + 2 + (leftTrim ? 2 : 0);
    // A comment: <</* ... */>>, trim markers allowed around it.
    if (src.startsWith('/*', p)) {
      const end = src.indexOf('*/', p + 2);
      if (end < 0) throw new ParseError('unclosed comment', at);
      p = end + 2;
      let rightTrim = false;
      if (isSpaceCh(src[p]) && src[p + 1] === '-' && src.startsWith(RIGHT, p + 2)) {
        rightTrim = true;
        p += 2;
      }
      if (!src.startsWith(RIGHT, p)) throw new ParseError('comment ends before closing delimiter', at);
      p += 2;
      if (rightTrim) while (isSpaceCh(src[p])) p++;
      pos = p;
      continue;
    }
    toks.push({ t: 'left', v: LEFT, pos: at });
    let depth = 0;
    for (;;) {
      // Right delimiter, with or without its trim marker.
      if (isSpaceCh(src[p]) && src[p + 1] === '-' && src.startsWith(RIGHT, p + 2)) {
        if (depth > 0) throw new ParseError('unclosed left paren', p);
        toks.push({ t: 'right', v: RIGHT, pos: p + 2 });
        p += 4;
        while (isSpaceCh(src[p])) p++;
        break;
      }
      if (src.startsWith(RIGHT, p)) {
        if (depth > 0) throw new ParseError('unclosed left paren', p);
        toks.push({ t: 'right', v: RIGHT, pos: p });
        p += 2;
        break;
      }
      const c = src[p];
      if (c === undefined) throw new ParseError('unclosed action', at);
      const start = p;
      if (isSpaceCh(c)) {
        while (isSpaceCh(src[p]) && !(src[p + 1] === '-' && src.startsWith(RIGHT, p + 2))) p++;
        if (p === start) {
          // The space belongs to ' ->>'.
          continue;
        }
        toks.push({ t: 'space', v: src.slice(start, p), pos: start });
        continue;
      }
      if (c === '=') {
        toks.push({ t: 'assign', v: '=', pos: p++ });
        continue;
      }
      if (c === ':') {
        if (src[p + 1] !== '=') throw new ParseError('expected :=', p);
        toks.push({ t: 'declare', v: ':=', pos: p });
        p += 2;
        continue;
      }
      if (c === '|') {
        toks.push({ t: 'pipe', v: '|', pos: p++ });
        continue;
      }
      if (c === '"') {
        p++;
        for (;;) {
          const d = src[p];
          if (d === undefined || d === '\n') throw new ParseError('unterminated quoted string', start);
          p++;
          if (d === '\\') {
            if (src[p] === undefined || src[p] === '\n') throw new ParseError('unterminated quoted string', start);
            p++;
          } else if (d === '"') break;
        }
        toks.push({ t: 'string', v: src.slice(start, p), pos: start });
        continue;
      }
      if (c === '`') {
        const end = src.indexOf('`', p + 1);
        if (end < 0) throw new ParseError('unterminated raw quoted string', start);
        p = end + 1;
        toks.push({ t: 'raw', v: src.slice(start, p), pos: start });
        continue;
      }
      if (c === "'") {
        p++;
        for (;;) {
          const d = src[p];
          if (d === undefined || d === '\n') throw new ParseError('unterminated character constant', start);
          p++;
          if (d === '\\') p++;
          else if (d === "'") break;
        }
        toks.push({ t: 'char', v: src.slice(start, p), pos: start });
        continue;
      }
      if (c === '$') {
        p++;
        while (isAlnum(src[p])) p++;
        atTerminator(src, p);
        toks.push({ t: 'variable', v: src.slice(start, p), pos: start });
        continue;
      }
      if (c === '.') {
        if (/[0-9]/.test(src[p + 1] ?? '')) {
          p = scanNumber(src, p);
          toks.push({ t: 'number', v: src.slice(start, p), pos: start });
          continue;
        }
        p++;
        if (!isAlnum(src[p])) {
          toks.push({ t: 'dot', v: '.', pos: start });
          continue;
        }
        while (isAlnum(src[p])) p++;
        atTerminator(src, p);
        toks.push({ t: 'field', v: src.slice(start, p), pos: start });
        continue;
      }
      if (c === '+' || c === '-' || /[0-9]/.test(c)) {
        p = scanNumber(src, p);
        toks.push({ t: 'number', v: src.slice(start, p), pos: start });
        continue;
      }
      if (isAlnum(c)) {
        while (isAlnum(src[p])) p++;
        atTerminator(src, p);
        const word = src.slice(start, p);
        toks.push({ t: Object.prototype.hasOwnProperty.call(KEYWORDS, word) ? KEYWORDS[word] : 'identifier', v: word, pos: start });
        continue;
      }
      if (c === '(') {
        depth++;
        toks.push({ t: 'lparen', v: c, pos: p++ });
        continue;
      }
      if (c === ')') {
        depth--;
        if (depth < 0) throw new ParseError('unexpected right paren', p);
        toks.push({ t: 'rparen', v: c, pos: p++ });
        continue;
      }
      if (c.charCodeAt(0) < 0x7f && c.charCodeAt(0) > 0x20) {
        toks.push({ t: 'punct', v: c, pos: p++ });
        continue;
      }
      throw new ParseError(`unrecognized character in action: ${JSON.stringify(c)}`, p);
    }
    pos = p;
  }
  toks.push({ t: 'eof', v: '', pos: src.length });
  return toks;
}

function atTerminator(src: string, p: number): void {
  const c = src[p];
  if (c === undefined || isSpaceCh(c) || '.,|:)('.includes(c) || src.startsWith(RIGHT, p)) return;
  throw new ParseError(`bad character ${JSON.stringify(c)}`, p);
}

function scanNumber(src: string, p: number): number {
  const m = /^[+-]?(0[xX][0-9a-fA-F_]*(\.[0-9a-fA-F_]*)?([pP][+-]?[0-9_]+)?|0[oO][0-7_]*|0[bB][01_]*|[0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9_]+)?)i?/.exec(src.slice(p))!;
  const end = p + m[0].length;
  if (isAlnum(src[end]) || src[end] === '.') throw new ParseError(`bad number syntax: ${JSON.stringify(src.slice(p, end + 1))}`, p);
  return end;
}

// ---------------------------------------------------------------------------------------------------------------
// Parser (text/template/parse/parse.go)

interface NumberLit {
  text: string;
  isInt: boolean;
  isFloat: boolean;
  value: number;
}

type Arg =
  | { k: 'field'; pos: number; names: string[] }
  | { k: 'variable'; pos: number; name: string; names: string[] }
  | { k: 'ident'; pos: number; name: string }
  | { k: 'chain'; pos: number; node: Arg; names: string[] }
  | { k: 'dot'; pos: number }
  | { k: 'nil'; pos: number }
  | { k: 'bool'; pos: number; value: boolean }
  | { k: 'number'; pos: number; lit: NumberLit }
  | { k: 'string'; pos: number; value: string }
  | { k: 'pipe'; pos: number; pipe: Pipe };

interface Command {
  pos: number;
  args: Arg[];
}

interface Pipe {
  pos: number;
  decls: string[];
  isAssign: boolean;
  cmds: Command[];
}

type TNode =
  | { k: 'text'; pos: number; text: string }
  | { k: 'action'; pos: number; left: number; pipe: Pipe }
  | { k: 'if' | 'with'; pos: number; pipe: Pipe; list: TNode[]; elseList?: TNode[] }
  | { k: 'range'; pos: number; pipe: Pipe; list: TNode[]; elseList?: TNode[] }
  | { k: 'break' | 'continue'; pos: number }
  | { k: 'template'; pos: number; name: string; pipe?: Pipe };

type Marker = { k: 'end' | 'else'; pos: number };

export interface Template {
  source: string;
  root: TNode[];
  defines: Map<string, TNode[]>;
}

class Parser {
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  readonly defines = new Map<string, TNode[]>();

  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i];
  }
  private next(): Tok {
    return this.toks[this.i++] ?? this.toks[this.toks.length - 1];
  }
  private backup(n = 1): void {
    this.i -= n;
  }
  private nextNonSpace(): Tok {
    let t = this.next();
    while (t.t === 'space') t = this.next();
    return t;
  }
  private peekNonSpace(): Tok {
    const save = this.i;
    const t = this.nextNonSpace();
    this.i = save;
    return t;
  }
  private fail(message: string, pos: number): never {
    throw new ParseError(message, pos);
  }
  private unexpected(t: Tok, context: string): never {
    this.fail(`unexpected ${describe(t)} in ${context}`, t.pos);
  }
  private expect(type: TokType, context: string): Tok {
    const t = this.nextNonSpace();
    if (t.t !== type) this.unexpected(t, context);
    return t;
  }

  parse(): TNode[] {
    const list: TNode[] = [];
    while (this.peek().t !== 'eof') {
      if (this.peek().t === 'left') {
        const save = this.i;
        this.next();
        if (this.nextNonSpace().t === 'kw_define') {
          this.parseDefinition();
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if ('k' in n && (n.k === 'end' || n.k === 'else')) this.fail(`unexpected {{${n.k}}}`, n.pos);
      list.push(n as TNode);
    }
    return list;
  }

  private parseDefinition(): void {
    const nameTok = this.nextNonSpace();
    const name = this.templateName(nameTok, 'define clause');
    this.expect('right', 'define clause');
    const saveVars = this.vars;
    this.vars = ['$'];
    const [list, end] = this.itemList();
    if (end.k !== 'end') this.fail(`unexpected {{${end.k}}} in define clause`, end.pos);
    this.vars = saveVars;
    this.defines.set(name, list);
  }

  private templateName(t: Tok, context: string): string {
    if (t.t === 'string' || t.t === 'raw') return unquote(t);
    this.unexpected(t, context);
  }

  private itemList(): [TNode[], Marker] {
    const list: TNode[] = [];
    while (this.peekNonSpace().t !== 'eof') {
      const n = this.textOrAction();
      if (n.k === 'end' || n.k === 'else') return [list, n as Marker];
      list.push(n as TNode);
    }
    this.fail('unexpected EOF', this.peek().pos);
  }

  private textOrAction(): TNode | Marker {
    const t = this.nextNonSpace();
    if (t.t === 'text') return { k: 'text', pos: t.pos, text: t.v };
    if (t.t === 'left') return this.action();
    this.unexpected(t, 'input');
  }

  private action(): TNode | Marker {
    const left = this.toks[this.i - 1].pos;
    const t = this.nextNonSpace();
    switch (t.t) {
      case 'kw_block':
        return this.blockControl(t);
      case 'kw_break':
      case 'kw_continue':
        if (this.rangeDepth === 0) this.fail(`{{${t.v}}} outside {{range}}`, t.pos);
        this.expect('right', t.v);
        return { k: t.t === 'kw_break' ? 'break' : 'continue', pos: t.pos };
      case 'kw_else': {
        const p = this.peekNonSpace();
        if (p.t === 'kw_if' || p.t === 'kw_with') return { k: 'else', pos: t.pos };
        this.expect('right', 'else');
        return { k: 'else', pos: t.pos };
      }
      case 'kw_end':
        this.expect('right', 'end');
        return { k: 'end', pos: t.pos };
      case 'kw_if':
        return this.control('if', t.pos);
      case 'kw_range':
        return this.control('range', t.pos);
      case 'kw_with':
        return this.control('with', t.pos);
      case 'kw_template':
        return this.templateControl(t);
      case 'kw_define':
        this.fail('unexpected <define> in command', t.pos);
    }
    this.backup();
    const pipe = this.pipeline('command', 'right');
    return { k: 'action', pos: t.pos, left, pipe };
  }

  private control(context: 'if' | 'range' | 'with', pos: number): TNode {
    const mark = this.vars.length;
    const pipe = this.pipeline(context, 'right');
    if (context === 'range') this.rangeDepth++;
    const [list, next] = this.itemList();
    if (context === 'range') this.rangeDepth--;
    let elseList: TNode[] | undefined;
    if (next.k === 'else') {
      const p = this.peekNonSpace();
      if ((context === 'if' && p.t === 'kw_if') || (context === 'with' && p.t === 'kw_with')) {
        this.nextNonSpace();
        elseList = [this.control(context, p.pos)];
      } else {
        const [els, end] = this.itemList();
        if (end.k !== 'end') this.fail('expected end; found {{else}}', end.pos);
        elseList = els;
      }
    }
    this.vars.length = mark;
    return { k: context, pos, pipe, list, elseList } as TNode;
  }

  private templateControl(t: Tok): TNode {
    const name = this.templateName(this.nextNonSpace(), 'template clause');
    let pipe: Pipe | undefined;
    if (this.nextNonSpace().t !== 'right') {
      this.backup();
      pipe = this.pipeline('template clause', 'right');
    }
    return { k: 'template', pos: t.pos, name, pipe };
  }

  private blockControl(t: Tok): TNode {
    const name = this.templateName(this.nextNonSpace(), 'block clause');
    const pipe = this.pipeline('block clause', 'right');
    const saveVars = this.vars;
    this.vars = ['$'];
    const [list, end] = this.itemList();
    if (end.k !== 'end') this.fail('unexpected {{else}} in block clause', end.pos);
    this.vars = saveVars;
    this.defines.set(name, list);
    return { k: 'template', pos: t.pos, name, pipe };
  }

  private pipeline(context: string, end: 'right' | 'rparen'): Pipe {
    const first = this.peekNonSpace();
    const pipe: Pipe = { pos: first.pos, decls: [], isAssign: false, cmds: [] };
    decls: if (first.t === 'variable') {
      this.nextNonSpace();
      const afterVar = this.peek();
      const nxt = this.peekNonSpace();
      if (nxt.t === 'assign' || nxt.t === 'declare') {
        pipe.isAssign = nxt.t === 'assign';
        this.nextNonSpace();
        pipe.decls.push(first.v);
        this.vars.push(first.v);
      } else if (nxt.t === 'punct' && nxt.v === ',') {
        this.nextNonSpace();
        pipe.decls.push(first.v);
        this.vars.push(first.v);
        if (context === 'range' && pipe.decls.length < 2) {
          const p = this.peekNonSpace();
          if (p.t === 'variable') {
            this.nextNonSpace();
            const n2 = this.peekNonSpace();
            if (n2.t === 'assign' || n2.t === 'declare') {
              pipe.isAssign = n2.t === 'assign';
              this.nextNonSpace();
              pipe.decls.push(p.v);
              this.vars.push(p.v);
              break decls;
            }
          }
          this.fail('range can only initialize variables', p.pos);
        }
        this.fail(`too many declarations in ${context}`, nxt.pos);
      } else {
        // Not a declaration: the variable is the pipeline's first operand.
        void afterVar;
        this.backup();
      }
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.t === end) {
        if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`, t.pos);
        pipe.cmds.forEach((c, i) => {
          if (i > 0 && ['bool', 'dot', 'nil', 'number', 'string'].includes(c.args[0].k)) {
            this.fail(`non executable command in pipeline stage ${i + 1}`, c.pos);
          }
        });
        return pipe;
      }
      if (['bool', 'char', 'dot', 'field', 'identifier', 'number', 'nil', 'raw', 'string', 'variable', 'lparen'].includes(t.t)) {
        this.backup();
        pipe.cmds.push(this.command());
      } else this.unexpected(t, context);
    }
  }

  private command(): Command {
    const cmd: Command = { pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.t === 'space') continue;
      if (t.t === 'right' || t.t === 'rparen') this.backup();
      else if (t.t !== 'pipe') this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.fail('empty command', cmd.pos);
    return cmd;
  }

  private operand(): Arg | undefined {
    const node = this.term();
    if (!node) return undefined;
    if (this.peek().t !== 'field') return node;
    const names: string[] = [];
    // Go places a chain at its first field: an error in `inputs.x` is reported at `.x`.
    const chainPos = this.peek().pos;
    while (this.peek().t === 'field') names.push(this.next().v.slice(1));
    switch (node.k) {
      case 'field':
        return { k: 'field', pos: node.pos, names: [...node.names, ...names] };
      case 'variable':
        return { k: 'variable', pos: node.pos, name: node.name, names: [...node.names, ...names] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.fail(`unexpected . after term`, node.pos);
    }
    return { k: 'chain', pos: chainPos, node, names };
  }

  private term(): Arg | undefined {
    const t = this.nextNonSpace();
    switch (t.t) {
      case 'identifier':
        if (!FUNCS.has(t.v)) this.fail(`function "${t.v}" not defined`, t.pos);
        return { k: 'ident', pos: t.pos, name: t.v };
      case 'dot':
        return { k: 'dot', pos: t.pos };
      case 'nil':
        return { k: 'nil', pos: t.pos };
      case 'variable':
        if (!this.vars.includes(t.v)) this.fail(`undefined variable "${t.v}"`, t.pos);
        return { k: 'variable', pos: t.pos, name: t.v, names: [] };
      case 'field':
        return { k: 'field', pos: t.pos, names: [t.v.slice(1)] };
      case 'bool':
        return { k: 'bool', pos: t.pos, value: t.v === 'true' };
      case 'char':
      case 'number':
        return { k: 'number', pos: t.pos, lit: numberLit(t) };
      case 'lparen':
        return { k: 'pipe', pos: t.pos, pipe: this.pipeline('parenthesized pipeline', 'rparen') };
      case 'string':
      case 'raw':
        return { k: 'string', pos: t.pos, value: unquote(t) };
    }
    this.backup();
    return undefined;
  }
}

function describe(t: Tok): string {
  switch (t.t) {
    case 'eof':
      return 'EOF';
    case 'right':
      return `"${RIGHT}"`;
    case 'left':
      return `"${LEFT}"`;
    default:
      return `"${t.v}"`;
  }
}

function unquote(t: Tok): string {
  if (t.t === 'raw') return t.v.slice(1, -1);
  return goUnquote(t.v, t.pos);
}

function goUnquote(q: string, pos: number): string {
  const body = q.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };
    if (e in simple) out += simple[e];
    else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new ParseError(`invalid syntax: ${q}`, pos);
      const cp = parseInt(hex, 16);
      out += e === 'x' ? Buffer.from([cp]).toString('latin1') : String.fromCodePoint(cp);
      i += len;
    } else if (/[0-7]/.test(e ?? '')) {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw new ParseError(`invalid syntax: ${q}`, pos);
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else throw new ParseError(`invalid syntax: ${q}`, pos);
  }
  return out;
}

function numberLit(t: Tok): NumberLit {
  if (t.t === 'char') {
    const s = goUnquote('"' + t.v.slice(1, -1) + '"', t.pos);
    const cps = Array.from(s);
    if (cps.length !== 1) throw new ParseError(`malformed character constant: ${t.v}`, t.pos);
    const cp = cps[0].codePointAt(0)!;
    return { text: t.v, isInt: true, isFloat: true, value: cp };
  }
  const text = t.v;
  if (text.endsWith('i')) throw new ParseError(`complex numbers are not supported here: ${text}`, t.pos);
  const clean = text.replace(/_/g, '');
  const sign = clean.startsWith('-') ? -1 : 1;
  const body = clean.replace(/^[+-]/, '');
  let intVal: number | undefined;
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) intVal = parseInt(body.slice(2), 16);
  else if (/^0[oO][0-7]+$/.test(body)) intVal = parseInt(body.slice(2), 8);
  else if (/^0[bB][01]+$/.test(body)) intVal = parseInt(body.slice(2), 2);
  else if (/^0[0-7]*$/.test(body)) intVal = body.length > 1 ? parseInt(body.slice(1), 8) : 0;
  else if (/^[1-9][0-9]*$/.test(body)) intVal = Number(body);
  if (intVal !== undefined) {
    if (!Number.isSafeInteger(intVal) && intVal > 2 ** 63) throw new ParseError(`integer overflow: ${JSON.stringify(text)}`, t.pos);
    return { text, isInt: true, isFloat: true, value: sign * intVal };
  }
  if (/^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(body)) {
    const f = sign * Number(body);
    return { text, isInt: Number.isInteger(f), isFloat: true, value: f };
  }
  throw new ParseError(`illegal number syntax: ${JSON.stringify(text)}`, t.pos);
}

/** Parses a template; a syntax error (or an unknown function) is returned as a `parse` issue at its offset. */
export function parseTemplate(source: string): Template | TemplateIssue {
  try {
    const parser = new Parser(lex(source));
    const root = parser.parse();
    return { source, root, defines: parser.defines };
  } catch (e) {
    if (e instanceof ParseError) return { kind: 'parse', message: e.message, offset: e.offset };
    if (e instanceof RangeError) return { kind: 'limit', message: 'template nests too deeply to parse', offset: 0 };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Execution (text/template/exec.go)

class ExecError extends Error {
  constructor(message: string, readonly offset: number, readonly kind: TemplateIssueKind = 'exec') {
    super(message);
  }
}
/** Raised by functions; the caller adds the position. */
class FnError extends Error {
  constructor(message: string, readonly kind: TemplateIssueKind = 'exec') {
    super(message);
  }
}
const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');
const MISSING = Symbol('missing');

export interface RenderOptions {
  /** Evaluation steps allowed before the rendering stops with a `limit` issue. */
  maxSteps?: number;
  /** Output characters allowed. */
  maxOutput?: number;
}

export function renderTemplate(tpl: Template, inputs: unknown, options: RenderOptions = {}): Rendered | TemplateIssue {
  const st = new State(tpl, inputs, options);
  try {
    st.walkList(null, tpl.root);
  } catch (e) {
    if (e instanceof ExecError) return { kind: e.kind, message: e.message, offset: e.offset };
    if (e === BREAK || e === CONTINUE) return { kind: 'exec', message: 'break or continue outside range', offset: 0 };
    if (e instanceof RangeError) return { kind: 'limit', message: 'template recursion too deep', offset: 0 };
    throw e;
  }
  return { text: st.out, segments: st.segments, placeholdersRead: st.placeholdersRead };
}

/** Maps an offset of rendered output back to the template source. */
export function sourceOffset(segments: readonly Segment[], out: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid].out <= out) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (best < 0) return 0;
  const s = segments[best];
  return s.text ? s.src + (out - s.out) : s.src;
}

interface Var {
  name: string;
  value: unknown;
}

class State {
  out = '';
  segments: Segment[] = [];
  placeholdersRead = new Set<string>();
  private vars: Var[];
  private steps = 0;
  private depth = 0;
  private readonly maxSteps: number;
  private readonly maxOutput: number;

  constructor(
    private readonly tpl: Template,
    readonly inputs: unknown,
    options: RenderOptions,
  ) {
    this.vars = [{ name: '$', value: null }];
    this.maxSteps = options.maxSteps ?? 2_000_000;
    this.maxOutput = options.maxOutput ?? 16 * 1024 * 1024;
  }

  private tick(pos: number): void {
    if (++this.steps > this.maxSteps) throw new ExecError(`template needs more than ${this.maxSteps} evaluation steps`, pos, 'limit');
  }

  private write(s: string, src: number, text: boolean): void {
    if (s.length === 0) return;
    this.segments.push({ out: this.out.length, src, text });
    this.out += s;
    if (this.out.length > this.maxOutput) throw new ExecError(`template output larger than ${this.maxOutput} characters`, src, 'limit');
  }

  walkList(dot: unknown, list: TNode[]): void {
    for (const n of list) this.walk(dot, n);
  }

  private walk(dot: unknown, n: TNode): void {
    this.tick(n.pos);
    switch (n.k) {
      case 'text':
        this.write(n.text, n.pos, true);
        return;
      case 'action': {
        const v = this.evalPipeline(dot, n.pipe);
        if (n.pipe.decls.length === 0) this.write(printValue(v), n.left, false);
        return;
      }
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        const v = this.evalPipeline(dot, n.pipe);
        if (truth(v)) this.walkList(n.k === 'with' ? v : dot, n.list);
        else if (n.elseList) this.walkList(dot, n.elseList);
        this.vars.length = mark;
        return;
      }
      case 'range':
        this.walkRange(dot, n);
        return;
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'template': {
        const list = this.tpl.defines.get(n.name);
        if (!list) throw new ExecError(`no such template "${n.name}"`, n.pos);
        const v = n.pipe ? this.evalPipeline(dot, n.pipe) : null;
        if (++this.depth > 1000) throw new ExecError('exceeded maximum template depth (1000)', n.pos, 'limit');
        const saved = this.vars;
        this.vars = [{ name: '$', value: v }];
        try {
          this.walkList(v, list);
        } finally {
          this.vars = saved;
          this.depth--;
        }
        return;
      }
    }
  }

  private walkRange(dot: unknown, n: Extract<TNode, { k: 'range' }>): void {
    const mark = this.vars.length;
    const v = this.evalPipeline(dot, n.pipe, true);
    // The declared variables were pushed with the whole value; each iteration sets them.
    const items: [unknown, unknown][] = [];
    const k = kindOf(v);
    if (k === 'slice') (v as unknown[]).forEach((x, i) => items.push([new GoInt(i), x]));
    else if (k === 'map') {
      for (const key of Object.keys(v as object).sort(byteCompare)) items.push([key, (v as Record<string, unknown>)[key]]);
    } else if (k === 'int' && !(typeof v === 'number' && !Number.isInteger(v))) {
      const count = num(v);
      if (n.pipe.decls.length > 1) throw new ExecError(`can't use ${fmtV(v)} to iterate over more than one variable`, n.pos);
      if (count > this.maxSteps) throw new ExecError(`range over ${count} needs too many steps`, n.pos, 'limit');
      for (let i = 0; i < count; i++) items.push([v instanceof GoInt ? new GoInt(i) : i, v instanceof GoInt ? new GoInt(i) : i]);
    } else if (k !== 'nil') throw new ExecError(`range can't iterate over ${fmtV(v)}`, n.pos);
    if (items.length === 0) {
      this.vars.length = mark;
      if (n.elseList) this.walkList(dot, n.elseList);
      return;
    }
    for (const [key, elem] of items) {
      const iterMark = this.vars.length;
      if (n.pipe.decls.length === 1) this.setTopVar(1, elem);
      else if (n.pipe.decls.length === 2) {
        this.setTopVar(2, key);
        this.setTopVar(1, elem);
      }
      try {
        this.walkList(elem, n.list);
      } catch (e) {
        if (e === BREAK) {
          this.vars.length = iterMark;
          break;
        }
        if (e !== CONTINUE) throw e;
      }
      this.vars.length = iterMark;
    }
    this.vars.length = mark;
  }

  private setTopVar(n: number, value: unknown): void {
    this.vars[this.vars.length - n].value = value;
  }

  private setVar(name: string, value: unknown, pos: number): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i].value = value;
        return;
      }
    }
    throw new ExecError(`undefined variable: ${name}`, pos);
  }

  private varValue(name: string, pos: number): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i].value;
    throw new ExecError(`undefined variable: ${name}`, pos);
  }

  private evalPipeline(dot: unknown, pipe: Pipe, isRange = false): unknown {
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    if (value === MISSING) value = null;
    for (const name of pipe.decls) {
      if (pipe.isAssign) this.setVar(name, value, pipe.pos);
      else this.vars.push({ name, value });
    }
    void isRange;
    return value;
  }

  private notAFunction(args: Arg[], final: unknown): void {
    if (args.length > 1 || final !== MISSING) throw new ExecError(`can't give argument to non-function ${argString(args[0])}`, args[0].pos);
  }

  private evalCommand(dot: unknown, cmd: Command, final: unknown): unknown {
    this.tick(cmd.pos);
    const first = cmd.args[0];
    switch (first.k) {
      case 'field':
        return this.evalFieldChain(dot, dot, first, first.names, cmd.args, final);
      case 'chain': {
        if (first.node.k === 'nil') throw new ExecError('indirection through explicit nil', first.pos);
        const base = this.evalArgAny(dot, first.node);
        return this.evalFieldChain(dot, base, first, first.names, cmd.args, final);
      }
      case 'ident':
        return this.evalFunction(dot, first, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first.pipe);
      case 'variable': {
        const v = this.varValue(first.name, first.pos);
        if (first.names.length === 0) {
          this.notAFunction(cmd.args, final);
          return v;
        }
        return this.evalFieldChain(dot, v, first, first.names, cmd.args, final);
      }
    }
    this.notAFunction(cmd.args, final);
    switch (first.k) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        throw new ExecError('nil is not a command', first.pos);
      case 'number':
        return idealConstant(first.lit);
      case 'string':
        return first.value;
    }
  }

  private evalFieldChain(dot: unknown, receiver: unknown, node: Arg, names: string[], args: Arg[], final: unknown): unknown {
    let v = receiver;
    for (let i = 0; i < names.length; i++) {
      const last = i === names.length - 1;
      v = this.evalField(v, names[i], node, last ? args : [], last ? final : MISSING, i > 0);
    }
    return v;
  }

  /** `fromMap`: the receiver is a value just read from a map, an interface that Go keeps even when it holds nil. */
  private evalField(receiver: unknown, name: string, node: Arg, args: Arg[], final: unknown, fromMap: boolean): unknown {
    if (receiver === MISSING || receiver === undefined || receiver === null) {
      if (fromMap) throw new ExecError(`nil pointer evaluating interface {}.${name}`, node.pos);
      throw new ExecError(`nil data; no entry for key "${name}"`, node.pos);
    }
    if (isMap(receiver)) {
      if (args.length > 1 || final !== MISSING) throw new ExecError(`${name} is not a method but has arguments`, node.pos);
      const label = placeholders.get(receiver)?.get(name);
      if (label !== undefined) this.placeholdersRead.add(label);
      if (!Object.prototype.hasOwnProperty.call(receiver, name)) throw new ExecError(`map has no entry for key "${name}"`, node.pos);
      const v = receiver[name];
      return v === undefined ? null : v;
    }
    throw new ExecError(`can't evaluate field ${name} in type ${typeName(receiver)}`, node.pos);
  }

  private evalFunction(dot: unknown, node: Extract<Arg, { k: 'ident' }>, args: Arg[], final: unknown): unknown {
    const fn = FUNCS.get(node.name)!;
    const argNodes = args.slice(1);
    if (fn.unsupported) throw new ExecError(`function "${node.name}" is not evaluated offline`, node.pos, 'unsupported');
    if (node.name === 'and' || node.name === 'or') {
      if (argNodes.length + (final === MISSING ? 0 : 1) < 1) throw new ExecError(`wrong number of args for ${node.name}: want at least 1 got 0`, node.pos);
      let v: unknown = null;
      for (const a of argNodes) {
        v = this.evalArgAny(dot, a);
        if (truth(v) === (node.name === 'or')) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }
    const numIn = argNodes.length + (final === MISSING ? 0 : 1);
    const fixed = fn.params.length;
    if (fn.variadic !== undefined) {
      if (numIn < fixed) throw new ExecError(`wrong number of args for ${node.name}: want at least ${fixed} got ${numIn}`, node.pos);
    } else if (numIn !== fixed) {
      throw new ExecError(`wrong number of args for ${node.name}: want ${fixed} got ${numIn}`, node.pos);
    }
    const argv: unknown[] = [];
    const typeAt = (i: number): ParamType => (i < fixed ? fn.params[i] : fn.variadic!);
    argNodes.forEach((a, i) => argv.push(this.evalArg(dot, typeAt(i), a)));
    if (final !== MISSING) argv.push(this.validateType(final, typeAt(argNodes.length), node.pos));
    this.tick(node.pos);
    try {
      return fn.impl.apply(this, argv);
    } catch (e) {
      if (e instanceof FnError) {
        const message = e.kind === 'exec' ? `error calling ${node.name}: ${e.message}` : e.message;
        throw new ExecError(message, node.pos, e.kind);
      }
      if (e instanceof RangeError) throw new ExecError(`error calling ${node.name}: ${e.message}`, node.pos, 'limit');
      throw e;
    }
  }

  private evalArgAny(dot: unknown, a: Arg): unknown {
    return this.evalArg(dot, 'any', a);
  }

  private evalArg(dot: unknown, type: ParamType, a: Arg): unknown {
    this.tick(a.pos);
    switch (a.k) {
      case 'dot':
        return this.validateType(dot, type, a.pos);
      case 'nil':
        if (type === 'any' || type === 'map' || type === 'slice') return null;
        throw new ExecError(`cannot assign nil to ${goParamName(type)}`, a.pos);
      case 'field':
        return this.validateType(this.evalFieldChain(dot, dot, a, a.names, [a], MISSING), type, a.pos);
      case 'variable': {
        const v = this.varValue(a.name, a.pos);
        return this.validateType(a.names.length ? this.evalFieldChain(dot, v, a, a.names, [a], MISSING) : v, type, a.pos);
      }
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, a.pipe), type, a.pos);
      case 'ident':
        return this.validateType(this.evalFunction(dot, a, [a], MISSING), type, a.pos);
      case 'chain': {
        const base = this.evalArgAny(dot, a.node);
        return this.validateType(this.evalFieldChain(dot, base, a, a.names, [a], MISSING), type, a.pos);
      }
      case 'bool':
        if (type === 'bool' || type === 'any') return a.value;
        throw new ExecError(`expected ${goParamName(type)}; found ${a.value}`, a.pos);
      case 'string':
        if (type === 'string' || type === 'any') return a.value;
        throw new ExecError(`expected ${goParamName(type)}; found ${goQuote(a.value)}`, a.pos);
      case 'number':
        switch (type) {
          case 'int':
            if (!a.lit.isInt) throw new ExecError(`expected integer; found ${a.lit.text}`, a.pos);
            return new GoInt(a.lit.value);
          case 'int64':
            if (!a.lit.isInt) throw new ExecError(`expected integer; found ${a.lit.text}`, a.pos);
            return a.lit.value;
          case 'float64':
            if (!a.lit.isFloat) throw new ExecError(`expected float; found ${a.lit.text}`, a.pos);
            return floatOf(a.lit.value);
          case 'any':
            return idealConstant(a.lit);
          default:
            throw new ExecError(`expected ${goParamName(type)}; found ${a.lit.text}`, a.pos);
        }
    }
  }

  /** text/template validateType: Go's assignability, with interface values unwrapped. */
  private validateType(v: unknown, type: ParamType, pos: number): unknown {
    if (v === MISSING) v = null;
    if (type === 'any') return v;
    if (v === null || v === undefined) {
      if (type === 'map' || type === 'slice') return null;
      throw new ExecError(`invalid value; expected ${goParamName(type)}`, pos);
    }
    const ok =
      (type === 'string' && typeof v === 'string') ||
      (type === 'bool' && typeof v === 'boolean') ||
      (type === 'int' && v instanceof GoInt) ||
      (type === 'int64' && typeof v === 'number' && Number.isInteger(v)) ||
      (type === 'float64' && (v instanceof GoFloat || (typeof v === 'number' && !Number.isInteger(v)))) ||
      (type === 'map' && isMap(v) && !stringMaps.has(v)) ||
      (type === 'slice' && Array.isArray(v));
    if (!ok) throw new ExecError(`wrong type for value; expected ${goParamName(type)}; got ${typeName(v)}`, pos);
    return type === 'float64' ? num(v) : v;
  }
}

function argString(a: Arg): string {
  switch (a.k) {
    case 'string':
      return goQuote(a.value);
    case 'number':
      return a.lit.text;
    case 'bool':
      return String(a.value);
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'field':
      return '.' + a.names.join('.');
    case 'variable':
      return [a.name, ...a.names].join('.');
    default:
      return 'command';
  }
}

function printValue(v: unknown): string {
  if (v === null || v === undefined || v === MISSING) return '<no value>';
  return fmtV(v);
}

function idealConstant(lit: NumberLit): unknown {
  if (lit.isFloat && !lit.text.startsWith("'") && !/^[+-]?0[xX]/.test(lit.text) && /[.eEpP]/.test(lit.text)) return floatOf(lit.value);
  if (lit.isInt) return new GoInt(lit.value);
  return floatOf(lit.value);
}

function floatOf(n: number): number | GoFloat {
  return Number.isInteger(n) ? new GoFloat(n) : n;
}

// ---------------------------------------------------------------------------------------------------------------
// Functions

type ParamType = 'any' | 'string' | 'int' | 'int64' | 'float64' | 'bool' | 'map' | 'slice';

interface Fn {
  params: ParamType[];
  variadic?: ParamType;
  impl: (this: State, ...args: any[]) => unknown;
  unsupported?: boolean;
}

function goParamName(t: ParamType): string {
  switch (t) {
    case 'any':
      return 'interface {}';
    case 'map':
      return 'map[string]interface {}';
    case 'slice':
      return '[]interface {}';
    default:
      return t;
  }
}

/** slim-sprig strval. */
function strval(v: unknown): string {
  if (typeof v === 'string') return v;
  return fmtV(v);
}

/** slim-sprig toInt64 (strings must parse as base-10 integers, anything else is 0). */
function toInt64(v: unknown): number {
  if (typeof v === 'string') return /^[+-]?[0-9]+$/.test(v) ? Number(v) : 0;
  switch (kindOf(v)) {
    case 'int':
      return num(v);
    case 'float':
      return Math.trunc(num(v));
    case 'bool':
      return v ? 1 : 0;
    default:
      return 0;
  }
}

function toFloat64(v: unknown): number {
  if (typeof v === 'string') return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v.trim()) && v.trim() === v ? Number(v) : 0;
  switch (kindOf(v)) {
    case 'int':
    case 'float':
      return num(v);
    case 'bool':
      return v ? 1 : 0;
    default:
      return 0;
  }
}

/** slim-sprig strslice. */
function strslice(v: unknown): string[] {
  if (Array.isArray(v)) return strList(v.filter((x) => x !== null && x !== undefined).map(strval));
  if (v === null || v === undefined) return strList([]);
  return strList([strval(v)]);
}

function listOf(v: unknown, fname: string): unknown[] {
  if (Array.isArray(v)) return v;
  throw new FnError(`Cannot ${fname} on type ${typeName(v)}`);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (typeName(a) !== typeName(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  if (a === null || a === undefined || b === null || b === undefined) return a === b || (a == null && b == null);
  return num(a as number) === num(b as number) || a === b;
}

function goRegex(re: string, global = false): RegExp {
  let flags = 'u' + (global ? 'g' : '');
  let src = re;
  const m = /^\(\?([imsU]+)\)/.exec(src);
  if (m) {
    if (m[1].includes('U')) throw new FnError('regexp flag U is not evaluated offline', 'unsupported');
    flags += m[1].replace(/[^ims]/g, '');
    src = src.slice(m[0].length);
  }
  src = src.replace(/\(\?P</g, '(?<').replace(/\\z/g, '$').replace(/\\A/g, '^');
  try {
    return new RegExp(src, flags);
  } catch {
    throw new FnError(`regexp ${JSON.stringify(re)} is not evaluated offline`, 'unsupported');
  }
}

/** Go's Regexp.Expand template syntax ($1, ${1}, ${name}, $$) converted for String.replace. */
function goReplacement(repl: string): string {
  return repl.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (_m, all: string, braced?: string, bare?: string) => {
    if (all === '$') return '$$';
    const name = braced ?? bare!;
    return /^[0-9]+$/.test(name) ? `$${name}` : `$<${name}>`;
  });
}

function goTitle(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    const sep = !/[\p{L}\p{N}_]/u.test(prev);
    out += sep ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

function goTrim(s: string, cutset: string): string {
  const set = new Set(Array.from(cutset));
  const a = Array.from(s);
  let i = 0;
  let j = a.length;
  while (i < j && set.has(a[i])) i++;
  while (j > i && set.has(a[j - 1])) j--;
  return a.slice(i, j).join('');
}

function bytesSlice(s: string, start: number, end?: number): string {
  const b = Buffer.from(s);
  if (start < 0 || (end !== undefined && (end < start || end > b.length)) || start > b.length) {
    throw new FnError(`runtime error: slice bounds out of range [${start}:${end ?? b.length}]`);
  }
  return b.subarray(start, end).toString();
}

function goPathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
    } else parts.push(seg);
  }
  const out = (rooted ? '/' : '') + parts.join('/');
  return out === '' ? '.' : out;
}

function goJson(v: unknown, escapeHtml: boolean, indent?: string): string {
  const conv = (x: unknown): unknown => {
    if (x instanceof GoInt || x instanceof GoFloat) return x.n;
    if (Array.isArray(x)) return x.map(conv);
    if (isMap(x)) {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort(byteCompare)) setOwn(o, k, conv(x[k]));
      return o;
    }
    return x === undefined ? null : x;
  };
  let s = JSON.stringify(conv(v), null, indent) ?? 'null';
  if (escapeHtml) s = s.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  else s = s.replace(/[\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  return s;
}

function fromJsonValue(x: unknown): unknown {
  if (typeof x === 'number') return floatOf(x);
  if (Array.isArray(x)) return x.map(fromJsonValue);
  if (isMap(x)) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(x)) setOwn(o, k, fromJsonValue(x[k]));
    return o;
  }
  return x;
}

function compare(name: string, a: unknown, b: unknown): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka === 'nil' || kb === 'nil' || ka === 'map' || ka === 'slice' || kb === 'map' || kb === 'slice' || ka === 'bool' || kb === 'bool') {
    throw new FnError('invalid type for comparison');
  }
  if (ka !== kb) throw new FnError('incompatible types for comparison');
  void name;
  if (ka === 'string') return byteCompare(a as string, b as string);
  return num(a) < num(b) ? -1 : num(a) > num(b) ? 1 : 0;
}

function eqValues(a: unknown, b: unknown): boolean {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb) {
    if (ka !== 'nil' && kb !== 'nil') throw new FnError('incompatible types for comparison');
    return false;
  }
  switch (ka) {
    case 'bool':
    case 'string':
      return a === b;
    case 'int':
    case 'float':
      return num(a) === num(b);
    case 'nil':
      return true;
    default:
      throw new FnError(`non-comparable types ${fmtV(a)}: ${typeName(a)}, ${typeName(b)}: ${fmtV(b)}`);
  }
}

/** gosimple/slug.Make with MaxLength 63 and smart truncation, as the operator configures it. */
export function slugify(s: string): string {
  let slug = s.trim();
  const sub: Record<string, string> = { '&': 'and', '@': 'at', '"': '', "'": '', '’': '', '‒': '-', '–': '-', '—': '-', '―': '-' };
  slug = Array.from(slug, (ch) => (ch in sub ? sub[ch] : ch)).join('');
  slug = unidecode(slug).toLowerCase();
  slug = slug.replace(/[^a-zA-Z0-9\-_]/g, '-').replace(/-+/g, '-');
  slug = goTrim(slug, '-_');
  const max = 63;
  if (slug.length > max) {
    let cut = -1;
    for (let i = max; i >= 0; i--) {
      if (slug[i] === '-') {
        cut = i;
        break;
      }
    }
    slug = cut >= 0 ? slug.slice(0, cut) : slug.slice(0, max);
  }
  return slug;
}

/** Close to unidecode for Latin text: letters lose their accents; other characters become separators. */
function unidecode(s: string): string {
  const special: Record<string, string> = { ß: 'ss', æ: 'ae', Æ: 'AE', ø: 'o', Ø: 'O', đ: 'd', Đ: 'D', ł: 'l', Ł: 'L', œ: 'oe', Œ: 'OE', þ: 'th', Þ: 'Th', ð: 'd', Ð: 'D' };
  return Array.from(s.normalize('NFKD'), (ch) => special[ch] ?? ch)
    .join('')
    .replace(/\p{M}/gu, '');
}

function adler32(s: string): number {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s)) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536 + a) >>> 0;
}

/** The Flux Operator's input-set id: adler32 of a string, in decimal (internal/inputs/id.go). */
export function inputId(s: string): string {
  return String(adler32(s));
}

const unsupported = (): Fn => ({ params: [], variadic: 'any', impl: () => undefined, unsupported: true });

const FUNCS = new Map<string, Fn>();
const def = (name: string, params: ParamType[], impl: Fn['impl'], variadic?: ParamType) => FUNCS.set(name, { params, variadic, impl });

// text/template builtins (and/or are evaluated lazily in evalFunction).
def('and', ['any'], () => null, 'any');
def('or', ['any'], () => null, 'any');
def('not', ['any'], (a) => !truth(a));
def('len', ['any'], (a) => {
  switch (kindOf(a)) {
    case 'string':
      return new GoInt(Buffer.byteLength(a as string));
    case 'slice':
      return new GoInt((a as unknown[]).length);
    case 'map':
      return new GoInt(Object.keys(a as object).length);
    case 'nil':
      throw new FnError('len of nil pointer');
    default:
      throw new FnError(`len of type ${typeName(a)}`);
  }
});
def('index', ['any'], (item, ...idx) => {
  let v = item;
  for (const i of idx) {
    if (v === null || v === undefined) throw new FnError('index of untyped nil');
    if (Array.isArray(v)) {
      if (kindOf(i) !== 'int') throw new FnError(`cannot index slice/array with type ${typeName(i)}`);
      const n = num(i);
      if (n < 0 || n >= v.length) throw new FnError(`index out of range: ${n}`);
      v = v[n];
    } else if (isMap(v)) {
      if (typeof i !== 'string') throw new FnError(`value has type ${typeName(i)}; should be string`);
      v = Object.prototype.hasOwnProperty.call(v, i) ? v[i] : null;
    } else if (typeof v === 'string') {
      const b = Buffer.from(v);
      const n = num(i);
      if (n < 0 || n >= b.length) throw new FnError(`index out of range: ${n}`);
      v = new GoInt(b[n]);
    } else throw new FnError(`can't index item of type ${typeName(v)}`);
  }
  return v === undefined ? null : v;
}, 'any');
def('print', [], (...a) => a.map((x, i) => (i > 0 && typeof x !== 'string' && typeof a[i - 1] !== 'string' ? ' ' : '') + fmtV(x)).join(''), 'any');
def('println', [], (...a) => a.map((x) => fmtV(x)).join(' ') + '\n', 'any');
def('printf', ['string'], (f, ...a) => goSprintf(f, a), 'any');
def('html', [], (...a) =>
  a.map((x) => fmtV(x)).join('').replace(/[&'<>"\0]/g, (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' })[c]!), 'any');
def('urlquery', [], (...a) => encodeURIComponent(a.map((x) => fmtV(x)).join('')).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()), 'any');
def('eq', ['any'], (a, ...rest) => {
  if (rest.length === 0) throw new FnError('missing argument for comparison');
  return rest.some((b) => eqValues(a, b));
}, 'any');
def('ne', ['any', 'any'], (a, b) => !eqValues(a, b));
def('lt', ['any', 'any'], (a, b) => compare('lt', a, b) < 0);
def('le', ['any', 'any'], (a, b) => compare('le', a, b) <= 0);
def('gt', ['any', 'any'], (a, b) => compare('gt', a, b) > 0);
def('ge', ['any', 'any'], (a, b) => compare('ge', a, b) >= 0);
FUNCS.set('call', unsupported());
FUNCS.set('js', unsupported());

// slim-sprig (HermeticTxtFuncMap: the non-repeatable date, random, env and network functions are not defined).
def('hello', [], () => 'Hello!');
def('trunc', ['int', 'string'], (c: GoInt, s: string) => {
  const b = Buffer.from(s);
  if (c.n < 0 && b.length + c.n > 0) return b.subarray(b.length + c.n).toString();
  if (c.n >= 0 && b.length > c.n) return b.subarray(0, c.n).toString();
  return s;
});
def('trim', ['string'], (s: string) => s.trim());
def('upper', ['string'], (s: string) => s.toUpperCase());
def('lower', ['string'], (s: string) => s.toLowerCase());
def('title', ['string'], (s: string) => goTitle(s));
def('substr', ['int', 'int', 'string'], (start: GoInt, end: GoInt, s: string) => {
  const len = Buffer.byteLength(s);
  if (start.n < 0) return bytesSlice(s, 0, end.n);
  if (end.n < 0 || end.n > len) return bytesSlice(s, start.n);
  return bytesSlice(s, start.n, end.n);
});
def('repeat', ['int', 'string'], (c: GoInt, s: string) => {
  if (c.n < 0) throw new FnError('strings: negative Repeat count');
  if (c.n * s.length > 16 * 1024 * 1024) throw new FnError('repeat output too large', 'limit');
  return s.repeat(c.n);
});
def('trimall', ['string', 'string'], (a: string, b: string) => goTrim(b, a));
def('trimAll', ['string', 'string'], (a: string, b: string) => goTrim(b, a));
def('trimSuffix', ['string', 'string'], (a: string, b: string) => (b.endsWith(a) ? b.slice(0, b.length - a.length) : b));
def('trimPrefix', ['string', 'string'], (a: string, b: string) => (b.startsWith(a) ? b.slice(a.length) : b));
def('contains', ['string', 'string'], (sub: string, s: string) => s.includes(sub));
def('hasPrefix', ['string', 'string'], (p: string, s: string) => s.startsWith(p));
def('hasSuffix', ['string', 'string'], (p: string, s: string) => s.endsWith(p));
def('quote', [], (...a) => a.filter((x) => x !== null && x !== undefined).map((x) => goQuote(strval(x))).join(' '), 'any');
def('squote', [], (...a) => a.filter((x) => x !== null && x !== undefined).map((x) => `'${strval(x)}'`).join(' '), 'any');
def('cat', [], (...a) => a.filter((x) => x !== null && x !== undefined).map((x) => fmtV(x)).join(' '), 'any');
def('indent', ['int', 'string'], (n: GoInt, s: string) => {
  const pad = ' '.repeat(Math.max(0, n.n));
  return pad + s.split('\n').join('\n' + pad);
});
def('nindent', ['int', 'string'], (n: GoInt, s: string) => {
  const pad = ' '.repeat(Math.max(0, n.n));
  return '\n' + pad + s.split('\n').join('\n' + pad);
});
def('replace', ['string', 'string', 'string'], (o: string, n: string, src: string) => src.split(o).join(n));
def('plural', ['string', 'string', 'int'], (one: string, many: string, c: GoInt) => (c.n === 1 ? one : many));
def('sha1sum', ['string'], (s: string) => createHash('sha1').update(s).digest('hex'));
def('sha256sum', ['string'], (s: string) => createHash('sha256').update(s).digest('hex'));
def('adler32sum', ['string'], (s: string) => String(adler32(s)));
def('toString', ['any'], (v) => strval(v));
def('atoi', ['string'], (s: string) => new GoInt(/^[+-]?[0-9]+$/.test(s) ? Number(s) : 0));
def('int64', ['any'], (v) => toInt64(v));
def('int', ['any'], (v) => new GoInt(toInt64(v)));
def('float64', ['any'], (v) => floatOf(toFloat64(v)));
def('toDecimal', ['any'], (v) => {
  const s = strval(v);
  return /^[+-]?[0-7]+$/.test(s) ? parseInt(s, 8) : 0;
});
def('split', ['string', 'string'], (sep: string, s: string) => {
  const o: Record<string, unknown> = {};
  s.split(sep).forEach((p, i) => (o['_' + i] = p));
  stringMaps.add(o);
  return o;
});
def('splitList', ['string', 'string'], (sep: string, s: string) => strList(s.split(sep)));
def('splitn', ['string', 'int', 'string'], (sep: string, n: GoInt, s: string) => {
  const parts = s.split(sep);
  const out = n.n < 0 || parts.length <= n.n ? parts : [...parts.slice(0, n.n - 1), parts.slice(n.n - 1).join(sep)];
  const o: Record<string, unknown> = {};
  if (n.n !== 0) out.forEach((p, i) => (o['_' + i] = p));
  stringMaps.add(o);
  return o;
});
def('toStrings', ['any'], (v) => strslice(v));
def('until', ['int'], (c: GoInt) => untilStep(0, c.n, c.n >= 0 ? 1 : -1));
def('untilStep', ['int', 'int', 'int'], (a: GoInt, b: GoInt, s: GoInt) => untilStep(a.n, b.n, s.n));
def('add1', ['any'], (i) => toInt64(i) + 1);
def('add', [], (...a) => a.reduce((s: number, x) => s + toInt64(x), 0), 'any');
def('sub', ['any', 'any'], (a, b) => toInt64(a) - toInt64(b));
def('div', ['any', 'any'], (a, b) => {
  if (toInt64(b) === 0) throw new FnError('runtime error: integer divide by zero');
  return Math.trunc(toInt64(a) / toInt64(b));
});
def('mod', ['any', 'any'], (a, b) => {
  if (toInt64(b) === 0) throw new FnError('runtime error: integer divide by zero');
  return toInt64(a) % toInt64(b);
});
def('mul', ['any'], (a, ...v) => v.reduce((p: number, x) => p * toInt64(x), toInt64(a)), 'any');
def('max', ['any'], (a, ...v) => Math.max(toInt64(a), ...v.map(toInt64)), 'any');
def('biggest', ['any'], (a, ...v) => Math.max(toInt64(a), ...v.map(toInt64)), 'any');
def('min', ['any'], (a, ...v) => Math.min(toInt64(a), ...v.map(toInt64)), 'any');
def('maxf', ['any'], (a, ...v) => floatOf(Math.max(toFloat64(a), ...v.map(toFloat64))), 'any');
def('minf', ['any'], (a, ...v) => floatOf(Math.min(toFloat64(a), ...v.map(toFloat64))), 'any');
def('ceil', ['any'], (a) => floatOf(Math.ceil(toFloat64(a))));
def('floor', ['any'], (a) => floatOf(Math.floor(toFloat64(a))));
def('round', ['any', 'int'], (a, p: GoInt, ...r) => {
  const roundOn = r.length > 0 ? toFloat64(r[0]) : 0.5;
  const pow = 10 ** p.n;
  const digit = pow * toFloat64(a);
  const [, div] = [Math.trunc(digit), digit - Math.trunc(digit)];
  return floatOf((div >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow);
}, 'any');
def('join', ['string', 'any'], (sep: string, v) => strslice(v).join(sep));
def('sortAlpha', ['any'], (v) => (Array.isArray(v) ? strList([...strslice(v)].sort(byteCompare)) : strList([strval(v)])));
def('default', ['any'], (d, ...given) => (given.length === 0 || empty(given[0]) ? d : given[0]), 'any');
def('empty', ['any'], (v) => empty(v));
def('coalesce', [], (...v) => v.find((x) => !empty(x)) ?? null, 'any');
def('all', [], (...v) => v.every((x) => !empty(x)), 'any');
def('any', [], (...v) => v.some((x) => !empty(x)), 'any');
def('compact', ['any'], (v) => listOf(v, 'compact').filter((x) => !empty(x)));
def('mustCompact', ['any'], (v) => listOf(v, 'compact').filter((x) => !empty(x)));
def('fromJson', ['string'], (s: string) => {
  try {
    return fromJsonValue(JSON.parse(s));
  } catch {
    return null;
  }
});
def('mustFromJson', ['string'], (s: string) => {
  try {
    return fromJsonValue(JSON.parse(s));
  } catch (e) {
    throw new FnError((e as Error).message);
  }
});
def('toJson', ['any'], (v) => goJson(v, true));
def('mustToJson', ['any'], (v) => goJson(v, true));
def('toPrettyJson', ['any'], (v) => goJson(v, true, '  '));
def('mustToPrettyJson', ['any'], (v) => goJson(v, true, '  '));
def('toRawJson', ['any'], (v) => goJson(v, false));
def('mustToRawJson', ['any'], (v) => goJson(v, false));
def('ternary', ['any', 'any', 'bool'], (t, f, c: boolean) => (c ? t : f));
def('typeOf', ['any'], (v) => typeName(v));
def('typeIs', ['string', 'any'], (t: string, v) => t === typeName(v));
def('typeIsLike', ['string', 'any'], (t: string, v) => t === typeName(v) || t === '*' + typeName(v));
def('kindOf', ['any'], (v) => goKindName(v));
def('kindIs', ['string', 'any'], (t: string, v) => t === goKindName(v));
def('deepEqual', ['any', 'any'], (a, b) => deepEqual(a, b));
def('base', ['string'], (p: string) => {
  if (p === '') return '.';
  const t = p.replace(/\/+$/, '');
  return t === '' ? '/' : t.slice(t.lastIndexOf('/') + 1);
});
def('dir', ['string'], (p: string) => goPathClean(p.slice(0, p.lastIndexOf('/') + 1)));
def('clean', ['string'], (p: string) => goPathClean(p));
def('ext', ['string'], (p: string) => {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
});
def('isAbs', ['string'], (p: string) => p.startsWith('/'));
for (const n of ['osBase', 'osClean', 'osDir', 'osExt', 'osIsAbs']) FUNCS.set(n, FUNCS.get(n.slice(2, 3).toLowerCase() + n.slice(3))!);
def('b64enc', ['string'], (s: string) => Buffer.from(s).toString('base64'));
def('b64dec', ['string'], (s: string) => {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return 'illegal base64 data at input byte 0';
  return Buffer.from(s, 'base64').toString();
});
def('list', [], (...v) => v, 'any');
def('tuple', [], (...v) => v, 'any');
def('dict', [], (...v) => {
  const o: Record<string, unknown> = {};
  for (let i = 0; i < v.length; i += 2) setOwn(o, strval(v[i]), i + 1 < v.length ? v[i + 1] : '');
  return o;
}, 'any');
def('get', ['map', 'string'], (d: Record<string, unknown> | null, k: string) =>
  d && Object.prototype.hasOwnProperty.call(d, k) ? (d[k] ?? null) : '');
def('set', ['map', 'string', 'any'], (d: Record<string, unknown> | null, k: string, v) => {
  if (!d) throw new FnError('assignment to entry in nil map');
  setOwn(d, k, v);
  return d;
});
def('unset', ['map', 'string'], (d: Record<string, unknown> | null, k: string) => {
  if (d) delete d[k];
  return d;
});
def('hasKey', ['map', 'string'], (d: Record<string, unknown> | null, k: string) => !!d && Object.prototype.hasOwnProperty.call(d, k));
def('pluck', ['string'], (k: string, ...ds: (Record<string, unknown> | null)[]) =>
  ds.filter((d) => d && Object.prototype.hasOwnProperty.call(d, k)).map((d) => d![k]), 'map');
// Go ranges over a map in a random order: keys/values come out sorted here, which is one of the orders Go may give.
def('keys', [], (...ds: (Record<string, unknown> | null)[]) => strList(ds.flatMap((d) => Object.keys(d ?? {})).sort(byteCompare)), 'map');
def('values', ['map'], (d: Record<string, unknown> | null) => Object.keys(d ?? {}).sort(byteCompare).map((k) => d![k]));
def('pick', ['map'], (d: Record<string, unknown> | null, ...ks: string[]) => {
  const o: Record<string, unknown> = {};
  for (const k of ks) if (d && Object.prototype.hasOwnProperty.call(d, k)) setOwn(o, k, d[k]);
  return o;
}, 'string');
def('omit', ['map'], (d: Record<string, unknown> | null, ...ks: string[]) => {
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(d ?? {})) if (!ks.includes(k)) setOwn(o, k, d![k]);
  return o;
}, 'string');
for (const [name, must] of [['append', false], ['push', false], ['mustAppend', true], ['mustPush', true]] as const) {
  def(name, ['any', 'any'], (l, v) => [...listOf(l, must ? 'push' : 'push'), v]);
}
def('prepend', ['any', 'any'], (l, v) => [v, ...listOf(l, 'prepend')]);
def('mustPrepend', ['any', 'any'], (l, v) => [v, ...listOf(l, 'prepend')]);
for (const must of ['', 'must']) {
  const n = (s: string) => (must ? must + s[0].toUpperCase() + s.slice(1) : s);
  def(n('first'), ['any'], (l) => (listOf(l, 'find first').length ? (l as unknown[])[0] : null));
  def(n('last'), ['any'], (l) => (listOf(l, 'find last').length ? (l as unknown[])[(l as unknown[]).length - 1] : null));
  def(n('rest'), ['any'], (l) => (listOf(l, 'find rest').length ? (l as unknown[]).slice(1) : null));
  def(n('initial'), ['any'], (l) => (listOf(l, 'find initial').length ? (l as unknown[]).slice(0, -1) : null));
  def(n('reverse'), ['any'], (l) => [...listOf(l, 'find reverse')].reverse());
  def(n('uniq'), ['any'], (l) => listOf(l, 'find uniq').filter((x, i, a) => a.findIndex((y) => deepEqual(x, y)) === i));
  def(n('without'), ['any'], (l, ...omit) => listOf(l, 'find without').filter((x) => !omit.some((o) => deepEqual(x, o))), 'any');
  def(n('has'), ['any', 'any'], (needle, hay) => (hay === null || hay === undefined ? false : listOf(hay, 'find has').some((x) => deepEqual(x, needle))));
  def(n('slice'), ['any'], (l, ...idx) => {
    const list = listOf(l, 'slice');
    if (list.length === 0) return null;
    const start = idx.length > 0 ? toInt64(idx[0]) : 0;
    const end = idx.length > 1 ? toInt64(idx[1]) : list.length;
    if (start < 0 || end > list.length || start > end) throw new FnError(`reflect: slice index out of range`);
    return list.slice(start, end);
  }, 'any');
  def(n('chunk'), ['int', 'any'], (size: GoInt, l) => {
    const list = listOf(l, 'chunk');
    if (size.n <= 0) throw new FnError('chunk size must be positive');
    const out: unknown[][] = [];
    for (let i = 0; i < list.length; i += size.n) out.push(list.slice(i, i + size.n));
    return out;
  });
}
def('concat', [], (...ls) => ls.flatMap((l) => [...listOf(l, 'concat')]), 'any');
def('dig', ['any', 'any', 'any'], (...ps) => {
  const dict = ps[ps.length - 1];
  const d = ps[ps.length - 2];
  const ks = ps.slice(0, -2);
  if (!isMap(dict)) throw new FnError(`interface conversion: interface {} is ${typeName(dict)}, not map[string]interface {}`);
  let cur: unknown = dict;
  for (let i = 0; i < ks.length; i++) {
    if (typeof ks[i] !== 'string') throw new FnError(`interface conversion: interface {} is ${typeName(ks[i])}, not string`);
    if (!isMap(cur)) throw new FnError(`interface conversion: interface {} is ${typeName(cur)}, not map[string]interface {}`);
    if (!Object.prototype.hasOwnProperty.call(cur, ks[i])) return d;
    cur = cur[ks[i] as string];
  }
  return cur;
}, 'any');
def('fail', ['string'], (msg: string) => {
  throw new FnError(msg);
});
def('regexMatch', ['string', 'string'], (re: string, s: string) => {
  try {
    return goRegex(re).test(s);
  } catch (e) {
    if (e instanceof FnError && e.kind === 'unsupported') throw e;
    return false;
  }
});
def('mustRegexMatch', ['string', 'string'], (re: string, s: string) => goRegex(re).test(s));
def('regexFindAll', ['string', 'string', 'int'], (re: string, s: string, n: GoInt) => {
  const all = Array.from(s.matchAll(goRegex(re, true)), (m) => m[0]);
  return strList(n.n < 0 ? all : all.slice(0, n.n));
});
def('mustRegexFindAll', ['string', 'string', 'int'], (re: string, s: string, n: GoInt) => {
  const all = Array.from(s.matchAll(goRegex(re, true)), (m) => m[0]);
  return strList(n.n < 0 ? all : all.slice(0, n.n));
});
def('regexFind', ['string', 'string'], (re: string, s: string) => goRegex(re).exec(s)?.[0] ?? '');
def('mustRegexFind', ['string', 'string'], (re: string, s: string) => goRegex(re).exec(s)?.[0] ?? '');
def('regexReplaceAll', ['string', 'string', 'string'], (re: string, s: string, r: string) => s.replace(goRegex(re, true), goReplacement(r)));
def('mustRegexReplaceAll', ['string', 'string', 'string'], (re: string, s: string, r: string) => s.replace(goRegex(re, true), goReplacement(r)));
def('regexReplaceAllLiteral', ['string', 'string', 'string'], (re: string, s: string, r: string) => s.replace(goRegex(re, true), () => r));
def('mustRegexReplaceAllLiteral', ['string', 'string', 'string'], (re: string, s: string, r: string) => s.replace(goRegex(re, true), () => r));
def('regexSplit', ['string', 'string', 'int'], (re: string, s: string, n: GoInt) => regexSplit(re, s, n.n));
def('mustRegexSplit', ['string', 'string', 'int'], (re: string, s: string, n: GoInt) => regexSplit(re, s, n.n));
def('regexQuoteMeta', ['string'], (s: string) => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'));
for (const n of ['ago', 'duration', 'durationRound', 'mustDateModify', 'must_date_modify', 'mustToDate', 'toDate', 'unixEpoch',
  'seq', 'b32enc', 'b32dec', 'urlParse', 'urlJoin', 'osAbs', 'randInt']) FUNCS.set(n, unsupported());

// The operator's own (internal/builder/resourceset.go).
def('slugify', ['string'], (s: string) => slugify(s));
def('toYaml', ['any'], (v) => goYamlMarshal(toPlain(v)).text);
def('mustToYaml', ['any'], (v) => goYamlMarshal(toPlain(v)).text);
def('inputs', [], function (this: State) {
  return this.inputs;
});

function untilStep(start: number, stop: number, step: number): unknown[] {
  const out: number[] = [];
  if (stop < start) {
    if (step >= 0) return out;
    for (let i = start; i > stop; i += step) out.push(i);
  } else {
    if (step <= 0) return out;
    for (let i = start; i < stop; i += step) {
      out.push(i);
      if (out.length > 1_000_000) throw new FnError('until produces too many values', 'limit');
    }
  }
  const list = out.map((i) => new GoInt(i));
  intSlices.add(list);
  return list;
}

/** regexp.Split: at most n pieces (n < 0: all), the last one holding the rest of the string. */
function regexSplit(re: string, s: string, n: number): string[] {
  if (n === 0) return strList([]);
  if (re.length > 0 && s.length === 0) return strList(['']);
  const out: string[] = [];
  let beg = 0;
  for (const m of s.matchAll(goRegex(re, true))) {
    if (n > 0 && out.length === n - 1) break;
    const end = m.index!;
    if (m[0].length === 0 && end === 0) continue;
    out.push(s.slice(beg, end));
    beg = end + m[0].length;
  }
  out.push(s.slice(beg));
  return strList(out);
}

function goKindName(v: unknown): string {
  switch (kindOf(v)) {
    case 'nil':
      return 'invalid';
    case 'int':
      return v instanceof GoInt ? 'int' : 'int64';
    case 'float':
      return 'float64';
    case 'slice':
      return 'slice';
    case 'map':
      return 'map';
    default:
      return typeof v === 'string' ? 'string' : 'bool';
  }
}

/** A template value as plain JSON (for toYaml). */
export function toPlain(v: unknown): unknown {
  if (v instanceof GoInt || v instanceof GoFloat) return v.n;
  if (Array.isArray(v)) return v.map(toPlain);
  if (isMap(v)) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v)) setOwn(o, k, toPlain(v[k]));
    return o;
  }
  return v === undefined ? null : v;
}

/** Functions the operator defines for ResourceSet templates (implemented or not). */
export function templateFunctionNames(): string[] {
  return [...FUNCS.keys()];
}
