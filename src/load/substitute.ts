import type { Substitution } from '../model/types.js';
import { isObject, type JsonObject } from '../model/objects.js';

/**
 * Flux's post-build variable substitution, as kustomize-controller runs it: github.com/fluxcd/pkg/kustomize
 * (kustomize_varsub.go) serializes each built object to YAML and passes it through github.com/fluxcd/pkg/envsubst
 * (a fork of drone/envsubst: envsubst/parse/{scan,parse}.go, envsubst/{template,funcs}.go), then parses it back.
 * https://fluxcd.io/flux/components/kustomize/kustomizations/#post-build-variable-substitution
 *
 * What that code accepts, and what this module reproduces on each string (keys included) of an object:
 * - Outside `${...}`, `$$` is an escape for `$` wherever it is (`$${X}` is `${X}`, `a$$b` is `a$b`); a lone `$`,
 *   `$X` and `}` are text. Only `${` starts an expression.
 * - `${NAME}` where NAME is one or more Unicode letters, digits or `_` (the parser's acceptIdent; it may start with a
 *   digit, though no variable can be named so: the controller rejects such names, see VALID_NAME). Then one of:
 *   `}`; `:-w`, `:=w`, `:?w`, `:+w`, `=w` (all four behave alike: the value when it is not empty, else w; w may hold
 *   text and nested `${...}`); `:offset` and `:offset:length` (byte offsets, Go's strconv.Atoi, bash-like clamping);
 *   `^`, `^^`, `,`, `,,` (case); `#p`, `##p`, `%p`, `%%p` (trim by Go's path.Match glob, the pattern reversed for `%`);
 *   `/p/r`, `//p/r`, `/#p/r`, `/%p/r` (literal replace; `\/`, `\\` and `$$` are escapes inside p and r);
 *   `${#NAME}` (length in bytes).
 * - Anything else is an error that fails the whole Kustomization ("envsubst error: variable substitution failed:
 *   missing closing brace"): `${A-b}` and `${A+b}` (the README lists them, the parser has no case for them), `${}`,
 *   `${ A}`, `${A.b}`, `${{...}}`, an unclosed `${`.
 * - An undefined variable is the empty string; with the StrictPostBuildSubstitutions feature gate (opt-in), a bare
 *   or transformed undefined variable fails the build instead (envsubst/template.go isDefaultOp).
 * - Nothing is substituted at all when the Kustomization defines no variable (`if len(vars) > 0`): then `$$` and
 *   `${A:=b}` are applied as written.
 *
 * The linter also meets values it cannot know: a variable from a Secret (its value must never reach output), from
 * a SOPS-encrypted or ExternalSecret-written source, or from a missing optional one. Such an expression, and one
 * using an undefined variable (substitution-undefined reports it), is left exactly as written in the model: every
 * later stage already takes a `${` in a name, namespace, path or reference as "not resolved" and decides nothing on
 * it (no duplicate, no missing target, no missing path), and the written text names the variable in any message.
 * A sentinel string would have had to be taught to each of those stages, and could collide with real text.
 */

export const SUBSTITUTE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/substitute';

/** The controller refuses a variable named otherwise ("'x' var name is invalid"), failing the Kustomization. */
export const VALID_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

// ---------------------------------------------------------------------------------------------------------------
// Parser: a port of envsubst/parse (scan.go and parse.go). The Go scanner removes escape characters from its buffer
// as it goes; this one leaves the string alone and builds each token's text instead, so offsets stay those of the
// string, and an expression can be quoted as written.

export interface TextNode {
  type: 'text';
  value: string;
}

export interface FuncNode {
  type: 'func';
  /** The variable. */
  param: string;
  /** The operator as parsed: '' for `${A}`, ':-', '=', '^^', '#', '/', ':' ... */
  name: string;
  args: TemplateNode[];
  /** Offsets of `${` and just past its `}`. */
  start: number;
  end: number;
}

export type TemplateNode = TextNode | FuncNode;

/** A `${...}` Flux cannot parse; the message is the controller's own. */
export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    /** Offset of the `${` of the expression that failed (outermost). */
    readonly start: number,
  ) {
    super(message);
  }
}

const EOF = -1;
const enum Token {
  Illegal,
  EOF,
  Ident,
  Lbrack,
  Rbrack,
}
const SCAN_IDENT = 1;
const SCAN_LBRACK = 2;
const SCAN_RBRACK = 4;
const SCAN_ESCAPE = 8;
const DOLLAR = 1;
const BACKSLASH = 2;

type Accept = (r: number, i: number) => boolean;
const cp = (c: string) => c.codePointAt(0)!;
const C = { dollar: cp('$'), lbrace: cp('{'), rbrace: cp('}'), backslash: cp('\\'), slash: cp('/'), colon: cp(':'), hash: cp('#'), percent: cp('%'), eq: cp('='), minus: cp('-'), question: cp('?'), plus: cp('+'), comma: cp(','), caret: cp('^') };

const acceptRune: Accept = () => true;
const acceptIdent: Accept = (r) => r === 0x5f || /[\p{L}\p{Nd}]/u.test(String.fromCodePoint(r));
const acceptColon: Accept = (r) => r === C.colon;
const acceptOneHash: Accept = (r, i) => r === C.hash && i === 1;
const acceptNotClosing: Accept = (r) => r !== C.rbrace;
const acceptHashFunc: Accept = (r, i) => r === C.hash && i < 3;
const acceptPercentFunc: Accept = (r, i) => r === C.percent && i < 3;
const acceptDefaultFunc: Accept = (r, i) => (i === 1 && r === C.colon) || (i === 2 && (r === C.eq || r === C.minus || r === C.question || r === C.plus));
const acceptReplaceFunc: Accept = (r, i) => (i === 1 && r === C.slash) || (i === 2 && (r === C.slash || r === C.hash || r === C.percent));
const acceptOneEqual: Accept = (r, i) => i === 1 && r === C.eq;
const acceptOneColon: Accept = (r, i) => i === 1 && r === C.colon;
const rejectColonClose: Accept = (r) => r !== C.colon && r !== C.rbrace;
const acceptSlash: Accept = (r) => r === C.slash;
const acceptNotSlash: Accept = (r) => r !== C.slash;
const acceptCasingFunc: Accept = (r, i) => (r === C.comma || r === C.caret) && i < 3;

/** UTF-8 length of a code point: the Go scanner counts a token's length in bytes. */
const utf8Len = (r: number) => (r < 0x80 ? 1 : r < 0x800 ? 2 : r < 0x10000 ? 3 : 4);

class Scanner {
  pos = 0;
  start = 0;
  private width = 0;
  mode = 0;
  escapeChars = 0;
  accept: Accept = acceptRune;
  /** The text of the last token scanned, escape characters removed. */
  text = '';

  constructor(private readonly buf: string) {}

  read(): number {
    if (this.pos >= this.buf.length) {
      this.width = 0;
      return EOF;
    }
    const r = this.buf.codePointAt(this.pos)!;
    this.width = r > 0xffff ? 2 : 1;
    this.pos += this.width;
    return r;
  }

  unread(): void {
    this.pos -= this.width;
  }

  peek(): number {
    const r = this.read();
    this.unread();
    return r;
  }

  scan(): Token {
    this.start = this.pos;
    this.text = '';
    const r = this.read();
    if (r === EOF) return Token.EOF;
    if (this.scanLbrack(r)) return Token.Lbrack;
    if (this.scanRbrack(r)) {
      this.text = '}';
      return Token.Rbrack;
    }
    if (this.scanIdent(r)) return Token.Ident;
    return Token.Illegal;
  }

  private scanIdent(r: number): boolean {
    if ((this.mode & SCAN_IDENT) === 0) return false;
    let bytes = 0;
    if (this.scanEscaped(r)) {
      // Go's skip(): the escape character goes, the one after it is taken as it is.
      const e = this.read();
      this.text += String.fromCodePoint(e);
      bytes += utf8Len(e);
    } else if (!this.accept(r, bytes + utf8Len(r))) {
      return false;
    } else {
      this.text += String.fromCodePoint(r);
      bytes += utf8Len(r);
    }
    for (;;) {
      const c = this.read();
      if (c === EOF) {
        this.unread();
        break;
      }
      if (this.scanLbrack(c)) {
        // Back before the `${`: both characters are one unit wide.
        this.pos -= 2;
        break;
      }
      if (this.scanEscaped(c)) {
        const e = this.read();
        this.text += String.fromCodePoint(e);
        bytes += utf8Len(e);
        continue;
      }
      if (!this.accept(c, bytes + utf8Len(c))) {
        this.unread();
        break;
      }
      this.text += String.fromCodePoint(c);
      bytes += utf8Len(c);
    }
    return true;
  }

  private scanLbrack(r: number): boolean {
    if ((this.mode & SCAN_LBRACK) === 0) return false;
    if (r === C.dollar) {
      if (this.read() === C.lbrace) return true;
      this.unread();
    }
    return false;
  }

  private scanRbrack(r: number): boolean {
    return (this.mode & SCAN_RBRACK) !== 0 && r === C.rbrace;
  }

  private scanEscaped(r: number): boolean {
    if ((this.mode & SCAN_ESCAPE) === 0) return false;
    if (r === C.dollar && (this.escapeChars & DOLLAR) !== 0 && this.peek() === C.dollar) return true;
    if (r === C.backslash && (this.escapeChars & BACKSLASH) !== 0) {
      const n = this.peek();
      return n === C.slash || n === C.backslash;
    }
    return false;
  }
}

const ERR_BAD_SUBSTITUTION = 'bad substitution';
const ERR_MISSING_CLOSING_BRACE = 'missing closing brace';
const ERR_PARSE_VARIABLE_NAME = 'unable to parse variable name';
const ERR_PARSE_FUNC_SUBSTITUTION = 'unable to parse substitution within function';
const ERR_PARSE_DEFAULT_FUNCTION = 'unable to parse default function';

class Parser {
  private readonly s: Scanner;
  /** Offset of the outermost `${` being parsed, for errors. */
  private outer = 0;

  constructor(private readonly buf: string) {
    this.s = new Scanner(buf);
  }

  parse(): TemplateNode[] {
    const out: TemplateNode[] = [];
    // parseAny, as a loop: a text token or an expression at a time until the end.
    for (;;) {
      const s = this.s;
      s.accept = acceptRune;
      s.mode = SCAN_IDENT | SCAN_LBRACK | SCAN_ESCAPE;
      s.escapeChars = DOLLAR;
      const t = s.scan();
      if (t === Token.EOF) return out;
      if (t === Token.Ident) {
        const last = out[out.length - 1];
        if (last?.type === 'text') last.value += s.text;
        else out.push({ type: 'text', value: s.text });
      } else if (t === Token.Lbrack) {
        this.outer = s.start;
        out.push(this.parseFunc(s.start));
      } else {
        throw this.error(ERR_BAD_SUBSTITUTION);
      }
    }
  }

  private error(message: string): TemplateSyntaxError {
    return new TemplateSyntaxError(message, this.outer);
  }

  private func(start: number, param: string, name: string, args: TemplateNode[]): FuncNode {
    return { type: 'func', param, name, args, start, end: this.s.pos };
  }

  private parseFunc(start: number): FuncNode {
    const s = this.s;
    s.escapeChars = DOLLAR | BACKSLASH;
    if (s.peek() === C.hash) return this.parseLenFunc(start);
    s.accept = acceptIdent;
    s.mode = SCAN_IDENT;
    if (s.scan() !== Token.Ident) throw this.error(ERR_PARSE_VARIABLE_NAME);
    const name = s.text;
    switch (s.peek()) {
      case C.colon:
        return this.parseDefaultOrSubstr(start, name);
      case C.eq:
        return this.parseDefaultFunc(start, name);
      case C.comma:
      case C.caret:
        return this.parseCasingFunc(start, name);
      case C.slash:
        return this.parseReplaceFunc(start, name);
      case C.hash:
        return this.parseRemoveFunc(start, name, acceptHashFunc);
      case C.percent:
        return this.parseRemoveFunc(start, name, acceptPercentFunc);
    }
    s.accept = acceptIdent;
    s.mode = SCAN_RBRACK;
    if (s.scan() !== Token.Rbrack) throw this.error(ERR_MISSING_CLOSING_BRACE);
    return this.func(start, name, '', []);
  }

  private parseParam(accept: Accept, mode: number): TemplateNode {
    const s = this.s;
    s.accept = accept;
    s.mode = mode | SCAN_LBRACK;
    const t = s.scan();
    if (t === Token.Lbrack) return this.parseFunc(s.start);
    if (t === Token.Ident || t === Token.Rbrack) return { type: 'text', value: s.text };
    throw this.error(ERR_PARSE_FUNC_SUBSTITUTION);
  }

  private parseDefaultOrSubstr(start: number, name: string): FuncNode {
    const s = this.s;
    s.read();
    const r = s.peek();
    s.unread();
    if (r === C.eq || r === C.minus || r === C.question || r === C.plus) return this.parseDefaultFunc(start, name);
    return this.parseSubstrFunc(start, name);
  }

  private parseSubstrFunc(start: number, param: string): FuncNode {
    const s = this.s;
    s.accept = acceptOneColon;
    s.mode = SCAN_IDENT;
    if (s.scan() !== Token.Ident) throw this.error(ERR_BAD_SUBSTITUTION);
    const name = s.text;
    const args = [this.parseParam(rejectColonClose, SCAN_IDENT)];
    s.accept = acceptColon;
    s.mode = SCAN_IDENT | SCAN_RBRACK;
    const t = s.scan();
    if (t === Token.Rbrack) return this.func(start, param, name, args);
    if (t !== Token.Ident) throw this.error(ERR_BAD_SUBSTITUTION);
    args.push(this.parseParam(acceptNotClosing, SCAN_IDENT));
    this.consumeRbrack();
    return this.func(start, param, name, args);
  }

  private parseRemoveFunc(start: number, param: string, accept: Accept): FuncNode {
    const s = this.s;
    s.accept = accept;
    s.mode = SCAN_IDENT;
    if (s.scan() !== Token.Ident) throw this.error(ERR_BAD_SUBSTITUTION);
    const name = s.text;
    const args = [this.parseParam(acceptNotClosing, SCAN_IDENT)];
    this.consumeRbrack();
    return this.func(start, param, name, args);
  }

  private parseReplaceFunc(start: number, param: string): FuncNode {
    const s = this.s;
    s.accept = acceptReplaceFunc;
    s.mode = SCAN_IDENT;
    if (s.scan() !== Token.Ident) throw this.error(ERR_BAD_SUBSTITUTION);
    const name = s.text;
    const args: TemplateNode[] = [];
    // An empty pattern (`${A/#/x}`): the delimiter comes at once (fluxcd/pkg envsubst since 2025).
    if (s.peek() === C.slash) args.push({ type: 'text', value: '' });
    else args.push(this.parseParam(acceptNotSlash, SCAN_IDENT | SCAN_ESCAPE));
    s.accept = acceptSlash;
    s.mode = SCAN_IDENT;
    if (s.scan() !== Token.Ident) throw this.error(ERR_BAD_SUBSTITUTION);
    if (s.peek() === C.rbrace) {
      this.consumeRbrack();
      return this.func(start, param, name, args);
    }
    args.push(this.parseParam(acceptNotClosing, SCAN_IDENT | SCAN_ESCAPE));
    this.consumeRbrack();
    return this.func(start, param, name, args);
  }

  private parseDefaultFunc(start: number, param: string): FuncNode {
    const s = this.s;
    s.accept = s.peek() === C.eq ? acceptOneEqual : acceptDefaultFunc;
    s.mode = SCAN_IDENT;
    if (s.scan() !== Token.Ident) throw this.error(ERR_PARSE_DEFAULT_FUNCTION);
    const name = s.text;
    const args: TemplateNode[] = [];
    for (;;) {
      if (s.peek() === C.rbrace) {
        this.consumeRbrack();
        return this.func(start, param, name, args);
      }
      args.push(this.parseParam(acceptNotClosing, SCAN_IDENT));
    }
  }

  private parseCasingFunc(start: number, param: string): FuncNode {
    const s = this.s;
    s.accept = acceptCasingFunc;
    s.mode = SCAN_IDENT;
    if (s.scan() !== Token.Ident) throw this.error(ERR_BAD_SUBSTITUTION);
    const name = s.text;
    this.consumeRbrack();
    return this.func(start, param, name, []);
  }

  private parseLenFunc(start: number): FuncNode {
    const s = this.s;
    s.accept = acceptOneHash;
    s.mode = SCAN_IDENT;
    if (s.scan() !== Token.Ident) throw this.error(ERR_BAD_SUBSTITUTION);
    const name = s.text;
    s.accept = acceptIdent;
    s.mode = SCAN_IDENT;
    if (s.scan() !== Token.Ident) throw this.error(ERR_BAD_SUBSTITUTION);
    const param = s.text;
    this.consumeRbrack();
    return this.func(start, param, name, []);
  }

  private consumeRbrack(): void {
    this.s.mode = SCAN_RBRACK;
    if (this.s.scan() !== Token.Rbrack) throw this.error(ERR_BAD_SUBSTITUTION);
  }
}

/** The template Flux's envsubst parses a string into; throws TemplateSyntaxError where Flux fails. */
export function parseTemplate(s: string): TemplateNode[] {
  return new Parser(s).parse();
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation: envsubst/template.go and funcs.go.

/** The value of a variable: a string, undefined (not defined), or UNKNOWN (defined, but the linter cannot know it). */
export const UNKNOWN: unique symbol = Symbol('unknown value');
export type VarValue = string | undefined | typeof UNKNOWN;

/** Operators that supply their own value for an unset variable (template.go isDefaultOp); all behave as toDefault. */
const DEFAULT_OPS = new Set(['-', '+', '=', '?', ':-', ':+', ':=', ':?']);

/** Go panics on some substring bounds (`${A:1:-1}`); the controller's reconcile then fails. */
export class TemplateEvalError extends Error {}

export interface EvalContext {
  lookup(name: string): VarValue;
  /** An undefined variable whose (empty) value reaches the output. */
  onUndefined?(node: FuncNode): void;
}

/** The expression's value; UNKNOWN when it depends on a value the linter cannot know, or on an undefined variable. */
export function evaluate(node: TemplateNode, ctx: EvalContext): string | typeof UNKNOWN {
  if (node.type === 'text') return node.value;
  const v = ctx.lookup(node.param);
  const args = () => {
    const out: string[] = [];
    let unknown = false;
    for (const a of node.args) {
      const r = evaluate(a, ctx);
      if (r === UNKNOWN) unknown = true;
      else out.push(r);
    }
    return unknown ? UNKNOWN : out;
  };
  if (DEFAULT_OPS.has(node.name)) {
    // toDefault: the value unless it is empty, else the arguments joined. Only then do they matter.
    if (v === UNKNOWN) return UNKNOWN;
    if (v !== undefined && v !== '') return v;
    const a = args();
    if (a === UNKNOWN) return UNKNOWN;
    return a.length > 0 ? a.join('') : '';
  }
  const a = args();
  if (v === UNKNOWN) return UNKNOWN;
  if (v === undefined) {
    ctx.onUndefined?.(node);
    return UNKNOWN;
  }
  if (a === UNKNOWN) return UNKNOWN;
  return apply(node.name, v, a);
}

/** lookupFunc: an operator it does not name (`${A}`, `${A,^}`) is toDefault, as the default ones are. */
function apply(name: string, s: string, args: string[]): string {
  switch (name) {
    case ',':
      return firstRune(s, (c) => c.toLowerCase());
    case ',,':
      return s.toLowerCase();
    case '^':
      return firstRune(s, (c) => c.toUpperCase());
    case '^^':
      return s.toUpperCase();
    case '#':
      return args.length === 0 ? String(Buffer.byteLength(s)) : trimShortest(s, args[0]);
    case '##':
      return args.length === 0 ? s : trimLongest(s, args[0]);
    case '%':
      return args.length === 0 ? s : reverse(trimShortest(reverse(s), reverse(args[0])));
    case '%%':
      return args.length === 0 ? s : reverse(trimLongest(reverse(s), reverse(args[0])));
    case ':':
      return substr(s, args);
    case '/#':
      return args.length === 2 && s.startsWith(args[0]) ? goReplace(s, args[0], args[1], 1) : s;
    case '/%':
      return args.length === 2 && s.endsWith(args[0]) ? s.slice(0, s.length - args[0].length) + args[1] : s;
    case '/':
      return args.length === 0 ? s : goReplace(s, args[0], args[1] ?? '', 1);
    case '//':
      return args.length === 0 ? s : goReplace(s, args[0], args[1] ?? '', -1);
  }
  return s === '' && args.length > 0 ? args.join('') : s;
}

function firstRune(s: string, f: (c: string) => string): string {
  if (s === '') return s;
  const first = String.fromCodePoint(s.codePointAt(0)!);
  const mapped = f(first);
  // unicode.ToUpper/ToLower map one rune to one rune; a special case that would grow the string keeps it.
  return ([...mapped].length === 1 ? mapped : first) + s.slice(first.length);
}

function reverse(s: string): string {
  return [...s].reverse().join('');
}

/** strconv.Atoi: an optional sign and decimal digits, within int64. */
function atoi(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  return Math.abs(n) <= Number.MAX_SAFE_INTEGER ? n : undefined;
}

/** toSubstr, on UTF-8 bytes as Go slices strings. */
function substr(s: string, args: string[]): string {
  if (args.length === 0) return s;
  let pos = atoi(args[0]);
  if (pos === undefined) return s;
  const b = Buffer.from(s, 'utf8');
  if (pos < 0) pos = Math.max(0, b.length + pos);
  if (args.length === 1) return pos < b.length ? b.subarray(pos).toString('utf8') : '';
  const length = atoi(args[1]);
  if (length === undefined) return s;
  if (pos + length >= b.length) return pos < b.length ? b.subarray(pos).toString('utf8') : '';
  if (length < 0) throw new TemplateEvalError(`slice bounds out of range [${pos}:${pos + length}]`);
  return b.subarray(pos, pos + length).toString('utf8');
}

/** strings.Replace: an empty `old` matches at the start and after each rune. */
function goReplace(s: string, old: string, rep: string, n: number): string {
  if (old === '') {
    const runes = [...s];
    let out = '';
    let done = 0;
    for (let i = 0; i <= runes.length; i++) {
      if (n < 0 || done < n) {
        out += rep;
        done++;
      }
      if (i < runes.length) out += runes[i];
    }
    return out;
  }
  if (n < 0) return s.split(old).join(rep);
  const i = s.indexOf(old);
  return i < 0 ? s : s.slice(0, i) + rep + s.slice(i + old.length);
}

/** trimShortest: the shortest non-empty prefix the pattern matches is removed (none: the string as it is). */
function trimShortest(s: string, pattern: string): string {
  const runes = [...s];
  let shortest: string | undefined;
  for (let i = 0; i < runes.length; i++) {
    const prefix = runes.slice(0, runes.length - i).join('');
    const m = pathMatch(pattern, prefix);
    if (m === undefined) return s;
    if (m) shortest = prefix;
  }
  return shortest ? s.slice(shortest.length) : s;
}

function trimLongest(s: string, pattern: string): string {
  const runes = [...s];
  for (let i = 0; i < runes.length; i++) {
    const prefix = runes.slice(0, runes.length - i).join('');
    const m = pathMatch(pattern, prefix);
    if (m === undefined) return s;
    if (m) return s.slice(prefix.length);
  }
  return s;
}

/**
 * The glob the trim operators use: envsubst/path/match.go, drone's copy of an older Go path.Match in which `*` and
 * `?` also match `/` (a trailing `*` matches the rest, `*` tries every skip): `*`, `?`, `[...]` classes (`^` negates,
 * ranges, backslash escapes), backslash escapes. Undefined for a malformed pattern (ErrBadPattern).
 */
export function pathMatch(pattern: string, name: string): boolean | undefined {
  let p = pattern;
  let n = name;
  pattern: while (p.length > 0) {
    const { star, chunk, rest } = scanChunk(p);
    p = rest;
    if (star && chunk === '') return true;
    const first = matchChunk(chunk, n);
    if (first !== undefined && first !== BAD && (first.length === 0 || p.length > 0)) {
      n = first;
      continue;
    }
    if (first === BAD) return undefined;
    if (star) {
      for (let i = 0; i < n.length; i++) {
        const t = matchChunk(chunk, n.slice(i + 1));
        if (t !== undefined && t !== BAD) {
          if (p.length === 0 && t.length > 0) continue;
          n = t;
          continue pattern;
        }
        if (t === BAD) return undefined;
      }
    }
    return false;
  }
  return n.length === 0;
}

const BAD: unique symbol = Symbol('bad pattern');

function scanChunk(pattern: string): { star: boolean; chunk: string; rest: string } {
  let star = false;
  while (pattern.length > 0 && pattern[0] === '*') {
    pattern = pattern.slice(1);
    star = true;
  }
  let inRange = false;
  let i = 0;
  scan: for (; i < pattern.length; i++) {
    switch (pattern[i]) {
      case '\\':
        if (i + 1 < pattern.length) i++;
        break;
      case '[':
        inRange = true;
        break;
      case ']':
        inRange = false;
        break;
      case '*':
        if (!inRange) break scan;
    }
  }
  return { star, chunk: pattern.slice(0, i), rest: pattern.slice(i) };
}

/** The rest of `s` after `chunk` matched its start; undefined if it did not; BAD for a malformed chunk. */
function matchChunk(chunk: string, s: string): string | undefined | typeof BAD {
  while (chunk.length > 0) {
    if (s.length === 0) return undefined;
    const c = chunk[0];
    if (c === '[') {
      const r = s.codePointAt(0)!;
      s = s.slice(r > 0xffff ? 2 : 1);
      chunk = chunk.slice(1);
      let notNegated = true;
      if (chunk.length > 0 && chunk[0] === '^') {
        notNegated = false;
        chunk = chunk.slice(1);
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (chunk.length > 0 && chunk[0] === ']' && nrange > 0) {
          chunk = chunk.slice(1);
          break;
        }
        const lo = getEsc(chunk);
        if (lo === BAD) return BAD;
        chunk = lo.rest;
        let hi = lo.r;
        if (chunk[0] === '-') {
          const h = getEsc(chunk.slice(1));
          if (h === BAD) return BAD;
          chunk = h.rest;
          hi = h.r;
        }
        if (lo.r <= r && r <= hi) match = true;
        nrange++;
      }
      if (match !== notNegated) return undefined;
    } else if (c === '?') {
      s = s.slice(s.codePointAt(0)! > 0xffff ? 2 : 1);
      chunk = chunk.slice(1);
    } else {
      if (c === '\\') {
        chunk = chunk.slice(1);
        if (chunk.length === 0) return BAD;
      }
      if (chunk[0] !== s[0]) return undefined;
      s = s.slice(1);
      chunk = chunk.slice(1);
    }
  }
  return s;
}

function getEsc(chunk: string): { r: number; rest: string } | typeof BAD {
  if (chunk.length === 0 || chunk[0] === '-' || chunk[0] === ']') return BAD;
  if (chunk[0] === '\\') {
    chunk = chunk.slice(1);
    if (chunk.length === 0) return BAD;
  }
  const r = chunk.codePointAt(0)!;
  const rest = chunk.slice(r > 0xffff ? 2 : 1);
  if (rest.length === 0) return BAD;
  return { r, rest };
}

// ---------------------------------------------------------------------------------------------------------------
// Strings and values of the model.

/** The variables a Kustomization's postBuild gives, as far as the linter knows them. */
export interface SubstitutionEnv {
  /** Variables and their values. */
  vars: ReadonlyMap<string, string>;
  /** Variables defined with a value the linter cannot know (a Secret's keys). */
  unknown?: ReadonlySet<string>;
  /** False when a source could not be read at all: any variable may be defined, with an unknown value. */
  complete?: boolean;
}

function envOf(env: SubstitutionEnv | Substitution | ReadonlyMap<string, string>): SubstitutionEnv {
  return env instanceof Map ? { vars: env as ReadonlyMap<string, string> } : (env as SubstitutionEnv);
}

/** Whether Flux substitutes at all: only when the Kustomization defines at least one variable (`len(vars) > 0`). */
export function substitutionActive(env: SubstitutionEnv | Substitution | ReadonlyMap<string, string>): boolean {
  const e = envOf(env);
  return e.vars.size > 0 || (e.unknown?.size ?? 0) > 0 || e.complete === false;
}

function lookupIn(e: SubstitutionEnv): (name: string) => VarValue {
  return (name) => {
    const v = e.vars.get(name);
    if (v !== undefined) return v;
    if (e.unknown?.has(name) || e.complete === false) return UNKNOWN;
    return undefined;
  };
}

/**
 * A string after substitution: what Flux makes of it, except that an expression whose value is unknown, or that
 * uses an undefined variable, stays as written (see the top of this file). A string Flux cannot parse stays as it
 * is (the Kustomization fails; substitution-invalid reports it).
 */
export function substituteString(s: string, env: SubstitutionEnv | Substitution | ReadonlyMap<string, string>): string {
  if (!s.includes('$')) return s;
  return substituteTracked(s, envOf(env)).out;
}

/** The string as Flux substitutes it, when the linter knows all of it (undefined: an expression stays as written). */
export function substituteKnown(s: string, env: SubstitutionEnv | Substitution | ReadonlyMap<string, string>): string | undefined {
  if (!s.includes('$')) return s;
  const r = substituteTracked(s, envOf(env));
  return r.kept ? undefined : r.out;
}

function substituteTracked(s: string, e: SubstitutionEnv): { out: string; kept: boolean } {
  let nodes: TemplateNode[];
  try {
    nodes = parseTemplate(s);
  } catch {
    return { out: s, kept: true };
  }
  const ctx: EvalContext = { lookup: lookupIn(e) };
  let out = '';
  let kept = false;
  for (const n of nodes) {
    if (n.type === 'text') {
      out += n.value;
      continue;
    }
    let v: string | typeof UNKNOWN;
    try {
      v = evaluate(n, ctx);
    } catch {
      v = UNKNOWN;
    }
    if (v === UNKNOWN) {
      kept = true;
      out += s.slice(n.start, n.end);
    } else out += v;
  }
  return { out, kept };
}

/** One `${...}` of a string as written, for rules. */
export interface VarUse {
  /** The variable (of an expression nested in a default, the inner one). */
  name: string;
  /** The expression as written, e.g. `${CLUSTER_DOMAIN}` or `${B}` inside `${A:-${B}}`. */
  text: string;
}

/** The expressions of a string (outermost ones), escaped ones excluded; [] when Flux cannot parse it. */
export function varUses(s: string): VarUse[] {
  if (!s.includes('${')) return [];
  let nodes: TemplateNode[];
  try {
    nodes = parseTemplate(s);
  } catch {
    return [];
  }
  return nodes.flatMap((n) => (n.type === 'func' ? [{ name: n.param, text: s.slice(n.start, n.end) }] : []));
}

/** What Flux would do wrong with one written string, given the Kustomization's variables. */
export interface TemplateCheck {
  /** Undefined variables whose empty value reaches the output (an undefined one under a default does not). */
  undefined: VarUse[];
  /** Flux cannot substitute this string: the Kustomization fails. */
  error?: { message: string; text: string };
}

export function checkTemplate(s: string, env: SubstitutionEnv | Substitution | ReadonlyMap<string, string>): TemplateCheck {
  const out: TemplateCheck = { undefined: [] };
  if (!s.includes('${')) return out;
  let nodes: TemplateNode[];
  try {
    nodes = parseTemplate(s);
  } catch (e) {
    if (!(e instanceof TemplateSyntaxError)) throw e;
    out.error = { message: e.message, text: excerpt(s, e.start) };
    return out;
  }
  const ctx: EvalContext = {
    lookup: lookupIn(envOf(env)),
    onUndefined: (n) => out.undefined.push({ name: n.param, text: s.slice(n.start, n.end) }),
  };
  for (const n of nodes) {
    if (n.type === 'text') continue;
    try {
      evaluate(n, ctx);
    } catch (e) {
      if (!(e instanceof TemplateEvalError)) throw e;
      out.error = { message: e.message, text: s.slice(n.start, n.end) };
    }
  }
  return out;
}

/** The failing expression as written: from its `${` to the first `}` (or a short piece of what follows). */
function excerpt(s: string, start: number): string {
  const close = s.indexOf('}', start);
  const end = close >= 0 && close - start <= 60 ? close + 1 : Math.min(s.length, start + 40);
  const nl = s.indexOf('\n', start);
  return s.slice(start, nl >= 0 && nl < end ? nl : end);
}

/**
 * The value with variables substituted. What substitution leaves unchanged is returned as it is, not copied: the
 * built objects share their values with the parsed documents (copy-on-write, see src/load/kustomize.ts), and most
 * objects of a Kustomization with postBuild use no variable at all. Nothing changes when Flux would not substitute
 * (no variable defined).
 */
export function substituteValue(v: unknown, env: SubstitutionEnv | Substitution | ReadonlyMap<string, string>): unknown {
  const e = envOf(env);
  if (!substitutionActive(e)) return v;
  return substituteIn(v, e);
}

function substituteIn(v: unknown, env: SubstitutionEnv): unknown {
  if (typeof v === 'string') return substituteString(v, env);
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const s = substituteIn(v[i], env);
      if (out === undefined && s !== v[i]) out = v.slice(0, i);
      out?.push(s);
    }
    return out ?? v;
  }
  if (isObject(v)) {
    // Anything but a plain object becomes one, as it always did.
    const proto = Object.getPrototypeOf(v);
    const plain = proto === Object.prototype || proto === null;
    const keys = Object.keys(v);
    let out: JsonObject | undefined = plain ? undefined : {};
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const sk = substituteString(k, env);
      const sv = substituteIn(v[k], env);
      if (out === undefined && (sk !== k || sv !== v[k])) {
        out = {};
        for (let j = 0; j < i; j++) setOwn(out, keys[j], v[keys[j]]);
      }
      if (out !== undefined) setOwn(out, sk, sv);
    }
    return out ?? v;
  }
  return v;
}

/** Sets a key as an own property: a YAML key `__proto__` is data, never the prototype. */
function setOwn(o: JsonObject, k: string, value: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
  else o[k] = value;
}

/** A name, namespace or path that holds a `${` post-build substitution left as written: nothing can be decided on it. */
export function unresolved(s: string | undefined): boolean {
  return s !== undefined && s.includes('${');
}

export function substitutionDisabled(obj: JsonObject): boolean {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const ann = isObject(meta.annotations) ? meta.annotations : {};
  const labels = isObject(meta.labels) ? meta.labels : {};
  return ann[SUBSTITUTE_ANNOTATION] === 'disabled' || labels[SUBSTITUTE_ANNOTATION] === 'disabled';
}
