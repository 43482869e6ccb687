/**
 * The YAML the Flux Operator writes and reads while it builds a ResourceSet, reproduced closely enough that a
 * template renders here into the same text and the same objects as there.
 *
 * The operator renders each `spec.resources` item as text: `sigs.k8s.io/yaml.JSONToYAML` turns the stored JSON
 * into YAML (go-yaml v2: keys sorted, two-space indent, sequences in mappings not indented, strings quoted only
 * when they would read back as something else) and the template runs over that text; `toYaml` is the same
 * encoder. The rendered text is read back by `ssautil.ReadObject(s)`, i.e. apimachinery's YAML reader
 * (documents split at `---` lines) and go-yaml v2 (YAML 1.1 scalars: `yes`/`on` are booleans, `0755` is octal,
 * timestamps stay strings). Sources: flux-operator internal/builder/resourceset.go (BuildResource,
 * BuildResourcesFromYAML, toYaml), go-yaml v2 encode.go/emitterc.go/resolve.go/sorter.go,
 * fluxcd/pkg/ssa utils ReadObjects, apimachinery util/yaml YAMLReader.
 */
import { Schema, parseAllDocuments, type Node, isMap, isSeq, isScalar, isPair, type Scalar } from 'yaml';
import type { NodePath } from '../model/types.js';
import { isObject } from '../model/objects.js';

/** Where a scalar of the input value was written in the emitted text (for mapping template errors back). */
export interface ScalarSpan {
  start: number;
  end: number;
  path: NodePath;
  /** The key of the last path segment rather than its value. */
  key: boolean;
  /** For a block scalar: the indent of its content lines. */
  indent?: number;
}

export interface Emitted {
  text: string;
  spans: ScalarSpan[];
}

const BEST_INDENT = 2;

/** go-yaml v2 `yaml.Marshal` of a JSON value (what `toYaml` and `JSONToYAML` produce). */
export function goYamlMarshal(value: unknown, withSpans = false): Emitted {
  const out = new Writer(withSpans);
  const v = jsonNormalize(value);
  if (isObject(v) && Object.keys(v).length > 0) out.map(v, 0, [], false);
  else if (Array.isArray(v) && v.length > 0) out.seq(v, 0, [], false);
  else out.scalarLine(v, BEST_INDENT, [], false);
  return { text: out.text, spans: out.spans };
}

class Writer {
  text = '';
  spans: ScalarSpan[] = [];
  constructor(private readonly withSpans: boolean) {}

  map(obj: Record<string, unknown>, indent: number, path: NodePath, inline: boolean): void {
    const keys = Object.keys(obj).sort(goYamlKeyCompare);
    keys.forEach((k, i) => {
      if (i > 0 || !inline) this.text += ' '.repeat(indent);
      const v = obj[k];
      const keyPath = [...path, k];
      if (utf8Length(k) > 128) {
        // go-yaml writes a key too long to be a simple key as an explicit `? key` / `: value` pair.
        this.text += '? ';
        this.scalar(k, indent + BEST_INDENT, keyPath, true, false);
        this.text += '\n' + ' '.repeat(indent) + ':';
      } else {
        this.scalar(k, indent + BEST_INDENT, keyPath, true, true);
        this.text += ':';
      }
      this.value(v, indent, keyPath, true);
    });
  }

  seq(arr: unknown[], indent: number, path: NodePath, inline: boolean): void {
    arr.forEach((v, i) => {
      if (i > 0 || !inline) this.text += ' '.repeat(indent);
      this.text += '-';
      this.value(v, indent, [...path, i], false);
    });
  }

  /** A value after `key:` or `-`. `indent` is the indent of the key or dash. */
  private value(v: unknown, indent: number, path: NodePath, inMapping: boolean): void {
    if (isObject(v) && Object.keys(v).length > 0) {
      if (inMapping) {
        this.text += '\n';
        this.map(v, indent + BEST_INDENT, path, false);
      } else {
        this.text += ' ';
        this.map(v, indent + BEST_INDENT, path, true);
      }
    } else if (Array.isArray(v) && v.length > 0) {
      if (inMapping) {
        // go-yaml v2 writes a sequence in a mapping at the key's indent ("indentless").
        this.text += '\n';
        this.seq(v, indent, path, false);
      } else {
        this.text += ' ';
        this.seq(v, indent + BEST_INDENT, path, true);
      }
    } else {
      this.text += ' ';
      this.scalarLine(v, indent + BEST_INDENT, path, false);
    }
  }

  /** A scalar (or empty collection) and the line break after it. */
  scalarLine(v: unknown, contentIndent: number, path: NodePath, key: boolean): void {
    if (isObject(v)) this.text += '{}';
    else if (Array.isArray(v)) this.text += '[]';
    else this.scalar(v, contentIndent, path, key, false);
    if (!this.text.endsWith('\n')) this.text += '\n';
  }

  private scalar(v: unknown, contentIndent: number, path: NodePath, key: boolean, simpleKey: boolean): void {
    const start = this.text.length;
    this.text += scalarText(v, contentIndent, simpleKey);
    if (this.withSpans && typeof v === 'string') {
      const block = this.text[start] === '|';
      this.spans.push({ start, end: this.text.length, path, key, ...(block ? { indent: contentIndent } : {}) });
    }
  }
}

function scalarText(v: unknown, contentIndent: number, simpleKey: boolean): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return yamlNumber(v);
  return stringScalar(String(v), contentIndent, simpleKey);
}

function yamlNumber(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  // JSON has no integer/float distinction; go-yaml reads an integral JSON number back as an int.
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  return goFormatFloat(n, 'g');
}

type Style = 'plain' | 'single' | 'double' | 'literal';

/** go-yaml v2 encoder.stringv + yaml_emitter_select_scalar_style. */
export function stringScalar(s: string, contentIndent: number, simpleKey: boolean): string {
  const a = analyzeScalar(s);
  let style: Style;
  if (s.includes('\n')) style = 'literal';
  else if (resolvesAsString(s) && !isBase60Float(s)) style = 'plain';
  else style = 'double';
  if (simpleKey && a.multiline) style = 'double';
  if (style === 'plain') {
    if (!a.blockPlainAllowed) style = 'single';
    else if (s.length === 0 && simpleKey) style = 'single';
  }
  if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
  if (style === 'literal' && (!a.blockAllowed || simpleKey)) style = 'double';
  switch (style) {
    case 'plain':
      return s;
    case 'single':
      return "'" + s.replace(/'/g, "''") + "'";
    case 'double':
      return doubleQuoted(s);
    case 'literal':
      return literal(s, contentIndent);
  }
}

interface Analysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

function isBreak(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
}
function isBlank(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09;
}
function isPrintable(c: number): boolean {
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

/** yaml_emitter_analyze_scalar, for the block context (the emitter never writes flow collections here). */
function analyzeScalar(s: string): Analysis {
  const cps = Array.from(s, (ch) => ch.codePointAt(0)!);
  if (cps.length === 0) return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  let blockIndicators = s.startsWith('---') || s.startsWith('...');
  let specialCharacters = false;
  let lineBreaks = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i];
    const followedByWhitespace = i + 1 >= cps.length || isBlank(cps[i + 1]);
    const ch = String.fromCodePoint(c);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      else if ((ch === '?' || ch === ':') && followedByWhitespace) blockIndicators = true;
      else if (ch === '-' && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWhitespace) blockIndicators = true;
      else if (ch === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (!isPrintable(c)) specialCharacters = true;
    if (isBreak(c)) lineBreaks = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === cps.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      if (i === 0) leadingBreak = true;
      if (i === cps.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousBreak = true;
      previousSpace = false;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlank(c) || isBreak(c);
  }
  let blockPlainAllowed = true;
  let singleQuotedAllowed = true;
  let blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlainAllowed = false;
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) blockPlainAllowed = singleQuotedAllowed = false;
  if (spaceBreak || specialCharacters) blockPlainAllowed = singleQuotedAllowed = blockAllowed = false;
  if (lineBreaks) blockPlainAllowed = false;
  if (blockIndicators) blockPlainAllowed = false;
  return { multiline: lineBreaks, blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}

function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (!isPrintable(c) || c === 0xfeff || isBreak(c) || ch === '"' || ch === '\\') {
      out += '\\';
      switch (c) {
        case 0x00: out += '0'; break;
        case 0x07: out += 'a'; break;
        case 0x08: out += 'b'; break;
        case 0x09: out += 't'; break;
        case 0x0a: out += 'n'; break;
        case 0x0b: out += 'v'; break;
        case 0x0c: out += 'f'; break;
        case 0x0d: out += 'r'; break;
        case 0x1b: out += 'e'; break;
        case 0x22: out += '"'; break;
        case 0x5c: out += '\\'; break;
        case 0x85: out += 'N'; break;
        case 0xa0: out += '_'; break;
        case 0x2028: out += 'L'; break;
        case 0x2029: out += 'P'; break;
        default:
          if (c <= 0xff) out += 'x' + c.toString(16).toUpperCase().padStart(2, '0');
          else if (c <= 0xffff) out += 'u' + c.toString(16).toUpperCase().padStart(4, '0');
          else out += 'U' + c.toString(16).toUpperCase().padStart(8, '0');
      }
    } else out += ch;
  }
  return out + '"';
}

/** yaml_emitter_write_literal_scalar with its block scalar hints; the text ends with its last line break. */
function literal(s: string, contentIndent: number): string {
  let head = '|';
  const first = s.codePointAt(0)!;
  if (first === 0x20 || isBreak(first)) head += String(BEST_INDENT);
  const cps = Array.from(s, (ch) => ch.codePointAt(0)!);
  const last = cps.length - 1;
  if (!isBreak(cps[last])) head += '-';
  else if (last === 0 || isBreak(cps[last - 1])) head += '+';
  let body = '';
  let breaks = true;
  for (const ch of s) {
    if (isBreak(ch.codePointAt(0)!)) {
      body += '\n';
      breaks = true;
    } else {
      if (breaks) body += ' '.repeat(contentIndent);
      body += ch;
      breaks = false;
    }
  }
  if (!body.endsWith('\n')) body += '\n';
  return head + '\n' + body;
}

const RESOLVE_MAP = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
  '<<',
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

function isBase60Float(s: string): boolean {
  return s !== '' && /^[-+0-9]/.test(s) && BASE60_FLOAT.test(s);
}

/** go-yaml v2 resolve(""): does a plain scalar with this text read back as a string? */
export function resolvesAsString(s: string): boolean {
  if (RESOLVE_MAP.has(s)) return false;
  const c = s[0];
  if (c === '.') return !goParseFloatOk(s);
  if (c === '+' || c === '-' || (c >= '0' && c <= '9')) {
    if (isTimestamp(s)) return false;
    const plain = s.replace(/_/g, '');
    if (goParseIntOk(plain)) return false;
    if (YAML_STYLE_FLOAT.test(plain)) return false;
    if (/^-?0b[01]+$/.test(plain)) return false;
  }
  return true;
}

/** strconv.ParseInt(s, 0, 64) / ParseUint succeeds (base prefixes 0x, 0o, 0b, legacy leading-0 octal). */
function goParseIntOk(s: string): boolean {
  return /^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]*|0[bB][01]+|[1-9][0-9]*)$/.test(s);
}

function goParseFloatOk(s: string): boolean {
  return /^[-+]?(\.[0-9]+|[0-9]+\.?[0-9]*)([eE][-+]?[0-9]+)?$/.test(s) || /^[-+]?(inf|infinity|nan)$/i.test(s);
}

/** go-yaml v2 parseTimestamp: four digits, a dash, then one of its accepted layouts. */
function isTimestamp(s: string): boolean {
  return /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt]| +)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?(Z|[-+][0-9]{1,2}(:[0-9]{2})?)?)?$/.test(
    s,
  );
}

/** go-yaml v2 keyList.Less: letters after other characters, digit runs compared as numbers. */
export function goYamlKeyCompare(a: string, b: string): number {
  const ar = Array.from(a);
  const br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i].codePointAt(0)! < br[i].codePointAt(0)! ? -1 : 1;
    if (al || bl) return bl ? -1 : 1;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn ? -1 : 1;
    if (ai !== bi) return ai < bi ? -1 : 1;
    return ar[i].codePointAt(0)! < br[i].codePointAt(0)! ? -1 : 1;
  }
  return ar.length - br.length;
}

function isLetter(ch: string): boolean {
  return /\p{L}/u.test(ch);
}
function isDigit(ch: string): boolean {
  return /\p{Nd}/u.test(ch);
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** strconv.FormatFloat(f, 'g' or 'e', -1, 64): the shortest digits, in Go's layout. */
export function goFormatFloat(f: number, verb: 'g' | 'e'): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, expText] = f.toExponential().split('e');
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace(/^-/, '').replace('.', '');
  const sign = neg ? '-' : '';
  const eForm = () => {
    const m = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const e = Math.abs(exp);
    return sign + m + 'e' + (exp < 0 ? '-' : '+') + (e < 10 ? '0' + e : String(e));
  };
  // %g with the shortest precision switches to %e when the exponent is < -4 or >= 6 (strconv ftoa.go).
  if (verb === 'e' || exp < -4 || exp >= 6) return eForm();
  if (exp < 0) return sign + '0.' + '0'.repeat(-exp - 1) + digits;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return sign + digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
}

/** What JSON gives back: `undefined` members dropped, non-JSON values stringified like JSON would. */
function jsonNormalize(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function' && !Array.isArray(v)) {
    return jsonNormalize((v as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : jsonNormalize(x)));
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      if (v[k] === undefined) continue;
      setOwn(out, k, jsonNormalize(v[k]));
    }
    return out;
  }
  return v;
}

export function setOwn(o: Record<string, unknown>, k: string, value: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
  else o[k] = value;
}

/** One document of rendered YAML, as the operator's reader gives it back. */
export interface ReadDocument {
  /** JSON value; null for an empty document (dropped by the operator). */
  value: unknown;
  /** Offset of the document's first character in the text. */
  start: number;
  /** Offset just past the document's last character. */
  end: number;
  /** The parsed document, for positions inside it (offsets relative to `start`). */
  contents: Node | null;
}

export interface ReadError {
  message: string;
  offset: number;
}

/**
 * apimachinery YAMLReader + go-yaml v2: documents are split at lines starting with `---` (only blanks or a
 * comment may follow it on the line), each read as YAML 1.1 with go-yaml's scalar rules.
 */
export function readYamlDocuments(text: string): { docs: ReadDocument[]; error?: ReadError } {
  const docs: ReadDocument[] = [];
  let chunkStart = 0;
  let pos = 0;
  const flush = (end: number): ReadError | undefined => {
    if (end > chunkStart) {
      const r = readChunk(text.slice(chunkStart, end), chunkStart, end);
      if ('message' in r) return r;
      docs.push(r);
    }
    return undefined;
  };
  while (pos <= text.length) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl < 0 ? text.length : nl + 1;
    const line = text.slice(pos, lineEnd);
    if (line.startsWith('---')) {
      const rest = line.slice(3).trim();
      if (rest.length > 0 && rest[0] !== '#') return { docs, error: { message: `invalid Yaml document separator: ${rest}`, offset: pos } };
      const err = flush(pos);
      if (err) return { docs, error: err };
      chunkStart = lineEnd;
    }
    if (nl < 0) break;
    pos = lineEnd;
  }
  const err = flush(text.length);
  return err ? { docs, error: err } : { docs };
}

/** YAML 1.1 as go-yaml v2 reads it into interface{}: timestamps stay strings, base-60 numbers are not read. */
const GO_YAML_SCHEMA = new Schema({
  schema: 'yaml-1.1',
  merge: true,
  customTags: (tags) =>
    tags.filter((t) => {
      const tag = t as { tag?: string; format?: string };
      return typeof t !== 'string' && tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.format !== 'TIME';
    }),
});

function parseChunk(chunk: string) {
  const all = parseAllDocuments(chunk, { version: '1.1', schema: GO_YAML_SCHEMA, uniqueKeys: false, merge: true, prettyErrors: false });
  return (Array.isArray(all) ? all : [all])[0];
}

function readChunk(chunk: string, offset: number, end: number): ReadDocument | ReadError {
  const doc = parseChunk(chunk);
  if (!doc) return { value: null, start: offset, end, contents: null };
  const e = doc.errors[0];
  if (e) return { message: `error converting YAML to JSON: ${e.message.split('\n')[0]}`, offset: offset + e.pos[0] };
  let value: unknown;
  try {
    value = toJson(doc.toJS({ maxAliasCount: 1000 }));
  } catch (err) {
    return { message: `error converting YAML to JSON: ${(err as Error).message}`, offset };
  }
  return { value: value === undefined ? null : value, start: offset, end, contents: (doc.contents as Node | null) ?? null };
}

/** The node ranges of one document of `text` (between `start` and `end`), parsed again: offsets relative to `start`. */
export function documentNodeRanges(text: string, start: number, end: number): NodeRange[] {
  const doc = parseChunk(text.slice(start, end));
  return doc ? nodeRanges((doc.contents as Node | null) ?? null) : [];
}

/** sigs.k8s.io/yaml yamlToJSON: keys become strings, values keep their types. */
function toJson(v: unknown): unknown {
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v) setOwn(out, k === null ? 'null' : String(k), toJson(x));
    return out;
  }
  if (v instanceof Set) return Object.fromEntries([...v].map((k) => [String(k), null]));
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (typeof v === 'bigint') return Number(v);
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) setOwn(out, k, toJson(v[k]));
    return out;
  }
  return v;
}

/** Every node of a parsed document with its path and its offset range (relative to the document's text). */
export interface NodeRange {
  path: NodePath;
  /** The key of the last path segment rather than its value. */
  key: boolean;
  /** A mapping or sequence (whose range starts at its first item, not at its key). */
  collection: boolean;
  start: number;
  end: number;
}

export function nodeRanges(contents: Node | null): NodeRange[] {
  const out: NodeRange[] = [];
  const walk = (node: Node | null, path: NodePath, depth: number): void => {
    if (!node || depth > 256) return;
    if (node.range) out.push({ path, key: false, collection: isMap(node) || isSeq(node), start: node.range[0], end: node.range[1] });
    if (isMap(node)) {
      for (const p of node.items) {
        if (!isPair(p)) continue;
        const k = p.key as Node | null;
        const name = isScalar(k) ? String((k as Scalar).value) : undefined;
        if (name === undefined) continue;
        if (k?.range) out.push({ path: [...path, name], key: true, collection: false, start: k.range[0], end: k.range[1] });
        walk(p.value as Node | null, [...path, name], depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item as Node | null, [...path, i], depth + 1));
    }
  };
  walk(contents, [], 0);
  return out;
}
